package coupon_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/coupon"
)

// amt parses "number CODE" and fails the test on error.
func amt(t testing.TB, s string) money.Amount {
	t.Helper()
	a, err := money.Parse(s)
	require.NoError(t, err, "parse %q", s)
	return a
}

// dec parses a decimal literal.
func dec(t testing.TB, s string) decimal.Decimal {
	t.Helper()
	d, err := decimal.NewFromString(s)
	require.NoError(t, err)
	return d
}

// day returns midnight UTC of a date.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// strs formats amounts for compact assertions.
func strs(as []money.Amount) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.String()
	}
	return out
}

// line builds an order line.
func line(t testing.TB, product, amount string) coupon.Line {
	t.Helper()
	return coupon.Line{Product: product, Amount: amt(t, amount)}
}

// fixed is a valid fixed coupon with no restrictions.
func fixed(t testing.TB, code, amount string) coupon.Coupon {
	t.Helper()
	return coupon.Coupon{Code: code, Kind: coupon.KindFixed, Amount: amt(t, amount)}
}

// percent is a valid percent coupon with no restrictions.
func percent(t testing.TB, code, p string) coupon.Coupon {
	t.Helper()
	return coupon.Coupon{Code: code, Kind: coupon.KindPercent, Percent: dec(t, p)}
}

// now is the instant of the test orders.
var now = time.Date(2026, 3, 15, 10, 30, 0, 0, time.UTC)

// request is a valid create order in VND of the given lines, with coupons
// entered by their codes in the order given.
func request(lines []coupon.Line, coupons ...coupon.Coupon) coupon.Request {
	codes := make([]string, len(coupons))
	for i, c := range coupons {
		codes[i] = c.Code
	}
	return coupon.Request{
		Codes: codes, Coupons: coupons, AccountID: "acct-1", Action: coupon.ActionCreate,
		Currency: "VND", Now: now, FirstOrder: true, Lines: lines,
	}
}
