package payment

import (
	"strconv"

	"github.com/cloudbill/cloudbill/billing/fsm"
)

// Status is where a payment is in its life. The names are stored, so they
// never change; new statuses are only ever added. The state lives in the
// host's store; this package only says which changes are legal (Next).
type Status string

// The statuses of a payment.
const (
	// StatusCreated: recorded, nothing sent to a gateway yet.
	StatusCreated Status = "created"
	// StatusPending: submitted to a gateway; waiting for its callback.
	StatusPending Status = "pending"
	// StatusSucceeded: paid in full.
	StatusSucceeded Status = "succeeded"
	// StatusFailed: the gateway or the payer refused it. Terminal.
	StatusFailed Status = "failed"
	// StatusCanceled: abandoned before it was paid. Terminal.
	StatusCanceled Status = "canceled"
	// StatusExpired: not paid in time. Terminal.
	StatusExpired Status = "expired"
	// StatusPartiallyRefunded: paid, and part of it refunded to credit.
	StatusPartiallyRefunded Status = "partially_refunded"
	// StatusRefunded: paid, and all of it refunded to credit. Terminal.
	StatusRefunded Status = "refunded"
)

// Statuses returns every status, in the order of the life of a payment.
func Statuses() []Status {
	return []Status{StatusCreated, StatusPending, StatusSucceeded, StatusFailed,
		StatusCanceled, StatusExpired, StatusPartiallyRefunded, StatusRefunded}
}

// Valid reports whether s is one of the statuses above.
func (s Status) Valid() bool {
	for _, v := range Statuses() {
		if s == v {
			return true
		}
	}
	return false
}

// Terminal reports whether no event can move a payment out of s: failed,
// canceled, expired and refunded. Succeeded and partially refunded are not
// terminal, since they can still be refunded. An unknown status is not
// terminal (nor anything else).
func (s Status) Terminal() bool { return table().Terminal(s) }

// Paid reports whether the payment's money was received: succeeded,
// partially refunded or refunded.
func (s Status) Paid() bool {
	return s == StatusSucceeded || s == StatusPartiallyRefunded || s == StatusRefunded
}

// ParseStatus returns the status named s exactly, or an *ArgumentError.
func ParseStatus(s string) (Status, error) {
	if v := Status(s); v.Valid() {
		return v, nil
	}
	return "", &ArgumentError{Name: "status", Reason: "unknown status " + strconv.Quote(clip(s))}
}

// Event is something that happens to a payment. The names are stored, so
// they never change.
type Event string

// The events of a payment. A refund is two events because where it leads
// depends on the amounts; ApplyRefund picks the right one.
const (
	// EventSubmit: the payment was sent to a gateway (a redirect URL or a
	// charge of a linked account is under way).
	EventSubmit Event = "submit"
	// EventSucceed: the money was received (a gateway callback, or at once
	// for a payment wholly from credit).
	EventSucceed Event = "succeed"
	// EventFail: the gateway or the payer refused the payment.
	EventFail Event = "fail"
	// EventCancel: the payer or the host abandoned the payment.
	EventCancel Event = "cancel"
	// EventExpire: the payment was not completed in time.
	EventExpire Event = "expire"
	// EventPartialRefund: part of what is left was refunded to credit.
	EventPartialRefund Event = "partial_refund"
	// EventFullRefund: all that is left was refunded to credit.
	EventFullRefund Event = "full_refund"
)

// Events returns every event.
func Events() []Event {
	return []Event{EventSubmit, EventSucceed, EventFail, EventCancel, EventExpire,
		EventPartialRefund, EventFullRefund}
}

// Valid reports whether e is one of the events above.
func (e Event) Valid() bool {
	for _, v := range Events() {
		if e == v {
			return true
		}
	}
	return false
}

// ParseEvent returns the event named s exactly, or an *ArgumentError.
func ParseEvent(s string) (Event, error) {
	if v := Event(s); v.Valid() {
		return v, nil
	}
	return "", &ArgumentError{Name: "event", Reason: "unknown event " + strconv.Quote(clip(s))}
}

// Transition is one row of the state table: Event moves a payment in From
// to To.
type Transition = fsm.Transition[Status, Event]

// transitionTable is the state table. It is a function returning an array,
// not a variable, so that it cannot be changed at run time.
//
// Created goes straight to succeeded for payments wholly from credit, which
// settle within the host's transaction with no gateway. A success reported
// for a payment already failed, canceled or expired is illegal: the host
// must not revive it, and records any money actually received as a top-up
// of cash credit instead, so nothing is lost and nothing is paid twice.
// Submitting a pending payment again is not a row either: retrying the
// gateway call with the same payment ID needs no change of status.
func transitionTable() [13]Transition {
	return [...]Transition{
		{From: StatusCreated, Event: EventSubmit, To: StatusPending},
		{From: StatusCreated, Event: EventSucceed, To: StatusSucceeded},
		{From: StatusCreated, Event: EventFail, To: StatusFailed},
		{From: StatusCreated, Event: EventCancel, To: StatusCanceled},
		{From: StatusCreated, Event: EventExpire, To: StatusExpired},
		{From: StatusPending, Event: EventSucceed, To: StatusSucceeded},
		{From: StatusPending, Event: EventFail, To: StatusFailed},
		{From: StatusPending, Event: EventCancel, To: StatusCanceled},
		{From: StatusPending, Event: EventExpire, To: StatusExpired},
		{From: StatusSucceeded, Event: EventPartialRefund, To: StatusPartiallyRefunded},
		{From: StatusSucceeded, Event: EventFullRefund, To: StatusRefunded},
		{From: StatusPartiallyRefunded, Event: EventPartialRefund, To: StatusPartiallyRefunded},
		{From: StatusPartiallyRefunded, Event: EventFullRefund, To: StatusRefunded},
	}
}

// table is the state table as an fsm.Table. It is small enough to be
// inlined, so the array stays on the caller's stack and lookups do not
// allocate.
func table() fsm.Table[Status, Event] {
	t := transitionTable()
	return t[:]
}

// Transitions returns a copy of the state table, one row per legal
// (status, event) pair.
func Transitions() []Transition { return table() }

// Next returns the status that ev moves a payment in from to, by the state
// table (see the package documentation). A pair that is not in the table,
// including an unknown status or event, is a *TransitionError
// (ErrIllegalTransition) and the payment stays where it is.
func Next(from Status, ev Event) (Status, error) {
	if to, ok := table().Next(from, ev); ok {
		return to, nil
	}
	return from, &TransitionError{From: from, Event: ev}
}
