package postgres

import (
	"encoding/binary"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"
)

// copyWriter builds the body of a COPY … FROM STDIN (FORMAT binary): the
// header, one tuple per row, and the trailer. Encoding rows by hand rather
// than through pgx's codecs costs no allocation per value; the formats are
// PostgreSQL's binary send/receive formats of text, timestamptz and numeric.
type copyWriter struct{ b []byte }

// copySignature starts every binary COPY stream, followed by a 32-bit flags
// field and a 32-bit header extension length, both zero.
const copySignature = "PGCOPY\n\xff\r\n\x00"

func newCopyWriter(size int) *copyWriter {
	w := &copyWriter{b: make([]byte, 0, size)}
	w.b = append(w.b, copySignature...)
	w.b = binary.BigEndian.AppendUint32(w.b, 0)
	w.b = binary.BigEndian.AppendUint32(w.b, 0)
	return w
}

// row starts a tuple of n fields.
func (w *copyWriter) row(n int) { w.b = binary.BigEndian.AppendUint16(w.b, uint16(n)) }

// text appends a text field: its UTF-8 bytes.
func (w *copyWriter) text(s string) {
	w.b = binary.BigEndian.AppendUint32(w.b, uint32(len(s)))
	w.b = append(w.b, s...)
}

// microsFromUnixToY2K is the number of microseconds from 1970-01-01 to
// 2000-01-01, PostgreSQL's timestamp epoch.
const microsFromUnixToY2K = 946_684_800 * 1_000_000

// timestamptz appends t as microseconds since 2000-01-01 UTC, truncated
// like pgx's own encoding of a time.Time.
func (w *copyWriter) timestamptz(t time.Time) {
	us := t.Unix()*1_000_000 + int64(t.Nanosecond())/1000 - microsFromUnixToY2K
	w.b = binary.BigEndian.AppendUint32(w.b, 8)
	w.b = binary.BigEndian.AppendUint64(w.b, uint64(us))
}

// numeric appends d exactly, with the display scale max(0, −exponent) —
// the value and scale that numeric(d) sends through pgx. PostgreSQL's
// numeric is sign, weight (of the first base-10000 digit) and dscale,
// then base-10000 digits.
func (w *copyWriter) numeric(d decimal.Decimal) error {
	exp := int(d.Exponent())
	if d.NumDigits() > 18 || exp < -maxFastExponent || exp > maxFastExponent {
		return w.numericSlow(d)
	}
	c := d.CoefficientInt64()
	neg := c < 0
	if neg {
		c = -c
	}
	var small [20]byte
	digits := strconv.AppendInt(small[:0], c, 10) // decimal digits of |coefficient|
	dscale := max(0, -exp)
	// The value is digits × 10^exp: position p (0 = first digit) has the
	// power 10^(len(digits)−1−p+exp). Digit groups are aligned so that a
	// group holds the powers 10^(4k+3)…10^(4k) for group weight k.
	top := len(digits) - 1 + exp // power of the first digit
	bottom := exp                // power of the last digit
	if digits[0] == '0' {        // zero: no digits at all
		w.numericHeader(0, 0, neg, dscale)
		return nil
	}
	wTop, wBottom := floorDiv(top, 4), floorDiv(bottom, 4)
	// Trailing zero groups are left out, as PostgreSQL does; the last
	// group is at least wBottom, and at most wTop.
	groups := make([]uint16, 0, 8)
	for k := wTop; k >= wBottom; k-- {
		var g uint16
		for p := 4*k + 3; p >= 4*k; p-- {
			g *= 10
			if i := len(digits) - 1 - (p - exp); p <= top && p >= bottom {
				g += uint16(digits[i] - '0')
			}
		}
		groups = append(groups, g)
	}
	for len(groups) > 0 && groups[len(groups)-1] == 0 {
		groups = groups[:len(groups)-1]
	}
	w.numericHeader(len(groups), wTop, neg, dscale)
	for _, g := range groups {
		w.b = binary.BigEndian.AppendUint16(w.b, g)
	}
	return nil
}

// maxFastExponent bounds the exponents numeric encodes itself; beyond it
// (and for coefficients of more than 18 digits) pgx's codec does, so that
// weight and scale never wrap.
const maxFastExponent = 1000

// numericPlan is pgx's binary encoding of a numeric.
var numericPlan = pgtype.NewMap().PlanEncode(pgtype.NumericOID, pgtype.BinaryFormatCode, pgtype.Numeric{})

// numericSlow appends d through pgx's codec.
func (w *copyWriter) numericSlow(d decimal.Decimal) error {
	at := len(w.b)
	b, err := numericPlan.Encode(numeric(d), append(w.b, 0, 0, 0, 0))
	if err != nil {
		return err
	}
	w.b = b
	binary.BigEndian.PutUint32(w.b[at:], uint32(len(w.b)-at-4))
	return nil
}

// numericHeader appends the length word and the four header words of a
// numeric of n digits.
func (w *copyWriter) numericHeader(n, weight int, neg bool, dscale int) {
	sign := uint16(0x0000)
	if neg && n > 0 {
		sign = 0x4000
	}
	w.b = binary.BigEndian.AppendUint32(w.b, uint32(8+2*n))
	w.b = binary.BigEndian.AppendUint16(w.b, uint16(n))
	w.b = binary.BigEndian.AppendUint16(w.b, uint16(int16(weight)))
	w.b = binary.BigEndian.AppendUint16(w.b, sign)
	w.b = binary.BigEndian.AppendUint16(w.b, uint16(dscale))
}

// end appends the trailer and returns the stream.
func (w *copyWriter) end() []byte {
	w.b = binary.BigEndian.AppendUint16(w.b, 0xffff)
	return w.b
}

// floorDiv is a / b rounded towards negative infinity, for b > 0.
func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}
