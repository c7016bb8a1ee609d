package pricing_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
)

// taxCatalog sells a "server" (no category: the catalog's 10 %) and a
// "software" licence in the "reduced-8" category (8 %), each a plan of
// price per 30 days, in mode.
func taxCatalog(t testing.TB, mode pricing.TaxMode, price string) *pricing.Catalog {
	t.Helper()
	plan := []pricing.Plan{{ID: "p", Name: "P", Price: dec(price)}}
	c, err := pricing.NewCatalog(pricing.Config{Currency: "VND", Tax: pricing.TaxPolicy{Rate: dec("0.1"), Mode: mode},
		TaxCategories: map[string]decimal.Decimal{"reduced-8": dec("0.08"), "reduced-5": dec("0.05")},
		Products: []pricing.Product{
			{ID: "server", Name: "Server", Plans: plan},
			{ID: "software", Name: "Software", Plans: plan, TaxCategory: "reduced-8"},
		}})
	require.NoError(t, err)
	return c
}

// quoteOne quotes one month of product for a customer of treatment.
func quoteOne(t *testing.T, c *pricing.Catalog, product string, treatment invoice.TaxTreatment) pricing.QuoteLine {
	t.Helper()
	q, err := c.Quote(pricing.QuoteRequest{TaxTreatment: treatment, Items: []pricing.QuoteItem{
		{ProductID: product, Configuration: pricing.Configuration{Plan: "p"}, Quantity: 1, Term: period.Months(1)}}})
	require.NoError(t, err)
	require.Len(t, q.Lines, 1)
	return q.Lines[0]
}

func TestTaxByTreatmentAndCategory(t *testing.T) {
	excl := taxCatalog(t, pricing.TaxExclusive, "1000000")
	incl := taxCatalog(t, pricing.TaxInclusive, "1100000")
	for _, tc := range []struct {
		name                string
		cat                 *pricing.Catalog
		product             string
		treatment           invoice.TaxTreatment
		rate, net, tax, tot string
		declared            invoice.TaxTreatment
	}{
		{"a 1,000,000 server at 10% exclusive is taxed 100,000", excl, "server", invoice.TaxStandard, "0.1", "1000000", "100000", "1100000", invoice.TaxStandard},
		{"an account that chose nothing is standard", excl, "server", "", "0.1", "1000000", "100000", "1100000", invoice.TaxStandard},
		{"the same server for an exempt account: no tax, declared KCT", excl, "server", invoice.TaxExempt, "0", "1000000", "0", "1000000", invoice.TaxExempt},
		{"an export is zero-rated: 0 tax, declared 0%", excl, "server", invoice.TaxZeroRated, "0", "1000000", "0", "1000000", invoice.TaxZeroRated},
		{"not declared (KKKNT): no tax", excl, "server", invoice.TaxNotDeclared, "0", "1000000", "0", "1000000", invoice.TaxNotDeclared},
		{"a product in the 8% category is taxed 80,000", excl, "software", invoice.TaxStandard, "0.08", "1000000", "80000", "1080000", invoice.TaxStandard},
		{"the 8% category for an exempt account is still exempt", excl, "software", invoice.TaxExempt, "0", "1000000", "0", "1000000", invoice.TaxExempt},
		{"inclusive 1,100,000 at 8% contains round(1,100,000×0.08/1.08) = 81,481", incl, "software", invoice.TaxStandard, "0.08", "1018519", "81481", "1100000", invoice.TaxStandard},
		{"inclusive 1,100,000 at 10% contains 100,000", incl, "server", invoice.TaxStandard, "0.1", "1000000", "100000", "1100000", invoice.TaxStandard},
		{"inclusive 1,100,000 for an exempt account: the price, no tax inside", incl, "server", invoice.TaxExempt, "0", "1100000", "0", "1100000", invoice.TaxExempt},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := quoteOne(t, tc.cat, tc.product, tc.treatment)
			assert.Equal(t, tc.rate, l.TaxRate.String())
			assert.Equal(t, tc.declared, l.TaxTreatment)
			assert.Equal(t, []string{tc.net, tc.tax, tc.tot}, amounts(l.Net, l.Tax, l.Total))
			rate, declared, err := tc.cat.TaxRate(tc.product, tc.treatment)
			require.NoError(t, err)
			assert.Equal(t, tc.rate, rate.String())
			assert.Equal(t, tc.declared, declared)
			if tc.declared.Untaxed() {
				assert.Contains(t, strings.Join(l.Breakdown, "\n"), "no VAT: "+tc.declared.Label())
			}
		})
	}
}

func TestCategoryRate(t *testing.T) {
	c := taxCatalog(t, pricing.TaxExclusive, "1000000")
	r, err := c.CategoryRate("software")
	require.NoError(t, err)
	assert.Equal(t, "0.08", r.String())
	r, err = c.CategoryRate("server")
	require.NoError(t, err)
	assert.Equal(t, "0.1", r.String())
	_, err = c.CategoryRate("nope")
	assert.ErrorIs(t, err, pricing.ErrUnknownProduct)
	cats := c.TaxCategories()
	cats["reduced-8"] = dec("0.5") // a copy: the catalog is unchanged
	r, _ = c.CategoryRate("software")
	assert.Equal(t, "0.08", r.String())
}

func TestTaxBadInputs(t *testing.T) {
	plan := []pricing.Plan{{ID: "p", Name: "P", Price: dec("1000")}}
	build := func(cats map[string]decimal.Decimal, category string) error {
		_, err := pricing.NewCatalog(pricing.Config{Currency: "VND", Tax: pricing.TaxPolicy{Rate: dec("0.1")}, TaxCategories: cats,
			Products: []pricing.Product{{ID: "x", Name: "X", Plans: plan, TaxCategory: category}}})
		return err
	}
	for _, tc := range []struct {
		name     string
		cats     map[string]decimal.Decimal
		category string
		want     error
	}{
		{"a negative category rate", map[string]decimal.Decimal{"r": dec("-0.05")}, "", pricing.ErrInvalidRate},
		{"a category rate over 100%", map[string]decimal.Decimal{"r": dec("1.01")}, "", pricing.ErrInvalidRate},
		{"a category rate with 11 places", map[string]decimal.Decimal{"r": dec("0.08000000001")}, "", pricing.ErrInvalidRate},
		{"an empty category id", map[string]decimal.Decimal{"": dec("0.05")}, "", pricing.ErrInvalidCatalog},
		{"a product in an unknown category", map[string]decimal.Decimal{"r": dec("0.05")}, "reduced-5", pricing.ErrUnknownTaxCategory},
	} {
		t.Run(tc.name+" is refused", func(t *testing.T) {
			err := build(tc.cats, tc.category)
			require.ErrorIs(t, err, tc.want)
			require.ErrorIs(t, err, pricing.ErrInvalidCatalog)
		})
	}
	require.NoError(t, build(map[string]decimal.Decimal{"r": dec("1")}, "r"), "100% is a rate")

	c := taxCatalog(t, pricing.TaxExclusive, "1000000")
	_, err := c.Quote(pricing.QuoteRequest{TaxTreatment: "reverse_charge", Items: []pricing.QuoteItem{
		{ProductID: "server", Configuration: pricing.Configuration{Plan: "p"}, Quantity: 1, Term: period.Months(1)}}})
	var te *pricing.TaxTreatmentError
	require.True(t, errors.As(err, &te), "%v", err)
	require.ErrorIs(t, err, pricing.ErrUnknownTaxTreatment)
	_, _, err = c.TaxRate("server", "EXEMPT")
	require.ErrorIs(t, err, pricing.ErrUnknownTaxTreatment)
	_, _, err = c.TaxRate("nope", invoice.TaxExempt)
	require.ErrorIs(t, err, pricing.ErrUnknownProduct)
}
