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
