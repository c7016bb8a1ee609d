package lifecycle

import "time"

// Due returns the work of v that is due at now, in the order to do it:
//
//  1. At most one automatic-renewal attempt (only when AutoRenew is set and
//     the resource is active or in grace). If it succeeds, the host renews
//     (ResourceView.Renewed) and drops the rest of the list: call Due again
//     with the renewed view.
//  2. The clock-driven transitions, in order (term_ended, grace_ended,
//     suspension_ended), as many as have come: a resource whose clock was
//     not run for 40 days goes from active to released in one call.
//  3. At most one reminder, for the state the transitions lead to; none
//     once that state is released.
//
// Missed work is caught up once, not replayed: only the latest reminder
// whose time has come is sent, and of the attempts only the latest whose
// time has come is made, and only while it is still current: attempt i is
// current until attempt i+1's time, the last one until the suspension (an
// attempt at T that was missed is still made at T+2d, in grace, but not
// once the resource is suspended). Reminders and attempts of the term
// that were scheduled at or before v.Since, or whose index is below
// v.NextReminder or v.NextAttempt, are never due.
//
// The host records each piece of work it did with ResourceView.Record (or
// Renewed, with an end from RenewPeriod); once all of it is recorded,
// NextDue of the result is after now. An invalid v is a *ViewError; nothing
// is due for the unscheduled states.
func (r Rules) Due(v ResourceView, now time.Time) ([]Work, error) {
	if err := v.Validate(); err != nil {
		return nil, err
	}
	if !v.State.Scheduled() {
		return nil, nil
	}
	r = r.resolved()
	tl := r.Timeline(v.End)
	var out []Work
	if w, ok := r.dueAttempt(v, tl, now); ok {
		out = append(out, w)
	}
	s := v.State
	for {
		ev, at, ok := scheduledTransition(s, tl)
		if !ok || at.After(now) {
			break
		}
		out = append(out, transitionWork(v.End, at, ev))
		s, _ = Next(s, ev) // every scheduled event is a row of the table
	}
	if s.Scheduled() {
		if k := r.firstReminderAfter(v.End, now) - 1; k >= 0 && k >= v.NextReminder {
			if w := r.reminderWork(v.End, k); v.owed(w.At) {
				out = append(out, w)
			}
		}
	}
	return out, nil
}

// dueAttempt returns the automatic-renewal attempt due at now, if any.
func (r Rules) dueAttempt(v ResourceView, tl Timeline, now time.Time) (Work, bool) {
	if !v.AutoRenew || (v.State != StateActive && v.State != StateGrace) {
		return Work{}, false
	}
	latest := -1
	for i := range r.policy.AutoRenewAttemptDays {
		if r.attemptAt(v.End, i).After(now) {
			break
		}
		latest = i
	}
	if latest < 0 || latest < v.NextAttempt {
		return Work{}, false
	}
	// The last attempt stays current until the suspension; earlier ones
	// until the next attempt's time, which has not come (latest is the
	// last whose time has).
	if latest == len(r.policy.AutoRenewAttemptDays)-1 && !now.Before(tl.SuspendAt) {
		return Work{}, false
	}
	w := r.attemptWork(v.End, latest)
	if !v.owed(w.At) {
		return Work{}, false
	}
	return w, true
}

// NextDue returns the earliest instant at which Due will return work for v,
// and true; or false when nothing will ever be due (unscheduled states).
// It is the minimum of the next clock-driven transition, the next reminder
// and the next automatic-renewal attempt that are still owed. Due(v, t)
// returns nothing for every t before it and something at it, so a host that
// indexes resources by NextDue does work in proportion to what is due, not
// to how many resources it has. The result may be before the instant the
// host calls at: then the work is overdue and Due returns it at once. An
// invalid v is a *ViewError.
func (r Rules) NextDue(v ResourceView) (time.Time, bool, error) {
	if err := v.Validate(); err != nil {
		return time.Time{}, false, err
	}
	if !v.State.Scheduled() {
		return time.Time{}, false, nil
	}
	r = r.resolved()
	tl := r.Timeline(v.End)
	_, next, _ := scheduledTransition(v.State, tl)
	consider := func(t time.Time) {
		if t.Before(next) {
			next = t
		}
	}
	if v.AutoRenew && (v.State == StateActive || v.State == StateGrace) {
		for i := v.NextAttempt; i < len(r.policy.AutoRenewAttemptDays); i++ {
			at := r.attemptAt(v.End, i)
			if !at.Before(tl.SuspendAt) {
				break
			}
			if v.owed(at) {
				consider(at)
				break
			}
		}
	}
	k := v.NextReminder
	if !v.Since.IsZero() {
		k = max(k, r.firstReminderAfter(v.End, v.Since))
	}
	if k < r.reminderCount() {
		consider(r.reminderAt(v.End, k))
	}
	return next, true, nil
}
