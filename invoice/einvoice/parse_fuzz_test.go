package einvoice_test

import (
	"testing"
	"time"

	"github.com/cloudbill/cloudbill/invoice/einvoice"
)

// FuzzParseXML: any bytes are read without a panic, and what is read is
// an invoice that writes again.
func FuzzParseXML(f *testing.F) {
	inv := twoRateInvoice(&testing.T{})
	inv.Issued = time.Date(2026, 6, 1, 3, 0, 0, 0, time.UTC)
	if doc, err := inv.XML(); err == nil {
		if b, err := doc.WriteToBytes(); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("<HDon><DLHDon><TTChung><SHDon>x</SHDon></TTChung></DLHDon></HDon>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := einvoice.ParseXML(b, "Asia/Ho_Chi_Minh")
		if err != nil {
			return
		}
		if _, err := got.XML(); err != nil {
			t.Fatalf("read an invoice that does not write: %v", err)
		}
	})
}
