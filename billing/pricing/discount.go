package pricing

import (
	"fmt"
	"slices"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/invoice"
)

// applyDiscounts applies the order discounts to lines whose Subtotal is
// final, filling each line's Discounts, Discount and breakdown, and returns
// the discounts as applied. Each discount is capped at what is left of the
// order and split by what is left of each line, so shares sum exactly to
// the discount and no line goes below zero (see Catalog.Quote).
func (c *Catalog) applyDiscounts(k *money.Calc, lines []QuoteLine, discounts []Discount) ([]AppliedDiscount, error) {
	// What is left of each line after the discounts applied so far.
	left := make([]money.Amount, len(lines))
	zero := c.zero()
	weights := make([]money.Amount, len(lines))
	for i := range lines {
		left[i] = lines[i].Subtotal
		lines[i].Discount = zero
	}
	applied := make([]AppliedDiscount, len(discounts))
	for di, d := range discounts {
		remaining := zero
		for i := range left {
			weights[i] = zero
			if !appliesTo(d, lines[i].Item) {
				continue
			}
			remaining = k.Add(remaining, left[i])
			weights[i] = left[i]
		}
		take := d.Amount
		if k.Cmp(take, remaining) > 0 {
			take = remaining
		}
		applied[di] = AppliedDiscount{Code: d.Code, Label: d.Label, Requested: d.Amount, Applied: take}
		if !take.IsPositive() || remaining.IsZero() {
			continue
		}
		shares, err := take.AllocateAmounts(weights...)
		if err != nil {
			return nil, fmt.Errorf("pricing: split discount %q: %w", d.Code, err)
		}
		for i, s := range shares {
			if s.IsZero() {
				continue
			}
			left[i] = k.Sub(left[i], s)
			lines[i].Discount = k.Add(lines[i].Discount, s)
			lines[i].Discounts = append(lines[i].Discounts, DiscountShare{Code: d.Code, Label: d.Label, Amount: s})
			lines[i].Breakdown = append(lines[i].Breakdown,
				"discount "+displayName(d.Label, d.Code)+": −"+formatNumber(s.Number()))
			lines[i].Explain = append(lines[i].Explain,
				invoice.Detail{Kind: invoice.DetailDiscount, Name: displayName(d.Label, d.Code), Amount: s.Number()})
		}
	}
	return applied, nil
}

// appliesTo reports whether d may be taken off the line of request item.
func appliesTo(d Discount, item int) bool {
	return d.Items == nil || slices.Contains(d.Items, item)
}

// checkDiscount validates one order discount against a request of items
// items.
func (c *Catalog) checkDiscount(i int, d Discount, items int) error {
	bad := func(reason string, err error) error {
		return &DiscountError{Index: i, Code: d.Code, Reason: reason, Err: err}
	}
	for _, it := range d.Items {
		if it < 0 || it >= items {
			return bad(fmt.Sprintf("item %d is not in the request (%d items)", it, items), nil)
		}
	}
	if d.Items != nil && len(d.Items) == 0 {
		return bad("applies to no item", nil)
	}
	if d.Amount.Currency() != c.currency {
		return bad("currency", &money.CurrencyMismatchError{A: c.currency.Code(), B: d.Amount.Currency().Code()})
	}
	if d.Amount.IsNegative() {
		return bad("amount "+d.Amount.Number().String()+" is negative", nil)
	}
	if !d.Amount.IsRounded() {
		return bad("amount "+d.Amount.Number().String()+" is not in whole minor units", money.ErrNotRounded)
	}
	return nil
}
