package money_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
)

func TestLookupCurrencyDigits(t *testing.T) {
	tests := []struct {
		code   string
		digits int32
	}{
		{"VND", 0}, {"USD", 2}, {"EUR", 2}, {"JPY", 0}, {"KRW", 0}, {"ISK", 0},
		{"CLP", 0}, {"PYG", 0}, {"UGX", 0}, {"XAF", 0}, {"XOF", 0}, {"XPF", 0},
		{"KMF", 0}, {"GNF", 0}, {"RWF", 0}, {"DJF", 0}, {"VUV", 0}, {"BIF", 0},
		{"UYI", 0}, {"BHD", 3}, {"IQD", 3}, {"JOD", 3}, {"KWD", 3}, {"LYD", 3},
		{"OMR", 3}, {"TND", 3}, {"CLF", 4}, {"UYW", 4}, {"AED", 2}, {"ZWG", 2},
		{"XCG", 2}, {"SLE", 2}, {"VED", 2}, {"GBP", 2}, {"HUF", 2},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s has %d minor digits", tt.code, tt.digits), func(t *testing.T) {
			c, err := money.LookupCurrency(tt.code)
			require.NoError(t, err)
			assert.Equal(t, tt.code, c.Code())
			assert.Equal(t, tt.code, c.String())
			assert.Equal(t, tt.digits, c.Digits())
			assert.False(t, c.IsZero())
		})
	}
}

func TestLookupCurrencyRejects(t *testing.T) {
	for _, code := range []string{
		"", "usd", "Usd", " USD", "USD ", "US", "USDD", "XAU", "XAG", "XDR", "XXX",
		"XTS", "ANG", "HRK", "SLL", "ZWL", "CUC", "AAA", "ZZZ", "\x00\x00\x00", "ÜSD",
	} {
		t.Run("code "+code+" is unknown", func(t *testing.T) {
			c, err := money.LookupCurrency(code)
			require.Error(t, err)
			assert.True(t, errors.Is(err, money.ErrUnknownCurrency))
			var ue *money.UnknownCurrencyError
			require.True(t, errors.As(err, &ue))
			assert.Equal(t, code, ue.Code)
			assert.True(t, c.IsZero())
			assert.Equal(t, "", c.Code())
		})
	}
}

func TestCurrenciesTable(t *testing.T) {
	all := money.Currencies()

	t.Run("the table lists the 165 active ISO 4217 codes with minor units", func(t *testing.T) {
		assert.Len(t, all, 165)
	})
	t.Run("codes are sorted, unique, upper-case and have 0 to 4 digits", func(t *testing.T) {
		require.True(t, slices.IsSortedFunc(all, func(a, b money.Currency) int {
			switch {
			case a.Code() < b.Code():
				return -1
			case a.Code() > b.Code():
				return 1
			}
			return 0
		}))
		for i, c := range all {
			if i > 0 {
				assert.NotEqual(t, all[i-1].Code(), c.Code())
			}
			require.Len(t, c.Code(), 3)
			for _, r := range c.Code() {
				assert.True(t, r >= 'A' && r <= 'Z', c.Code())
			}
			assert.True(t, c.Digits() >= 0 && c.Digits() <= 4, c.Code())
		}
	})
	t.Run("every listed currency looks up to itself", func(t *testing.T) {
		for _, c := range all {
			got, err := money.LookupCurrency(c.Code())
			require.NoError(t, err)
			assert.Equal(t, c, got)
		}
	})
	t.Run("every one of the 17576 three-letter codes that looks up is listed", func(t *testing.T) {
		found := 0
		b := []byte("AAA")
		for b[0] = 'A'; b[0] <= 'Z'; b[0]++ {
			for b[1] = 'A'; b[1] <= 'Z'; b[1]++ {
				for b[2] = 'A'; b[2] <= 'Z'; b[2]++ {
					c, err := money.LookupCurrency(string(b))
					if err != nil {
						continue
					}
					found++
					_, ok := slices.BinarySearchFunc(all, c.Code(), func(x money.Currency, code string) int {
						switch {
						case x.Code() < code:
							return -1
						case x.Code() > code:
							return 1
						}
						return 0
					})
					assert.True(t, ok, c.Code())
				}
			}
		}
		assert.Equal(t, len(all), found)
	})
	t.Run("the returned slice is fresh: changing it does not change the table", func(t *testing.T) {
		first := money.Currencies()
		first[0] = money.Currency{}
		assert.Equal(t, all[0], money.Currencies()[0])
		assert.Equal(t, "AED", money.Currencies()[0].Code())
	})
}

func TestZeroCurrency(t *testing.T) {
	var c money.Currency
	assert.True(t, c.IsZero())
	assert.Equal(t, "", c.Code())
	assert.Equal(t, int32(0), c.Digits())
}
