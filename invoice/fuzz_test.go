package invoice_test

import (
	"errors"
	"testing"

	"github.com/cloudbill/cloudbill/invoice"
)

// FuzzParseNumber checks that ParseNumber never panics, refuses with a
// *NumberError, and accepts only what Format produces.
func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{
		"INV-2026-000042", "CN-2026-000001", "INV-2026-1234567", "INV-9223372036854775807",
		"INV-9223372036854775808", "INV-2026-0000042", "INV-2026-000000", "inv-2026-000042",
		"-000001", "INV--000001", "", "-", "INV-2026-", "A-B-C-000001", "INV-2026-٠٠٠٠٤٢",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		series, n, err := invoice.ParseNumber(s)
		if err != nil {
			var ne *invoice.NumberError
			if !errors.As(err, &ne) || !errors.Is(err, invoice.ErrInvalidNumber) {
				t.Fatalf("ParseNumber(%q) error %v is not a *NumberError", s, err)
			}
			return
		}
		if n < 1 {
			t.Fatalf("ParseNumber(%q) accepted number %d", s, n)
		}
		back, err := invoice.Format(series, n)
		if err != nil {
			t.Fatalf("Format(%q, %d) of accepted %q: %v", series, n, s, err)
		}
		if back != s {
			t.Fatalf("ParseNumber(%q) round trips to %q", s, back)
		}
	})
}
