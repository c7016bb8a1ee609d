package postgres

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"
)

// TestCopyNumericMatchesPgx checks that the COPY encoder's numeric decodes
// to the value and display scale pgx sends for the same decimal, on the
// fast path and around its edges. The bytes differ where pgx sends leading
// or trailing zero digits, which PostgreSQL strips on receipt; the server
// keeps the value and the display scale, which are compared.
func TestCopyNumericMatchesPgx(t *testing.T) {
	values := []string{
		"0", "0.00", "-0.000", "1", "-1", "0.25", "0.250", "12.5", "-12.5", "9999", "10000", "10001",
		"0.0001", "0.00001", "0.1", "123456789.987654321", "-0.000000001", "1e3", "1e4", "1e5", "25e7",
		"999999999999999999", "-999999999999999999", "1000000000000000000", "0.999999999999999999",
		"123456789012345678901234567890.123", "1e1000", "1e1001", "1e-1000", "1e-1001", "5e-17", "10e-2",
	}
	for _, v := range values {
		d := decimal.RequireFromString(v)
		for _, x := range []decimal.Decimal{d, decimal.New(d.CoefficientInt64(), d.Exponent())} {
			if x.NumDigits() > 18 {
				x = d
			}
			w := &copyWriter{}
			if err := w.numeric(x); err != nil {
				t.Fatalf("%s: %v", x, err)
			}
			want, err := numericPlan.Encode(numeric(x), nil)
			if err != nil {
				t.Fatalf("%s: pgx: %v", x, err)
			}
			if n := binary.BigEndian.Uint32(w.b); int(n) != len(w.b)-4 {
				t.Errorf("%s: length word %d for %d bytes", x, n, len(w.b)-4)
			}
			got, sent := decodeNumeric(t, w.b[4:]), decodeNumeric(t, want)
			if !got.Equal(sent) || !bytes.Equal(w.b[4+6:4+8], want[6:8]) {
				t.Errorf("%s (coefficient %s, exponent %d): got %s (% x), pgx sends %s (% x)",
					v, x.Coefficient(), x.Exponent(), got, w.b[4:], sent, want)
			}
		}
	}
}

// decodeNumeric reads a binary numeric as pgx reads one from the server.
func decodeNumeric(t *testing.T, b []byte) decimal.Decimal {
	t.Helper()
	var n pgtype.Numeric
	if err := pgtype.NewMap().Scan(pgtype.NumericOID, pgtype.BinaryFormatCode, b, &n); err != nil {
		t.Fatalf("decode % x: %v", b, err)
	}
	d, err := decimalOf(n)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
