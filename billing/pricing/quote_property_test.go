package pricing_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
)

// propertyCatalog returns a catalog in currency with the given tax, whose
// prices carry more digits than any currency so rounding is exercised.
func propertyCatalog(t *rapid.T, currency string, tax pricing.TaxPolicy) *pricing.Catalog {
	c, err := pricing.NewCatalog(pricing.Config{Currency: currency, Tax: tax, Products: []pricing.Product{{
		ID: "p",
		Components: []pricing.Component{
			{ID: "unit", Unit: "u", Model: pricing.PerUnit(dec("7.7")), MaxQuantity: 100_000},
			{ID: "grad", Unit: "g", Model: pricing.Graduated(
				pricing.Tier{UpTo: dec("10"), UnitPrice: dec("1234.567")},
				pricing.Tier{UnitPrice: dec("999.5")},
			)},
			{ID: "pack", Unit: "m", Model: pricing.Package(dec("100"), dec("20000")).WithMinimum(dec("25000"))},
		},
		Plans:         []pricing.Plan{{ID: "a", Price: dec("90000")}, {ID: "b", Price: dec("333.333")}},
		TermDiscounts: []pricing.TermDiscount{{Months: 6, Rate: dec("0.05")}, {Months: 12, Rate: dec("0.15")}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// genRequest draws a random valid request for propertyCatalog.
func genRequest(t *rapid.T, currency string) pricing.QuoteRequest {
	start := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	n := rapid.IntRange(1, 6).Draw(t, "items")
	req := pricing.QuoteRequest{Items: make([]pricing.QuoteItem, n)}
	for i := range req.Items {
		cfg := pricing.Configuration{Components: map[string]int64{}}
		if rapid.Bool().Draw(t, "plan?") {
			cfg.Plan = rapid.SampledFrom([]string{"a", "b"}).Draw(t, "plan")
		}
		for _, id := range []string{"unit", "grad", "pack"} {
			cfg.Components[id] = rapid.Int64Range(0, 500).Draw(t, id)
		}
		if cfg.Plan == "" {
			cfg.Components["unit"]++ // choose something
		}
		it := pricing.QuoteItem{ProductID: "p", Configuration: cfg, Quantity: rapid.Int64Range(1, 1000).Draw(t, "qty")}
		if rapid.Bool().Draw(t, "term?") {
			it.Term = period.Term{Months: rapid.IntRange(0, 36).Draw(t, "months"), Days: rapid.IntRange(0, 30).Draw(t, "days")}
			if it.Term == (period.Term{}) {
				it.Term.Days = 1
			}
		} else {
			m := rapid.Int64Range(1, 400*1440).Draw(t, "minutes")
			it.Span = period.Span{Start: start, End: start.Add(time.Duration(m) * time.Minute)}
		}
		req.Items[i] = it
	}
	for range rapid.IntRange(0, 3).Draw(t, "discounts") {
		minor := rapid.Int64Range(0, 50_000_000).Draw(t, "discount")
		a, err := money.FromMinor(minor, currency)
		if err != nil {
			t.Fatal(err)
		}
		req.Discounts = append(req.Discounts, pricing.Discount{Code: "C", Amount: a})
	}
	return req
}

func TestQuoteTotalsAlwaysReconcile(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		currency := rapid.SampledFrom([]string{"VND", "USD", "KWD"}).Draw(t, "currency")
		tax := pricing.TaxPolicy{
			Rate: decimal.New(rapid.Int64Range(0, 300).Draw(t, "tax‰"), -3),
			Mode: rapid.SampledFrom([]pricing.TaxMode{pricing.TaxExclusive, pricing.TaxInclusive}).Draw(t, "mode"),
		}
		c := propertyCatalog(t, currency, tax)
		req := genRequest(t, currency)
		q, err := c.Quote(req)
		if err != nil {
			t.Fatal(err)
		}
		if msg := checkQuote(t, q); msg != "" {
			t.Fatal(msg)
		}
		// The discount taken is the requested total capped at the subtotal.
		requested, err := money.Zero(currency)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range req.Discounts {
			requested, _ = requested.Add(d.Amount)
		}
		want := requested
		if cmp, _ := requested.Cmp(q.Subtotal); cmp > 0 {
			want = q.Subtotal
		}
		if !want.Equal(q.Discount) {
			t.Fatalf("discount %s, want min(requested %s, subtotal %s)", q.Discount.Number(), requested.Number(), q.Subtotal.Number())
		}
		// Every line's base is its own exact amount rounded once.
		for i, l := range q.Lines {
			exact := l.Price.Amount.Number().Mul(decimal.NewFromInt(l.Quantity * l.Minutes))
			diff := exact.Sub(l.Base.Number().Mul(decimal.NewFromInt(period.MinutesPer30Days))).Abs()
			// |exact ÷ 43,200 − base| ≤ half a minor unit.
			half := decimal.New(5, -int32(q.Currency.Digits())-1).Mul(decimal.NewFromInt(period.MinutesPer30Days))
			if diff.GreaterThan(half) {
				t.Fatalf("line %d base %s is not %s ÷ 43,200 rounded", i, l.Base.Number(), exact)
			}
		}
	})
}
