package pricing_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
)

// termsCatalog has "monthly" (no Terms: the default cycles), "daily" (the
// cycles plus 1 to 90 days) and "hourly" (spans of 1 to 24 hours only).
func termsCatalog(t *testing.T) *pricing.Catalog {
	t.Helper()
	with := func(id string, terms period.TermSet) pricing.Product {
		p := validProduct()
		p.ID, p.Terms = id, terms
		return p
	}
	c, err := pricing.NewCatalog(pricing.Config{Currency: "VND", Products: []pricing.Product{
		with("monthly", period.TermSet{}),
		with("daily", period.TermSet{Terms: period.StandardCycles(), Days: period.Bounds{Min: 1, Max: 90}}),
		with("hourly", period.TermSet{SpanMinutes: period.Bounds{Min: 60, Max: 1440}}),
	}})
	require.NoError(t, err)
	return c
}

func TestCatalogCheckTerm(t *testing.T) {
	c := termsCatalog(t)
	tests := []struct {
		name    string
		product string
		term    period.Term
		is      error // nil when sold
		msg     string
	}{
		{"a product without terms sells 12 months", "monthly", period.Months(12), nil, ""},
		{"a product without terms refuses 7 months, listing the cycles", "monthly", period.Months(7), period.ErrTermNotSold,
			`pricing: product "monthly": period: term 7 months is not sold; allowed: 1, 3, 6, 12, 24, 36 months`},
		{"a product without terms refuses 30 days", "monthly", period.Days(30), period.ErrTermNotSold,
			`pricing: product "monthly": period: term 30 days is not sold; allowed: 1, 3, 6, 12, 24, 36 months`},
		{"a product selling days sells 60 days", "daily", period.Days(60), nil, ""},
		{"a product selling 1 to 90 days refuses 91", "daily", period.Days(91), period.ErrTermNotSold,
			`pricing: product "daily": period: term 91 days is not sold; allowed: 1, 3, 6, 12, 24, 36 months; 1 to 90 days`},
		{"a spans-only product sells no term", "hourly", period.Months(1), period.ErrTermNotSold,
			`pricing: product "hourly": period: term 1 month is not sold; allowed: spans of 60 to 1440 minutes`},
		{"a malformed term keeps its cause", "daily", period.Term{Days: -5}, period.ErrInvalidTerm,
			`pricing: product "daily": period: invalid term (months=0 days=-5): days must be 0..36500`},
		{"an unknown product is not found", "nope", period.Months(1), pricing.ErrUnknownProduct, `pricing: unknown product "nope"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.CheckTerm(tt.product, tt.term)
			if tt.is == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.is)
			assert.EqualError(t, err, tt.msg)
			var ns *period.NotSoldError
			if errors.As(err, &ns) {
				assert.Equal(t, tt.term, ns.Term)
			}
		})
	}
}

func TestCatalogCheckSpan(t *testing.T) {
	c := termsCatalog(t)
	start := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	hours := func(h int) period.Span {
		return period.Span{Start: start, End: start.Add(time.Duration(h) * time.Hour)}
	}

	require.NoError(t, c.CheckSpan("hourly", hours(3)), "3 hours is within 1 to 24 hours")
	err := c.CheckSpan("hourly", hours(25))
	require.ErrorIs(t, err, period.ErrTermNotSold)
	assert.EqualError(t, err, `pricing: product "hourly": period: a span of 1500 minutes is not sold; allowed: spans of 60 to 1440 minutes`)
	var ns *period.NotSoldError
	require.True(t, errors.As(err, &ns))
	assert.Equal(t, int64(1500), ns.Minutes)

	require.ErrorIs(t, c.CheckSpan("monthly", hours(3)), period.ErrTermNotSold, "the default set sells no spans")
	require.ErrorIs(t, c.CheckSpan("nope", hours(3)), pricing.ErrUnknownProduct)
}

func TestCatalogTerms(t *testing.T) {
	c := termsCatalog(t)
	got, err := c.Terms("monthly")
	require.NoError(t, err)
	assert.Equal(t, period.DefaultTerms(), got, "a product without terms sells the default cycles")

	got, err = c.Terms("daily")
	require.NoError(t, err)
	got.Terms[0] = period.Months(7)
	again, err := c.Terms("daily")
	require.NoError(t, err)
	assert.Equal(t, period.Months(1), again.Terms[0], "Terms hands out a copy")

	p, err := c.Product("daily")
	require.NoError(t, err)
	p.Terms.Terms[0] = period.Months(7)
	require.NoError(t, c.CheckTerm("daily", period.Months(1)), "Product hands out a copy")

	p, err = c.Product("monthly")
	require.NoError(t, err)
	assert.True(t, p.Terms.IsZero(), "Product returns the set as it was given")

	_, err = c.Terms("nope")
	require.ErrorIs(t, err, pricing.ErrUnknownProduct)
}

func TestCatalogKeepsItsOwnTerms(t *testing.T) {
	p := validProduct()
	p.Terms = period.TermSet{Terms: []period.Term{period.Months(1)}}
	c, err := pricing.NewCatalog(pricing.Config{Currency: "VND", Products: []pricing.Product{p}})
	require.NoError(t, err)
	p.Terms.Terms[0] = period.Months(7)
	require.NoError(t, c.CheckTerm("p", period.Months(1)), "changing the definition after NewCatalog changes nothing")
	require.ErrorIs(t, c.CheckTerm("p", period.Months(7)), period.ErrTermNotSold)
}

func TestNewCatalogRefusesBadTerms(t *testing.T) {
	tests := []struct {
		name  string
		terms period.TermSet
		is    error
		msg   string
	}{
		{"a zero term is refused", period.TermSet{Terms: []period.Term{period.Months(1), {}}}, period.ErrInvalidTerm,
			`pricing: invalid catalog: product "p": terms: period: invalid term set: terms: period: invalid term (months=0 days=0): term must not be zero`},
		{"a repeated term is refused", period.TermSet{Terms: []period.Term{period.Months(3), period.Months(3)}}, period.ErrInvalidTermSet,
			`pricing: invalid catalog: product "p": terms: period: invalid term set: terms: 3 months is listed twice`},
		{"days with max below min are refused", period.TermSet{Days: period.Bounds{Min: 10, Max: 5}}, period.ErrInvalidTermSet,
			`pricing: invalid catalog: product "p": terms: period: invalid term set: days: max 5 is below min 10`},
		{"span minutes from 0 are refused", period.TermSet{SpanMinutes: period.Bounds{Max: 60}}, period.ErrInvalidTermSet,
			`pricing: invalid catalog: product "p": terms: period: invalid term set: span minutes: min must be at least 1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := validProduct()
			p.Terms = tt.terms
			_, err := pricing.NewCatalog(pricing.Config{Currency: "VND", Products: []pricing.Product{p}})
			require.ErrorIs(t, err, pricing.ErrInvalidCatalog)
			require.ErrorIs(t, err, period.ErrInvalidTermSet)
			require.ErrorIs(t, err, tt.is)
			assert.EqualError(t, err, tt.msg)
			var ce *pricing.CatalogError
			require.True(t, errors.As(err, &ce))
			assert.Equal(t, "p", ce.ProductID)
			assert.Equal(t, "terms", ce.Field)
		})
	}
}
