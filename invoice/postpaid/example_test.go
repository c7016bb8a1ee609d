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
