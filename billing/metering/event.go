package metering

import (
	"errors"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// Event is one usage record sent by a product service: so much of a metric
// was used by a resource of an account at a time. ID makes it idempotent: a
// store records each id once, and Aggregate counts each id once, so a
// retried event is counted exactly once.
//
// How a unique-count event carries its value: the counted thing (a user id,
// an image digest, an IP address) is Value, 1 to MaxValueLen bytes of valid
// UTF-8 without control characters; its Quantity is not used and may be
// zero. Events of every other aggregation must leave Value empty.
type Event struct {
	// ID is the sender's idempotency key for this record: 1 to
	// Policy.MaxIDLen bytes of valid UTF-8 without control characters.
	// Its scope is the account: two events of one account, whatever
	// their resources, must not share an id (an hour stamp alone is not
	// an id; prefix it with the resource). A stored id sent again with
	// the same resource, metric, time (to the microsecond), quantity and
	// value is a duplicate; with any of them different it is refused
	// with ReasonIDConflict.
	ID string `json:"id"`
	// AccountID and ResourceID locate the usage; both required, at most
	// MaxMetricLen bytes each.
	AccountID  string `json:"account_id"`
	ResourceID string `json:"resource_id"`
	// Metric names a declared Item.
	Metric string `json:"metric"`
	// Quantity is how much was used, 0 ≤ Quantity ≤ MaxQuantity() with at
	// most MaxQuantityPlaces decimal places; whatever its value (zero
	// included) it is written with an exponent from -1,000 to 15, so that
	// 0E-100000 is refused (ReasonQuantityOutOfRange) rather than stored
	// differently by different stores.
	Quantity decimal.Decimal `json:"quantity"`
	// Value is the counted value of a unique-count event; empty otherwise.
	Value string `json:"value,omitempty"`
	// At is when the usage happened; required, and not later than now plus
	// the policy's FutureTolerance when checked.
	At time.Time `json:"at"`
}

// Check returns nil when ev can be recorded at now, otherwise an
// *EventError (Index -1) with the first broken rule, checked in this order:
// id (ReasonEmptyID, ReasonIDTooLong, ReasonInvalidText), account and
// resource (ReasonMissingField, ReasonInvalidText), metric
// (ReasonMissingField, ReasonUnknownMetric), quantity
// (ReasonNegativeQuantity, ReasonQuantityOutOfRange), value
// (ReasonMissingField for a unique-count event without one,
// ReasonUnexpectedValue for another event with one), time
// (ReasonMissingField for the zero time, ReasonFuture beyond now +
// FutureTolerance).
func (m Meter) Check(ev Event, now time.Time) error {
	if err := m.checkShape(ev); err != nil {
		return err
	}
	if limit := now.Add(m.Policy().FutureTolerance); ev.At.After(limit) {
		return &EventError{Index: -1, EventID: ev.ID, Reason: ReasonFuture, Field: "At",
			Detail: ev.At.Format(time.RFC3339Nano) + " is after " + limit.Format(time.RFC3339Nano)}
	}
	return nil
}

// Partition checks every event of a batch with Check at now and returns the
// acceptable ones, in their order, and one *EventError per refused event
// with Index set to its position in events. A refused event never stops the
// rest of the batch. Duplicate ids inside the batch are left to the store's
// idempotency (and Aggregate counts an id once).
func (m Meter) Partition(events []Event, now time.Time) (accepted []Event, refused []*EventError) {
	for i, ev := range events {
		if err := m.Check(ev, now); err != nil {
			e := asEventError(err)
			e.Index = i
			refused = append(refused, e)
			continue
		}
		accepted = append(accepted, ev)
	}
	return accepted, refused
}

// asEventError returns err as an *EventError; Check and checkShape return
// nothing else, but a wrapper keeps a future change from panicking here.
func asEventError(err error) *EventError {
	var e *EventError
	if errors.As(err, &e) {
		return e
	}
	return &EventError{Index: -1, Reason: ReasonMissingField, Detail: err.Error()}
}

// checkShape is Check without the clock: every rule but the future one.
func (m Meter) checkShape(ev Event) error {
	bad := func(r Reason, field, detail string) error {
		return &EventError{Index: -1, EventID: ev.ID, Reason: r, Field: field, Detail: detail}
	}
	maxID := m.Policy().MaxIDLen
	switch {
	case ev.ID == "":
		return bad(ReasonEmptyID, "ID", "is empty")
	case len(ev.ID) > maxID:
		return bad(ReasonIDTooLong, "ID", "is "+strconv.Itoa(len(ev.ID))+" bytes, at most "+strconv.Itoa(maxID))
	}
	if p := textProblem(ev.ID, maxID); p != "" {
		return bad(ReasonInvalidText, "ID", p)
	}
	for _, f := range []struct{ name, v string }{{"AccountID", ev.AccountID}, {"ResourceID", ev.ResourceID}, {"Metric", ev.Metric}} {
		if f.v == "" {
			return bad(ReasonMissingField, f.name, "is empty")
		}
		if p := textProblem(f.v, MaxMetricLen); p != "" {
			return bad(ReasonInvalidText, f.name, p)
		}
	}
	it, ok := m.Item(ev.Metric)
	if !ok {
		return bad(ReasonUnknownMetric, "Metric", strconv.Quote(clip(ev.Metric))+" is not declared")
	}
	if p := quantityProblem(ev.Quantity); p != "" {
		r := ReasonQuantityOutOfRange
		if ev.Quantity.IsNegative() {
			r = ReasonNegativeQuantity
		}
		return bad(r, "Quantity", p)
	}
	if it.Aggregation == AggUniqueCount {
		if ev.Value == "" {
			return bad(ReasonMissingField, "Value", "is empty on a unique-count event")
		}
		if p := textProblem(ev.Value, MaxValueLen); p != "" {
			return bad(ReasonInvalidText, "Value", p)
		}
	} else if ev.Value != "" {
		return bad(ReasonUnexpectedValue, "Value", "is set on a "+it.Aggregation.String()+" event")
	}
	if ev.At.IsZero() {
		return bad(ReasonMissingField, "At", "is the zero time")
	}
	return nil
}

// minQuantityExponent is the lowest exponent a quantity may be written
// with, zero included: 1,000 decimal places as written (trailing zeros
// count), far within PostgreSQL's numeric scale of 16,383, so that every
// store keeps an accepted quantity as given.
const minQuantityExponent = -1000

// quantityProblem returns why q is not a quantity one event may carry, or
// "". The exponent is checked first, so a hostile exponent never reaches
// the arithmetic.
func quantityProblem(q decimal.Decimal) string {
	e := q.Exponent()
	switch {
	case e < minQuantityExponent:
		// Even a zero: 0E-100000 is a value no store can keep alike.
		return "has exponent " + strconv.Itoa(int(e)) + ", below " + strconv.Itoa(minQuantityExponent)
	case e > 15 && q.IsZero():
		return "has exponent " + strconv.Itoa(int(e)) + ", above 15"
	case q.IsZero():
		return ""
	case q.IsNegative():
		return safeDecimal(q) + " is negative"
	case e > 15:
		return safeDecimal(q) + " is above 10^15"
	case e < -MaxQuantityPlaces && !q.Equal(q.Truncate(MaxQuantityPlaces)):
		return "has more than 18 decimal places"
	case q.GreaterThan(MaxQuantity()):
		return safeDecimal(q) + " is above 10^15"
	}
	return ""
}

// textProblem returns why s is not acceptable text of 1..max bytes (valid
// UTF-8, no control characters), or "".
func textProblem(s string, max int) string {
	switch {
	case s == "":
		return "is empty"
	case len(s) > max:
		return "is longer than " + strconv.Itoa(max) + " bytes"
	case !utf8.ValidString(s):
		return "is not valid UTF-8"
	}
	for i, r := range s {
		if unicode.IsControl(r) {
			return "has a control character at byte " + strconv.Itoa(i)
		}
	}
	return ""
}

// safeDecimal formats d for a message without building huge text for a
// hostile exponent.
func safeDecimal(d decimal.Decimal) string {
	if e := d.Exponent(); e > 40 || e < -40 {
		return d.Coefficient().String() + "e" + strconv.Itoa(int(e))
	}
	return d.String()
}
