package pricing

import (
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// formatNumber renders d for breakdown text with a comma every three integer
// digits ("181,000", "7.7", "-1,234.5"). Breakdowns are read by people on
// invoices, so the grouping matters more than locale fidelity; the exact
// values are always also available as numbers.
//
// It writes exactly groupDigits(d.String()); a coefficient that fits an
// int64 is written straight from its digits, since quotes and bills write
// several numbers each and d.String goes through a big.Int of its own.
func formatNumber(d decimal.Decimal) string {
	exp := d.Exponent()
	if exp < -18 || exp > 18 || (exp > 0 && decimal.UseScientificNotation) || d.NumDigits() > 18 {
		return groupDigits(d.String())
	}
	c := d.CoefficientInt64()
	u := uint64(c)
	if c < 0 {
		u = -u
	}
	var buf [64]byte
	digits := strconv.AppendUint(buf[:0], u, 10) // at most 19 bytes
	var intPart, zeros, frac []byte
	switch {
	case exp >= 0:
		intPart = digits
		if u != 0 {
			for range exp {
				intPart = append(intPart, '0')
			}
		}
	case len(digits) > int(-exp):
		intPart, frac = digits[:len(digits)+int(exp)], digits[len(digits)+int(exp):]
	default:
		intPart, zeros, frac = []byte{'0'}, []byte("000000000000000000")[:int(-exp)-len(digits)], digits
	}
	if decimal.TrimTrailingZeros {
		frac = bytesTrimRightZeros(frac)
		if len(frac) == 0 {
			zeros = nil
		}
	}
	out := make([]byte, 0, 1+len(intPart)+len(intPart)/3+1+len(zeros)+len(frac))
	if c < 0 {
		out = append(out, '-')
	}
	for i, b := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, b)
	}
	if len(zeros)+len(frac) > 0 {
		out = append(out, '.')
		out = append(out, zeros...)
		out = append(out, frac...)
	}
	return string(out)
}

// bytesTrimRightZeros drops the trailing '0's of b.
func bytesTrimRightZeros(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == '0' {
		b = b[:len(b)-1]
	}
	return b
}

// groupDigits puts a comma every three integer digits of s, plain decimal
// text with an optional leading '-'.
func groupDigits(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	b.Grow(len(s) + len(s)/3 + 1)
	b.WriteString(sign)
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// formatInt renders n like formatNumber, without building a decimal.
func formatInt(n int64) string { return groupDigits(strconv.FormatInt(n, 10)) }

// withUnit joins a quantity and its unit, leaving out the unit when there is
// none ("2 vCPU", "23").
func withUnit(q decimal.Decimal, unit string) string {
	if unit == "" {
		return formatNumber(q)
	}
	return formatNumber(q) + " " + unit
}

// percent renders a rate as a percentage ("15%", "7.5%").
func percent(rate decimal.Decimal) string {
	return formatNumber(rate.Shift(2)) + "%"
}
