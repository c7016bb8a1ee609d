package pricing

import (
	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice"
)

// The explanations below are the Breakdown texts as numbers
// (invoice.Detail), made next to them, so that an invoice can write them
// in its reader's language: each Detail says the same as the Breakdown
// text made with it.

// Explain returns every part's explanation in order: the numbers of
// Breakdown.
func (p Price) Explain() []invoice.Detail {
	var out []invoice.Detail
	for _, part := range p.Parts {
		out = append(out, part.Explain...)
	}
	return out
}

// planExplain is a plan's price per 30 days.
func planExplain(name string, price decimal.Decimal) []invoice.Detail {
	return []invoice.Detail{{Kind: invoice.DetailPlan, Name: name, Amount: price}}
}

// componentExplain is componentBreakdown as numbers.
func componentExplain(comp Component, ch Charge) []invoice.Detail {
	unit := comp.Unit
	if unit == "" {
		unit = displayName(comp.Name, comp.ID)
	}
	out := make([]invoice.Detail, len(ch.Steps))
	for i, s := range ch.Steps {
		out[i] = s.Detail(displayName(comp.Name, comp.ID), unit)
	}
	return out
}

// Detail is the step as numbers, of the component named name whose units
// are unit: what Describe writes in English.
func (s Step) Detail(name, unit string) invoice.Detail {
	d := invoice.Detail{Name: name, Unit: unit, Tier: s.Tier, Amount: s.Amount}
	switch s.Kind {
	case StepFlat:
		d.Kind = invoice.DetailFlat
	case StepUnits:
		d.Kind, d.Quantity, d.Price = invoice.DetailUnits, s.Quantity, s.UnitPrice
	case StepPackages:
		d.Kind, d.Quantity, d.Price = invoice.DetailPackages, s.Quantity, s.UnitPrice
		d.Packages, d.PackageSize = s.Packages, s.PackageSize
	case StepTierFee:
		d.Kind = invoice.DetailTierFee
	case StepMinimum:
		d.Kind, d.Price, d.Tier = invoice.DetailMinimum, s.UnitPrice, 0
	default:
		d.Kind = invoice.DetailFlat
	}
	return d
}

// proratedExplain is a quote line's time factor: price per 30 days ×
// quantity for a term's days, or for minutes of a span.
func proratedExplain(it QuoteItem, price, base decimal.Decimal, minutes int64) invoice.Detail {
	d := invoice.Detail{Kind: invoice.DetailProrated, Price: price, Quantity: decimal.NewFromInt(it.Quantity), Amount: base}
	if it.Term != (period.Term{}) {
		d.Days = minutes / minutesPerDay
	} else {
		d.Minutes = minutes
	}
	return d
}

// termDiscountExplain is a term discount of rate taking amount off.
func termDiscountExplain(t period.Term, rate, amount decimal.Decimal) invoice.Detail {
	return invoice.Detail{Kind: invoice.DetailTermDiscount, Months: t.Months, Days: int64(t.Days), Rate: rate, Amount: amount}
}

// taxExplain is tax at rate on (or, included, in) base.
func taxExplain(included bool, rate, base, tax decimal.Decimal) invoice.Detail {
	kind := invoice.DetailTax
	if included {
		kind = invoice.DetailTaxIncluded
	}
	return invoice.Detail{Kind: kind, Rate: rate, Base: base, Amount: tax}
}
