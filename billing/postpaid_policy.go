package billing

import (
	"fmt"
	"slices"
	"time"

	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/lifecycle"
)

// PostpaidPolicy is how postpaid accounts and metered usage are billed:
// when a month closes, when bills fall due, when the daily jobs run, the
// overdue schedule, the credit limit and the credit hold. Zero fields take
// the documented defaults (Config.Postpaid).
type PostpaidPolicy struct {
	// CloseDelay is how long after a month ends, in the account's time
	// zone, the worker closes it. Usage timed in the month is accepted
	// until the resource's month is closed and refused after that
	// (ReasonPeriodClosed): the delay is the time product services have to
	// send late usage. Default 1 hour; 1 minute to 7 days.
	CloseDelay time.Duration
	// PaymentTermDays is how many calendar days after its issue a month's
	// bill falls due (the overdue schedule's T). Default 15; 0 to 90.
	PaymentTermDays int
	// DailyAt is the local time of day, in the account's zone, at which
	// the daily jobs run: automatic invoice payment and the credit hold.
	// Default 09:00; 0 to 23:59.
	DailyAt time.Duration
	// Overdue is the schedule of unpaid bills past due. Default
	// lifecycle.DefaultOverduePolicy(): charge attempts at T, T+7 and
	// T+14, suspension at T+15, release 15 days later.
	Overdue *lifecycle.OverduePolicy
	// ChargeLinkedAccount makes each charge attempt of the overdue
	// schedule charge what the available credit does not cover to the
	// account's default linked account (a card or wallet on file), when it
	// has one: the charge is a payment of its own on the invoice, sent to
	// the gateway after the worker's transaction commits, and a failure is
	// the payment's (retried by the worker, the invoice still open).
	// Default false: credit only.
	ChargeLinkedAccount bool
	// CreditLimit caps what a postpaid account may owe (usage not yet
	// billed plus unpaid bills plus the purchase): crossing the notice
	// threshold or the limit sends NoticeCreditLimit, and a policy that
	// blocks refuses the purchase (lifecycle.ErrCreditLimitExceeded). Its
	// Limit, in DefaultCurrency, applies to every postpaid account in that
	// currency; accounts in another currency take that currency's
	// CurrencyConfig.CreditLimit, with this notice threshold and blocking.
	// Default: no limit.
	CreditLimit lifecycle.CreditLimitPolicy
	// Hold is the credit-hold rule for prepaid accounts' metered usage.
	// Default metering.DefaultHoldPolicy(): usage so far plus 3 days'
	// estimate, the service stopped after 5 short days in a row. The
	// estimate averages the priced usage of the complete local days of the
	// month since usage began (days before the first usage do not count).
	Hold *metering.HoldPolicy
}

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
