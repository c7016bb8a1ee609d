package postpaid_test

import (
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice/postpaid"
)

// For any back-to-back intervals cut at any second, any stop time and any
// coupons: the lines' minutes add up to exactly the minutes billed, every
// line and the bill reconcile, and no coupon takes a line below zero.
func TestCloseProperty(t *testing.T) {
	zones := []string{"Asia/Ho_Chi_Minh", "America/New_York", "Europe/London"}
	rapid.Check(t, func(rt *rapid.T) {
		zone := rapid.SampledFrom(zones).Draw(rt, "zone")
		cur := rapid.SampledFrom([]string{"VND", "USD", "KWD"}).Draw(rt, "currency")
		month := monthOf(t, zone, 2024, time.Month(rapid.IntRange(1, 12).Draw(rt, "month")))
		secs := int64(month.End.Sub(month.Start) / time.Second)
		cuts := []int64{}
		for range rapid.IntRange(0, 5).Draw(rt, "resizes") {
			cuts = append(cuts, rapid.Int64Range(1, secs-1).Draw(rt, "cut"))
		}
		slices.Sort(cuts)
		cuts = slices.Compact(cuts)
		at := func(s int64) time.Time { return month.Start.Add(time.Duration(s) * time.Second) }
		price := func() money.Amount {
			a, err := money.FromMinor(rapid.Int64Range(0, 100_000_000).Draw(rt, "price"), cur)
			if err != nil {
				rt.Fatal(err)
			}
			return a.Mul(decimal.New(1, -int32(rapid.IntRange(0, 3).Draw(rt, "extra digits"))))
		}
		var ivs []postpaid.Interval
		from := month.Start.Add(-time.Hour)
		for _, c := range append(cuts, -1) {
			iv := postpaid.Interval{From: from, UnitPrice: price(), Quantity: decimal.NewFromInt(rapid.Int64Range(0, 10).Draw(rt, "qty")),
				DiscountRate: decimal.New(rapid.Int64Range(0, 100).Draw(rt, "discount"), -2),
				TaxRate:      decimal.New(rapid.Int64Range(0, 20).Draw(rt, "tax"), -2)}
			if c >= 0 {
				iv.To = at(c)
				from = iv.To
			}
			ivs = append(ivs, iv)
		}
		r := postpaid.Resource{ResourceID: "r", Intervals: ivs}
		end := month.End
		if rapid.Bool().Draw(rt, "deleted") {
			r.StoppedAt = at(rapid.Int64Range(0, secs).Draw(rt, "stop"))
			end = r.StoppedAt
		}
		for range rapid.IntRange(0, 3).Draw(rt, "coupons") {
			c, _ := money.FromMinor(rapid.Int64Range(0, 50_000_000).Draw(rt, "coupon"), cur)
			r.Coupons = append(r.Coupons, postpaid.Coupon{Code: "C", Amount: c})
		}
		b, err := postpaid.Close(month, r)
		if err != nil {
			rt.Fatal(err)
		}
		requireReconciles(rt, b)
		minutes := int64(0)
		for _, l := range b.Lines {
			minutes += l.Minutes
		}
		if want := (period.Span{Start: month.Start, End: end}).Minutes(); minutes != want {
			rt.Fatalf("lines bill %d minutes, want %d", minutes, want)
		}
	})
}
