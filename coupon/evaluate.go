package coupon

import (
	"slices"

	"github.com/cloudbill/cloudbill/billing/money"
)

// Evaluate decides whether the coupons entered for an order apply and what
// each takes off each line, by the rules in the package documentation.
//
// It is all or nothing: if any entered code is rejected, Evaluate returns a
// *Rejection (ErrRejected) for the first one, in entry order, and no partial
// result, so the customer removes or fixes that code and tries again. A
// request that is itself wrong gives a *RequestError (ErrInvalidRequest), or
// a *DefinitionError (ErrInvalidCoupon) for a broken definition. No codes at
// all give an empty result with zero discounts.
func Evaluate(req Request) (Result, error) {
	o, err := check(req)
	if err != nil {
		return Result{}, err
	}
	chosen := make([]Coupon, 0, len(req.Codes))
	seen := make(map[string]bool, len(req.Codes))
	for _, raw := range req.Codes {
		code, err := NormalizeCode(raw)
		if err != nil {
			return Result{}, &Rejection{Code: raw, Reason: ReasonMalformedCode, Err: err}
		}
		if seen[code] {
			return Result{}, &Rejection{Code: code, Reason: ReasonDuplicateCode}
		}
		seen[code] = true
		c, ok := o.defs[code]
		if !ok {
			return Result{}, &Rejection{Code: code, Reason: ReasonUnknownCode}
		}
		if rej, err := o.eligible(c); err != nil {
			return Result{}, err
		} else if rej != nil {
			return Result{}, rej
		}
		chosen = append(chosen, c)
	}
	if len(chosen) > 1 {
		for _, c := range chosen {
			if !c.Stackable {
				return Result{}, &Rejection{Code: c.Code, Reason: ReasonNotStackable}
			}
		}
	}
	return o.apply(chosen)
}

// eligible returns the rejection of c for this order, or nil if c applies.
// The checks run in the documented order, so the reason is deterministic.
// The error is only for arithmetic that cannot fail on a checked request.
func (o order) eligible(c Coupon) (*Rejection, error) {
	reject := func(r Reason) *Rejection { return &Rejection{Code: c.Code, Reason: r} }
	if !c.ValidFrom.IsZero() && o.Now.Before(c.ValidFrom) {
		r := reject(ReasonNotYetValid)
		r.At = c.ValidFrom
		return r, nil
	}
	if !c.ValidUntil.IsZero() && !o.Now.Before(c.ValidUntil) {
		r := reject(ReasonExpired)
		r.At = c.ValidUntil
		return r, nil
	}
	if cur := c.currency(); cur != "" && cur != o.cur.Code() {
		r := reject(ReasonCurrencyMismatch)
		r.Currency, r.OrderCurrency = cur, o.cur.Code()
		return r, nil
	}
	if len(c.Actions) > 0 && !slices.Contains(c.Actions, o.Action) {
		r := reject(ReasonNotApplicableAction)
		r.Action, r.Actions = o.Action, slices.Clone(c.Actions)
		return r, nil
	}
	subtotal, found, err := o.eligibleSubtotal(c)
	if err != nil {
		return nil, err
	}
	if !found {
		r := reject(ReasonNotApplicableProduct)
		r.Products = slices.Clone(c.Products)
		return r, nil
	}
	if c.FirstOrderOnly && !o.FirstOrder {
		return reject(ReasonFirstOrderOnly), nil
	}
	if isSet(c.MinSpend) {
		short, err := subtotal.Cmp(c.MinSpend)
		if err != nil {
			return nil, err
		}
		if short < 0 {
			r := reject(ReasonMinimumNotMet)
			r.Minimum, r.Subtotal = c.MinSpend, subtotal
			return r, nil
		}
	}
	return c.checkLimits(o.Usage[c.Code]), nil
}

// CheckLimits reports whether one more redemption of c fits its limits,
// given u, the redemptions that already count (reserved and consumed). It
// returns nil, or a *Rejection with ReasonTotalLimitReached (checked first)
// or ReasonAccountLimitReached. Evaluate applies it; a store calls it again
// on counts read inside the transaction that reserves the redemption, so
// that concurrent checkouts never exceed a limit.
func (c Coupon) CheckLimits(u Usage) error {
	if r := c.checkLimits(u); r != nil {
		return r
	}
	return nil
}

// checkLimits is CheckLimits with a concrete result type, so that a nil
// rejection never becomes a non-nil error interface.
func (c Coupon) checkLimits(u Usage) *Rejection {
	switch {
	case c.TotalLimit > 0 && u.Total >= c.TotalLimit:
		return &Rejection{Code: c.Code, Reason: ReasonTotalLimitReached, Limit: c.TotalLimit}
	case c.PerAccountLimit > 0 && u.Account >= c.PerAccountLimit:
		return &Rejection{Code: c.Code, Reason: ReasonAccountLimitReached, Limit: c.PerAccountLimit}
	}
	return nil
}

// eligibleSubtotal returns the sum of the order's lines c applies to,
// before any coupon, and whether there is any such line.
func (o order) eligibleSubtotal(c Coupon) (money.Amount, bool, error) {
	var amounts []money.Amount
	for _, l := range o.Lines {
		if c.appliesTo(l.Product) {
			amounts = append(amounts, l.Amount)
		}
	}
	sum, err := money.Sum(o.cur.Code(), amounts...)
	return sum, len(amounts) > 0, err
}

// appliesTo reports whether c applies to product; no Products means all.
func (c Coupon) appliesTo(product string) bool {
	return len(c.Products) == 0 || slices.Contains(c.Products, product)
}
