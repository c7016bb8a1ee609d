package document_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/internal/testenv"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/document"
	"github.com/cloudbill/cloudbill/invoice/postpaid"
)

// englishWords are the words of the English details and reasons; none may
// appear in a Vietnamese document's details.
var englishWords = regexp.MustCompile(`\b(plan|tier|flat|fee|minimum|adds|per|days?|minutes?|term|months?|discount|tax|of|included|in|coupon|credits?|line|total|packages?|unused|time|refunded|deleted|resize)\b`)

// checkoutInvoice is a checkout as billing issues it: vServer with 4 vCPU,
// 8 GB RAM and 50 GB SSD (180,000 + 120,000 + 38,750 = 338,750 per 30
// days) for 2 months (60 days: 677,500), the 20,000 coupon WELCOME, 10%
// VAT on 657,500 = 65,750, total 723,250. The line carries the quote's
// English Breakdown as Details and its numbers as Explain.
func checkoutInvoice(t *testing.T) (invoice.Invoice, pricing.QuoteLine) {
	t.Helper()
	cat, err := pricing.SampleCatalog()
	require.NoError(t, err)
	q, err := cat.Quote(pricing.QuoteRequest{
		Items: []pricing.QuoteItem{{ProductID: pricing.SampleVServer, Quantity: 1, Term: period.Term{Months: 2},
			Configuration: pricing.Configuration{Components: map[string]int64{"vcpu": 4, "ram_gb": 8, "ssd_gb": 50}}}},
		Discounts: []pricing.Discount{{Code: "WELCOME", Label: "Welcome", Amount: amt(t, "20000 VND")}},
	})
	require.NoError(t, err)
	ql := q.Lines[0]
	at := time.Date(2026, 4, 5, 9, 0, 0, 0, hcm)
	line, err := invoice.PriceLine(invoice.LineInput{
		Description: "vserver", Period: period.Span{Start: at, End: at.Add(60 * 24 * time.Hour)}, Quantity: dec("1"),
		UnitPrice: ql.Base, Discount: ql.Discount, TaxRate: dec("0.1"), Details: ql.Breakdown, Explain: ql.Explain,
		Unit: "period",
	}, invoice.TaxExclusive)
	require.NoError(t, err)
	draft, err := invoice.New(invoice.Draft{ID: "inv_co", AccountID: "acc", ResourceID: "res", Currency: "VND",
		TaxMode: invoice.TaxExclusive, Lines: []invoice.Line{line}, CreatedAt: at})
	require.NoError(t, err)
	paid, err := invoice.IssuePaid(draft, "INV-2026", 3, at)
	require.NoError(t, err)
	return paid, ql
}

// postpaidInvoice is a postpaid month as billing closes it: April 2026
// (43,200 minutes) of a resource at 181,000 per 30 days with a 10%
// discount (162,900) and 500 GB of transfer at 1,500 (750,000), both at
// 10% VAT.
func postpaidInvoice(t *testing.T) (invoice.Invoice, postpaid.Bill) {
	t.Helper()
	month := period.Span{Start: time.Date(2026, 4, 1, 0, 0, 0, 0, hcm), End: time.Date(2026, 5, 1, 0, 0, 0, 0, hcm)}
	bill, err := postpaid.Close(month, postpaid.Resource{ResourceID: "res_pp",
		Intervals: []postpaid.Interval{{From: month.Start, Item: "basic-1", UnitPrice: amt(t, "181000 VND"), Quantity: dec("1"),
			DiscountRate: dec("0.1"), TaxRate: dec("0.1")}},
		Usage: []postpaid.Metered{{Charge: metering.Charge{Metric: "transfer", Unit: "GB", Period: month, Quantity: dec("500"),
			UnitPrice: amt(t, "1500 VND")}, TaxRate: dec("0.1")}},
	})
	require.NoError(t, err)
	var lines []invoice.Line
	for _, bl := range bill.Lines {
		gross := bl.UnitPrice.Mul(bl.Quantity)
		if bl.Kind == postpaid.LineConfiguration {
			gross = amt(t, "181000 VND")
		}
		gross = gross.Round(money.HalfUp)
		discount, err := gross.Sub(bl.PreTax)
		require.NoError(t, err)
		lines = append(lines, invoice.Line{Description: "vserver " + bl.Item, Period: bl.Period, Quantity: bl.Quantity,
			UnitPrice: bl.UnitPrice, Amount: gross, Discount: discount, Net: bl.PreTax, TaxRate: bl.TaxRate, Tax: bl.Tax,
			Total: bl.Total, Details: bl.Breakdown, Explain: bl.Explain, Unit: bl.Unit})
	}
	draft, err := invoice.New(invoice.Draft{ID: "inv_pp", AccountID: "acc", ResourceID: "res_pp", Currency: "VND",
		TaxMode: invoice.TaxExclusive, Lines: lines, CreatedAt: month.End})
	require.NoError(t, err)
	issued, err := invoice.Issue(draft, "INV-2026", 4, month.End, month.End.Add(15*24*time.Hour))
	require.NoError(t, err)
	return issued, bill
}

// deleteNote credits 120,667 of a 181,000 invoice: a prepaid resource
// deleted with 20 of its 30 days unused, with the coded reason billing
// gives such a note.
func deleteNote(t *testing.T) invoice.Invoice {
	t.Helper()
	paid, _ := creditNote(t)
	deleted := paid.IssuedAt.Add(10 * 24 * time.Hour)
	note, err := invoice.NewCreditNote(paid, amt(t, "120667 VND"), invoice.CreditRequest{
		ID: "cn_del", Reason: "deleted: unused time refunded", At: deleted,
		CodedReason: invoice.CreditReason{Code: invoice.CreditUnusedTime},
	})
	require.NoError(t, err)
	note, err = invoice.Issue(note, "CN-2026", 2, deleted, time.Time{})
	require.NoError(t, err)
	return note
}

func viOpts() document.Options {
	return document.Options{Seller: seller(), Buyer: buyerVN(), Locale: document.ViVN, Location: hcm}
}

func TestVietnameseDocumentsWriteDetailsInVietnamese(t *testing.T) {
	r := newRenderer(t)
	checkout, _ := checkoutInvoice(t)
	monthly, _ := postpaidInvoice(t)
	cases := []struct {
		name string
		inv  invoice.Invoice
		want []string
	}{
		{"a checkout of 4 vCPU, 8 GB RAM and 50 GB SSD for 2 months less a 20,000 coupon", checkout, []string{
			"4 vCPU × 45.000 = 180.000", "8 GB RAM × 15.000 = 120.000", "50 GB SSD × 775 = 38.750",
			"338.750/30 × 60 ngày = 677.500", "giảm giá Welcome: −20.000", "thuế 10% trên 657.500: 65.750",
			"Đơn vị tính: kỳ", "677.500\u00a0₫", "723.250\u00a0₫",
		}},
		{"a postpaid month of 181,000 less 10% and 500 GB at 1,500", monthly, []string{
			"43.200 phút × 181.000 × 1 × (1 − 10%) ÷ 43.200 = 162.900", "thuế 10% trên 162.900: 16.290",
			"500 GB × 1.500 = 750.000", "thuế 10% trên 750.000: 75.000", "Đơn vị tính: 30 ngày",
			"179.190\u00a0₫", "1.004.190\u00a0₫",
		}},
		{"a credit note of 120,667 for a deleted resource", deleteNote(t), []string{
			"điều chỉnh giảm 120.667 trên tổng của dòng 181.000", "Xóa tài nguyên: hoàn tiền thời gian chưa sử dụng",
			"120.667\u00a0₫",
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := r.View(c.inv, viOpts())
			require.NoError(t, err)
			for _, l := range v.Lines {
				for _, d := range l.Details {
					assert.NotRegexp(t, englishWords, d, "a Vietnamese detail has an English word")
				}
			}
			assert.NotRegexp(t, englishWords, v.Reason)
			var html bytes.Buffer
			require.NoError(t, r.HTML(&html, c.inv, viOpts()))
			for _, s := range c.want {
				assert.Contains(t, html.String(), s)
			}
			var pdf bytes.Buffer
			require.NoError(t, r.PDF(&pdf, c.inv, viOpts()))
			// A long detail wraps in the PDF's narrow column: compare with
			// the line breaks as spaces.
			text := strings.Join(strings.Fields(testenv.PDFText(t, pdf.Bytes())), " ")
			for _, s := range c.want {
				assert.Contains(t, text, testenv.PDFSearchable(s))
			}
		})
	}
}

// TestEnglishDetailsAreThePricingsText: the English writing of a line's
// numbers is exactly the text the pricing wrote, so either can be shown.
func TestEnglishDetailsAreThePricingsText(t *testing.T) {
	_, ql := checkoutInvoice(t)
	_, bill := postpaidInvoice(t)
	require.Len(t, ql.Explain, len(ql.Breakdown))
	for i, d := range ql.Explain {
		s, err := document.FormatDetail(d, document.EnUS)
		require.NoError(t, err)
		assert.Equal(t, ql.Breakdown[i], s)
	}
	// The configuration line's text comes from the pricing; a usage line
	// writes its numbers without grouping, so only its kind's words are
	// compared there.
	conf := bill.Lines[0]
	require.Len(t, conf.Explain, len(conf.Breakdown))
	for i, d := range conf.Explain {
		s, err := document.FormatDetail(d, document.EnUS)
		require.NoError(t, err)
		assert.Equal(t, conf.Breakdown[i], s)
	}
	span, err := pricing.SampleCatalog()
	require.NoError(t, err)
	start := time.Date(2026, 4, 5, 9, 0, 0, 0, hcm)
	q, err := span.Quote(pricing.QuoteRequest{Items: []pricing.QuoteItem{{ProductID: pricing.SampleVServer, Quantity: 2,
		Configuration: pricing.Configuration{Plan: "standard-2"}, Span: period.Span{Start: start, End: start.Add(50 * 24 * time.Hour)}}}})
	require.NoError(t, err)
	for i, d := range q.Lines[0].Explain {
		s, err := document.FormatDetail(d, document.EnUS)
		require.NoError(t, err)
		assert.Equal(t, q.Lines[0].Breakdown[i], s)
	}
	vi, err := document.FormatDetail(q.Lines[0].Explain[1], document.ViVN)
	require.NoError(t, err)
	assert.Equal(t, "175.000 × 2 × 72.000 phút ÷ 43.200 phút = 583.333", vi, "2 × 175,000 for 50 days of minutes")
}

func TestEnglishDocumentsKeepTheirDetails(t *testing.T) {
	checkout, ql := checkoutInvoice(t)
	v, err := newRenderer(t).View(checkout, document.Options{Seller: seller(), Buyer: buyerVN(), Location: hcm})
	require.NoError(t, err)
	assert.Equal(t, ql.Breakdown, v.Lines[0].Details)
	assert.Contains(t, v.Lines[0].Details, "4 vCPU × 45,000 = 180,000")
	note := deleteNote(t)
	v, err = newRenderer(t).View(note, document.Options{Seller: seller(), Buyer: buyerVN(), Location: hcm})
	require.NoError(t, err)
	assert.Equal(t, "deleted: unused time refunded", v.Reason)
	assert.Equal(t, []string{"credits 120667 VND of the line total 181000 VND"}, v.Lines[0].Details)
}

func TestFormatDetailAndReason(t *testing.T) {
	cases := []struct {
		d      invoice.Detail
		en, vi string
	}{
		{invoice.Detail{Kind: invoice.DetailPackages, Tier: 2, Quantity: dec("23"), Unit: "metrics", Packages: dec("3"), PackageSize: dec("10"),
			Price: dec("20000"), Amount: dec("60000")},
			"tier 2: 23 metrics → 3 packages of 10 × 20,000 = 60,000", "bậc 2: 23 metrics → 3 gói 10 × 20.000 = 60.000"},
		{invoice.Detail{Kind: invoice.DetailMinimum, Name: "Log storage", Price: dec("15000"), Amount: dec("5000")},
			"Log storage: minimum 15,000 (adds 5,000)", "Log storage: tối thiểu 15.000 (thêm 5.000)"},
		{invoice.Detail{Kind: invoice.DetailTermDiscount, Months: 6, Rate: dec("0.05"), Amount: dec("101625")},
			"term discount 6 months 5%: −101,625", "chiết khấu kỳ hạn 6 tháng 5%: −101.625"},
		{invoice.Detail{Kind: invoice.DetailTaxIncluded, Rate: dec("0.1"), Base: dec("100000"), Amount: dec("9091")},
			"tax 10% included in 100,000: 9,091", "thuế 10% đã gồm trong 100.000: 9.091"},
		{invoice.Detail{Kind: invoice.DetailUsage, Quantity: dec("720"), Unit: "GB-hour", Price: dec("7.7"), Amount: dec("5544")},
			"720 GB-hour × 7.7 = 5,544", "720 GB-hour × 7,7 = 5.544"},
		{invoice.Detail{Kind: invoice.DetailCoupon, Amount: dec("20000")}, "coupon: −20,000", "mã giảm giá: −20.000"},
	}
	for _, c := range cases {
		en, err := document.FormatDetail(c.d, document.EnUS)
		require.NoError(t, err)
		assert.Equal(t, c.en, en)
		vi, err := document.FormatDetail(c.d, document.ViVN)
		require.NoError(t, err)
		assert.Equal(t, c.vi, vi)
	}
	_, err := document.FormatDetail(invoice.Detail{Kind: invoice.DetailCoupon}, "fr-FR")
	require.ErrorIs(t, err, document.ErrInvalidOptions)

	reasons := []struct {
		r      invoice.CreditReason
		en, vi string
	}{
		{invoice.CreditReason{Code: invoice.CreditUnusedTime, Note: "không dùng nữa"}, "không dùng nữa: unused time refunded",
			"không dùng nữa: hoàn tiền thời gian chưa sử dụng"},
		{invoice.CreditReason{Code: invoice.CreditResize, Note: "basic-1 → basic-2"}, "resize: basic-1 → basic-2",
			"Thay đổi cấu hình: basic-1 → basic-2"},
		{invoice.CreditReason{Code: invoice.CreditRefund}, "refund", "Hoàn tiền"},
		{invoice.CreditReason{}, "", ""},
	}
	for _, c := range reasons {
		en, err := document.FormatCreditReason(c.r, document.EnUS)
		require.NoError(t, err)
		assert.Equal(t, c.en, en)
		vi, err := document.FormatCreditReason(c.r, document.ViVN)
		require.NoError(t, err)
		assert.Equal(t, c.vi, vi)
	}
}
