package document_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/internal/testenv"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/document"
)

// marchBill is the first line of the brief's March resize/delete bill at a
// 10 % discount: 15,030 minutes of 181,000 per 30 days is 62,973 before the
// discount, 6,297 off, 56,676 pre-tax, 5,668 tax; a 1,000 coupon after tax
// leaves 61,344.
func marchBill(t testing.TB) invoice.Invoice {
	t.Helper()
	start := time.Date(2027, 3, 1, 0, 0, 0, 0, hcm)
	line := invoice.Line{Description: "vserver 2 vCPU / 4 GB", Period: period.Span{Start: start, End: start.Add(15_030 * time.Minute)},
		ResourceID: "res_1", ResourceName: "web-1", Product: "vserver", Service: "vServer", Item: "2 vCPU / 4 GB", Unit: "30 days",
		Quantity: dec("1"), UnitPrice: amt(t, "181000 VND"), Amount: amt(t, "62973 VND"), Discount: amt(t, "6297 VND"),
		DiscountRate: dec("0.1"), Net: amt(t, "56676 VND"), TaxRate: dec("0.1"), Tax: amt(t, "5668 VND"),
		Coupon: amt(t, "1000 VND"), CouponCodes: []string{"MARCH1K"}, Total: amt(t, "61344 VND")}
	draft, err := invoice.New(invoice.Draft{ID: "bill_res_1_2027-03", AccountID: "acc_1", ResourceID: "res_1", Currency: "VND",
		TaxMode: invoice.TaxExclusive, Lines: []invoice.Line{line}, CreatedAt: start.AddDate(0, 1, 0)})
	require.NoError(t, err)
	return draft
}

// TestDocumentsShowTheLineFields: the resource, service, item, unit,
// discount rate and coupon of a line are shown under its description, in
// HTML and PDF, in both languages; a line without them shows none.
func TestDocumentsShowTheLineFields(t *testing.T) {
	r := newRenderer(t)
	inv := marchBill(t)
	for _, c := range []struct {
		locale document.Locale
		want   []string
	}{
		{document.EnUS, []string{"Resource: web-1 · res_1", "Service: vServer · vserver", "Item: 2 vCPU / 4 GB", "Unit: 30 days",
			"Discount: 10%", "Coupon: ₫1,000 · MARCH1K", "₫62,973", "₫6,297", "₫61,344"}},
		{document.ViVN, []string{"Dịch vụ: vServer · vserver", "Hạng mục: 2 vCPU / 4 GB", "Đơn vị tính: 30 ngày", "Chiết khấu: 10%",
			"Mã giảm giá: 1.000 ₫ · MARCH1K", "61.344 ₫"}},
	} {
		t.Run(string(c.locale), func(t *testing.T) {
			opts := document.Options{Seller: seller(), Buyer: buyerVN(), Locale: c.locale, Location: hcm}
			var html bytes.Buffer
			require.NoError(t, r.HTML(&html, inv, opts))
			for _, s := range c.want {
				assert.Contains(t, html.String(), s)
			}
			var pdf bytes.Buffer
			require.NoError(t, r.PDF(&pdf, inv, opts))
			text := testenv.PDFText(t, pdf.Bytes())
			for _, s := range c.want {
				assert.Contains(t, text, testenv.PDFSearchable(s))
			}
		})
	}
	var html bytes.Buffer
	require.NoError(t, r.HTML(&html, vndInvoice(t), document.Options{Seller: seller(), Buyer: buyerVN(), Location: hcm}))
	assert.NotContains(t, html.String(), "Service:")
}
