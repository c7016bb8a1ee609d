package lifecycle

// HostAction is real work the host must do on its infrastructure when a
// resource changes state. The names are stored in outbox events, so they
// never change.
type HostAction string

// The host actions.
const (
	// HostProvision: create the resource with its configuration and report
	// back with EventProvisioned or EventProvisionFailed.
	HostProvision HostAction = "provision"
	// HostRestrict: keep the resource running but restrict it (for example
	// no configuration changes, a banner in the console): the term is over.
	HostRestrict HostAction = "restrict"
	// HostUnrestrict: lift the restrictions of HostRestrict.
	HostUnrestrict HostAction = "unrestrict"
	// HostSuspend: stop the resource and keep its data.
	HostSuspend HostAction = "suspend"
	// HostResume: start a suspended resource again with its data.
	HostResume HostAction = "resume"
	// HostRelease: delete the resource and its data for good.
	HostRelease HostAction = "release"
)

// HostActions returns every host action.
func HostActions() []HostAction {
	return []HostAction{HostProvision, HostRestrict, HostUnrestrict, HostSuspend, HostResume, HostRelease}
}

// Valid reports whether a is one of the actions above.
func (a HostAction) Valid() bool {
	switch a {
	case HostProvision, HostRestrict, HostUnrestrict, HostSuspend, HostResume, HostRelease:
		return true
	}
	return false
}

// effect is the host work for one change of state.
type effect struct {
	from, to State
	actions  []HostAction
}

// effectTable lists, for every (from, to) pair some row of the state table
// connects, the host actions in the order they must run. It is a function so
// that nothing can change it at run time.
//
// Suspended → active is resume then unrestrict: a suspended resource went
// through grace, so it is still restricted when it starts again. Cancelling
// an unpaid order and failed provisioning need nothing, since nothing was
// (successfully) created; a resize does change the host's configuration, but
// that work carries the new configuration and is issued by the resize
// operation itself, not derived from a change of state.
//
// Active → suspended is a postpaid resource stopped by the overdue
// schedule: it was never restricted, and resuming it also lifts
// restrictions, which for it is a no-op the host may ignore.
func effectTable() [15]effect {
	return [...]effect{
		{StatePendingPayment, StateProvisioning, []HostAction{HostProvision}},
		{StatePendingPayment, StateDeleted, nil},
		{StateProvisioning, StateActive, nil},
		{StateProvisioning, StateProvisioningFailed, nil},
		{StateActive, StateGrace, []HostAction{HostRestrict}},
		{StateActive, StateActive, nil},
		{StateActive, StateDeleted, []HostAction{HostRelease}},
		{StateActive, StateSuspended, []HostAction{HostSuspend}},
		{StateGrace, StateSuspended, []HostAction{HostSuspend}},
		{StateGrace, StateActive, []HostAction{HostUnrestrict}},
		{StateGrace, StateDeleted, []HostAction{HostRelease}},
		{StateSuspended, StateReleased, []HostAction{HostRelease}},
		{StateSuspended, StateActive, []HostAction{HostResume, HostUnrestrict}},
		{StateSuspended, StateDeleted, []HostAction{HostRelease}},
		{StateReleased, StateProvisioning, []HostAction{HostProvision}},
	}
}

// Effects returns the host actions, in order, that moving a resource from
// from to to requires; an empty (nil) result means the change needs no work
// on the host. A pair that no row of the state table connects is a
// *StateChangeError matching ErrIllegalTransition. The slice is the
// caller's to keep.
func Effects(from, to State) ([]HostAction, error) {
	for _, e := range effectTable() {
		if e.from == from && e.to == to {
			if len(e.actions) == 0 {
				return nil, nil
			}
			return append([]HostAction(nil), e.actions...), nil
		}
	}
	return nil, &StateChangeError{From: from, To: to}
}

// EffectsOf is Effects for the transition event ev made from from to to:
// the same actions, except where the event says more than the two states
// do. A resource the overdue schedule suspended (EventOverdue) went
// straight from active, never restricted, so EventOverduePaid resumes it
// and lifts no restriction.
func EffectsOf(ev Event, from, to State) ([]HostAction, error) {
	if ev == EventOverduePaid && from == StateSuspended && to == StateActive {
		return []HostAction{HostResume}, nil
	}
	return Effects(from, to)
}
