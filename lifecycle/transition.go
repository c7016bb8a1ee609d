package lifecycle

import "github.com/cloudbill/cloudbill/billing/fsm"

// Transition is one row of the state table: Event moves a resource in From
// to To.
type Transition = fsm.Transition[State, Event]

// transitionTable is the state table (see the package documentation). It is
// a function returning an array, not a variable, so nothing can change it at
// run time.
//
// Resize is legal only while active: in grace the term has already ended,
// so there is no remaining time to reprice, and grace is a restricted state.
// Renew is legal in active, grace and suspended (the last two resume the
// resource); a released resource can only be recovered. Cancel deletes an
// unpaid order, which never reached the host.
//
// Overdue and overdue_paid are the postpaid overdue schedule's: a postpaid
// resource has no term, so it never passes through grace; it is suspended
// straight from active and resumed when the bills are paid.
func transitionTable() [17]Transition {
	return [...]Transition{
		{From: StatePendingPayment, Event: EventPay, To: StateProvisioning},
		{From: StatePendingPayment, Event: EventCancel, To: StateDeleted},
		{From: StateProvisioning, Event: EventProvisioned, To: StateActive},
		{From: StateProvisioning, Event: EventProvisionFailed, To: StateProvisioningFailed},
		{From: StateActive, Event: EventTermEnded, To: StateGrace},
		{From: StateActive, Event: EventRenew, To: StateActive},
		{From: StateActive, Event: EventResize, To: StateActive},
		{From: StateActive, Event: EventDelete, To: StateDeleted},
		{From: StateActive, Event: EventOverdue, To: StateSuspended},
		{From: StateGrace, Event: EventGraceEnded, To: StateSuspended},
		{From: StateGrace, Event: EventRenew, To: StateActive},
		{From: StateGrace, Event: EventDelete, To: StateDeleted},
		{From: StateSuspended, Event: EventSuspensionEnded, To: StateReleased},
		{From: StateSuspended, Event: EventRenew, To: StateActive},
		{From: StateSuspended, Event: EventDelete, To: StateDeleted},
		{From: StateSuspended, Event: EventOverduePaid, To: StateActive},
		{From: StateReleased, Event: EventRecover, To: StateProvisioning},
	}
}

// table is the state table as an fsm.Table. It is small enough to be
// inlined, so the array stays on the caller's stack and lookups do not
// allocate (NextDue looks up every scheduled event).
func table() fsm.Table[State, Event] {
	t := transitionTable()
	return t[:]
}

// Transitions returns a copy of the state table, one row per legal
// (state, event) pair.
func Transitions() []Transition { return table() }

// Next returns the state that ev moves a resource in from to, by the state
// table alone. A pair that is not in the table, including an unknown state
// or event, is a *TransitionError matching ErrIllegalTransition, and the
// returned state is from, unchanged. Product policy (may a released resource
// be recovered?) is applied by Rules.Next.
func Next(from State, ev Event) (State, error) {
	if to, ok := table().Next(from, ev); ok {
		return to, nil
	}
	return from, &TransitionError{From: from, Event: ev}
}
