package lifecycle

import (
	"fmt"
	"time"
)

// ResourceView is what the schedule needs to know about one resource: its
// state, the end of its current term, and how far the work of that term has
// been done. The host stores these fields with the resource; Record and
// Renewed compute the next view so the host does not have to.
type ResourceView struct {
	// State is the resource's state.
	State State
	// End is the end T of the current paid term. Required in the scheduled
	// states (active, grace, suspended).
	End time.Time
	// Since is when End was set: the activation, renewal or recovery
	// instant. Reminders and attempts scheduled at or before it are not
	// owed: a 3-day term bought at 09:00 gets no "T−7" reminder, no
	// reminder at the very instant of purchase (T−3) and no immediate
	// renewal charge. The zero time means no such cut-off.
	Since time.Time
	// AutoRenew is the resource's opt-in to automatic renewal; the user may
	// turn it on or off at any time. Turning it on mid-term makes the
	// current attempt (the latest whose time has come, if it is still
	// current and not yet done) due at once.
	AutoRenew bool
	// NextReminder is the index of the first reminder of this term not yet
	// sent or skipped; reminders before it are done.
	NextReminder int
	// NextAttempt is the index of the first automatic-renewal attempt of
	// this term not yet made or skipped; attempts before it are done.
	NextAttempt int
}

// Validate returns nil when v can be scheduled, otherwise a *ViewError
// (ErrInvalidView): an unknown state (also matching ErrUnknownState), a
// zero End in a scheduled state, or a negative NextReminder or NextAttempt.
func (v ResourceView) Validate() error {
	switch {
	case !v.State.Valid():
		return &ViewError{Field: "State", Reason: "is not a state",
			Err: &UnknownNameError{Kind: "state", Name: string(v.State)}}
	case v.State.Scheduled() && v.End.IsZero():
		return &ViewError{Field: "End", Reason: "is required in state " + string(v.State)}
	case v.NextReminder < 0:
		return &ViewError{Field: "NextReminder", Reason: fmt.Sprintf("is %d, must not be negative", v.NextReminder)}
	case v.NextAttempt < 0:
		return &ViewError{Field: "NextAttempt", Reason: fmt.Sprintf("is %d, must not be negative", v.NextAttempt)}
	}
	return nil
}

// owed reports whether work scheduled at at is owed under the Since cut-off.
func (v ResourceView) owed(at time.Time) bool {
	return v.Since.IsZero() || at.After(v.Since)
}

// Record returns the view after w was done: a reminder or attempt moves its
// counter past w.Index (skipping any earlier ones that were missed), a
// transition moves State by the state table. A failed automatic-renewal
// attempt is recorded like this; a successful one is recorded with Renewed
// instead. Work of another term (w.End differs from v.End) or already
// recorded is refused with an error matching ErrStaleWork; an illegal
// transition with a *TransitionError. On error v is returned unchanged.
func (v ResourceView) Record(w Work) (ResourceView, error) {
	if !w.End.Equal(v.End) {
		return v, fmt.Errorf("%w: %s is for the term ending %s, the view's ends %s",
			ErrStaleWork, w.Key, w.End.Format(time.RFC3339), v.End.Format(time.RFC3339))
	}
	switch w.Kind {
	case WorkReminder:
		if w.Index < v.NextReminder {
			return v, fmt.Errorf("%w: %s already recorded (next reminder is %d)", ErrStaleWork, w.Key, v.NextReminder)
		}
		v.NextReminder = w.Index + 1
	case WorkAutoRenew:
		if w.Index < v.NextAttempt {
			return v, fmt.Errorf("%w: %s already recorded (next attempt is %d)", ErrStaleWork, w.Key, v.NextAttempt)
		}
		v.NextAttempt = w.Index + 1
	case WorkTransition:
		to, err := Next(v.State, w.Event)
		if err != nil {
			return v, err
		}
		v.State = to
	default:
		return v, fmt.Errorf("%w: unknown work kind %s", ErrInvalidArgument, clip(string(w.Kind)))
	}
	return v, nil
}

// Renewed returns the view after a renewal (manual, automatic or an
// end-time match) paid at at moved the end to newEnd: state active, End
// newEnd, Since at, and the new term's reminders and attempts not started.
// The state must allow EventRenew (active, grace, suspended), else a
// *TransitionError; newEnd must be after the current End and at must not be
// zero, else an error matching ErrInvalidArgument. On error v is returned
// unchanged.
func (v ResourceView) Renewed(newEnd, at time.Time) (ResourceView, error) {
	to, err := Next(v.State, EventRenew)
	if err != nil {
		return v, err
	}
	if at.IsZero() {
		return v, fmt.Errorf("%w: renewal instant is the zero time", ErrInvalidArgument)
	}
	if !newEnd.After(v.End) {
		return v, fmt.Errorf("%w: new end %s is not after the current end %s", ErrInvalidArgument,
			newEnd.Format(time.RFC3339), v.End.Format(time.RFC3339))
	}
	return ResourceView{State: to, End: newEnd, Since: at, AutoRenew: v.AutoRenew}, nil
}
