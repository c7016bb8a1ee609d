package invoice_test

import (
	"testing"

	"github.com/cloudbill/cloudbill/invoice"
)

// BenchmarkNewInvoice3Lines measures building a checked draft of three
// taxed lines, the common shape of a resource's invoice.
func BenchmarkNewInvoice3Lines(b *testing.B) {
	lines := []invoice.Line{
		priced(b, invoice.TaxExclusive, "vServer 2 vCPU / 4 GB", "1", "520000", "20000", "0.1", "VND"),
		priced(b, invoice.TaxExclusive, "SSD 40 GB", "40", "1750", "", "0.1", "VND"),
		priced(b, invoice.TaxExclusive, "Windows licence", "1", "95000", "", "0.1", "VND"),
	}
	d := invoice.Draft{ID: "inv_1", AccountID: "acc_1", ResourceID: "res_1", Currency: "VND",
		TaxMode: invoice.TaxExclusive, Lines: lines, CreatedAt: t0}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := invoice.New(d); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewCreditNote measures splitting a credit across three lines.
func BenchmarkNewCreditNote(b *testing.B) {
	inv := paidInvoice(b, draft(b, "VND", invoice.TaxExclusive,
		priced(b, invoice.TaxExclusive, "vServer 2 vCPU / 4 GB", "1", "520000", "20000", "0.1", "VND"),
		priced(b, invoice.TaxExclusive, "SSD 40 GB", "40", "1750", "", "0.1", "VND"),
		priced(b, invoice.TaxExclusive, "Windows licence", "1", "95000", "", "0.1", "VND")))
	credit := amt(b, "226000", "VND")
	r := invoice.CreditRequest{ID: "cn_1", Reason: "downgrade", At: creditAt}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := invoice.NewCreditNote(inv, credit, r); err != nil {
			b.Fatal(err)
		}
	}
}
