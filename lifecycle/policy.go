package lifecycle

import (
	"fmt"
	"slices"

	"github.com/cloudbill/cloudbill/billing/period"
)

// Limits on a Policy. They are generous and exist so that date arithmetic
// stays in a sane range and a schedule never has unbounded work.
const (
	// MaxPolicyDays bounds every day count of a Policy (ten years).
	MaxPolicyDays = 3660
	// MaxAutoRenewAttempts bounds the number of auto-renewal attempts per
	// term.
	MaxAutoRenewAttempts = 32
)

// Policy is a product's lifecycle rules. Every day count is in calendar
// days of the account's billing calendar, counted from the end of the term
// T at the same local wall-clock time (see period.Calendar.AddDays), so the
// schedule follows the account's clock across DST changes.
//
// The zero Policy is not the default and does not validate: start from
// DefaultPolicy and change what the product needs.
type Policy struct {
	// GraceDays is how long after T a resource stays in grace (running,
	// restricted) before it is suspended at T+GraceDays. Default 15; 0
	// suspends at T.
	GraceDays int
	// ReleaseAfterDays is when, counted from T, a suspended resource is
	// released (deleted with its data, no longer renewable). It must not be
	// less than GraceDays; equal means no time in suspension. Default 30.
	ReleaseAfterDays int

	// WarningDays and AlertDays set the billing status shown to users: more
	// than WarningDays left is Good, WarningDays down to AlertDays left
	// (both inclusive) is Warning, less than AlertDays is Alerted, none is
	// Expired. 0 <= AlertDays <= WarningDays. Defaults 15 and 5.
	WarningDays int
	// AlertDays: see WarningDays.
	AlertDays int

	// ReminderLeadDays is how long before T the first renewal reminder is
	// due. Default 7.
	ReminderLeadDays int
	// ReminderEveryDays is the spacing of reminders from the first one,
	// through T and after it, until the resource is renewed or released.
	// At least 1. Default 1 (daily).
	ReminderEveryDays int

	// AutoRenewTerm is the term an automatic renewal buys. Default 1 month.
	AutoRenewTerm period.Term
	// AutoRenewAttemptDays are the days, relative to T, of the automatic
	// renewal payment attempts, in strictly increasing order, each before
	// the suspension (< GraceDays): an attempt is only worth making while
	// the resource still runs. Default [-7, -4, -1, 0]. Empty means the
	// product never renews automatically.
	AutoRenewAttemptDays []int

	// RefundOnDowngrade says whether the negative difference of a downgrade
	// goes back to the user's credit. Default true.
	RefundOnDowngrade bool
	// RefundOnDelete says whether deleting a resource refunds the unused
	// part of its term. Default true.
	RefundOnDelete bool
	// Recoverable says whether a released resource may be recovered
	// (created again with its old configuration, billed like a new
	// creation). Default true.
	Recoverable bool
}

// DefaultPolicy returns the provider's rules: grace 15 days, suspension
// until day 30 then release, status Warning from 15 days left and Alerted
// under 5, reminders daily from T−7, automatic renewal for 1 month tried at
// T−7, T−4, T−1 and T, refunds on downgrade and delete, recovery allowed.
// Each call returns a fresh value the caller may change.
func DefaultPolicy() Policy {
	return Policy{
		GraceDays:            15,
		ReleaseAfterDays:     30,
		WarningDays:          15,
		AlertDays:            5,
		ReminderLeadDays:     7,
		ReminderEveryDays:    1,
		AutoRenewTerm:        period.Months(1),
		AutoRenewAttemptDays: []int{-7, -4, -1, 0},
		RefundOnDowngrade:    true,
		RefundOnDelete:       true,
		Recoverable:          true,
	}
}

// Validate returns nil when p follows every rule documented on its fields,
// otherwise a *PolicyError (matching ErrInvalidPolicy) for the first rule
// broken, in field order. A bad AutoRenewTerm also matches
// period.ErrInvalidTerm.
func (p Policy) Validate() error {
	bad := func(field, format string, args ...any) error {
		return &PolicyError{Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	inRange := func(field string, v, lo int) error {
		if v < lo || v > MaxPolicyDays {
			return bad(field, "is %d, must be %d..%d", v, lo, MaxPolicyDays)
		}
		return nil
	}
	if err := inRange("GraceDays", p.GraceDays, 0); err != nil {
		return err
	}
	if err := inRange("ReleaseAfterDays", p.ReleaseAfterDays, 0); err != nil {
		return err
	}
	if p.ReleaseAfterDays < p.GraceDays {
		return bad("ReleaseAfterDays", "is %d, must not be less than GraceDays (%d): suspension cannot end before grace",
			p.ReleaseAfterDays, p.GraceDays)
	}
	if err := inRange("WarningDays", p.WarningDays, 0); err != nil {
		return err
	}
	if err := inRange("AlertDays", p.AlertDays, 0); err != nil {
		return err
	}
	if p.AlertDays > p.WarningDays {
		return bad("AlertDays", "is %d, must not exceed WarningDays (%d)", p.AlertDays, p.WarningDays)
	}
	if err := inRange("ReminderLeadDays", p.ReminderLeadDays, 0); err != nil {
		return err
	}
	if err := inRange("ReminderEveryDays", p.ReminderEveryDays, 1); err != nil {
		return err
	}
	if err := p.AutoRenewTerm.Validate(); err != nil {
		return &PolicyError{Field: "AutoRenewTerm", Reason: "is invalid", Err: err}
	}
	return p.validateAttempts()
}

// validateAttempts checks AutoRenewAttemptDays.
func (p Policy) validateAttempts() error {
	const field = "AutoRenewAttemptDays"
	if n := len(p.AutoRenewAttemptDays); n > MaxAutoRenewAttempts {
		return &PolicyError{Field: field, Reason: fmt.Sprintf("has %d attempts, at most %d allowed", n, MaxAutoRenewAttempts)}
	}
	for i, d := range p.AutoRenewAttemptDays {
		switch {
		case d < -MaxPolicyDays:
			return &PolicyError{Field: field, Reason: fmt.Sprintf("[%d] is %d, must be at least %d", i, d, -MaxPolicyDays)}
		case d >= p.GraceDays:
			return &PolicyError{Field: field, Reason: fmt.Sprintf("[%d] is %d, must be before the suspension at day %d", i, d, p.GraceDays)}
		case i > 0 && d <= p.AutoRenewAttemptDays[i-1]:
			return &PolicyError{Field: field, Reason: fmt.Sprintf("[%d] is %d, must be after [%d] (%d): attempts must be strictly increasing",
				i, d, i-1, p.AutoRenewAttemptDays[i-1])}
		}
	}
	return nil
}

// clone returns p with its own copy of AutoRenewAttemptDays.
func (p Policy) clone() Policy {
	p.AutoRenewAttemptDays = slices.Clone(p.AutoRenewAttemptDays)
	return p
}
