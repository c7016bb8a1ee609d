package coupon

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
)

// apply computes the discounts of coupons that have passed every check, in
// entry order, each on what the ones before it left of each line. The error
// is only for arithmetic that cannot fail on a checked request; it is
// returned rather than hidden so that a broken invariant is never a wrong
// amount.
func (o order) apply(coupons []Coupon) (Result, error) {
	zero, err := money.Zero(o.cur.Code())
	if err != nil {
		return Result{}, err
	}
	left := make([]money.Amount, len(o.Lines))
	for i, l := range o.Lines {
		left[i] = l.Amount
	}
	res := Result{Applied: make([]Applied, 0, len(coupons)), Total: zero}
	for _, c := range coupons {
		a, err := o.applyOne(c, left, zero)
		if err != nil {
			return Result{}, fmt.Errorf("coupon: apply %s: %w", c.Code, err)
		}
		for i, s := range a.Shares {
			if left[i], err = left[i].Sub(s); err != nil {
				return Result{}, err
			}
		}
		if res.Total, err = res.Total.Add(a.Amount); err != nil {
			return Result{}, err
		}
		res.Applied = append(res.Applied, a)
	}
	res.Lines = make([]money.Amount, len(o.Lines))
	for i, l := range o.Lines {
		if res.Lines[i], err = l.Amount.Sub(left[i]); err != nil {
			return Result{}, err
		}
	}
	return res, nil
}

// applyOne computes c's discount on what is left of each line and splits it
// by each eligible line's share of that, with money.AllocateWeights: parts
// sum exactly to the discount, leftover minor units go to the largest
// remainders, ties to the lower index. Since the discount never exceeds the
// eligible total and every weight is whole minor units, no share exceeds
// what is left of its line.
func (o order) applyOne(c Coupon, left []money.Amount, zero money.Amount) (Applied, error) {
	weights := make([]money.Amount, len(left))
	base := zero
	var err error
	for i, l := range o.Lines {
		weights[i] = zero
		if c.appliesTo(l.Product) {
			weights[i] = left[i]
			if base, err = base.Add(left[i]); err != nil {
				return Applied{}, err
			}
		}
	}
	amount, err := c.discount(base)
	if err != nil {
		return Applied{}, err
	}
	a := Applied{Code: c.Code, Kind: c.Kind, Base: base, Amount: amount}
	if !amount.IsPositive() {
		// Nothing to split (and no positive weight to split by when
		// the eligible lines are used up).
		a.Shares = make([]money.Amount, len(left))
		for i := range a.Shares {
			a.Shares[i] = zero
		}
		return a, nil
	}
	if a.Shares, err = amount.AllocateAmounts(weights...); err != nil {
		return Applied{}, err
	}
	return a, nil
}

// discount returns c's discount on base, the eligible amount left: Percent
// of base rounded half-up to the currency's digits, at most Cap; or Amount,
// at most base. It never exceeds base.
func (c Coupon) discount(base money.Amount) (money.Amount, error) {
	var d money.Amount
	switch c.Kind {
	case KindPercent:
		// One rounding step: base × percent ÷ 100 is computed exactly
		// first, so 12.5% of 0.005 KWD gives 0.001, not 0.
		var err error
		d, err = base.Mul(c.Percent).Div(decimal.New(1, 2), base.Currency().Digits(), money.HalfUp)
		if err != nil {
			return money.Amount{}, err
		}
		if isSet(c.Cap) {
			if d, err = lesser(d, c.Cap); err != nil {
				return money.Amount{}, err
			}
		}
	case KindFixed:
		d = c.Amount
	default:
		return money.Amount{}, fmt.Errorf("%w: unknown kind %s", ErrInvalidCoupon, quote(string(c.Kind)))
	}
	return lesser(d, base)
}

// lesser returns the smaller of a and b.
func lesser(a, b money.Amount) (money.Amount, error) {
	n, err := a.Cmp(b)
	if err != nil {
		return money.Amount{}, err
	}
	if n > 0 {
		return b, nil
	}
	return a, nil
}
