package billing

import (
	"fmt"
	"slices"
	"time"

	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/lifecycle"
)

// postpaidWithDefaults returns p with every zero field set to its default.
func postpaidWithDefaults(p PostpaidPolicy) PostpaidPolicy {
	if p.CloseDelay == 0 {
		p.CloseDelay = time.Hour
	}
	if p.PaymentTermDays == 0 {
		p.PaymentTermDays = 15
	}
	if p.DailyAt == 0 {
		p.DailyAt = 9 * time.Hour
	}
	// The policies are copied, so that a host changing its values after
	// New changes nothing.
	o := lifecycle.DefaultOverduePolicy()
	if p.Overdue != nil {
		o = *p.Overdue
		o.ChargeAttemptDays = slices.Clone(o.ChargeAttemptDays)
	}
	p.Overdue = &o
	h := metering.DefaultHoldPolicy()
	if p.Hold != nil {
		h = *p.Hold
	}
	p.Hold = &h
	return p
}

// validatePostpaid reports the first field of a defaulted p outside its range, as
// a *ConfigError naming it.
func validatePostpaid(p PostpaidPolicy, currency string) error {
	bad := func(field, reason string) error { return &ConfigError{Field: "Postpaid." + field, Reason: reason} }
	switch {
	case p.CloseDelay < time.Minute || p.CloseDelay > 7*24*time.Hour:
		return bad("CloseDelay", fmt.Sprintf("is %s, want 1m to 168h", p.CloseDelay))
	case p.PaymentTermDays < 0 || p.PaymentTermDays > 90:
		return bad("PaymentTermDays", fmt.Sprintf("is %d, want 0 to 90", p.PaymentTermDays))
	case p.DailyAt < 0 || p.DailyAt >= 24*time.Hour:
		return bad("DailyAt", fmt.Sprintf("is %s, want 0 to 23h59m", p.DailyAt))
	}
	if err := p.Overdue.Validate(); err != nil {
		return &ConfigError{Field: "Postpaid.Overdue", Reason: err.Error(), Err: err}
	}
	if err := p.Hold.Validate(); err != nil {
		return &ConfigError{Field: "Postpaid.Hold", Reason: err.Error(), Err: err}
	}
	if err := checkCreditLimit(p.CreditLimit, currency); err != nil {
		return bad("CreditLimit", err.Error())
	}
	return nil
}

// checkCreditLimit checks a credit-limit policy for accounts in currency:
// no limit (the zero Amount), or a non-negative whole amount in it; a
// notice threshold of 0 to 100 percent.
func checkCreditLimit(p lifecycle.CreditLimitPolicy, currency string) error {
	if p.NoticeAtPercent < 0 || p.NoticeAtPercent > 100 {
		return fmt.Errorf("NoticeAtPercent is %d, want 0 to 100", p.NoticeAtPercent)
	}
	l := p.Limit
	if l.Currency().IsZero() && l.IsZero() {
		return nil
	}
	switch {
	case l.Currency().Code() != currency:
		return fmt.Errorf("limit %s is not in %s", l, currency)
	case l.IsNegative() || !l.IsRounded():
		return fmt.Errorf("limit %s must be a non-negative whole number of minor units", l)
	}
	return nil
}
