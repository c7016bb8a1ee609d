package coupon

import "github.com/cloudbill/cloudbill/billing/fsm"

// RedemptionStatus is where one redemption of a coupon is in its life. The
// state lives in the host's store; this package only says which changes are
// legal (NextRedemption). The values are stored, so they never change.
//
// A redemption is created RedemptionReserved at checkout, in the same
// transaction that checks the coupon's limits, so concurrent checkouts can
// never exceed them. It is consumed when the payment succeeds, and released
// when the payment fails or expires, or when provisioning fails and the
// order is refunded in full (which may come after the payment succeeded).
type RedemptionStatus string

// The statuses of a redemption.
const (
	// RedemptionReserved: held for an order whose payment is under way.
	// It counts against the coupon's limits. Every redemption starts here.
	RedemptionReserved RedemptionStatus = "reserved"
	// RedemptionConsumed: the order was paid. It counts against the
	// coupon's limits.
	RedemptionConsumed RedemptionStatus = "consumed"
	// RedemptionReleased: the order was not completed; the coupon may be
	// used again. It does not count. Terminal.
	RedemptionReleased RedemptionStatus = "released"
)

// RedemptionStatuses returns every status, in the order of a redemption's
// life.
func RedemptionStatuses() []RedemptionStatus {
	return []RedemptionStatus{RedemptionReserved, RedemptionConsumed, RedemptionReleased}
}

// Valid reports whether s is one of the statuses above.
func (s RedemptionStatus) Valid() bool {
	return s == RedemptionReserved || s == RedemptionConsumed || s == RedemptionReleased
}

// Counts reports whether a redemption in s counts against the coupon's
// limits (Usage): reserved and consumed ones do, released ones do not.
func (s RedemptionStatus) Counts() bool {
	return s == RedemptionReserved || s == RedemptionConsumed
}

// Terminal reports whether no event can move a redemption out of s: only
// released is. An unknown status is not terminal.
func (s RedemptionStatus) Terminal() bool { return redemptions().Terminal(s) }

// RedemptionEvent is something that happens to a redemption. The values are
// stored, so they never change.
type RedemptionEvent string

// The events of a redemption.
const (
	// RedemptionConsume: the order's payment succeeded.
	RedemptionConsume RedemptionEvent = "consume"
	// RedemptionRelease: the order's payment failed or expired, or
	// provisioning failed and the order was refunded in full.
	RedemptionRelease RedemptionEvent = "release"
)

// RedemptionEvents returns every event.
func RedemptionEvents() []RedemptionEvent {
	return []RedemptionEvent{RedemptionConsume, RedemptionRelease}
}

// Valid reports whether e is one of the events above.
func (e RedemptionEvent) Valid() bool { return e == RedemptionConsume || e == RedemptionRelease }

// RedemptionTransition is one row of the redemption state table: Event
// moves a redemption in From to To.
type RedemptionTransition = fsm.Transition[RedemptionStatus, RedemptionEvent]

// redemptionTable is the state table. It is a function returning an array,
// not a variable, so that it cannot be changed at run time.
//
// A consumed redemption is released only when provisioning fails and the
// whole order is refunded, as the customer never had the benefit. Refunds
// of a delivered resource (a downgrade, a delete) leave it consumed: the
// customer did use the coupon. That choice is the host's, which simply does
// not send the event.
func redemptionTable() [3]RedemptionTransition {
	return [...]RedemptionTransition{
		{From: RedemptionReserved, Event: RedemptionConsume, To: RedemptionConsumed},
		{From: RedemptionReserved, Event: RedemptionRelease, To: RedemptionReleased},
		{From: RedemptionConsumed, Event: RedemptionRelease, To: RedemptionReleased},
	}
}

// redemptions is the state table as an fsm.Table. It is small enough to be
// inlined, so the array stays on the caller's stack and lookups do not
// allocate.
func redemptions() fsm.Table[RedemptionStatus, RedemptionEvent] {
	t := redemptionTable()
	return t[:]
}

// RedemptionTransitions returns a copy of the state table, one row per
// legal (status, event) pair.
func RedemptionTransitions() []RedemptionTransition { return redemptions() }

// NextRedemption returns the status ev moves a redemption in from to. A
// pair not in the table — including repeating an event on a terminal status
// and an unknown status or event — is a *TransitionError
// (ErrIllegalTransition) and the redemption stays where it is.
func NextRedemption(from RedemptionStatus, ev RedemptionEvent) (RedemptionStatus, error) {
	if to, ok := redemptions().Next(from, ev); ok {
		return to, nil
	}
	return from, &TransitionError{From: from, Event: ev}
}
