package metering

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
)

// HoldPolicy is the credit-hold rule for the usage-metered services of
// prepaid accounts. The zero HoldPolicy is not the default: start from
// DefaultHoldPolicy.
type HoldPolicy struct {
	// LookaheadDays is how many days of estimated usage are held beyond the
	// usage so far. Default 3; 0..366.
	LookaheadDays int
	// AverageDays is how many of the most recent complete days the daily
	// estimate averages. Default 7; 1..366.
	AverageDays int
	// StopAfterShortDays is the length of the streak of consecutive short
	// days (days the credit could not cover the hold) on which the service
	// is to be stopped. Default 5; 1..366.
	StopAfterShortDays int
}

// DefaultHoldPolicy returns the provider's rule: usage so far plus an
// estimate of the next 3 days, the estimate averaging the last up to 7
// complete days, and the service stopped on the 5th consecutive short day.
func DefaultHoldPolicy() HoldPolicy {
	return HoldPolicy{LookaheadDays: 3, AverageDays: 7, StopAfterShortDays: 5}
}

// Validate returns a *PolicyError (ErrInvalidPolicy) for the first field
// outside its documented range, or nil.
func (p HoldPolicy) Validate() error {
	for _, f := range []struct {
		name   string
		v, min int
	}{{"LookaheadDays", p.LookaheadDays, 0}, {"AverageDays", p.AverageDays, 1}, {"StopAfterShortDays", p.StopAfterShortDays, 1}} {
		if f.v < f.min || f.v > 366 {
			return &PolicyError{Field: f.name, Reason: fmt.Sprintf("is %d, must be %d..366", f.v, f.min)}
		}
	}
	return nil
}

// HoldInput is what the daily hold computation needs, all in the account's
// currency and whole minor units.
type HoldInput struct {
	// UsageSoFar is the priced usage of the period up to the computation
	// (the sum of the metered Charges' Amounts). ≥ 0.
	UsageSoFar money.Amount
	// CompleteDays is the priced usage of each complete day of the period
	// so far, oldest first. The estimate uses the last AverageDays of them.
	// Each ≥ 0.
	CompleteDays []money.Amount
	// ElapsedMinutes is how long the period has run at the computation.
	// It is used only when CompleteDays is empty. ≥ 0.
	ElapsedMinutes int64
	// AlreadyHeld is what is held for this service now (from the previous
	// computation). ≥ 0.
	AlreadyHeld money.Amount
	// Available is the spendable credit outside the hold. Zero or negative
	// means none.
	Available money.Amount
	// ShortDays is the streak of consecutive short days before this one.
	// ≥ 0.
	ShortDays int
}

// Hold is the result of one daily computation. All amounts are whole minor
// units and, exactly:
//
//	Required = UsageSoFar + LookaheadDays × Estimate
//	Held = min(Required, AlreadyHeld + max(Available, 0))
//	Shortage = Required − Held
//	Change = Held − AlreadyHeld
type Hold struct {
	// Estimate is the estimated usage of one day (see ComputeHold), rounded
	// up to the currency's minor unit.
	Estimate money.Amount
	// Required is what the hold should be.
	Required money.Amount
	// Held is what the hold is after this computation.
	Held money.Amount
	// Change is what to move: positive, from the spendable credit into the
	// hold; negative, released back from the hold; zero, nothing.
	Change money.Amount
	// Shortage is the amount to top up so the whole requirement is held;
	// zero when the credit covers it.
	Shortage money.Amount
	// ShortDays is the streak including this day: ShortDays + 1 when short,
	// else 0.
	ShortDays int
	// Stop says the streak reached StopAfterShortDays: the service must be
	// stopped (and the hold settled with SettleHold).
	Stop bool
}

// Short reports whether the credit could not cover the requirement.
func (h Hold) Short() bool { return h.Shortage.IsPositive() }

// ComputeHold computes the day's credit hold under p from in. The daily
// estimate is:
//
//   - with complete days: the average of the last min(len(CompleteDays),
//     AverageDays) of them, rounded up to the currency's minor unit;
//   - without (the first day of a period): UsageSoFar × 1,440 ÷
//     ElapsedMinutes, rounded up, or zero when no minute has elapsed.
//
// Rounding up means the hold never falls short of the estimate by a
// fraction of a minor unit. Errors: the *PolicyError of p.Validate; an
// *ArgumentError for a missing, negative or unrounded amount, amounts in
// different currencies, negative ElapsedMinutes or ShortDays.
func ComputeHold(p HoldPolicy, in HoldInput) (Hold, error) {
	if err := p.Validate(); err != nil {
		return Hold{}, err
	}
	cur := in.UsageSoFar.Currency()
	if cur.IsZero() {
		return Hold{}, &ArgumentError{Name: "UsageSoFar", Reason: "has no currency"}
	}
	checks := []struct {
		name string
		a    money.Amount
		neg  bool
	}{{"UsageSoFar", in.UsageSoFar, false}, {"AlreadyHeld", in.AlreadyHeld, false}, {"Available", in.Available, true}}
	for i, d := range in.CompleteDays {
		checks = append(checks, struct {
			name string
			a    money.Amount
			neg  bool
		}{fmt.Sprintf("CompleteDays[%d]", i), d, false})
	}
	for _, c := range checks {
		if err := checkMoney(c.name, c.a, cur, c.neg); err != nil {
			return Hold{}, err
		}
	}
	if in.ElapsedMinutes < 0 {
		return Hold{}, &ArgumentError{Name: "ElapsedMinutes", Reason: "is negative"}
	}
	if in.ShortDays < 0 {
		return Hold{}, &ArgumentError{Name: "ShortDays", Reason: "is negative"}
	}

	estimate, err := dailyEstimate(p, in)
	if err != nil {
		return Hold{}, err
	}
	zero := in.UsageSoFar.Mul(decimal.Zero)
	required, err := in.UsageSoFar.Add(estimate.MulInt(int64(p.LookaheadDays)))
	if err != nil {
		return Hold{}, err
	}
	avail := in.Available
	if avail.IsNegative() {
		avail = zero
	}
	capacity, err := in.AlreadyHeld.Add(avail)
	if err != nil {
		return Hold{}, err
	}
	held := required
	if c, _ := required.Cmp(capacity); c > 0 {
		held = capacity
	}
	shortage, _ := required.Sub(held)     // same currency, checked above
	change, _ := held.Sub(in.AlreadyHeld) // same currency, checked above
	h := Hold{Estimate: estimate, Required: required, Held: held, Change: change, Shortage: shortage}
	if h.Short() {
		h.ShortDays = in.ShortDays + 1
	}
	h.Stop = h.ShortDays >= p.StopAfterShortDays
	return h, nil
}

// dailyEstimate applies ComputeHold's estimate rule.
func dailyEstimate(p HoldPolicy, in HoldInput) (money.Amount, error) {
	cur := in.UsageSoFar.Currency()
	if n := len(in.CompleteDays); n > 0 {
		recent := in.CompleteDays[max(0, n-p.AverageDays):]
		sum, err := money.Sum(cur.Code(), recent...)
		if err != nil {
			return money.Amount{}, err
		}
		return sum.Div(decimal.NewFromInt(int64(len(recent))), cur.Digits(), money.Up)
	}
	if in.ElapsedMinutes == 0 {
		return in.UsageSoFar.Mul(decimal.Zero), nil
	}
	return in.UsageSoFar.MulInt(24*60).Div(decimal.NewFromInt(in.ElapsedMinutes), cur.Digits(), money.Up)
}

// Settlement is how a hold ends, at the period's end or when the service
// stops: the actual usage is charged from the hold and the rest released.
// Exactly: Charged + Released = the hold, Charged + Owed = the usage.
type Settlement struct {
	// Charged is taken from the hold as payment for the usage: the lesser
	// of the hold and the usage.
	Charged money.Amount
	// Released goes back from the hold to the spendable credit.
	Released money.Amount
	// Owed is the usage the hold did not cover, still to be paid (from
	// other credit or as an invoice); zero when the hold covered it.
	Owed money.Amount
}

// SettleHold settles a hold of held against the actual usage, both whole
// minor units of one currency and non-negative (an *ArgumentError
// otherwise).
func SettleHold(held, usage money.Amount) (Settlement, error) {
	cur := held.Currency()
	if cur.IsZero() {
		return Settlement{}, &ArgumentError{Name: "held", Reason: "has no currency"}
	}
	if err := checkMoney("held", held, cur, false); err != nil {
		return Settlement{}, err
	}
	if err := checkMoney("usage", usage, cur, false); err != nil {
		return Settlement{}, err
	}
	charged := usage
	if c, _ := usage.Cmp(held); c > 0 {
		charged = held
	}
	released, _ := held.Sub(charged)
	owed, _ := usage.Sub(charged)
	return Settlement{Charged: charged, Released: released, Owed: owed}, nil
}

// checkMoney returns an *ArgumentError unless a is in cur, whole minor
// units and (unless negOK) not negative.
func checkMoney(name string, a money.Amount, cur money.Currency, negOK bool) error {
	switch {
	case a.Currency() != cur:
		return &ArgumentError{Name: name, Reason: "is not in " + cur.Code(),
			Err: &money.CurrencyMismatchError{A: cur.Code(), B: a.Currency().Code()}}
	case !negOK && a.IsNegative():
		return &ArgumentError{Name: name, Reason: a.String() + " is negative"}
	case !a.IsRounded():
		return &ArgumentError{Name: name, Reason: a.String() + " is not whole minor units", Err: money.ErrNotRounded}
	}
	return nil
}
