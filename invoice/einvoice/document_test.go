package einvoice_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/einvoice"
)

func withParties(t *testing.T, draft invoice.Invoice) invoice.Invoice {
	t.Helper()
	seller := twoRateInvoice(t).Seller
	seller.Address = "Số 1 Phố Huế\nHai Bà Trưng, Hà Nội" // a document's address may have lines
	inv, err := invoice.WithParties(draft, seller, twoRateInvoice(t).Buyer)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// TestFromDocumentSignsAnIssuedInvoiceAndItsCreditNote: an invoice issued
// at 23:30 on 31 December 2026 in Hà Nội (16:30 UTC) is in the 2026
// series; its credit note, issued in 2027, is an adjustment in the 2027
// series that references it, and both sign and verify.
func TestFromDocumentSignsAnIssuedInvoiceAndItsCreditNote(t *testing.T) {
	at := time.Date(2026, 12, 31, 16, 30, 0, 0, time.UTC)
	line := priced(t, invoice.TaxExclusive, "vServer 4 vCPU", "vCPU", 4, 45_000, 0, "0.1")
	d, err := invoice.New(invoice.Draft{ID: "inv_1", AccountID: "acc_1", ResourceID: "res_1", Currency: "VND",
		TaxMode: invoice.TaxExclusive, Lines: []invoice.Line{line}, CreatedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := invoice.IssuePaid(withParties(t, d), "INV-2026", 1, at)
	if err != nil {
		t.Fatal(err)
	}
	sym, _ := einvoice.ParseSymbol("C26TAA")
	is := einvoice.Issue{Form: einvoice.FormVAT, Symbol: sym, Number: 1, Zone: "Asia/Ho_Chi_Minh"}
	e, err := einvoice.FromDocument(doc, is)
	if err != nil {
		t.Fatal(err)
	}
	// The seller's address has two lines on the document and one on the
	// e-invoice.
	if e.Seller.Address != "Số 1 Phố Huế, Hai Bà Trưng, Hà Nội" {
		t.Errorf("seller's address on one line: %q", e.Seller.Address)
	}
	if e.Symbol.String() != "C26TAA" || e.Buyer.TaxCode != "0312345678-001" || e.PaymentMethod != "TM/CK" {
		t.Errorf("e-invoice header: %s %+v %q", e.Symbol, e.Buyer, e.PaymentMethod)
	}
	tot, err := e.Totals()
	if err != nil {
		t.Fatal(err)
	}
	if !tot.Payable.Equal(doc.Total) || tot.InWords != "Một trăm chín mươi tám nghìn đồng" {
		t.Errorf("payable %s %q, document %s", tot.Payable.Number(), tot.InWords, doc.Total.Number())
	}
	s := testSigner(t)
	signed, err := e.SignedXML(s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := einvoice.Verify(signed); err != nil {
		t.Fatal(err)
	}

	later := at.Add(2 * time.Hour) // 2027-01-01 01:30 in Hà Nội
	note, err := invoice.NewCreditNote(doc, vnd(t, 99_000), invoice.CreditRequest{ID: "cn_1", Reason: "hoàn tiền\nthời gian chưa dùng", At: later})
	if err != nil {
		t.Fatal(err)
	}
	note, err = invoice.Issue(withParties(t, note), "CN-2027", 1, later, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	adj := is
	adj.Number = 1
	if _, err := einvoice.FromDocument(note, adj); !errors.Is(err, einvoice.ErrInvoice) {
		t.Errorf("a credit note without the e-invoice it adjusts: %v", err)
	}
	adj.Adjusts = &einvoice.Related{Form: e.Form, Symbol: e.Symbol, Number: e.Number, Issued: e.Issued}
	a, err := einvoice.FromDocument(note, adj)
	if err != nil {
		t.Fatal(err)
	}
	if a.Symbol.String() != "C27TAA" || a.Related.Kind != einvoice.Adjusts || a.Related.Symbol.String() != "C26TAA" ||
		strings.Contains(a.Related.Note, "\n") {
		t.Errorf("adjustment: %s %+v", a.Symbol, a.Related)
	}
	atot, err := a.Totals()
	if err != nil {
		t.Fatal(err)
	}
	if !atot.Payable.Equal(vnd(t, -99_000)) {
		t.Errorf("adjustment payable %s, want -99000", atot.Payable.Number())
	}
	signedAdj, err := a.SignedXML(s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := einvoice.Verify(signedAdj); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(signedAdj), "<KHHDCLQuan>C26TAA</KHHDCLQuan>") || !strings.Contains(string(signedAdj), "<NLHDCLQuan>2026-12-31</NLHDCLQuan>") {
		t.Errorf("the adjustment does not reference the original:\n%s", signedAdj)
	}

	// A document issued without the seller's details cannot be an
	// e-invoice.
	bare, _ := invoice.IssuePaid(d, "INV-2026", 2, at)
	if _, err := einvoice.FromDocument(bare, is); !errors.Is(err, einvoice.ErrInvoice) {
		t.Errorf("a document without a seller: %v", err)
	}
}
