package lifecycle

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors name the class of a failure; match them with errors.Is.
// The concrete errors carry the details and can be extracted with
// errors.As. The values are never reassigned.
var (
	// ErrIllegalTransition: the state table has no row for the change asked
	// for. See *TransitionError and *StateChangeError.
	ErrIllegalTransition = errors.New("lifecycle: illegal transition")

	// ErrNotRecoverable: the product's policy does not allow a released
	// resource to be recovered. See *PolicyDeniedError.
	ErrNotRecoverable = errors.New("lifecycle: product does not allow recovery")

	// ErrUnknownState: text that is not a state name. See *UnknownNameError.
	ErrUnknownState = errors.New("lifecycle: unknown state")

	// ErrUnknownEvent: text that is not an event name. See *UnknownNameError.
	ErrUnknownEvent = errors.New("lifecycle: unknown event")

	// ErrInvalidPolicy: a Policy breaks one of the rules of Policy.Validate.
	// See *PolicyError.
	ErrInvalidPolicy = errors.New("lifecycle: invalid policy")

	// ErrInvalidView: a ResourceView cannot be scheduled (unknown state,
	// missing end time, negative progress counters). See *ViewError.
	ErrInvalidView = errors.New("lifecycle: invalid resource view")

	// ErrStaleWork: a DueWork handed to ResourceView.Record belongs to
	// another term (its End differs from the view's) or does not fit the
	// view's progress.
	ErrStaleWork = errors.New("lifecycle: due work does not belong to this view")

	// ErrTermEnded: a mid-term action (resize) was asked for at or after
	// the end of the term. See *TimeError.
	ErrTermEnded = errors.New("lifecycle: the term has ended")

	// ErrRenewalInPast: a renewal (or extension) would end at or before
	// now, so it would buy no usable time. See *TimeError.
	ErrRenewalInPast = errors.New("lifecycle: renewal would end in the past")

	// ErrTargetBeforeEnd: an end-time match whose target is earlier than a
	// resource's current end, which would shorten a paid term. See
	// *MatchError.
	ErrTargetBeforeEnd = errors.New("lifecycle: target is before a current end")

	// ErrInvalidArgument: a required instant is the zero time, or a list
	// that must not be empty is empty.
	ErrInvalidArgument = errors.New("lifecycle: invalid argument")
)

// TransitionError reports an event the state table does not allow in the
// From state. It matches ErrIllegalTransition.
type TransitionError struct {
	// From is the state the resource was in.
	From State
	// Event is the refused event.
	Event Event
}

// Error names the event and the state.
func (e *TransitionError) Error() string {
	return fmt.Sprintf("lifecycle: illegal transition: %s in state %s", clip(string(e.Event)), clip(string(e.From)))
}

// Is makes a *TransitionError match ErrIllegalTransition.
func (e *TransitionError) Is(target error) bool { return target == ErrIllegalTransition }

// StateChangeError reports a pair of states that no row of the state table
// connects, given to Effects. It matches ErrIllegalTransition.
type StateChangeError struct {
	// From and To are the states as given.
	From, To State
}

// Error names both states.
func (e *StateChangeError) Error() string {
	return fmt.Sprintf("lifecycle: no transition from %s to %s", clip(string(e.From)), clip(string(e.To)))
}

// Is makes a *StateChangeError match ErrIllegalTransition.
func (e *StateChangeError) Is(target error) bool { return target == ErrIllegalTransition }

// PolicyDeniedError reports an event the state table allows but the
// product's policy refuses. It matches the sentinel in Err (today only
// ErrNotRecoverable).
type PolicyDeniedError struct {
	// From is the state the resource was in.
	From State
	// Event is the refused event.
	Event Event
	// Err is the sentinel naming the rule.
	Err error
}

// Error names the event, the state and the rule.
func (e *PolicyDeniedError) Error() string {
	return fmt.Sprintf("lifecycle: %s in state %s refused by policy: %v", e.Event, e.From, e.Err)
}

// Unwrap returns the sentinel naming the rule.
func (e *PolicyDeniedError) Unwrap() error { return e.Err }

// UnknownNameError reports text that names no state or event. It matches
// ErrUnknownState or ErrUnknownEvent according to Kind.
type UnknownNameError struct {
	// Kind is "state" or "event".
	Kind string
	// Name is the text as given.
	Name string
}

// Error quotes the text (shortened if long).
func (e *UnknownNameError) Error() string {
	return fmt.Sprintf("lifecycle: unknown %s %s", e.Kind, clip(e.Name))
}

// Is matches ErrUnknownState for Kind "state" and ErrUnknownEvent for Kind
// "event".
func (e *UnknownNameError) Is(target error) bool {
	return (e.Kind == "state" && target == ErrUnknownState) ||
		(e.Kind == "event" && target == ErrUnknownEvent)
}

// PolicyError says which rule a Policy breaks. It matches ErrInvalidPolicy.
type PolicyError struct {
	// Field is the Policy field at fault, e.g. "ReleaseAfterDays".
	Field string
	// Reason is the broken rule, e.g. "must not be less than GraceDays (15)".
	Reason string
	// Err is the underlying cause, if any (a *period.TermError for a bad
	// AutoRenewTerm).
	Err error
}

// Error names the field, the rule and the cause when there is one.
func (e *PolicyError) Error() string {
	msg := fmt.Sprintf("lifecycle: invalid policy: %s %s", e.Field, e.Reason)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Is makes a *PolicyError match ErrInvalidPolicy.
func (e *PolicyError) Is(target error) bool { return target == ErrInvalidPolicy }

// Unwrap returns the cause, so errors.Is matches it too.
func (e *PolicyError) Unwrap() error { return e.Err }

// ViewError says why a ResourceView cannot be scheduled. It matches
// ErrInvalidView, and ErrUnknownState when the state is unknown.
type ViewError struct {
	// Field is the ResourceView field at fault, e.g. "End".
	Field string
	// Reason is the broken rule.
	Reason string
	// Err is the underlying cause, if any.
	Err error
}

// Error names the field and the rule.
func (e *ViewError) Error() string {
	msg := fmt.Sprintf("lifecycle: invalid resource view: %s %s", e.Field, e.Reason)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns ErrInvalidView and the cause, so errors.Is matches both.
func (e *ViewError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrInvalidView}
	}
	return []error{ErrInvalidView, e.Err}
}

// TimeError reports an operation refused because of where now lies
// relative to a term's end. It matches the sentinel in Err (ErrTermEnded or
// ErrRenewalInPast).
type TimeError struct {
	// Op is the refused operation, e.g. "resize".
	Op string
	// Now is the instant the operation was asked for.
	Now time.Time
	// End is the term end the rule compares Now with: the current end for
	// resize, the would-be new end for a renewal.
	End time.Time
	// Err is the sentinel naming the rule.
	Err error
}

// Error names the operation, both instants and the rule.
func (e *TimeError) Error() string {
	return fmt.Sprintf("lifecycle: %s at %s with end %s: %v", e.Op,
		e.Now.Format(time.RFC3339), e.End.Format(time.RFC3339), e.Err)
}

// Unwrap returns the sentinel naming the rule.
func (e *TimeError) Unwrap() error { return e.Err }

// MatchError reports the first resource whose current end is after the
// target of an end-time match. It matches ErrTargetBeforeEnd.
type MatchError struct {
	// Index is the resource's position in the ends given, from 0.
	Index int
	// End is that resource's current end.
	End time.Time
	// Target is the requested common end.
	Target time.Time
}

// Error names the resource position and both instants.
func (e *MatchError) Error() string {
	return fmt.Sprintf("lifecycle: match end time: resource %d ends %s, after the target %s",
		e.Index, e.End.Format(time.RFC3339), e.Target.Format(time.RFC3339))
}

// Is makes a *MatchError match ErrTargetBeforeEnd.
func (e *MatchError) Is(target error) bool { return target == ErrTargetBeforeEnd }
