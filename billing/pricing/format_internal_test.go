package pricing

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"

	"github.com/cloudbill/cloudbill/billing/period"
)

func TestFormatNumberGroupsThousands(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0", "0"},
		{"7.7", "7.7"},
		{"775", "775"},
		{"1000", "1,000"},
		{"45000", "45,000"},
		{"181000", "181,000"},
		{"1234567.891", "1,234,567.891"},
		{"-1234.5", "-1,234.5"},
		{"-100", "-100"},
		{"1000000000", "1,000,000,000"},
	}
	for _, tt := range tests {
		t.Run(tt.in+" is written "+tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, formatNumber(decimal.RequireFromString(tt.in)))
		})
	}
}

func TestPercentShowsRatesAsPercentages(t *testing.T) {
	assert.Equal(t, "15%", percent(decimal.RequireFromString("0.15")))
	assert.Equal(t, "7.5%", percent(decimal.RequireFromString("0.075")))
	assert.Equal(t, "0%", percent(decimal.Zero))
}

// TestFormatNumberWritesWhatStringDoes compares formatNumber's own writing
// of small coefficients with grouping decimal's String, digit for digit.
func TestFormatNumberWritesWhatStringDoes(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 24))
	coefs := []int64{0, 1, -1, 7, 10, 100, 999, 1000, -1000, 123456789, math.MaxInt64, math.MinInt64, math.MinInt64 + 1,
		999_999_999_999_999_999, 1_000_000_000_000_000_000, -999_999_999_999_999_999}
	for range 2000 {
		coefs = append(coefs, rng.Int64()>>rng.IntN(63)*(1-2*rng.Int64N(2)))
	}
	for _, c := range coefs {
		for exp := int32(-22); exp <= 22; exp++ {
			d := decimal.New(c, exp)
			if got, want := formatNumber(d), groupDigits(d.String()); got != want {
				t.Fatalf("formatNumber(%de%d) = %q, want %q", c, exp, got, want)
			}
		}
	}
	for _, s := range []string{"123456789012345678901234567890.5", "-0.000000000000000000000001", "1e25", "0.10", "100.000"} {
		d := decimal.RequireFromString(s)
		assert.Equal(t, groupDigits(d.String()), formatNumber(d), s)
	}
}

func TestMinutesPer30DaysText(t *testing.T) {
	assert.Equal(t, formatInt(period.MinutesPer30Days), minutesPer30DaysText)
}

// TestRateHelpersMatchDecimal compares aboveOne and oneMinus with the
// decimal arithmetic they stand for: the same answer, and for oneMinus the
// same coefficient and exponent.
func TestRateHelpersMatchDecimal(t *testing.T) {
	one := decimal.NewFromInt(1)
	rates := []decimal.Decimal{decimal.Zero, decimal.Decimal{}, one, decimal.New(0, -2), decimal.New(1, 0), decimal.New(10, -1),
		decimal.New(100, -2), decimal.New(101, -2), decimal.New(5, -2), decimal.New(125, -3), decimal.New(2, 0), decimal.New(1, 1),
		decimal.New(-1, -2), decimal.New(999_999_999_999_999_999, -18), decimal.New(1, -18), decimal.New(1, -19),
		decimal.RequireFromString("0.0000000000000000000000001"), decimal.RequireFromString("1.0000000000000000000000001")}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		e := -rng.Int32N(19)
		rates = append(rates, decimal.New(rng.Int64N(pow10(-e)+2), e))
	}
	for _, r := range rates {
		assert.Equal(t, r.GreaterThan(one), aboveOne(r), "aboveOne(%s)", r)
		if r.IsNegative() || r.GreaterThan(one) {
			continue
		}
		got, want := oneMinus(r), one.Sub(r)
		assert.True(t, got.Equal(want) && got.Exponent() == want.Exponent() && got.String() == want.String(),
			"oneMinus(%s) = %s (exp %d), want %s (exp %d)", r, got, got.Exponent(), want, want.Exponent())
	}
}
