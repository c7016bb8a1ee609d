package lifecycle

import "time"

// Timeline is the life of a term after its end T, as instants in the
// account's zone.
type Timeline struct {
	// End is T, the end of the paid term and the start of grace.
	End time.Time
	// SuspendAt is T + GraceDays: grace ends and the resource is suspended.
	SuspendAt time.Time
	// ReleaseAt is T + ReleaseAfterDays: the resource is released.
	ReleaseAt time.Time
}

// Timeline returns the grace, suspension and release instants of a term
// ending at end. Days are calendar days in the rules' zone at the same
// local wall-clock time as end (period.Calendar.AddDays), so in a DST zone
// the instants keep end's wall-clock time and the elapsed time is not a
// multiple of 24 hours.
func (r Rules) Timeline(end time.Time) Timeline {
	r = r.resolved()
	return Timeline{
		End:       r.GraceStart(end),
		SuspendAt: r.SuspendAt(end),
		ReleaseAt: r.ReleaseAt(end),
	}
}

// GraceStart returns the instant grace starts for a term ending at end:
// end itself, expressed in the rules' zone.
func (r Rules) GraceStart(end time.Time) time.Time {
	return r.cal.AddDays(end, 0)
}

// SuspendAt returns end + GraceDays calendar days: when a resource that
// was not renewed is suspended.
func (r Rules) SuspendAt(end time.Time) time.Time {
	return r.cal.AddDays(end, r.resolved().policy.GraceDays)
}

// ReleaseAt returns end + ReleaseAfterDays calendar days: when a suspended
// resource is released and stops being renewable.
func (r Rules) ReleaseAt(end time.Time) time.Time {
	return r.cal.AddDays(end, r.resolved().policy.ReleaseAfterDays)
}

// scheduledTransition returns the event the clock will fire next for a
// resource in state s with timeline tl, and when. ok is false for states
// the clock does not move.
func scheduledTransition(s State, tl Timeline) (ev Event, at time.Time, ok bool) {
	switch s {
	case StateActive:
		return EventTermEnded, tl.End, true
	case StateGrace:
		return EventGraceEnded, tl.SuspendAt, true
	case StateSuspended:
		return EventSuspensionEnded, tl.ReleaseAt, true
	}
	return "", time.Time{}, false
}
