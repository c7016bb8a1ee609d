package pricing_test

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
)

// Pricing the brief's worked example: a vServer plan and a vStorage volume
// for 60 days with a 20,000 coupon split across both lines by their share.
func ExampleCatalog_Quote() {
	catalog, err := pricing.SampleCatalog()
	if err != nil {
		fmt.Println(err)
		return
	}
	coupon, err := money.New("20000", "VND")
	if err != nil {
		fmt.Println(err)
		return
	}
	quote, err := catalog.Quote(pricing.QuoteRequest{
		Items: []pricing.QuoteItem{
			{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"},
				Quantity: 1, Term: period.Days(60)},
			{ProductID: pricing.SampleVStorage, Configuration: pricing.Configuration{Components: map[string]int64{"ssd_gb": 50}},
				Quantity: 1, Term: period.Days(60)},
		},
		Discounts: []pricing.Discount{{Code: "WELCOME", Label: "Welcome", Amount: coupon}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range quote.Lines {
		fmt.Println(line.ProductID)
		for _, b := range line.Breakdown {
			fmt.Println("  " + b)
		}
	}
	fmt.Println("subtotal", quote.Subtotal)
	fmt.Println("discount", quote.Discount)
	fmt.Println("net     ", quote.Net)
	fmt.Println("tax     ", quote.Tax)
	fmt.Println("total   ", quote.Total)
	// Output:
	// vserver
	//   plan Basic 1 (1 vCPU / 2 GB / 20 GB SSD) 90,000
	//   90,000 per 30 days ÷ 30 × 60 days = 180,000
	//   discount Welcome: −14,400
	//   tax 10% of 165,600: 16,560
	// vstorage
	//   50 GB SSD × 700 = 35,000
	//   35,000 per 30 days ÷ 30 × 60 days = 70,000
	//   discount Welcome: −5,600
	//   tax 10% of 64,400: 6,440
	// subtotal 250000 VND
	// discount 20000 VND
	// net      230000 VND
	// tax      23000 VND
	// total    253000 VND
}

// Pricing one configuration per 30 days, with its breakdown.
func ExampleCatalog_PricePer30Days() {
	catalog, err := pricing.SampleCatalog()
	if err != nil {
		fmt.Println(err)
		return
	}
	price, err := catalog.PricePer30Days(pricing.SampleVServer, pricing.Configuration{
		Components: map[string]int64{"vcpu": 2, "ram_gb": 4, "ssd_gb": 40},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, b := range price.Breakdown() {
		fmt.Println(b)
	}
	fmt.Println("per 30 days:", price.Amount)
	// Output:
	// 2 vCPU × 45,000 = 90,000
	// 4 GB RAM × 15,000 = 60,000
	// 40 GB SSD × 775 = 31,000
	// per 30 days: 181000 VND
}

// Graduated and volume tiers price the same quantity differently.
func ExampleChargeModel_Price() {
	n := decimal.NewFromInt
	tiers := []pricing.Tier{
		{UpTo: n(100), UnitPrice: n(1000)},
		{UnitPrice: n(800)},
	}
	for _, m := range []pricing.ChargeModel{pricing.Graduated(tiers...), pricing.Volume(tiers...),
		pricing.Package(n(10), n(5000))} {
		q := n(150)
		if m.Kind == pricing.KindPackage {
			q = n(23)
		}
		ch, err := m.Price(q)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(m.Kind, ch.Amount, ch.Breakdown("GB"))
	}
	// Output:
	// graduated 140000 [tier 1: 100 GB × 1,000 = 100,000 tier 2: 50 GB × 800 = 40,000]
	// volume 120000 [tier 2: 150 GB × 800 = 120,000]
	// package 15000 [23 GB → 3 packages of 10 × 5,000 = 15,000]
}

// Resizing mid-term pays the difference for the days left.
func ExampleResizeDifference() {
	small, err := money.New("181000", "VND")
	if err != nil {
		fmt.Println(err)
		return
	}
	large, err := money.New("520000", "VND")
	if err != nil {
		fmt.Println(err)
		return
	}
	const minutesPerDay = 24 * 60
	up, err := pricing.ResizeDifference(small, large, 50*minutesPerDay)
	if err != nil {
		fmt.Println(err)
		return
	}
	down, err := pricing.ResizeDifference(large, small, 20*minutesPerDay)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("upgrade with 50 days left:", up)
	fmt.Println("downgrade with 20 days left:", down)
	// Output:
	// upgrade with 50 days left: 565000 VND
	// downgrade with 20 days left: -226000 VND
}

// A month of postpaid usage: pre-tax, tax, coupon, total.
func ExamplePostpaidCharge() {
	price, err := money.New("181000", "VND")
	if err != nil {
		fmt.Println(err)
		return
	}
	coupon, err := money.New("50000", "VND")
	if err != nil {
		fmt.Println(err)
		return
	}
	bill, err := pricing.PostpaidCharge(pricing.PostpaidUsage{
		UnitPrice: price, Quantity: decimal.NewFromInt(1), Minutes: 20 * 24 * 60,
		DiscountRate: decimal.New(2, -1), TaxRate: decimal.New(1, -1), Coupon: coupon,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(bill.PreTax, bill.Tax, bill.Coupon, bill.Total)
	// Output:
	// 96533 VND 9653 VND 50000 VND 56186 VND
}
