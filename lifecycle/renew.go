package lifecycle

import (
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/period"
)

// RenewPeriod returns the period a renewal of term buys for a resource
// whose current term ends at currentEnd: [currentEnd, currentEnd + term) in
// cal. It starts at the current end, not at now, even when the resource is
// in grace or suspended (now is after the end): the user pays for the days
// the resource kept running or kept its data, and the schedule of later
// terms does not drift. Renewing early likewise adds the term after the end,
// losing nothing.
//
// Errors: a zero currentEnd or now (ErrInvalidArgument); an invalid term
// (period.ErrInvalidTerm); a new end after period.MaxEnd, year 9999 (a
// *period.RangeError matching period.ErrOutOfRange); a new end at or before now (a *TimeError
// matching ErrRenewalInPast), because such a renewal would leave the
// resource expired: a term shorter than the time already past the end (7
// days bought on day 10 of grace, or one calendar month of February bought
// on day 29 of suspension) buys nothing usable, and the user must choose a
// longer term.
func RenewPeriod(cal period.Calendar, currentEnd, now time.Time, term period.Term) (period.Span, error) {
	if currentEnd.IsZero() || now.IsZero() {
		return period.Span{}, fmt.Errorf("%w: renew needs the current end and now", ErrInvalidArgument)
	}
	end, err := cal.AddTerm(currentEnd, term)
	if err != nil {
		return period.Span{}, fmt.Errorf("lifecycle: renew: %w", err)
	}
	if !end.After(now) {
		return period.Span{}, &TimeError{Op: "renew", Now: now, End: end, Err: ErrRenewalInPast}
	}
	return period.NewSpan(cal.AddDays(currentEnd, 0), end)
}

// MatchEndTime returns, for each resource end in ends, the extension
// [end, target) that aligns it with target, in the same order. Each
// extension is billed like a renewal, prorated to the minute (price per 30
// days × Span.Minutes ÷ 43,200, see pricing.ProratedAmount); a resource
// that already ends at target gets an empty span and pays nothing.
//
// No calendar is needed: the target is an instant the host chose (usually
// a later resource's end), not a term to lay out.
//
// Errors: no ends, or a zero end, target or now (ErrInvalidArgument); a
// target before some end (a *MatchError matching ErrTargetBeforeEnd,
// naming the first such resource), since matching never shortens a paid
// term; a target at or before now (a *TimeError matching ErrRenewalInPast);
// a target after period.MaxEnd, year 9999 (a *period.RangeError matching
// period.ErrOutOfRange).
func MatchEndTime(ends []time.Time, target, now time.Time) ([]period.Span, error) {
	if len(ends) == 0 {
		return nil, fmt.Errorf("%w: match end time needs at least one resource", ErrInvalidArgument)
	}
	if target.IsZero() || now.IsZero() {
		return nil, fmt.Errorf("%w: match end time needs a target and now", ErrInvalidArgument)
	}
	if !target.After(now) {
		return nil, &TimeError{Op: "match end time", Now: now, End: target, Err: ErrRenewalInPast}
	}
	if err := period.CheckEnd(target); err != nil {
		return nil, fmt.Errorf("lifecycle: match end time: %w", err)
	}
	out := make([]period.Span, len(ends))
	for i, end := range ends {
		if end.IsZero() {
			return nil, fmt.Errorf("%w: end %d is the zero time", ErrInvalidArgument, i)
		}
		if end.After(target) {
			return nil, &MatchError{Index: i, End: end, Target: target}
		}
		out[i] = period.Span{Start: end, End: target}
	}
	return out, nil
}
