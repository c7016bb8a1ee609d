package lifecycle

import "time"

// BillingStatus is how close a resource is to the end of its term, for
// display. The names are stable.
type BillingStatus string

// The billing statuses, from the policy's WarningDays (default 15) and
// AlertDays (default 5).
const (
	// StatusGood: more than WarningDays left.
	StatusGood BillingStatus = "good"
	// StatusWarning: from WarningDays down to AlertDays left, both
	// inclusive.
	StatusWarning BillingStatus = "warning"
	// StatusAlerted: less than AlertDays left, but some time left.
	StatusAlerted BillingStatus = "alerted"
	// StatusExpired: no time left; the end has been reached.
	StatusExpired BillingStatus = "expired"
)

// BillingStatus returns the status at now of a term ending at end. "Days
// left" are calendar days in the rules' zone, so the boundaries are end −
// WarningDays and end − AlertDays at end's local wall-clock time:
//
//	now < end−15d           good     (more than 15 days left)
//	end−15d <= now <= end−5d warning (exactly 15 or exactly 5 days left is a warning)
//	end−5d < now < end      alerted
//	end <= now              expired  (no time left at the end instant itself)
//
// The status only depends on the instants, not on the resource's state: a
// resource in grace or suspension is always expired.
func (r Rules) BillingStatus(end, now time.Time) BillingStatus {
	r = r.resolved()
	switch {
	case !now.Before(end):
		return StatusExpired
	case now.After(r.cal.AddDays(end, -r.policy.AlertDays)):
		return StatusAlerted
	case now.Before(r.cal.AddDays(end, -r.policy.WarningDays)):
		return StatusGood
	}
	return StatusWarning
}
