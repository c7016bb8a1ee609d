package einvoice_test

import (
	"testing"
	"time"

	"github.com/cloudbill/cloudbill/invoice/einvoice"
)

// BenchmarkXML is writing a two-line, two-rate e-invoice unsigned: what
// issuing one costs a System without the seller's key.
func BenchmarkXML(b *testing.B) {
	inv := twoRateInvoice(&testing.T{})
	inv.Issued = time.Date(2026, 6, 1, 3, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		doc, err := inv.XML()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := doc.WriteToBytes(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSignedXML is writing and signing it with a 2,048-bit RSA key:
// what issuing one costs a System that signs.
func BenchmarkSignedXML(b *testing.B) {
	inv := twoRateInvoice(&testing.T{})
	inv.Issued = time.Date(2026, 6, 1, 3, 0, 0, 0, time.UTC)
	signer := testSigner(&testing.T{})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := inv.SignedXML(signer); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify is checking the seller's signature.
func BenchmarkVerify(b *testing.B) {
	inv := twoRateInvoice(&testing.T{})
	inv.Issued = time.Date(2026, 6, 1, 3, 0, 0, 0, time.UTC)
	signed, err := inv.SignedXML(testSigner(&testing.T{}))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := einvoice.Verify(signed); err != nil {
			b.Fatal(err)
		}
	}
}
