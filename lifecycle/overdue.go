package lifecycle

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
)

// OverduePolicy is the schedule for an account's unpaid postpaid invoices
// past their due time T. Days are calendar days in the account's zone at
// T's local wall-clock time (period.Calendar.AddDays). The zero value is
// not the default: start from DefaultOverduePolicy.
type OverduePolicy struct {
	// ChargeAttemptDays are the days after T of the automatic charge
	// attempts (billing charges the available credit), strictly
	// increasing, each ≥ 0 and before
	// SuspendAfterDays. Default [0, 7, 14]. Empty means no attempts.
	ChargeAttemptDays []int
	// SuspendAfterDays is when, counted from T, the account's resources are
	// suspended if the invoice is still unpaid. Default 15; 0..MaxPolicyDays.
	SuspendAfterDays int
	// ReleaseAfterSuspendDays is how long after the suspension the
	// resources are released. Default 15; 0..MaxPolicyDays.
	ReleaseAfterSuspendDays int
}

// DefaultOverduePolicy returns the template schedule: charge attempts at
// T, T+7 and T+14, suspension at T+15, release 15 days after the
// suspension. Each call returns a fresh value.
func DefaultOverduePolicy() OverduePolicy {
	return OverduePolicy{ChargeAttemptDays: []int{0, 7, 14}, SuspendAfterDays: 15, ReleaseAfterSuspendDays: 15}
}

// Validate returns a *PolicyError (ErrInvalidPolicy) for the first broken
// rule of the fields' documentation, or nil.
func (p OverduePolicy) Validate() error {
	if p.SuspendAfterDays < 0 || p.SuspendAfterDays > MaxPolicyDays {
		return &PolicyError{Field: "SuspendAfterDays", Reason: fmt.Sprintf("is %d, must be 0..%d", p.SuspendAfterDays, MaxPolicyDays)}
	}
	if p.ReleaseAfterSuspendDays < 0 || p.ReleaseAfterSuspendDays > MaxPolicyDays {
		return &PolicyError{Field: "ReleaseAfterSuspendDays", Reason: fmt.Sprintf("is %d, must be 0..%d", p.ReleaseAfterSuspendDays, MaxPolicyDays)}
	}
	if len(p.ChargeAttemptDays) > MaxAutoRenewAttempts {
		return &PolicyError{Field: "ChargeAttemptDays", Reason: fmt.Sprintf("has %d attempts, at most %d allowed", len(p.ChargeAttemptDays), MaxAutoRenewAttempts)}
	}
	for i, d := range p.ChargeAttemptDays {
		switch {
		case d < 0:
			return &PolicyError{Field: "ChargeAttemptDays", Reason: fmt.Sprintf("[%d] is %d, must not be before the due time", i, d)}
		case d >= p.SuspendAfterDays:
			return &PolicyError{Field: "ChargeAttemptDays", Reason: fmt.Sprintf("[%d] is %d, must be before the suspension at day %d", i, d, p.SuspendAfterDays)}
		case i > 0 && d <= p.ChargeAttemptDays[i-1]:
			return &PolicyError{Field: "ChargeAttemptDays", Reason: fmt.Sprintf("[%d] is %d, must be after [%d] (%d)", i, d, i-1, p.ChargeAttemptDays[i-1])}
		}
	}
	return nil
}

// OverdueAction is the kind of the next step of the overdue schedule.
type OverdueAction string

// The overdue actions. The names are stable: hosts store them.
const (
	// OverdueNone: nothing is left to do (the resources were released).
	OverdueNone OverdueAction = "none"
	// OverdueCharge: try to charge the overdue invoice (Step.Attempt says
	// which attempt).
	OverdueCharge OverdueAction = "charge"
	// OverdueSuspend: suspend the account's resources.
	OverdueSuspend OverdueAction = "suspend"
	// OverdueRelease: release the suspended resources.
	OverdueRelease OverdueAction = "release"
)

// OverdueProgress is what the host has done so far for one overdue
// invoice; it stores it and passes it back.
type OverdueProgress struct {
	// AttemptsDone is how many charge-attempt slots are used up: the index
	// of the next attempt to consider. A skipped (missed) attempt counts as
	// used: after doing Step.Attempt k, store k+1.
	AttemptsDone int
	// SuspendedAt is when the resources were suspended; zero if not yet.
	SuspendedAt time.Time
	// ReleasedAt is when they were released; zero if not yet.
	ReleasedAt time.Time
}

// OverdueStep is the next step of the schedule.
type OverdueStep struct {
	// Action is what to do.
	Action OverdueAction
	// At is when it is due: the scheduled instant (in the past when the
	// step is overdue itself). Zero for OverdueNone.
	At time.Time
	// Due says At ≤ now: do it now. Otherwise wait until At.
	Due bool
	// Attempt is the index of the charge attempt (OverdueCharge only).
	Attempt int
	// Key identifies the step across retries and workers, for the
	// deduplication of charges and notices: "overdue:<T unix>:charge:<k>",
	// "overdue:<T unix>:suspend", "overdue:<T unix>:release".
	Key string
}

// NextOverdueStep returns the next step of policy p's schedule for an
// invoice due at due, in calendar cal, at now, after progress done:
//
//   - released: OverdueNone;
//   - suspended: release at SuspendedAt + ReleaseAfterSuspendDays (from the
//     actual suspension, so a late suspension releases late too);
//   - now at or past T + SuspendAfterDays: suspend (a missed attempt is
//     not made any more);
//   - a charge attempt whose time has come: the latest one (missed earlier
//     attempts are skipped, not replayed: catch up once);
//   - otherwise the next attempt, or the suspension, in the future.
//
// Paying the invoice ends the schedule; the host then stops asking (and
// resumes what was suspended). Errors: the *PolicyError of p.Validate; an
// error matching ErrInvalidArgument for a zero due or now, or negative
// AttemptsDone.
func NextOverdueStep(p OverduePolicy, cal period.Calendar, due, now time.Time, done OverdueProgress) (OverdueStep, error) {
	if err := p.Validate(); err != nil {
		return OverdueStep{}, err
	}
	if due.IsZero() || now.IsZero() {
		return OverdueStep{}, fmt.Errorf("%w: due and now must not be the zero time", ErrInvalidArgument)
	}
	if done.AttemptsDone < 0 {
		return OverdueStep{}, fmt.Errorf("%w: AttemptsDone is %d", ErrInvalidArgument, done.AttemptsDone)
	}
	key := "overdue:" + strconv.FormatInt(due.Unix(), 10) + ":"
	step := func(a OverdueAction, at time.Time, k string) OverdueStep {
		return OverdueStep{Action: a, At: at, Due: !at.After(now), Key: key + k}
	}
	switch {
	case !done.ReleasedAt.IsZero():
		return OverdueStep{Action: OverdueNone}, nil
	case !done.SuspendedAt.IsZero():
		return step(OverdueRelease, cal.AddDays(done.SuspendedAt, p.ReleaseAfterSuspendDays), "release"), nil
	}
	suspendAt := cal.AddDays(due, p.SuspendAfterDays)
	if !now.Before(suspendAt) {
		return step(OverdueSuspend, suspendAt, "suspend"), nil
	}
	latest := -1
	for k := done.AttemptsDone; k < len(p.ChargeAttemptDays); k++ {
		if cal.AddDays(due, p.ChargeAttemptDays[k]).After(now) {
			break
		}
		latest = k
	}
	if latest >= 0 {
		s := step(OverdueCharge, cal.AddDays(due, p.ChargeAttemptDays[latest]), "charge:"+strconv.Itoa(latest))
		s.Attempt = latest
		return s, nil
	}
	if done.AttemptsDone < len(p.ChargeAttemptDays) {
		k := done.AttemptsDone
		s := step(OverdueCharge, cal.AddDays(due, p.ChargeAttemptDays[k]), "charge:"+strconv.Itoa(k))
		s.Attempt = k
		return s, nil
	}
	return step(OverdueSuspend, suspendAt, "suspend"), nil
}

// CreditLimitPolicy caps what a postpaid account may owe: unbilled usage
// plus unpaid invoices.
type CreditLimitPolicy struct {
	// Limit is the cap, whole minor units. The zero Amount means no limit.
	Limit money.Amount
	// NoticeAtPercent is the share of the limit, in whole percent, from
	// which a warning notice is due: 80 warns at 80%. 0..100; zero means a
	// notice only when the limit is crossed.
	NoticeAtPercent int
	// Blocks says whether an account over its limit is refused new
	// purchases (true) or only notified (false, the default).
	Blocks bool
}

// CreditLimitStatus is where an account stands against its limit.
type CreditLimitStatus string

// The credit limit statuses; stable names.
const (
	// CreditWithin: below the notice threshold (or no limit).
	CreditWithin CreditLimitStatus = "within"
	// CreditNotice: at or above NoticeAtPercent of the limit, not above it.
	CreditNotice CreditLimitStatus = "notice"
	// CreditOver: above the limit.
	CreditOver CreditLimitStatus = "over"
)

// CreditCheck is the result of CheckCreditLimit.
type CreditCheck struct {
	// Used is unbilled + unpaid + pending.
	Used money.Amount
	// Headroom is Limit − Used; negative when over; the zero Amount
	// without a limit.
	Headroom money.Amount
	// Status is within, notice or over.
	Status CreditLimitStatus
	// Blocked says the purchase must be refused (over and the policy
	// blocks).
	Blocked bool
}

// CheckCreditLimit compares unbilled usage plus unpaid invoices plus the
// pending purchase (zero when only checking) with the policy's limit. Over
// means strictly above the limit: an account exactly at its limit is not
// over. A notice is due at NoticeAtPercent% of the limit or more (computed
// exactly: used × 100 ≥ limit × percent). Errors (ErrInvalidArgument): an
// amount without a currency, negative, not whole minor units, or in another
// currency than the others; NoticeAtPercent outside 0..100.
func CheckCreditLimit(p CreditLimitPolicy, unbilled, unpaid, pending money.Amount) (CreditCheck, error) {
	cur := unbilled.Currency()
	if p.NoticeAtPercent < 0 || p.NoticeAtPercent > 100 {
		return CreditCheck{}, fmt.Errorf("%w: NoticeAtPercent is %d, must be 0..100", ErrInvalidArgument, p.NoticeAtPercent)
	}
	amounts := []struct {
		name string
		a    money.Amount
	}{{"unbilled", unbilled}, {"unpaid", unpaid}, {"pending", pending}}
	if !p.Limit.Currency().IsZero() || !p.Limit.IsZero() {
		amounts = append(amounts, struct {
			name string
			a    money.Amount
		}{"Limit", p.Limit})
	}
	for _, x := range amounts {
		switch {
		case cur.IsZero() || x.a.Currency() != cur:
			return CreditCheck{}, fmt.Errorf("%w: %s %q is not in %q: %w", ErrInvalidArgument, x.name, x.a.String(), cur.Code(),
				&money.CurrencyMismatchError{A: cur.Code(), B: x.a.Currency().Code()})
		case x.a.IsNegative():
			return CreditCheck{}, fmt.Errorf("%w: %s %s is negative", ErrInvalidArgument, x.name, x.a)
		case !x.a.IsRounded():
			return CreditCheck{}, fmt.Errorf("%w: %s %s: %w", ErrInvalidArgument, x.name, x.a, money.ErrNotRounded)
		}
	}
	used, err := money.Sum(cur.Code(), unbilled, unpaid, pending)
	if err != nil {
		return CreditCheck{}, err
	}
	out := CreditCheck{Used: used, Status: CreditWithin}
	if p.Limit.Currency().IsZero() {
		return out, nil
	}
	out.Headroom, _ = p.Limit.Sub(used) // same currency, checked above
	switch c, _ := used.Cmp(p.Limit); {
	case c > 0:
		out.Status = CreditOver
		out.Blocked = p.Blocks
	case p.NoticeAtPercent > 0 && used.MulInt(100).Number().GreaterThanOrEqual(p.Limit.MulInt(int64(p.NoticeAtPercent)).Number()):
		out.Status = CreditNotice
	}
	return out, nil
}

// Purchase refusals of postpaid accounts. They are sentinels that the
// errors of CheckPurchase match; their meanings never change.
var (
	// ErrAccountOverdue: the account has an overdue invoice, so new
	// purchases are refused until it is paid. See *PurchaseRefusedError.
	ErrAccountOverdue = errors.New("lifecycle: account has overdue invoices")
	// ErrCreditLimitExceeded: the purchase would take the account over its
	// credit limit and the policy blocks. See *PurchaseRefusedError.
	ErrCreditLimitExceeded = errors.New("lifecycle: credit limit exceeded")
)

// PurchaseRefusedError says why a postpaid account may not buy now. It
// matches ErrAccountOverdue or ErrCreditLimitExceeded (Err).
type PurchaseRefusedError struct {
	// Err is the sentinel of the rule.
	Err error
	// OverdueSince is the earliest due time of the overdue invoices
	// (ErrAccountOverdue only).
	OverdueSince time.Time
	// Check is the credit check that blocked (ErrCreditLimitExceeded only).
	Check CreditCheck
}

// Error names the rule.
func (e *PurchaseRefusedError) Error() string {
	if e.Err == ErrAccountOverdue {
		return "lifecycle: purchase refused: invoices overdue since " + e.OverdueSince.Format(time.RFC3339)
	}
	return fmt.Sprintf("lifecycle: purchase refused: %s used of the credit limit, headroom %s", e.Check.Used, e.Check.Headroom)
}

// Unwrap returns the sentinel of the rule.
func (e *PurchaseRefusedError) Unwrap() error { return e.Err }

// CheckPurchase says whether a postpaid account may buy at now: not while
// one of its unpaid invoices is past due (oldestUnpaidDue, the earliest due
// time of its unpaid invoices, is before now; the zero time means none),
// and not when credit (from CheckCreditLimit with the purchase as pending)
// is blocked. It returns nil or a *PurchaseRefusedError; the overdue rule
// is checked first.
func CheckPurchase(oldestUnpaidDue, now time.Time, credit CreditCheck) error {
	if !oldestUnpaidDue.IsZero() && oldestUnpaidDue.Before(now) {
		return &PurchaseRefusedError{Err: ErrAccountOverdue, OverdueSince: oldestUnpaidDue}
	}
	if credit.Blocked {
		return &PurchaseRefusedError{Err: ErrCreditLimitExceeded, Check: credit}
	}
	return nil
}
