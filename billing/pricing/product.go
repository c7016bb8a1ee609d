package pricing

import (
	"fmt"
	"maps"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/period"
)

// DefaultMaxComponentQuantity is the largest quantity of a component a
// configuration may choose when the component leaves MaxQuantity zero. It
// keeps absurd input from reaching the price arithmetic.
const DefaultMaxComponentQuantity = 1_000_000

// Component is one priced part of a product's configuration, such as
// "vcpu" or "ssd_gb". Its price is per 30 days of use.
type Component struct {
	// ID identifies the component inside its product, e.g. "vcpu".
	ID string
	// Name is the display name, e.g. "vCPU".
	Name string
	// Unit names what is counted in breakdowns, e.g. "vCPU" or "GB SSD".
	Unit string
	// Model prices a quantity of the component per 30 days.
	Model ChargeModel
	// MinQuantity is the least positive quantity that may be chosen; zero
	// means 1. Choosing 0 (or leaving the component out) is always allowed
	// unless Required applies.
	MinQuantity int64
	// MaxQuantity is the largest quantity that may be chosen; zero means
	// DefaultMaxComponentQuantity.
	MaxQuantity int64
	// Required means a configuration without a plan must choose a positive
	// quantity of this component (a server needs vCPUs). With a plan the
	// plan provides the base and components are add-ons.
	Required bool
}

// minQuantity returns MinQuantity with its documented default applied.
func (c Component) minQuantity() int64 {
	if c.MinQuantity == 0 {
		return 1
	}
	return c.MinQuantity
}

// maxQuantity returns MaxQuantity with its documented default applied.
func (c Component) maxQuantity() int64 {
	if c.MaxQuantity == 0 {
		return DefaultMaxComponentQuantity
	}
	return c.MaxQuantity
}

// Plan is a flat-priced bundle of a product, such as "basic-1" (1 vCPU /
// 2 GB RAM / 20 GB SSD for 90,000 per 30 days).
type Plan struct {
	// ID identifies the plan inside its product.
	ID string
	// Name is the display name.
	Name string
	// Price is the price per 30 days in the catalog currency, tax treated
	// as the catalog's TaxPolicy says; it may carry more digits than the
	// currency.
	Price decimal.Decimal
	// PostpaidDiscount is the fraction taken off the plan's postpaid bills
	// before tax, 0 ≤ rate ≤ 1 (0.1 is 10%); zero means the product's
	// PostpaidDiscount applies. See Catalog.PostpaidDiscountRate.
	PostpaidDiscount decimal.Decimal
}

// TermDiscount lowers the price of prepaid terms of at least Months months:
// of a product's term discounts, the one with the largest Months not above
// the term's months applies (6 months 5% and 12 months 15%: a 9-month term
// gets 5%, a 24-month term 15%, a 3-month term nothing).
type TermDiscount struct {
	// Months is the shortest term, in whole months, the discount applies to;
	// at least 1.
	Months int
	// Rate is the fraction taken off, 0 ≤ Rate < 1 (0.05 is 5%).
	Rate decimal.Decimal
}

// Product is something a customer can buy: a flat plan, a configuration of
// components, or a plan plus component add-ons.
type Product struct {
	// ID identifies the product in the catalog, e.g. "vserver".
	ID string
	// Name is the display name, e.g. "vServer".
	Name string
	// Components are the configurable parts, in display order.
	Components []Component
	// Plans are the flat-priced bundles, in display order.
	Plans []Plan
	// TermDiscounts are the discounts for long prepaid terms; their order
	// does not matter, their Months must be distinct.
	TermDiscounts []TermDiscount
	// Terms are the terms the product sells (Catalog.CheckTerm and
	// Catalog.CheckSpan check a purchase or renewal against them). The
	// zero value means period.DefaultTerms: 1, 3, 6, 12, 24 and 36 months,
	// no days terms and no spans. NewCatalog refuses an invalid set.
	Terms period.TermSet
	// PostpaidDiscount is the fraction taken off the product's postpaid
	// bills before tax — configuration and metered lines alike — in the
	// formula pre-tax = minutes × unit price × quantity × (1 − discount) ÷
	// 43,200; 0 ≤ rate ≤ 1, zero for none. A plan's own PostpaidDiscount
	// replaces it. Prepaid prices are not affected (TermDiscounts are).
	PostpaidDiscount decimal.Decimal
	// TaxCategory names the product's VAT category in the catalog's
	// Config.TaxCategories (e.g. "reduced-8" at 8 %); empty for the
	// catalog's Tax.Rate. NewCatalog refuses a category it does not
	// define (ErrUnknownTaxCategory). See Catalog.TaxRate.
	TaxCategory string
}

// clone returns a deep copy of p, so neither the catalog nor its callers
// can change the other's slices.
func (p Product) clone() Product {
	comps := make([]Component, len(p.Components))
	for i, c := range p.Components {
		c.Model = c.Model.clone()
		comps[i] = c
	}
	p.Components = comps
	p.Plans = append([]Plan(nil), p.Plans...)
	p.TermDiscounts = append([]TermDiscount(nil), p.TermDiscounts...)
	p.Terms = p.Terms.Clone()
	return p
}

// validate checks everything about p that does not depend on the rest of
// the catalog; errors are *CatalogError.
func (p Product) validate() error {
	bad := func(field, format string, args ...any) error {
		return &CatalogError{ProductID: p.ID, Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	if err := checkID(p.ID); err != nil {
		return &CatalogError{ProductID: p.ID, Reason: "product id " + err.Error()}
	}
	if len(p.Components) == 0 && len(p.Plans) == 0 {
		return bad("", "has neither components nor plans")
	}
	seen := make(map[string]string, len(p.Components)+len(p.Plans))
	for _, c := range p.Components {
		field := fmt.Sprintf("component %q", c.ID)
		if err := checkID(c.ID); err != nil {
			return bad(field, "id %v", err)
		}
		if prev, dup := seen[c.ID]; dup {
			return bad(field, "id already used by a %s", prev)
		}
		seen[c.ID] = "component"
		if err := c.Model.Validate(); err != nil {
			return &CatalogError{ProductID: p.ID, Field: field, Err: err}
		}
		if c.MinQuantity < 0 || c.MaxQuantity < 0 {
			return bad(field, "quantity limits must not be negative")
		}
		if c.minQuantity() > c.maxQuantity() {
			return bad(field, "min quantity %d is above max %d", c.minQuantity(), c.maxQuantity())
		}
	}
	for _, pl := range p.Plans {
		field := fmt.Sprintf("plan %q", pl.ID)
		if err := checkID(pl.ID); err != nil {
			return bad(field, "id %v", err)
		}
		if prev, dup := seen[pl.ID]; dup {
			return bad(field, "id already used by a %s", prev)
		}
		seen[pl.ID] = "plan"
		if pl.Price.IsNegative() {
			return &CatalogError{ProductID: p.ID, Field: field,
				Err: fmt.Errorf("%w: %s is negative", ErrInvalidPrice, pl.Price)}
		}
		if err := checkDiscountRate(pl.PostpaidDiscount); err != nil {
			return &CatalogError{ProductID: p.ID, Field: field + " postpaid discount", Err: err}
		}
	}
	if err := checkDiscountRate(p.PostpaidDiscount); err != nil {
		return &CatalogError{ProductID: p.ID, Field: "postpaid discount", Err: err}
	}
	if err := p.Terms.Validate(); err != nil {
		return &CatalogError{ProductID: p.ID, Field: "terms", Err: err}
	}
	months := make(map[int]bool, len(p.TermDiscounts))
	for _, d := range p.TermDiscounts {
		field := fmt.Sprintf("term discount for %d months", d.Months)
		if d.Months < 1 {
			return bad(field, "months must be at least 1")
		}
		if months[d.Months] {
			return bad(field, "months repeated")
		}
		months[d.Months] = true
		if d.Rate.IsNegative() || !d.Rate.LessThan(decimal.NewFromInt(1)) {
			return &CatalogError{ProductID: p.ID, Field: field,
				Err: fmt.Errorf("%w: %s is not in [0, 1)", ErrInvalidRate, d.Rate)}
		}
	}
	return nil
}

// MaxDiscountPlaces is the most decimal places a postpaid discount rate
// may have (the precision of an invoice line's rates).
const MaxDiscountPlaces = 10

// checkDiscountRate refuses a postpaid discount outside [0, 1] or with more
// than MaxDiscountPlaces places, with ErrInvalidRate.
func checkDiscountRate(r decimal.Decimal) error {
	if r.IsZero() {
		return nil
	}
	if e := r.Exponent(); e > 0 || e < -(MaxDiscountPlaces+20) || !r.Equal(r.Truncate(MaxDiscountPlaces)) {
		return fmt.Errorf("%w: postpaid discount %s has more than %d decimal places or is out of range", ErrInvalidRate, r, MaxDiscountPlaces)
	}
	if r.IsNegative() || r.GreaterThan(decimal.NewFromInt(1)) {
		return fmt.Errorf("%w: postpaid discount %s is not in [0, 1]", ErrInvalidRate, r)
	}
	return nil
}

// checkID rejects ids that would be ambiguous on invoices or in logs.
func checkID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("is empty")
	case strings.TrimSpace(id) != id:
		return fmt.Errorf("%q has surrounding space", id)
	}
	return nil
}

// termDiscountRate returns the rate of the term discount with the largest
// Months not above months, or zero when none applies.
func (p Product) termDiscountRate(months int) decimal.Decimal {
	best, rate := 0, decimal.Zero
	for _, d := range p.TermDiscounts {
		if d.Months <= months && d.Months > best {
			best, rate = d.Months, d.Rate
		}
	}
	return rate
}

// Configuration is what a customer chose for one unit of a product: an
// optional plan and quantities of components. With a plan, components are
// add-ons priced on top of it; without one, the components alone make the
// price and every Required component must be chosen. Its JSON is
// {"plan": …, "components": {…}} with empty parts left out; documents
// written with the field names ("Plan", "Components") read back the same.
type Configuration struct {
	// Plan is a plan id of the product, or "" for none.
	Plan string `json:"plan,omitempty"`
	// Components maps component ids to chosen quantities. A quantity of 0
	// is the same as leaving the component out.
	Components map[string]int64 `json:"components,omitempty"`
}

// Clone returns a copy of c that shares no map with it.
func (c Configuration) Clone() Configuration {
	c.Components = maps.Clone(c.Components)
	return c
}
