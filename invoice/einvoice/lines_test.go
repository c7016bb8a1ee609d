package einvoice_test

import (
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/einvoice"
)

var issuedAt = time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)

func priced(t *testing.T, mode invoice.TaxMode, desc, unit string, qty, price, discount int64, rate string) invoice.Line {
	t.Helper()
	in := invoice.LineInput{Description: desc, Period: period.Span{Start: issuedAt, End: issuedAt.Add(30 * 24 * time.Hour)},
		Quantity: decimal.NewFromInt(qty), UnitPrice: vnd(t, price), Discount: vnd(t, discount),
		TaxRate: decimal.RequireFromString(rate), Product: "vserver", Unit: unit}
	l, err := invoice.PriceLine(in, mode)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func issuedDoc(t *testing.T, mode invoice.TaxMode, lines ...invoice.Line) invoice.Invoice {
	t.Helper()
	d, err := invoice.New(invoice.Draft{ID: "inv_1", AccountID: "acc_1", ResourceID: "res_1", Currency: "VND",
		TaxMode: mode, Lines: lines, CreatedAt: issuedAt})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := invoice.IssuePaid(d, "INV-2026", 7, issuedAt)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// sumLines is Σ amount and Σ VAT of e-invoice lines.
func sumLines(t *testing.T, lines []einvoice.Line) (amount, tax money.Amount) {
	t.Helper()
	amount, tax = vnd(t, 0), vnd(t, 0)
	for _, l := range lines {
		amount, _ = amount.Add(l.Amount)
		tax, _ = tax.Add(l.Tax)
	}
	return amount, tax
}

// TestLinesOfTwoRates converts a tax-exclusive VND order of two rates:
//
//	4 vCPU × 45,000 = 180,000 − 20,000 = 160,000 at 10 %: VAT 16,000
//	3 GB × 15,000 = 45,000 at 8 %: VAT 3,600
//
// and signs it: before tax 205,000, VAT 19,600, total 224,600.
func TestLinesOfTwoRates(t *testing.T) {
	doc := issuedDoc(t, invoice.TaxExclusive,
		priced(t, invoice.TaxExclusive, "vServer 4 vCPU", "vCPU", 4, 45_000, 20_000, "0.1"),
		priced(t, invoice.TaxExclusive, "Lưu trữ", "GB", 3, 15_000, 0, "0.08"))
	lines, err := einvoice.LinesOf(doc, einvoice.VAT0)
	if err != nil {
		t.Fatal(err)
	}
	if lines[0].VAT != einvoice.VAT10 || lines[1].VAT != einvoice.VAT8 || !lines[0].Quantity.Equal(decimal.NewFromInt(4)) ||
		!lines[0].UnitPrice.Equal(vnd(t, 45_000)) || !lines[0].Discount.Equal(vnd(t, 20_000)) || !lines[0].Amount.Equal(vnd(t, 160_000)) {
		t.Fatalf("lines: %+v", lines)
	}
	amount, tax := sumLines(t, lines)
	if !amount.Equal(doc.Net) || !tax.Equal(doc.Tax) || !doc.Tax.Equal(vnd(t, 19_600)) {
		t.Fatalf("Σ %s + %s, document %s + %s", amount.Number(), tax.Number(), doc.Net.Number(), doc.Tax.Number())
	}
	inv := twoRateInvoice(t)
	inv.Issued, inv.Lines = issuedAt, lines
	tot, err := inv.Totals()
	if err != nil {
		t.Fatal(err)
	}
	if !tot.Payable.Equal(doc.Total) || tot.InWords != "Hai trăm hai mươi bốn nghìn sáu trăm đồng" {
		t.Errorf("payable %s %q, document total %s", tot.Payable.Number(), tot.InWords, doc.Total.Number())
	}
	signed, err := inv.SignedXML(testSigner(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := einvoice.Verify(signed); err != nil {
		t.Fatal(err)
	}
}

// TestLinesOfInclusive declares a tax-inclusive line before tax: 2 × 55,000
// including 10 % is 110,000 with VAT 10,000 inside, so 100,000 before tax
// as 2 × 50,000.
func TestLinesOfInclusive(t *testing.T) {
	doc := issuedDoc(t, invoice.TaxInclusive, priced(t, invoice.TaxInclusive, "vServer", "tháng", 2, 55_000, 0, "0.1"))
	lines, err := einvoice.LinesOf(doc, einvoice.VAT0)
	if err != nil {
		t.Fatal(err)
	}
	l := lines[0]
	if !l.Amount.Equal(vnd(t, 100_000)) || !l.Tax.Equal(vnd(t, 10_000)) || !l.Quantity.Equal(decimal.NewFromInt(2)) || !l.UnitPrice.Equal(vnd(t, 50_000)) {
		t.Errorf("inclusive line: %s × %s = %s, VAT %s", l.Quantity, l.UnitPrice.Number(), l.Amount.Number(), l.Tax.Number())
	}
	// 3 × 35,000 including 10 %: 105,000, VAT round(105,000 × 0.1 / 1.1)
	// = 9,545, before tax 95,455, which 3 does not divide: one unit.
	doc = issuedDoc(t, invoice.TaxInclusive, priced(t, invoice.TaxInclusive, "vServer", "tháng", 3, 35_000, 0, "0.1"))
	lines, err = einvoice.LinesOf(doc, einvoice.VAT0)
	if err != nil {
		t.Fatal(err)
	}
	l = lines[0]
	if !l.Amount.Equal(vnd(t, 95_455)) || !l.Tax.Equal(vnd(t, 9_545)) || !l.Quantity.Equal(decimal.NewFromInt(1)) {
		t.Errorf("inclusive line not divisible: %s × %s = %s, VAT %s", l.Quantity, l.UnitPrice.Number(), l.Amount.Number(), l.Tax.Number())
	}
}

// TestLinesOfCreditNote makes a credit note's lines the decreases of an
// adjustment invoice: crediting 110,000 of a 10 % line is −100,000 and VAT
// −10,000.
func TestLinesOfCreditNote(t *testing.T) {
	doc := issuedDoc(t, invoice.TaxExclusive, priced(t, invoice.TaxExclusive, "vServer", "tháng", 2, 100_000, 0, "0.1"))
	note, err := invoice.NewCreditNote(doc, vnd(t, 110_000), invoice.CreditRequest{ID: "cn_1", Reason: "hoàn tiền", At: issuedAt.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	note, err = invoice.Issue(note, "CN-2026", 1, issuedAt.Add(time.Hour), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	lines, err := einvoice.LinesOf(note, einvoice.VAT0)
	if err != nil {
		t.Fatal(err)
	}
	amount, tax := sumLines(t, lines)
	if !amount.Equal(vnd(t, -100_000)) || !tax.Equal(vnd(t, -10_000)) {
		t.Errorf("credit note as decreases: %s, VAT %s", amount.Number(), tax.Number())
	}
}

func TestRateOf(t *testing.T) {
	for rate, want := range map[string]einvoice.VATRate{"0.1": einvoice.VAT10, "0.10": einvoice.VAT10, "0.08": einvoice.VAT8, "0.05": einvoice.VAT5} {
		if got, err := einvoice.RateOf(decimal.RequireFromString(rate), einvoice.VAT0); err != nil || got != want {
			t.Errorf("%s: %s %v", rate, got, err)
		}
	}
	if got, err := einvoice.RateOf(decimal.Zero, einvoice.VATNotTaxable); err != nil || got != einvoice.VATNotTaxable {
		t.Errorf("zero as not taxable: %s %v", got, err)
	}
	for _, bad := range []string{"0.07", "0.2", "0.085"} {
		if _, err := einvoice.RateOf(decimal.RequireFromString(bad), einvoice.VAT0); !errors.Is(err, einvoice.ErrInvoice) {
			t.Errorf("%s: %v, want ErrInvoice", bad, err)
		}
	}
	if _, err := einvoice.RateOf(decimal.Zero, einvoice.VAT10); !errors.Is(err, einvoice.ErrInvoice) {
		t.Errorf("zero declared as 10%%: %v", err)
	}
}

// couponed is a line of 181,000 before tax at rate with a coupon of off
// taken after tax (a postpaid bill's line).
func couponed(t *testing.T, rate string, off int64) invoice.Line {
	t.Helper()
	l := priced(t, invoice.TaxExclusive, "vServer basic-1 tháng 4", "tháng", 1, 181_000, 0, rate)
	l.Coupon, l.CouponCodes = vnd(t, off), []string{"WELCOME20K"}
	total, err := l.Total.Sub(l.Coupon)
	if err != nil {
		t.Fatal(err)
	}
	l.Total = total
	return l
}

// TestLinesOfACouponAfterTax: a postpaid line of 181,000 + 18,100 VAT with
// 20,000 off after tax (179,100 payable) is stated as the line and a trade
// discount at 10 %: 20,000 × 18,100 ÷ 199,100 = 1,818.18… → 1,818 of VAT
// and 18,182 before it, so the e-invoice says 162,818 + 16,282 = 179,100
// ("Một trăm bảy mươi chín nghìn một trăm đồng"). The discount line is
// nature 3, which the authority's line schema (HHDVu) defines as "Chiết
// khấu thương mại (trong trường hợp muốn thể hiện thông tin chiết khấu
// theo dòng)": a trade discount shown as a line. Untaxed (KCT), the whole
// 20,000 is before tax; a coupon above the line's total is refused.
func TestLinesOfACouponAfterTax(t *testing.T) {
	draft, err := invoice.New(invoice.Draft{ID: "inv_1", AccountID: "acc_1", ResourceID: "res_1", Currency: "VND",
		TaxMode: invoice.TaxExclusive, Lines: []invoice.Line{couponed(t, "0.1", 20_000)}, CreatedAt: issuedAt})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := invoice.IssuePaid(withParties(t, draft), "INV-2026", 7, issuedAt)
	if err != nil {
		t.Fatal(err)
	}
	if !doc.Total.Equal(vnd(t, 179_100)) {
		t.Fatalf("document total %s, want 179,100", doc.Total.Number())
	}
	lines, err := einvoice.LinesOf(doc, einvoice.VAT0)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 {
		t.Fatalf("%d lines, want the line and its discount: %+v", len(lines), lines)
	}
	d := lines[1]
	if d.Nature != einvoice.NatureTradeDiscount || d.VAT != einvoice.VAT10 || !d.Amount.Equal(vnd(t, 18_182)) || !d.Tax.Equal(vnd(t, 1_818)) ||
		d.Name != "Chiết khấu thương mại: mã WELCOME20K" {
		t.Fatalf("discount line: %+v", d)
	}
	sym, _ := einvoice.ParseSymbol("C26TAA")
	e, err := einvoice.FromDocument(doc, einvoice.Issue{Form: einvoice.FormVAT, Symbol: sym, Number: 3, Zone: "Asia/Ho_Chi_Minh"})
	if err != nil {
		t.Fatal(err)
	}
	tot, err := e.Totals()
	if err != nil {
		t.Fatal(err)
	}
	if !tot.BeforeTax.Equal(vnd(t, 162_818)) || !tot.Tax.Equal(vnd(t, 16_282)) || !tot.Payable.Equal(doc.Total) ||
		!tot.TradeDiscount.Equal(vnd(t, 18_182)) || tot.InWords != "Một trăm bảy mươi chín nghìn một trăm đồng" {
		t.Fatalf("totals %+v", tot)
	}

	untaxed, err := einvoice.LinesOf(issuedDoc(t, invoice.TaxExclusive, couponed(t, "0", 20_000)), einvoice.VATNotTaxable)
	if err != nil {
		t.Fatal(err)
	}
	if d := untaxed[1]; !d.Amount.Equal(vnd(t, 20_000)) || !d.Tax.IsZero() || d.VAT != einvoice.VATNotTaxable {
		t.Fatalf("untaxed discount line: %+v", d)
	}

	over := issuedDoc(t, invoice.TaxExclusive, couponed(t, "0.1", 20_000))
	over.Lines[0].Coupon = vnd(t, 199_101)
	if _, err := einvoice.LinesOf(over, einvoice.VAT0); !errors.Is(err, einvoice.ErrInvoice) {
		t.Fatalf("a coupon above the line's 199,100: %v", err)
	}
}
