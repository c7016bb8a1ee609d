package invoice_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/invoice"
)

// couponLine is the brief's postpaid line shape: pre-tax 100,000, tax 10%
// = 10,000, coupon 20,000 taken after tax, total 90,000.
func couponLine(t *testing.T) invoice.Line {
	l := priced(t, invoice.TaxExclusive, "vServer 2 vCPU", "1", "100000", "", "0.1", "VND")
	l.Coupon, l.CouponCodes = amt(t, "20000", "VND"), []string{"WELCOME"}
	l.Total = amt(t, "90000", "VND")
	return l
}

func TestAfterTaxCouponLine(t *testing.T) {
	l := couponLine(t)
	inv, err := invoice.New(invoice.Draft{ID: "inv_1", AccountID: "acc_1", ResourceID: "res_1", Currency: "VND",
		TaxMode: invoice.TaxExclusive, Lines: []invoice.Line{l, priced(t, invoice.TaxExclusive, "disk", "1", "50000", "", "0.1", "VND")}, CreatedAt: t0})
	require.NoError(t, err)
	// Subtotal 150,000 − Discount 0 + Tax 15,000 − Coupons 20,000 = 145,000.
	require.Equal(t, "150000", inv.Subtotal.Number().String())
	require.Equal(t, "15000", inv.Tax.Number().String())
	require.Equal(t, "20000", inv.Coupons().Number().String())
	require.Equal(t, "145000", inv.Total.Number().String())

	// The JSON round trip keeps the coupon; a line without one omits it
	// and still validates after decoding.
	b, err := json.Marshal(inv)
	require.NoError(t, err)
	var back invoice.Invoice
	require.NoError(t, json.Unmarshal(b, &back))
	require.NoError(t, back.Validate())
	require.True(t, back.Lines[0].Coupon.Equal(l.Coupon))
	require.Equal(t, []string{"WELCOME"}, back.Lines[0].CouponCodes)
	require.True(t, back.Coupons().Equal(inv.Coupons()))
}

func TestAfterTaxCouponRefusals(t *testing.T) {
	cases := map[string]struct {
		mode  invoice.TaxMode
		line  func(invoice.Line) invoice.Line
		field string
	}{
		"total ignores the coupon": {invoice.TaxExclusive, func(l invoice.Line) invoice.Line {
			l.Total = amt(t, "110000", "VND")
			return l
		}, "Total"},
		"coupon without a code": {invoice.TaxExclusive, func(l invoice.Line) invoice.Line {
			l.CouponCodes = nil
			return l
		}, "CouponCodes"},
		"codes without a coupon": {invoice.TaxExclusive, func(l invoice.Line) invoice.Line {
			l.Coupon, l.Total = amt(t, "0", "VND"), amt(t, "110000", "VND")
			return l
		}, "CouponCodes"},
		"coupon above the line": {invoice.TaxExclusive, func(l invoice.Line) invoice.Line {
			l.Coupon, l.Total = amt(t, "110001", "VND"), amt(t, "0", "VND")
			return l
		}, "Total"},
		"coupon in tax-inclusive mode": {invoice.TaxInclusive, func(l invoice.Line) invoice.Line { return l }, "Coupon"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := invoice.New(invoice.Draft{ID: "inv_1", AccountID: "acc_1", ResourceID: "res_1", Currency: "VND",
				TaxMode: c.mode, Lines: []invoice.Line{c.line(couponLine(t))}, CreatedAt: t0})
			var le *invoice.LineError
			require.True(t, errors.As(err, &le), "got %v", err)
			require.Equal(t, c.field, le.Field)
		})
	}
}
