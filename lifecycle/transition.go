package lifecycle

// Transition is one row of the state table: Event moves a resource in From
// to To.
type Transition struct {
	// From is the state the resource is in.
	From State
	// Event is what happened.
	Event Event
	// To is the state the resource moves to.
	To State
}

// transitionTable is the state table (see the package documentation). It is
// a function returning an array, not a variable, so nothing can change it at
// run time.
//
// Resize is legal only while active: in grace the term has already ended,
// so there is no remaining time to reprice, and grace is a restricted state.
// Renew is legal in active, grace and suspended (the last two resume the
// resource); a released resource can only be recovered. Cancel deletes an
// unpaid order, which never reached the host.
func transitionTable() [15]Transition {
	return [...]Transition{
		{StatePendingPayment, EventPay, StateProvisioning},
		{StatePendingPayment, EventCancel, StateDeleted},
		{StateProvisioning, EventProvisioned, StateActive},
		{StateProvisioning, EventProvisionFailed, StateProvisioningFailed},
		{StateActive, EventTermEnded, StateGrace},
		{StateActive, EventRenew, StateActive},
		{StateActive, EventResize, StateActive},
		{StateActive, EventDelete, StateDeleted},
		{StateGrace, EventGraceEnded, StateSuspended},
		{StateGrace, EventRenew, StateActive},
		{StateGrace, EventDelete, StateDeleted},
		{StateSuspended, EventSuspensionEnded, StateReleased},
		{StateSuspended, EventRenew, StateActive},
		{StateSuspended, EventDelete, StateDeleted},
		{StateReleased, EventRecover, StateProvisioning},
	}
}

// Transitions returns a copy of the state table, one row per legal
// (state, event) pair.
func Transitions() []Transition {
	t := transitionTable()
	return t[:]
}

// Next returns the state that ev moves a resource in from to, by the state
// table alone. A pair that is not in the table, including an unknown state
// or event, is a *TransitionError matching ErrIllegalTransition, and the
// returned state is from, unchanged. Product policy (may a released resource
// be recovered?) is applied by Rules.Next.
func Next(from State, ev Event) (State, error) {
	for _, t := range transitionTable() {
		if t.From == from && t.Event == ev {
			return t.To, nil
		}
	}
	return from, &TransitionError{From: from, Event: ev}
}
