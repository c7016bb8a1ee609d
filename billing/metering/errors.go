package metering

import (
	"errors"
	"fmt"
	"strconv"
)

// Sentinel errors. Every error this package returns matches one of them with
// errors.Is; the typed errors below carry the details for errors.As. They
// may be stored or sent to clients, so their meanings never change; new
// conditions are only ever added.
var (
	// ErrInvalidItem: a metered item declaration breaks a rule. See
	// *ItemError.
	ErrInvalidItem = errors.New("metering: invalid metered item")

	// ErrInvalidEvent: a usage event was refused. Every *EventError matches
	// it, and also the sentinel of its Reason (ErrNegativeQuantity, …).
	ErrInvalidEvent = errors.New("metering: invalid usage event")

	// ErrNegativeQuantity: a usage event's quantity is below zero.
	ErrNegativeQuantity = errors.New("metering: negative quantity")

	// ErrQuantityOutOfRange: a usage event's quantity is above MaxQuantity
	// or has more than MaxQuantityPlaces decimal places.
	ErrQuantityOutOfRange = errors.New("metering: quantity out of range")

	// ErrUnknownMetric: a usage event names a metric no item declares.
	ErrUnknownMetric = errors.New("metering: unknown metric")

	// ErrFutureEvent: a usage event is later than now plus the tolerance.
	ErrFutureEvent = errors.New("metering: event time is in the future")

	// ErrInvalidEventID: a usage event's id is empty or longer than the
	// policy allows.
	ErrInvalidEventID = errors.New("metering: invalid event id")

	// ErrInvalidText: an id, metric or value is not valid UTF-8 or contains
	// control characters.
	ErrInvalidText = errors.New("metering: invalid text")

	// ErrMissingField: a required field (account, resource, metric, time,
	// or the value of a unique-count event) is empty.
	ErrMissingField = errors.New("metering: missing field")

	// ErrUnexpectedValue: an event of a metric that is not unique-count
	// carries a Value.
	ErrUnexpectedValue = errors.New("metering: value on an event that is not unique-count")

	// ErrAggregateOutOfRange: a usage event would push its resource's
	// aggregate of a metric in a month past what one bill line accepts
	// (a billed quantity above MaxQuantity, or an amount above
	// MaxLineAmountMinor minor units). See Meter.CheckAggregate.
	ErrAggregateOutOfRange = errors.New("metering: aggregate out of range")

	// ErrEventIDConflict: a usage event reuses the id of a stored event (or
	// of an earlier event of its batch) with other content: another
	// resource, metric, time, quantity or value.
	ErrEventIDConflict = errors.New("metering: event id reused with other content")

	// ErrInvalidPolicy: a Policy or HoldPolicy breaks a rule. See
	// *PolicyError.
	ErrInvalidPolicy = errors.New("metering: invalid policy")

	// ErrInvalidArgument: an amount, span or count given to a function is
	// unusable (no currency, another currency, negative, not whole minor
	// units). See *ArgumentError.
	ErrInvalidArgument = errors.New("metering: invalid argument")
)

// Reason names why a usage event was refused. The names are stable: hosts
// store them and show them to the sender of the event.
type Reason string

// The reasons an event is refused, each matching the sentinel of the same
// meaning through *EventError.
const (
	ReasonNegativeQuantity   Reason = "negative_quantity"     // ErrNegativeQuantity
	ReasonQuantityOutOfRange Reason = "quantity_out_of_range" // ErrQuantityOutOfRange
	ReasonUnknownMetric      Reason = "unknown_metric"        // ErrUnknownMetric
	ReasonFuture             Reason = "future"                // ErrFutureEvent
	ReasonEmptyID            Reason = "empty_id"              // ErrInvalidEventID
	ReasonIDTooLong          Reason = "id_too_long"           // ErrInvalidEventID
	ReasonInvalidText        Reason = "invalid_text"          // ErrInvalidText
	ReasonMissingField       Reason = "missing_field"         // ErrMissingField
	ReasonUnexpectedValue    Reason = "unexpected_value"      // ErrUnexpectedValue
	// ReasonAggregateOutOfRange: with this event, its resource's month
	// aggregate of the metric would not fit one bill line
	// (Meter.CheckAggregate); the month's other usage stays billable.
	ReasonAggregateOutOfRange Reason = "aggregate_out_of_range" // ErrAggregateOutOfRange
	// ReasonIDConflict: the event's id is its account's id of another
	// event (stored, or earlier in the batch) with other content; an
	// exact retry is a duplicate instead.
	ReasonIDConflict Reason = "id_conflict" // ErrEventIDConflict
)

// sentinel returns the sentinel error of r, or nil for an unknown reason.
func (r Reason) sentinel() error {
	switch r {
	case ReasonNegativeQuantity:
		return ErrNegativeQuantity
	case ReasonQuantityOutOfRange:
		return ErrQuantityOutOfRange
	case ReasonUnknownMetric:
		return ErrUnknownMetric
	case ReasonFuture:
		return ErrFutureEvent
	case ReasonEmptyID, ReasonIDTooLong:
		return ErrInvalidEventID
	case ReasonInvalidText:
		return ErrInvalidText
	case ReasonMissingField:
		return ErrMissingField
	case ReasonUnexpectedValue:
		return ErrUnexpectedValue
	case ReasonAggregateOutOfRange:
		return ErrAggregateOutOfRange
	case ReasonIDConflict:
		return ErrEventIDConflict
	}
	return nil
}

// EventError says why one usage event was refused. It matches
// ErrInvalidEvent and the sentinel of its Reason with errors.Is.
type EventError struct {
	// Index is the event's position in the batch it came in, from 0; -1
	// when a single event was checked.
	Index int `json:"index"`
	// EventID is the event's id as given (shortened when long).
	EventID string `json:"event_id"`
	// Reason is the stable name of the broken rule.
	Reason Reason `json:"reason"`
	// Field is the event field at fault ("Quantity", "At", …).
	Field string `json:"field,omitempty"`
	// Detail says more, for people.
	Detail string `json:"detail,omitempty"`
}

// Error names the event, the field and the rule.
func (e *EventError) Error() string {
	where := ""
	if e.Index >= 0 {
		where = " " + strconv.Itoa(e.Index)
	}
	return fmt.Sprintf("metering: usage event%s %q refused: %s: %s %s", where, clip(e.EventID), e.Reason, e.Field, e.Detail)
}

// Is matches ErrInvalidEvent and the sentinel of e.Reason.
func (e *EventError) Is(target error) bool {
	return target == ErrInvalidEvent || (target != nil && target == e.Reason.sentinel())
}

// ItemError says why a metered item declaration was refused. It matches
// ErrInvalidItem and, through Err, a cause from another package when there
// is one.
type ItemError struct {
	// Metric is the item's metric as given.
	Metric string
	// Field is the item field at fault.
	Field string
	// Reason is the broken rule.
	Reason string
	// Err is the underlying cause, if any.
	Err error
}

// Error names the item, the field and the rule.
func (e *ItemError) Error() string {
	msg := fmt.Sprintf("metering: invalid item %q: %s %s", clip(e.Metric), e.Field, e.Reason)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Is makes an *ItemError match ErrInvalidItem.
func (e *ItemError) Is(target error) bool { return target == ErrInvalidItem }

// Unwrap returns the underlying cause, or nil.
func (e *ItemError) Unwrap() error { return e.Err }

// PolicyError says which rule a Policy or HoldPolicy breaks. It matches
// ErrInvalidPolicy.
type PolicyError struct {
	// Field is the policy field at fault.
	Field string
	// Reason is the broken rule.
	Reason string
}

// Error names the field and the rule.
func (e *PolicyError) Error() string {
	return fmt.Sprintf("metering: invalid policy: %s %s", e.Field, e.Reason)
}

// Is makes a *PolicyError match ErrInvalidPolicy.
func (e *PolicyError) Is(target error) bool { return target == ErrInvalidPolicy }

// ArgumentError names an argument and the rule it broke. It matches
// ErrInvalidArgument and, through Err, a money error when there is one
// (money.ErrCurrencyMismatch, money.ErrNotRounded).
type ArgumentError struct {
	// Name is the argument or field.
	Name string
	// Reason is the broken rule.
	Reason string
	// Err is the underlying cause, if any.
	Err error
}

// Error names the argument and the rule.
func (e *ArgumentError) Error() string {
	msg := fmt.Sprintf("metering: invalid %s: %s", e.Name, e.Reason)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Is makes an *ArgumentError match ErrInvalidArgument.
func (e *ArgumentError) Is(target error) bool { return target == ErrInvalidArgument }

// Unwrap returns the underlying cause, or nil.
func (e *ArgumentError) Unwrap() error { return e.Err }

// clip shortens s for error messages so that hostile input cannot flood
// logs; callers quote the result with %q.
func clip(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
