package pricing_test

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/pricing"
)

// discountProduct is a product with a 10% postpaid discount and a plan
// "big" with its own 25%, and a plan "small" without one.
func discountProduct() pricing.Product {
	return pricing.Product{ID: "vserver", Name: "vServer", PostpaidDiscount: dec("0.1"),
		Plans: []pricing.Plan{{ID: "big", Price: dec("520000"), PostpaidDiscount: dec("0.25")}, {ID: "small", Price: dec("181000")}}}
}

func TestPostpaidDiscountRateIsThePlansElseTheProducts(t *testing.T) {
	cat, err := pricing.NewCatalog(pricing.Config{Currency: "VND", Products: []pricing.Product{discountProduct()}})
	require.NoError(t, err)
	for _, c := range []struct {
		plan, want string
	}{{"big", "0.25"}, {"small", "0.1"}, {"", "0.1"}, {"gone", "0.1"}} {
		got, err := cat.PostpaidDiscountRate("vserver", pricing.Configuration{Plan: c.plan})
		require.NoError(t, err)
		require.Equal(t, c.want, got.String(), "plan %q", c.plan)
	}
	_, err = cat.PostpaidDiscountRate("nope", pricing.Configuration{})
	var unknown *pricing.UnknownProductError
	require.ErrorAs(t, err, &unknown)

	// The discount goes into the formula: 43,200 minutes of 520,000 at
	// 25% off is 390,000 pre-tax.
	b, err := pricing.PostpaidCharge(pricing.PostpaidUsage{UnitPrice: vnd(t, "520000"), Quantity: decimal.NewFromInt(1), Minutes: 43_200,
		DiscountRate: dec("0.25")})
	require.NoError(t, err)
	require.Equal(t, "390000", b.PreTax.Number().String())
}

func TestNewCatalogRefusesBadPostpaidDiscounts(t *testing.T) {
	for name, change := range map[string]func(*pricing.Product){
		"a product discount above 1":      func(p *pricing.Product) { p.PostpaidDiscount = dec("1.01") },
		"a negative product discount":     func(p *pricing.Product) { p.PostpaidDiscount = dec("-0.1") },
		"a product discount of 11 places": func(p *pricing.Product) { p.PostpaidDiscount = dec("0.12345678901") },
		"a product discount of 1e-100000": func(p *pricing.Product) { p.PostpaidDiscount = decimal.New(1, -100000) },
		"a plan discount above 1":         func(p *pricing.Product) { p.Plans[0].PostpaidDiscount = dec("2") },
		"a negative plan discount":        func(p *pricing.Product) { p.Plans[1].PostpaidDiscount = dec("-1") },
	} {
		t.Run(name, func(t *testing.T) {
			p := discountProduct()
			change(&p)
			_, err := pricing.NewCatalog(pricing.Config{Currency: "VND", Products: []pricing.Product{p}})
			var ce *pricing.CatalogError
			require.ErrorAs(t, err, &ce)
			require.True(t, errors.Is(err, pricing.ErrInvalidRate), "%v", err)
		})
	}
	p := discountProduct()
	p.PostpaidDiscount, p.Plans[0].PostpaidDiscount = dec("1"), dec("0")
	_, err := pricing.NewCatalog(pricing.Config{Currency: "VND", Products: []pricing.Product{p}})
	require.NoError(t, err, "100% and 0% are rates")
}
