package pricing

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/invoice"
)

// PartKind says whether a PricePart is a plan or a component.
type PartKind int

const (
	// PartPlan is the configuration's flat plan.
	PartPlan PartKind = iota + 1
	// PartComponent is a chosen component.
	PartComponent
)

// Price is the price per 30 days of one unit of a configured product.
type Price struct {
	// ProductID is the product that was priced.
	ProductID string `json:"product_id"`
	// Amount is the exact sum of the parts, not rounded: rounding happens
	// once, on the quote line, after multiplying by time and quantity.
	Amount money.Amount `json:"amount"`
	// Parts are the plan (first, if chosen) and the chosen components in
	// the product's display order.
	Parts []PricePart `json:"parts"`
}

// PricePart is the price of one plan or component inside a Price.
type PricePart struct {
	// Kind says whether ID is a plan or a component id.
	Kind PartKind `json:"kind"`
	// ID and Name identify the plan or component.
	ID   string `json:"id"`
	Name string `json:"name"`
	// Quantity is the chosen component quantity; 1 for a plan.
	Quantity int64 `json:"quantity"`
	// Amount is the part's exact price per 30 days.
	Amount money.Amount `json:"amount"`
	// Breakdown describes how Amount was computed, e.g.
	// "2 vCPU × 45,000 = 90,000".
	Breakdown []string `json:"breakdown,omitempty"`
	// Explain is Breakdown as numbers, for documents in other languages.
	Explain []invoice.Detail `json:"explain,omitempty"`
}

// Breakdown returns every part's breakdown lines in order.
func (p Price) Breakdown() []string {
	n := 0
	for _, part := range p.Parts {
		n += len(part.Breakdown)
	}
	out := make([]string, 0, n)
	for _, part := range p.Parts {
		out = append(out, part.Breakdown...)
	}
	return out
}

// PricePer30Days returns the price per 30 days of one unit of product id
// configured as cfg, with its breakdown. Errors: *UnknownProductError,
// *UnknownPlanError, *UnknownComponentError, *QuantityError (negative, or
// outside the component's MinQuantity..MaxQuantity), *ConfigurationError
// (nothing chosen, or a Required component missing without a plan).
func (c *Catalog) PricePer30Days(id string, cfg Configuration) (Price, error) {
	e, err := c.lookup(id)
	if err != nil {
		return Price{}, err
	}
	return c.price(e, cfg)
}

// price implements PricePer30Days for a product already looked up.
func (c *Catalog) price(e *entry, cfg Configuration) (Price, error) {
	p := &e.p
	if err := checkComponentIDs(e, cfg); err != nil {
		return Price{}, err
	}
	total := decimal.Zero
	parts := make([]PricePart, 0, 1+len(cfg.Components))
	if cfg.Plan != "" {
		i, ok := e.plans[cfg.Plan]
		if !ok {
			return Price{}, &UnknownPlanError{ProductID: p.ID, PlanID: cfg.Plan}
		}
		pl := p.Plans[i]
		amt, err := c.amount(pl.Price)
		if err != nil {
			return Price{}, err
		}
		total = total.Add(pl.Price)
		parts = append(parts, PricePart{
			Kind: PartPlan, ID: pl.ID, Name: pl.Name, Quantity: 1,
			Amount:    amt,
			Breakdown: []string{"plan " + displayName(pl.Name, pl.ID) + " " + formatNumber(pl.Price)},
			Explain:   planExplain(displayName(pl.Name, pl.ID), pl.Price),
		})
	}
	for _, comp := range p.Components {
		q := cfg.Components[comp.ID]
		if q < 0 {
			return Price{}, &QuantityError{ProductID: p.ID, ComponentID: comp.ID,
				Quantity: strconv.FormatInt(q, 10), Reason: "must not be negative"}
		}
		if q == 0 {
			if comp.Required && cfg.Plan == "" {
				return Price{}, &ConfigurationError{ProductID: p.ID,
					Reason: fmt.Sprintf("component %q is required without a plan", comp.ID)}
			}
			continue
		}
		if q < comp.minQuantity() || q > comp.maxQuantity() {
			return Price{}, &QuantityError{ProductID: p.ID, ComponentID: comp.ID,
				Quantity: strconv.FormatInt(q, 10),
				Reason:   fmt.Sprintf("must be %d..%d", comp.minQuantity(), comp.maxQuantity())}
		}
		ch, err := comp.Model.Price(decimal.NewFromInt(q))
		if err != nil {
			// Unreachable for a validated catalog; reported, not hidden.
			return Price{}, fmt.Errorf("pricing: component %q of %q: %w", comp.ID, p.ID, err)
		}
		amt, err := c.amount(ch.Amount)
		if err != nil {
			return Price{}, err
		}
		total = total.Add(ch.Amount)
		parts = append(parts, PricePart{
			Kind: PartComponent, ID: comp.ID, Name: comp.Name, Quantity: q,
			Amount:    amt,
			Breakdown: componentBreakdown(comp, ch),
			Explain:   componentExplain(comp, ch),
		})
	}
	if len(parts) == 0 {
		return Price{}, &ConfigurationError{ProductID: p.ID, Reason: "chooses neither a plan nor any component"}
	}
	amt, err := c.amount(total)
	if err != nil {
		return Price{}, err
	}
	return Price{ProductID: p.ID, Amount: amt, Parts: parts}, nil
}

// checkComponentIDs rejects a configuration naming a component the product
// lacks. When several are unknown it reports the smallest id, so the error
// does not depend on map iteration order.
func checkComponentIDs(e *entry, cfg Configuration) error {
	var unknown []string
	for id := range cfg.Components {
		if _, ok := e.components[id]; !ok {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	return &UnknownComponentError{ProductID: e.p.ID, ComponentID: slices.Min(unknown)}
}

// componentBreakdown renders a component's charge, naming the component on
// the steps that do not already show its unit (flat amounts, fees, minimum).
func componentBreakdown(comp Component, ch Charge) []string {
	unit := comp.Unit
	if unit == "" {
		unit = displayName(comp.Name, comp.ID)
	}
	out := make([]string, len(ch.Steps))
	for i, s := range ch.Steps {
		out[i] = s.Describe(unit)
		if s.Kind != StepUnits && s.Kind != StepPackages {
			out[i] = displayName(comp.Name, comp.ID) + ": " + out[i]
		}
	}
	return out
}

// displayName prefers the display name and falls back to the id.
func displayName(name, id string) string {
	if name != "" {
		return name
	}
	return id
}

// amount wraps an exact number in the catalog currency. It fails only for
// a number money refuses (an exponent beyond its range), which a catalog
// built from sane prices never produces.
func (c *Catalog) amount(n decimal.Decimal) (money.Amount, error) {
	a, err := money.FromDecimal(n, c.currency.Code())
	if err != nil {
		return money.Amount{}, fmt.Errorf("pricing: %w", err)
	}
	return a, nil
}
