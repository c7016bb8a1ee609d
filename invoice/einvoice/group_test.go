package einvoice_test

import (
	"errors"
	"testing"
	"time"

	"github.com/beevik/etree"

	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/einvoice"
)

// orderDoc is an issued VND invoice of one line, 4 vCPU × 45,000 at 10 %
// (180,000 + 18,000), with the test parties.
func orderDoc(t *testing.T, id string, at time.Time, rate string) invoice.Invoice {
	t.Helper()
	line := priced(t, invoice.TaxExclusive, "vServer 4 vCPU", "vCPU", 4, 45_000, 0, rate)
	d, err := invoice.New(invoice.Draft{ID: id, AccountID: "acc_1", ResourceID: "res_" + id, Currency: "VND",
		TaxMode: invoice.TaxExclusive, Lines: []invoice.Line{line}, CreatedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := invoice.IssuePaid(withParties(t, d), "INV-2026", 1, at)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestFromDocumentsGroupsAnOrder: two invoices of one order, 180,000 at
// 10 % and 180,000 at 8 %, make one e-invoice of two lines dated when it
// is issued: 360,000 before VAT, 18,000 + 14,400 VAT, 392,400 payable.
func TestFromDocumentsGroupsAnOrder(t *testing.T) {
	at := time.Date(2026, 5, 4, 3, 0, 0, 0, time.UTC)
	a := orderDoc(t, "inv_1", at, "0.1")
	b := orderDoc(t, "inv_2", at.Add(time.Hour), "0.08")
	sym, _ := einvoice.ParseSymbol("C26TAA")
	issued := at.Add(2 * time.Hour)
	e, err := einvoice.FromDocuments([]invoice.Invoice{a, b}, einvoice.Issue{Form: einvoice.FormVAT, Symbol: sym, Number: 7,
		Zone: "Asia/Ho_Chi_Minh", IssuedAt: issued})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Lines) != 2 || !e.Issued.Equal(issued) {
		t.Fatalf("lines %d issued %s", len(e.Lines), e.Issued)
	}
	tot, err := e.Totals()
	if err != nil {
		t.Fatal(err)
	}
	if tot.BeforeTax.Number().IntPart() != 360_000 || tot.Tax.Number().IntPart() != 32_400 || tot.Payable.Number().IntPart() != 392_400 {
		t.Errorf("totals %s + %s = %s", tot.BeforeTax.Number(), tot.Tax.Number(), tot.Payable.Number())
	}
	if tot.InWords != "Ba trăm chín mươi hai nghìn bốn trăm đồng" {
		t.Errorf("in words: %q", tot.InWords)
	}
	// Without IssuedAt the date is the latest document's.
	e, err = einvoice.FromDocuments([]invoice.Invoice{a, b}, einvoice.Issue{Form: einvoice.FormVAT, Symbol: sym, Number: 7, Zone: "Asia/Ho_Chi_Minh"})
	if err != nil || !e.Issued.Equal(b.IssuedAt) {
		t.Fatalf("date of issue %s, want %s: %v", e.Issued, b.IssuedAt, err)
	}
	// Documents of other parties or currencies do not share one.
	c := b
	other := *c.Buyer
	other.TaxCode = "0319999999"
	c.Buyer = &other
	if _, err := einvoice.FromDocuments([]invoice.Invoice{a, c}, einvoice.Issue{Form: einvoice.FormVAT, Symbol: sym, Number: 7, Zone: "Asia/Ho_Chi_Minh"}); !errors.Is(err, einvoice.ErrInvoice) {
		t.Errorf("documents of two buyers: %v", err)
	}
	if _, err := einvoice.FromDocuments(nil, einvoice.Issue{Form: einvoice.FormVAT, Symbol: sym, Number: 7, Zone: "Asia/Ho_Chi_Minh"}); !errors.Is(err, einvoice.ErrInvoice) {
		t.Errorf("no documents: %v", err)
	}
}

// TestReplacementStatesTheReplaced: a replacement names the e-invoice it
// replaces (TCHDon 1) and may correct the buyer; it cannot also adjust.
func TestReplacementStatesTheReplaced(t *testing.T) {
	at := time.Date(2026, 5, 4, 3, 0, 0, 0, time.UTC)
	doc := orderDoc(t, "inv_1", at, "0.1")
	sym, _ := einvoice.ParseSymbol("C26TAA")
	rel := &einvoice.Related{Form: einvoice.FormVAT, Symbol: sym, Number: 1, Issued: at, Note: "sai mã số thuế"}
	buyer := *doc.Buyer
	buyer.TaxCode = "0312345678-002"
	e, err := einvoice.FromDocument(doc, einvoice.Issue{Form: einvoice.FormVAT, Symbol: sym, Number: 2, Zone: "Asia/Ho_Chi_Minh",
		Replaces: rel, Buyer: &buyer})
	if err != nil {
		t.Fatal(err)
	}
	if e.Related == nil || e.Related.Kind != einvoice.Replaces || e.Buyer.TaxCode != "0312345678-002" {
		t.Fatalf("related %+v buyer %q", e.Related, e.Buyer.TaxCode)
	}
	if _, err := einvoice.FromDocument(doc, einvoice.Issue{Form: einvoice.FormVAT, Symbol: sym, Number: 2, Zone: "Asia/Ho_Chi_Minh",
		Replaces: rel, Adjusts: rel}); !errors.Is(err, einvoice.ErrInvoice) {
		t.Errorf("replaces and adjusts: %v", err)
	}
}

// TestVerifyAgainstTheIssuedContent: an invoice issued unsigned and
// signed elsewhere verifies against what was issued; signed after any
// change, it does not.
func TestVerifyAgainstTheIssuedContent(t *testing.T) {
	inv := twoRateInvoice(t)
	inv.Issued = time.Date(2026, 6, 1, 3, 0, 0, 0, time.UTC)
	doc, err := inv.XML()
	if err != nil {
		t.Fatal(err)
	}
	issued, err := doc.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	signer := testSigner(t)
	sign := func(mod func(*etree.Document)) []byte {
		d := etree.NewDocument()
		if err := d.ReadFromBytes(issued); err != nil {
			t.Fatal(err)
		}
		if mod != nil {
			mod(d)
		}
		out, err := einvoice.SignXML(d, signer)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if _, err := einvoice.VerifyAgainst(sign(nil), issued); err != nil {
		t.Errorf("the issued content signed elsewhere: %v", err)
	}
	changed := sign(func(d *etree.Document) { d.FindElement("/HDon/DLHDon/NDHDon/NMua/Ten").SetText("Someone else") })
	if _, err := einvoice.Verify(changed); err != nil {
		t.Fatalf("a valid signature over changed content: %v", err)
	}
	if _, err := einvoice.VerifyAgainst(changed, issued); !errors.Is(err, einvoice.ErrSignature) {
		t.Errorf("signed over another buyer: %v", err)
	}
	if _, err := einvoice.SignXML(etree.NewDocument(), signer); !errors.Is(err, einvoice.ErrSigner) {
		t.Errorf("an empty document: %v", err)
	}
}

// TestParseXMLReadsBackWhatWasWritten: an invoice of two rates and an
// adjustment, written and signed, read back state the same form, symbol,
// number, parties, lines and totals; a stated total the lines do not make
// is refused.
func TestParseXMLReadsBackWhatWasWritten(t *testing.T) {
	inv := twoRateInvoice(t)
	inv.Issued = time.Date(2026, 6, 1, 3, 0, 0, 0, time.UTC)
	signed, err := inv.SignedXML(testSigner(t))
	if err != nil {
		t.Fatal(err)
	}
	back, err := einvoice.ParseXML(signed, inv.Zone)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := inv.Totals()
	got, err := back.Totals()
	if err != nil {
		t.Fatal(err)
	}
	if back.Symbol != inv.Symbol || back.Number != inv.Number || back.Seller != inv.Seller || back.Buyer != inv.Buyer ||
		len(back.Lines) != len(inv.Lines) || !got.Payable.Equal(want.Payable) || got.InWords != want.InWords || len(got.ByRate) != len(want.ByRate) {
		t.Fatalf("read back %+v, totals %+v; want %+v", back, got, want)
	}
	if back.Issued.Format(time.DateOnly) != "2026-06-01" {
		t.Errorf("date of issue %s", back.Issued)
	}
	d := etree.NewDocument()
	if err := d.ReadFromBytes(signed); err != nil {
		t.Fatal(err)
	}
	d.FindElement("/HDon/DLHDon/NDHDon/TToan/TgTTTBSo").SetText("1")
	changed, _ := d.WriteToBytes()
	if _, err := einvoice.ParseXML(changed, inv.Zone); !errors.Is(err, einvoice.ErrInvoice) {
		t.Errorf("a stated total the lines do not make: %v", err)
	}
	if _, err := einvoice.ParseXML([]byte("<HDon/>"), inv.Zone); !errors.Is(err, einvoice.ErrInvoice) {
		t.Errorf("no DLHDon: %v", err)
	}
	if _, err := einvoice.ParseXML(signed, "Mars/Base"); !errors.Is(err, einvoice.ErrInvoice) {
		t.Errorf("no zone: %v", err)
	}
}
