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
func formatNumber(d decimal.Decimal) string { return groupDigits(d.String()) }

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
