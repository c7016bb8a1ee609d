package pricing

import (
	"errors"
	"fmt"
	"maps"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/invoice"
)

// Errors of the VAT rules by customer and product category.
var (
	// ErrUnknownTaxCategory: a product names a tax category its catalog
	// does not define (NewCatalog refuses it, as a *CatalogError).
	ErrUnknownTaxCategory = errors.New("pricing: unknown tax category")
	// ErrUnknownTaxTreatment: a tax treatment that is not one of
	// invoice.TaxTreatment's (see TaxTreatmentError).
	ErrUnknownTaxTreatment = errors.New("pricing: unknown tax treatment")
)

// TaxTreatmentError reports a tax treatment that is not declared. It
// matches ErrUnknownTaxTreatment.
type TaxTreatmentError struct {
	// Treatment is the value given.
	Treatment invoice.TaxTreatment
}

// Error names the treatment and the ones there are.
func (e *TaxTreatmentError) Error() string {
	return fmt.Sprintf("pricing: tax treatment %q is not standard, exempt, zero_rated or not_declared", clipText(string(e.Treatment)))
}

// Unwrap returns ErrUnknownTaxTreatment.
func (e *TaxTreatmentError) Unwrap() error { return ErrUnknownTaxTreatment }

// CheckTaxTreatment returns nil for a declared treatment (or the empty
// one, read as invoice.TaxStandard), else a *TaxTreatmentError.
func CheckTaxTreatment(t invoice.TaxTreatment) error {
	if !t.Valid() {
		return &TaxTreatmentError{Treatment: t}
	}
	return nil
}

// clipText keeps an error message short whatever the input was.
func clipText(s string) string {
	const max = 64
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}

// checkTaxCategories refuses a category without a usable id, or with a
// rate outside [0, 1] or with more than invoice.MaxRatePlaces places (the
// precision every invoice line, and so every store, accepts).
func checkTaxCategories(cats map[string]decimal.Decimal) error {
	for id, r := range cats {
		if err := checkID(id); err != nil {
			return &CatalogError{Field: "tax categories", Reason: "category id " + err.Error()}
		}
		if r.IsNegative() || r.GreaterThan(decimal.NewFromInt(1)) {
			return &CatalogError{Field: fmt.Sprintf("tax category %q", id),
				Err: fmt.Errorf("%w: tax rate %s is not in [0, 1]", ErrInvalidRate, r)}
		}
		if e := r.Exponent(); !r.IsZero() && (e < -(invoice.MaxRatePlaces+20) || !r.Equal(r.Truncate(invoice.MaxRatePlaces))) {
			return &CatalogError{Field: fmt.Sprintf("tax category %q", id),
				Err: fmt.Errorf("%w: tax rate %s has more than %d decimal places", ErrInvalidRate, r, invoice.MaxRatePlaces)}
		}
	}
	return nil
}

// checkProductCategory refuses a product naming a category the catalog
// does not define.
func checkProductCategory(p Product, cats map[string]decimal.Decimal) error {
	if p.TaxCategory == "" {
		return nil
	}
	if _, ok := cats[p.TaxCategory]; !ok {
		return &CatalogError{ProductID: p.ID, Field: "tax category",
			Err: fmt.Errorf("%w: %q", ErrUnknownTaxCategory, clipText(p.TaxCategory))}
	}
	return nil
}

// TaxCategories returns a copy of the catalog's tax categories: category
// id → VAT rate. Empty when every product is taxed at Tax().Rate.
func (c *Catalog) TaxCategories() map[string]decimal.Decimal {
	return maps.Clone(c.taxCategories)
}

// CategoryRate returns the VAT rate of product id for a customer taxed at
// the standard rates: its tax category's rate, or the catalog's Tax().Rate
// when it names none; or an *UnknownProductError.
func (c *Catalog) CategoryRate(id string) (decimal.Decimal, error) {
	e, err := c.lookup(id)
	if err != nil {
		return decimal.Zero, err
	}
	return c.categoryRate(e), nil
}

// categoryRate is CategoryRate of a found product.
func (c *Catalog) categoryRate(e *entry) decimal.Decimal {
	if r, ok := c.taxCategories[e.p.TaxCategory]; ok && e.p.TaxCategory != "" {
		return r
	}
	return c.tax.Rate
}

// TaxRate returns the VAT rate a line of product id is taxed at for a
// customer of treatment t, and the treatment the line declares:
//
//	standard (or empty)               → CategoryRate(id), invoice.TaxStandard
//	exempt, zero_rated, not_declared  → 0, t
//
// So in a catalog at 10 % with a category "reduced" at 8 %: a 1,000,000
// server (no category) is taxed 100,000 for a standard customer, 0 for an
// exempt one (declared KCT) and 0 for an export (declared 0 %); a
// 1,000,000 product in "reduced" is taxed 80,000. The catalog's TaxMode
// applies whatever the rate: with prices tax-inclusive a price is what the
// customer pays and the rate says how much of it is tax (1,100,000 at 8 %
// contains round(1,100,000 × 0.08 ÷ 1.08) = 81,481; for an exempt customer
// none of it).
//
// Errors: a *TaxTreatmentError; an *UnknownProductError.
func (c *Catalog) TaxRate(id string, t invoice.TaxTreatment) (decimal.Decimal, invoice.TaxTreatment, error) {
	if err := CheckTaxTreatment(t); err != nil {
		return decimal.Zero, "", err
	}
	e, err := c.lookup(id)
	if err != nil {
		return decimal.Zero, "", err
	}
	rate, treatment := c.lineTax(e, t)
	return rate, treatment, nil
}

// lineTax is TaxRate of a found product and a valid treatment.
func (c *Catalog) lineTax(e *entry, t invoice.TaxTreatment) (decimal.Decimal, invoice.TaxTreatment) {
	if t.Untaxed() {
		return decimal.Zero, t
	}
	return c.categoryRate(e), invoice.TaxStandard
}

// noteUntaxed tells, in a line's breakdown, why a line of an untaxed
// treatment has no tax ("no VAT: KCT (exempt)").
func noteUntaxed(l *QuoteLine) {
	if l.TaxTreatment.Untaxed() {
		l.Breakdown = append(l.Breakdown, "no VAT: "+l.TaxTreatment.Label()+" ("+string(l.TaxTreatment)+")")
	}
}
