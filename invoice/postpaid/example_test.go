package postpaid_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice/postpaid"
)

// A postpaid vServer in June 2024 (Asia/Ho_Chi_Minh): upgraded on the 11th,
// deleted on the 21st, with a 20,000 VND coupon split across both lines.
func ExampleClose() {
	cal, _ := period.NewCalendar("Asia/Ho_Chi_Minh", period.ThirtyDayMonths)
	loc := cal.Location()
	june := cal.MonthSpan(time.Date(2024, 6, 1, 0, 0, 0, 0, loc))
	resize := time.Date(2024, 6, 11, 0, 0, 0, 0, loc)
	price := func(s string) money.Amount { a, _ := money.New(s, "VND"); return a }
	bill, err := postpaid.Close(june, postpaid.Resource{
		ResourceID: "vm-1",
		Intervals: []postpaid.Interval{
			{From: time.Date(2024, 5, 20, 9, 0, 0, 0, loc), To: resize, Item: "2 vCPU / 4 GB / 40 GB",
				UnitPrice: price("181000"), Quantity: decimal.NewFromInt(1), TaxRate: decimal.RequireFromString("0.1")},
			{From: resize, Item: "8 vCPU / 16 GB / 40 GB",
				UnitPrice: price("520000"), Quantity: decimal.NewFromInt(1), TaxRate: decimal.RequireFromString("0.1")},
		},
		StoppedAt: time.Date(2024, 6, 21, 0, 0, 0, 0, loc),
		Coupons:   []postpaid.Coupon{{Code: "POSTPAID20K", Amount: price("20000")}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range bill.Lines {
		fmt.Printf("%s %s–%s: %d min, pre-tax %s, tax %s, coupon %s, total %s\n", l.Item,
			l.Period.Start.In(loc).Format("01-02"), l.Period.End.In(loc).Format("01-02"), l.Minutes,
			l.PreTax.Number(), l.Tax.Number(), l.Coupon.Number(), l.Total.Number())
	}
	fmt.Println("bill:", bill.PreTax, "+", bill.Tax, "−", bill.Coupon, "=", bill.Total)
	// Output:
	// 2 vCPU / 4 GB / 40 GB 06-01–06-11: 14400 min, pre-tax 60333, tax 6033, coupon 5164, total 61202
	// 8 vCPU / 16 GB / 40 GB 06-11–06-21: 14400 min, pre-tax 173333, tax 17333, coupon 14836, total 175830
	// bill: 233666 VND + 23366 VND − 20000 VND = 237032 VND
}

// The brief's formula with a 10 % discount on a March bill (Asia/Ho_Chi_Minh):
// a vServer from 1 March at 181,000 per 30 days, resized to 520,000 at
// 10:30 on 11 March and deleted at 00:00 on 21 March; tax 10 %.
//
//	15,030 min × 181,000 × (1 − 10%) ÷ 43,200 = 56,675.625 → 56,676; tax 5,668
//	13,770 min × 520,000 × (1 − 10%) ÷ 43,200 = 149,175;             tax 14,917.5 → 14,918
func ExampleClose_discount() {
	cal, _ := period.NewCalendar("Asia/Ho_Chi_Minh", period.ThirtyDayMonths)
	loc := cal.Location()
	march := cal.MonthSpan(time.Date(2027, 3, 1, 0, 0, 0, 0, loc))
	resize := time.Date(2027, 3, 11, 10, 30, 0, 0, loc)
	price := func(s string) money.Amount { a, _ := money.New(s, "VND"); return a }
	tenPercent, tax := decimal.RequireFromString("0.1"), decimal.RequireFromString("0.1")
	bill, err := postpaid.Close(march, postpaid.Resource{
		ResourceID: "vm-1",
		Intervals: []postpaid.Interval{
			{From: march.Start, To: resize, Item: "2 vCPU / 4 GB / 40 GB", UnitPrice: price("181000"), Quantity: decimal.NewFromInt(1),
				DiscountRate: tenPercent, TaxRate: tax},
			{From: resize, Item: "4 vCPU / 8 GB / 200 GB", UnitPrice: price("520000"), Quantity: decimal.NewFromInt(1),
				DiscountRate: tenPercent, TaxRate: tax},
		},
		StoppedAt: time.Date(2027, 3, 21, 0, 0, 0, 0, loc),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range bill.Lines {
		fmt.Printf("%s: %d min, discount %s%%, pre-tax %s, tax %s, total %s\n", l.Item, l.Minutes,
			l.DiscountRate.Shift(2), l.PreTax.Number(), l.Tax.Number(), l.Total.Number())
	}
	fmt.Println("bill:", bill.PreTax, "+", bill.Tax, "=", bill.Total)
	// Output:
	// 2 vCPU / 4 GB / 40 GB: 15030 min, discount 10%, pre-tax 56676, tax 5668, total 62344
	// 4 vCPU / 8 GB / 200 GB: 13770 min, discount 10%, pre-tax 149175, tax 14918, total 164093
	// bill: 205851 VND + 20586 VND = 226437 VND
}
