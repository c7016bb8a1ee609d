package pricing

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
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
