package money_test

import (
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
)

func TestConstructors(t *testing.T) {
	t.Run("FromMinor 1250 USD is 12.50 USD", func(t *testing.T) {
		a, err := money.FromMinor(1250, "USD")
		require.NoError(t, err)
		assert.Equal(t, "12.50 USD", a.String())
	})
	t.Run("FromMinor 181000 VND is 181000 VND", func(t *testing.T) {
		a, err := money.FromMinor(181000, "VND")
		require.NoError(t, err)
		assert.Equal(t, "181000 VND", a.String())
	})
	t.Run("FromMinor -5 KWD is -0.005 KWD", func(t *testing.T) {
		a, err := money.FromMinor(-5, "KWD")
		require.NoError(t, err)
		assert.Equal(t, "-0.005 KWD", a.String())
	})
	t.Run("FromMinor MinInt64 JPY keeps every digit", func(t *testing.T) {
		a, err := money.FromMinor(math.MinInt64, "JPY")
		require.NoError(t, err)
		assert.Equal(t, "-9223372036854775808 JPY", a.String())
	})
	t.Run("FromDecimal 7.7 VND is exact, not rounded", func(t *testing.T) {
		a, err := money.FromDecimal(decimal.New(77, -1), "VND")
		require.NoError(t, err)
		assert.Equal(t, "7.7 VND", a.String())
		assert.False(t, a.IsRounded())
	})
	t.Run("FromDecimal of the zero decimal is 0 USD", func(t *testing.T) {
		a, err := money.FromDecimal(decimal.Decimal{}, "USD")
		require.NoError(t, err)
		assert.Equal(t, "0.00 USD", a.String())
		assert.True(t, a.IsZero())
	})
	t.Run("FromDecimal refuses exponents beyond ±10000", func(t *testing.T) {
		for _, d := range []decimal.Decimal{decimal.New(1, 10001), decimal.New(1, -10001), decimal.New(1, math.MinInt32)} {
			_, err := money.FromDecimal(d, "USD")
			assert.ErrorIs(t, err, money.ErrInvalidAmount)
		}
		_, err := money.FromDecimal(decimal.New(1, -10000), "USD")
		assert.NoError(t, err)
	})
	t.Run("Zero VND is 0 VND", func(t *testing.T) {
		a, err := money.Zero("VND")
		require.NoError(t, err)
		assert.Equal(t, "0 VND", a.String())
		assert.True(t, a.IsZero())
		assert.False(t, a.IsPositive())
		assert.False(t, a.IsNegative())
	})
	t.Run("every constructor refuses an unknown currency", func(t *testing.T) {
		_, err1 := money.FromMinor(1, "XXX")
		_, err2 := money.FromDecimal(decimal.New(1, 0), "XXX")
		_, err3 := money.Zero("XXX")
		_, err4 := money.New("1", "XXX")
		_, err5 := money.Sum("XXX")
		for _, err := range []error{err1, err2, err3, err4, err5} {
			var ue *money.UnknownCurrencyError
			require.True(t, errors.As(err, &ue))
			assert.Equal(t, "XXX", ue.Code)
		}
	})
}

func TestZeroAmount(t *testing.T) {
	var z money.Amount
	assert.True(t, z.IsZero())
	assert.True(t, z.Currency().IsZero())
	assert.Equal(t, "", z.Currency().Code())
	assert.Equal(t, "", z.String())
	assert.True(t, z.Number().IsZero())
	assert.True(t, z.IsRounded())
	m, err := z.MinorUnits()
	require.NoError(t, err)
	assert.Equal(t, int64(0), m)

	t.Run("adding the zero Amount to 1 USD is a mismatch naming \"\"", func(t *testing.T) {
		_, err := z.Add(amt(t, "1 USD"))
		var me *money.CurrencyMismatchError
		require.True(t, errors.As(err, &me))
		assert.Equal(t, money.CurrencyMismatchError{A: "", B: "USD"}, *me)
	})
	t.Run("zero Amount plus zero Amount is the zero Amount", func(t *testing.T) {
		s, err := z.Add(z)
		require.NoError(t, err)
		assert.Equal(t, "", s.String())
	})
}

func TestArithmetic(t *testing.T) {
	tests := []struct {
		name string
		op   func(a, b money.Amount) (money.Amount, error)
		a, b string
		want string
	}{
		{"12.50 + 0.75 USD is 13.25 USD", money.Amount.Add, "12.50 USD", "0.75 USD", "13.25 USD"},
		{"181000 - 200000 VND is -19000 VND", money.Amount.Sub, "181000 VND", "200000 VND", "-19000 VND"},
		{"7.7 + 0.3 VND is 8 VND", money.Amount.Add, "7.7 VND", "0.3 VND", "8 VND"},
		{"0.001 + 0.002 KWD is 0.003 KWD", money.Amount.Add, "0.001 KWD", "0.002 KWD", "0.003 KWD"},
		{"0.1 + 0.2 USD is exactly 0.30 USD", money.Amount.Add, "0.1 USD", "0.2 USD", "0.30 USD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.op(amt(t, tt.a), amt(t, tt.b))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.String())
		})
	}

	t.Run("49000 VND × 2.5 is 122500 VND", func(t *testing.T) {
		assert.Equal(t, "122500 VND", amt(t, "49000 VND").Mul(dec(t, "2.5")).String())
	})
	t.Run("7.7 VND × 1000 GB-hours is 7700 VND, unrounded until asked", func(t *testing.T) {
		assert.Equal(t, "7700 VND", amt(t, "7.7 VND").Mul(dec(t, "1000")).String())
		assert.Equal(t, "57.75 VND", amt(t, "7.7 VND").Mul(dec(t, "7.5")).String())
	})
	t.Run("Mul by zero is zero of the currency", func(t *testing.T) {
		got := amt(t, "12.50 USD").Mul(decimal.New(0, math.MinInt32))
		assert.Equal(t, "0.00 USD", got.String())
	})
	t.Run("Mul whose exponent would pass 10000 gives the zero Amount, which cannot be added", func(t *testing.T) {
		got := amt(t, "0.01 USD").Mul(decimal.New(1, -9999))
		assert.Equal(t, money.Amount{}, got)
		_, err := got.Add(amt(t, "1 USD"))
		assert.ErrorIs(t, err, money.ErrCurrencyMismatch)
		huge := amt(t, "1 USD").Mul(decimal.New(1, math.MaxInt32))
		assert.Equal(t, money.Amount{}, huge)
	})
	t.Run("MulInt 12.50 USD × 3 is 37.50 USD", func(t *testing.T) {
		assert.Equal(t, "37.50 USD", amt(t, "12.50 USD").MulInt(3).String())
		assert.Equal(t, "-37.50 USD", amt(t, "12.50 USD").MulInt(-3).String())
	})
	t.Run("Neg and Abs flip and drop the sign", func(t *testing.T) {
		assert.Equal(t, "-12.50 USD", amt(t, "12.50 USD").Neg().String())
		assert.Equal(t, "12.50 USD", amt(t, "-12.50 USD").Abs().String())
		assert.Equal(t, "12.50 USD", amt(t, "12.50 USD").Abs().String())
		assert.True(t, amt(t, "-1 VND").IsNegative())
		assert.True(t, amt(t, "1 VND").IsPositive())
	})
}

func TestImmutability(t *testing.T) {
	a := amt(t, "12.50 USD")
	b := amt(t, "0.75 USD")
	before := a.Number().Coefficient().String()

	_, _ = a.Add(b)
	_, _ = a.Sub(b)
	_ = a.Mul(dec(t, "3"))
	_ = a.MulInt(7)
	_, _ = a.Div(dec(t, "3"), 2, money.HalfUp)
	_ = a.Neg()
	_ = a.Abs()
	_ = a.Round(money.Up)
	_ = a.RoundTo(0, money.Down)
	_, _ = a.MinorUnits()
	_, _ = a.Allocate(1, 2)
	_, _ = money.Sum("USD", a, b)
	n := a.Number()
	n.Coefficient().SetInt64(999) // a copy: must not reach a

	assert.Equal(t, "12.50 USD", a.String(), "a is unchanged after every operation")
	assert.Equal(t, "0.75 USD", b.String(), "b is unchanged after every operation")
	assert.Equal(t, before, a.Number().Coefficient().String())
}

func TestCurrencyMismatch(t *testing.T) {
	usd, vnd := amt(t, "1 USD"), amt(t, "1 VND")
	check := func(t *testing.T, err error, a, b string) {
		t.Helper()
		require.Error(t, err)
		assert.True(t, errors.Is(err, money.ErrCurrencyMismatch))
		var me *money.CurrencyMismatchError
		require.True(t, errors.As(err, &me))
		assert.Equal(t, a, me.A)
		assert.Equal(t, b, me.B)
		assert.Contains(t, err.Error(), a)
		assert.Contains(t, err.Error(), b)
	}
	t.Run("USD + VND names USD then VND", func(t *testing.T) {
		got, err := usd.Add(vnd)
		check(t, err, "USD", "VND")
		assert.Equal(t, money.Amount{}, got)
	})
	t.Run("VND - USD names VND then USD", func(t *testing.T) {
		_, err := vnd.Sub(usd)
		check(t, err, "VND", "USD")
	})
	t.Run("Cmp USD with VND is an error, not an order", func(t *testing.T) {
		c, err := usd.Cmp(vnd)
		check(t, err, "USD", "VND")
		assert.Equal(t, 0, c)
	})
	t.Run("Sum in USD of a VND amount names USD then VND", func(t *testing.T) {
		_, err := money.Sum("USD", usd, vnd)
		check(t, err, "USD", "VND")
	})
}

func TestCmpAndEqual(t *testing.T) {
	tests := []struct {
		a, b  string
		cmp   int
		equal bool
	}{
		{"1.0 USD", "1.00 USD", 0, true},
		{"1 USD", "1.01 USD", -1, false},
		{"-1 USD", "-1.01 USD", 1, false},
		{"0 VND", "-0 VND", 0, true},
		{"7.7 VND", "7.70 VND", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.a+" vs "+tt.b, func(t *testing.T) {
			a, b := amt(t, tt.a), amt(t, tt.b)
			c, err := a.Cmp(b)
			require.NoError(t, err)
			assert.Equal(t, tt.cmp, c)
			assert.Equal(t, tt.equal, a.Equal(b))
			assert.Equal(t, tt.equal, b.Equal(a))
		})
	}
	t.Run("1 USD does not equal 1 VND", func(t *testing.T) {
		assert.False(t, amt(t, "1 USD").Equal(amt(t, "1 VND")))
	})
	t.Run("go-cmp compares Amounts by value through Equal", func(t *testing.T) {
		type line struct {
			Name  string
			Total money.Amount
		}
		x := line{"GPU", amt(t, "1.5 USD")}
		y := line{"GPU", amt(t, "1.500 USD")}
		assert.True(t, cmp.Equal(x, y))
		z := line{"GPU", amt(t, "1.51 USD")}
		diff := cmp.Diff(x, z)
		assert.Contains(t, diff, "1.51 USD")
	})
}

func TestSum(t *testing.T) {
	t.Run("sum of none is 0 VND", func(t *testing.T) {
		s, err := money.Sum("VND")
		require.NoError(t, err)
		assert.Equal(t, "0 VND", s.String())
	})
	t.Run("100000 + 50000 + 31000 VND is 181000 VND", func(t *testing.T) {
		s, err := money.Sum("VND", amt(t, "100000 VND"), amt(t, "50000 VND"), amt(t, "31000 VND"))
		require.NoError(t, err)
		assert.Equal(t, "181000 VND", s.String())
	})
	t.Run("the zero Amount is not a VND amount", func(t *testing.T) {
		_, err := money.Sum("VND", amt(t, "1 VND"), money.Amount{})
		var me *money.CurrencyMismatchError
		require.True(t, errors.As(err, &me))
		assert.Equal(t, money.CurrencyMismatchError{A: "VND", B: ""}, *me)
	})
}

func TestMinorUnits(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"12.50 USD", 1250},
		{"12.500 USD", 1250},
		{"181000 VND", 181000},
		{"-0.005 KWD", -5},
		{"1.2345 CLF", 12345},
		{"0 JPY", 0},
		{"92233720368547758.07 USD", math.MaxInt64},
		{"-92233720368547758.08 USD", math.MinInt64},
	}
	for _, tt := range tests {
		t.Run(tt.in+" is minor units", func(t *testing.T) {
			got, err := amt(t, tt.in).MinorUnits()
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	t.Run("12.505 USD is not rounded", func(t *testing.T) {
		_, err := amt(t, "12.505 USD").MinorUnits()
		assert.ErrorIs(t, err, money.ErrNotRounded)
	})
	t.Run("7.7 VND is not rounded", func(t *testing.T) {
		_, err := amt(t, "7.7 VND").MinorUnits()
		assert.ErrorIs(t, err, money.ErrNotRounded)
	})
	t.Run("92233720368547758.08 USD overflows int64", func(t *testing.T) {
		_, err := amt(t, "92233720368547758.08 USD").MinorUnits()
		assert.ErrorIs(t, err, money.ErrOverflow)
	})
	t.Run("1e10000 VND overflows int64 without building the number", func(t *testing.T) {
		a, err := money.FromDecimal(decimal.New(1, 10000), "VND")
		require.NoError(t, err)
		_, err = a.MinorUnits()
		assert.ErrorIs(t, err, money.ErrOverflow)
	})
}

func TestIsRounded(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"12.50 USD", true},
		{"12.500 USD", true},
		{"12.505 USD", false},
		{"7 VND", true},
		{"7.0 VND", true},
		{"7.7 VND", false},
		{"0.125 KWD", true},
		{"0.1255 KWD", false},
		{"0.00000000 USD", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, amt(t, tt.in).IsRounded())
		})
	}
	t.Run("1e-10000 USD is not rounded", func(t *testing.T) {
		a, err := money.FromDecimal(decimal.New(1, -10000), "USD")
		require.NoError(t, err)
		assert.False(t, a.IsRounded())
	})
}
