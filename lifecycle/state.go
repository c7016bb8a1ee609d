package lifecycle

import "strconv"

// State is where a resource is in its life. The names are stored by hosts,
// so they never change; new states are only ever added. The state lives in
// the host's store; this package only says which changes are legal (Next)
// and what each change asks of the host (Effects).
type State string

// The states of a resource.
const (
	// StatePendingPayment: ordered, not paid yet. Nothing exists on the
	// host's side.
	StatePendingPayment State = "pending_payment"
	// StateProvisioning: paid (or recovered); the host has been asked to
	// create the resource and has not answered yet.
	StateProvisioning State = "provisioning"
	// StateActive: running, inside a paid term.
	StateActive State = "active"
	// StateGrace: the term has ended; still running but restricted, and
	// renewable. Lasts Policy.GraceDays.
	StateGrace State = "grace"
	// StateSuspended: stopped with its data kept, still renewable, until
	// Policy.ReleaseAfterDays after the end of the term.
	StateSuspended State = "suspended"
	// StateReleased: the resource and its data are gone because nobody
	// renewed it. It can only come back through recovery, which creates it
	// again, when the product's policy allows it.
	StateReleased State = "released"
	// StateDeleted: removed by the user (or an unpaid order was cancelled).
	// Terminal.
	StateDeleted State = "deleted"
	// StateProvisioningFailed: the host could not create the resource; the
	// payment is refunded in full. Terminal.
	StateProvisioningFailed State = "provisioning_failed"
)

// States returns every state, in the order of a resource's life.
func States() []State {
	return []State{StatePendingPayment, StateProvisioning, StateActive, StateGrace,
		StateSuspended, StateReleased, StateDeleted, StateProvisioningFailed}
}

// Valid reports whether s is one of the states above.
func (s State) Valid() bool {
	switch s {
	case StatePendingPayment, StateProvisioning, StateActive, StateGrace,
		StateSuspended, StateReleased, StateDeleted, StateProvisioningFailed:
		return true
	}
	return false
}

// Terminal reports whether no event can move a resource out of s: deleted
// and provisioning_failed. Released is not terminal, because recovery may
// bring it back. An unknown state is not terminal.
func (s State) Terminal() bool { return table().Terminal(s) }

// Scheduled reports whether a resource in s lives on the clock: active,
// grace and suspended have a term end from which reminders, auto-renewal
// attempts and the next state change are scheduled. The other states wait
// for the host or the user, so no work is ever due for them.
func (s State) Scheduled() bool {
	return s == StateActive || s == StateGrace || s == StateSuspended
}

// ParseState returns the state named exactly s. Anything else (other
// spelling, surrounding space, empty) is an error matching ErrUnknownState.
func ParseState(s string) (State, error) {
	if v := State(s); v.Valid() {
		return v, nil
	}
	return "", &UnknownNameError{Kind: "state", Name: s}
}

// clip shortens untrusted text for error messages so it cannot flood logs.
func clip(s string) string {
	const max = 64
	if len(s) <= max {
		return strconv.Quote(s)
	}
	return strconv.Quote(s[:max]) + "..."
}
