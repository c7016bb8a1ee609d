package pricing_test

import (
	"testing"

	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
)

func BenchmarkQuote3Items(b *testing.B) {
	c := sample(b)
	req := pricing.QuoteRequest{
		Items: []pricing.QuoteItem{
			{ProductID: pricing.SampleVServer, Configuration: config2x4x40(), Quantity: 2, Term: period.Months(12)},
			{ProductID: pricing.SampleVStorage, Configuration: pricing.Configuration{Components: map[string]int64{"ssd_gb": 50, "hdd_gb": 1500}},
				Quantity: 1, Term: period.Months(12)},
			{ProductID: pricing.SampleVMonitor, Configuration: pricing.Configuration{Plan: "pro", Components: map[string]int64{"metrics": 250}},
				Quantity: 1, Term: period.Months(12)},
		},
		Discounts: []pricing.Discount{{Code: "WELCOME", Amount: vnd(b, "150000")}},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Quote(req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPricePer30Days(b *testing.B) {
	c := sample(b)
	cfg := config2x4x40()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.PricePer30Days(pricing.SampleVServer, cfg); err != nil {
			b.Fatal(err)
		}
	}
}
