package lifecycle

import (
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/period"
)

// RenewFromAnchor is RenewPeriod for a resource that keeps a billing anchor
// (the start its month terms are counted from): the new end is measured
// from the anchor, so a resource bought on the 31st renews to Feb 29, Mar
// 31, Apr 30 … and never drifts to the 29th (see period.Calendar.Renew).
// The Renewal's Anchor is the one to store with the new end. A zero anchor
// (none recorded) renews exactly as RenewPeriod does. Errors are
// RenewPeriod's, and a *period.AnchorError for an anchor after currentEnd.
func RenewFromAnchor(cal period.Calendar, anchor, currentEnd, now time.Time, term period.Term) (period.Renewal, error) {
	if currentEnd.IsZero() || now.IsZero() {
		return period.Renewal{}, fmt.Errorf("%w: renew needs the current end and now", ErrInvalidArgument)
	}
	ren, err := cal.Renew(anchor, currentEnd, term)
	if err != nil {
		return period.Renewal{}, fmt.Errorf("lifecycle: renew: %w", err)
	}
	if !ren.Span.End.After(now) {
		return period.Renewal{}, &TimeError{Op: "renew", Now: now, End: ren.Span.End, Err: ErrRenewalInPast}
	}
	return ren, nil
}
