package lifecycle

import "github.com/cloudbill/cloudbill/billing/period"

// Rules is a product's Policy bound to an account's billing calendar: the
// timeline of a term, the reminders and automatic-renewal attempts, what is
// due at a given instant, and the state table with the policy's guards. It
// is an immutable value, safe for concurrent use, and never reads the clock:
// every instant is a parameter.
//
// Build it with NewRules, which validates the policy once. The zero Rules
// is usable and means DefaultPolicy in UTC with 30-day months.
type Rules struct {
	policy Policy
	cal    period.Calendar
	// set distinguishes a built Rules from the zero value, whose empty
	// policy would not validate.
	set bool
}

// NewRules returns the rules of policy p in calendar cal (the account's
// zone and day-count basis). An invalid policy is refused with the
// *PolicyError of Policy.Validate. The policy is copied, so later changes to
// p do not affect the result.
func NewRules(p Policy, cal period.Calendar) (Rules, error) {
	if err := p.Validate(); err != nil {
		return Rules{}, err
	}
	return Rules{policy: p.clone(), cal: cal, set: true}, nil
}

// resolved returns r, or the default rules when r is the zero value.
func (r Rules) resolved() Rules {
	if r.set {
		return r
	}
	return Rules{policy: DefaultPolicy(), set: true}
}

// Policy returns a copy of the rules' policy.
func (r Rules) Policy() Policy { return r.resolved().policy.clone() }

// Calendar returns the rules' billing calendar.
func (r Rules) Calendar() period.Calendar { return r.cal }

// Next is the package-level Next followed by the policy's guards: it
// returns the state ev moves a resource in from to, a *TransitionError
// (ErrIllegalTransition) when the state table has no such row, or a
// *PolicyDeniedError matching ErrNotRecoverable for EventRecover when the
// policy does not allow recovery. On error the returned state is from.
func (r Rules) Next(from State, ev Event) (State, error) {
	to, err := Next(from, ev)
	if err != nil {
		return from, err
	}
	if ev == EventRecover && !r.resolved().policy.Recoverable {
		return from, &PolicyDeniedError{From: from, Event: ev, Err: ErrNotRecoverable}
	}
	return to, nil
}
