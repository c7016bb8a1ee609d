package document_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/document"
)

var hcm = mustZone("Asia/Ho_Chi_Minh")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // test setup only
	}
	return loc
}

func amt(t testing.TB, s string) money.Amount {
	t.Helper()
	a, err := money.Parse(s)
	require.NoError(t, err)
	return a
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// seller is the provider, a Vietnamese company.
func seller() document.Party {
	return document.Party{
		Name:    "Công ty TNHH Mây Xanh Việt Nam",
		Address: "Tầng 5, 123 Nguyễn Huệ\nPhường Bến Nghé, Quận 1, TP. Hồ Chí Minh",
		TaxID:   "0312345678",
		Email:   "billing@mayxanh.example",
	}
}

func buyerVN() document.Party {
	return document.Party{
		Name:    "Công ty TNHH Minh Anh",
		Address: "45 Lê Lợi, Quận 1, TP. Hồ Chí Minh",
		TaxID:   "0301234567",
	}
}

func buyerUS() document.Party {
	return document.Party{Name: "Acme Cloud Inc.", Address: "1 Market St\nSan Francisco, CA 94105", TaxID: "94-1234567"}
}

// vndInvoice is the brief's worked example: vServer 90,000/30 × 60 days and
// vStorage 35,000/30 × 60 days, a 20,000 coupon split by share, 10% VAT:
// net 230,000, VAT 23,000, total 253,000, issued and paid.
func vndInvoice(t testing.TB) invoice.Invoice {
	t.Helper()
	start := time.Date(2026, 4, 5, 9, 0, 0, 0, hcm)
	end := start.Add(60 * 24 * time.Hour)
	span := period.Span{Start: start, End: end}
	server, err := invoice.PriceLine(invoice.LineInput{
		Description: "vServer basic-1 (1 vCPU / 2 GB RAM / 20 GB SSD)", Period: span,
		Quantity: dec("2"), UnitPrice: amt(t, "90000 VND"), Discount: amt(t, "14400 VND"), TaxRate: dec("0.1"),
		Details: []string{"90.000/30 × 60 ngày", "Mã giảm giá WELCOME20K: 14.400"},
	}, invoice.TaxExclusive)
	require.NoError(t, err)
	storage, err := invoice.PriceLine(invoice.LineInput{
		Description: "vStorage 50 GB SSD", Period: span,
		Quantity: dec("2"), UnitPrice: amt(t, "35000 VND"), Discount: amt(t, "5600 VND"), TaxRate: dec("0.1"),
		Details: []string{"35.000/30 × 60 ngày", "Mã giảm giá WELCOME20K: 5.600"},
	}, invoice.TaxExclusive)
	require.NoError(t, err)
	draft, err := invoice.New(invoice.Draft{
		ID: "inv_vnd_1", AccountID: "acc_minhanh", ResourceID: "res_srv_1", Currency: "VND",
		TaxMode: invoice.TaxExclusive, Lines: []invoice.Line{server, storage}, CreatedAt: start,
	})
	require.NoError(t, err)
	paid, err := invoice.IssuePaid(draft, "INV-2026", 42, start.Add(time.Minute))
	require.NoError(t, err)
	return paid
}

// usdInvoice has two tax rates and a partial payment: 3 × 411.50 = 1,234.50
// at 8% and a 100.00 support fee at 0%; 500.00 paid.
func usdInvoice(t testing.TB) invoice.Invoice {
	t.Helper()
	ny := mustZone("America/New_York")
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, ny)
	compute, err := invoice.PriceLine(invoice.LineInput{
		Description: "vServer 4 vCPU / 8 GB RAM / 200 GB SSD",
		Period:      period.Span{Start: start, End: time.Date(2026, 3, 31, 23, 59, 0, 0, ny)},
		Quantity:    dec("3"), UnitPrice: amt(t, "411.50 USD"), TaxRate: dec("0.08"),
	}, invoice.TaxExclusive)
	require.NoError(t, err)
	support, err := invoice.PriceLine(invoice.LineInput{
		Description: "Support plan", Quantity: dec("1"), UnitPrice: amt(t, "100 USD"), TaxRate: decimal.Zero,
	}, invoice.TaxExclusive)
	require.NoError(t, err)
	draft, err := invoice.New(invoice.Draft{
		ID: "inv_usd_1", AccountID: "acc_acme", ResourceID: "res_srv_9", Currency: "USD",
		TaxMode: invoice.TaxExclusive, Lines: []invoice.Line{compute, support}, CreatedAt: start,
		Memo: "Postpaid usage for March 2026",
	})
	require.NoError(t, err)
	issuedAt := time.Date(2026, 4, 1, 0, 5, 0, 0, ny)
	issued, err := invoice.Issue(draft, "INV-2026", 7, issuedAt, issuedAt.Add(15*24*time.Hour))
	require.NoError(t, err)
	part, err := invoice.ApplyPayment(issued, amt(t, "500 USD"), issuedAt.Add(time.Hour))
	require.NoError(t, err)
	return part
}

// creditNote refunds 120,667 VND of a 181,000 VND invoice: a prepaid
// resource deleted with 20 of its 30 days unused.
func creditNote(t testing.TB) (invoice.Invoice, invoice.Invoice) {
	t.Helper()
	at := time.Date(2026, 3, 10, 9, 0, 0, 0, hcm)
	line, err := invoice.PriceLine(invoice.LineInput{
		Description: "vServer 1 vCPU / 2 GB", Period: period.Span{Start: at, End: at.Add(30 * 24 * time.Hour)},
		Quantity: dec("1"), UnitPrice: amt(t, "181000 VND"), TaxRate: decimal.Zero,
	}, invoice.TaxExclusive)
	require.NoError(t, err)
	draft, err := invoice.New(invoice.Draft{
		ID: "inv_1", AccountID: "acc_minhanh", ResourceID: "res_srv_2", Currency: "VND",
		TaxMode: invoice.TaxExclusive, Lines: []invoice.Line{line}, CreatedAt: at,
	})
	require.NoError(t, err)
	paid, err := invoice.IssuePaid(draft, "INV-2026", 1, at)
	require.NoError(t, err)
	deleted := at.Add(10 * 24 * time.Hour)
	note, err := invoice.NewCreditNote(paid, amt(t, "120667 VND"), invoice.CreditRequest{
		ID: "cn_1", Reason: "Xóa tài nguyên, hoàn 20 ngày chưa sử dụng", At: deleted,
	})
	require.NoError(t, err)
	note, err = invoice.Issue(note, "CN-2026", 1, deleted, time.Time{})
	require.NoError(t, err)
	return paid, note
}
