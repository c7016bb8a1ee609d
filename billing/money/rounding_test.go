package money_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cloudbill/cloudbill/billing/money"
)

func TestRoundingModeString(t *testing.T) {
	assert.Equal(t, "HalfUp", money.HalfUp.String())
	assert.Equal(t, "HalfEven", money.HalfEven.String())
	assert.Equal(t, "Up", money.Up.String())
	assert.Equal(t, "Down", money.Down.String())
	assert.Equal(t, "RoundingMode(9)", money.RoundingMode(9).String())
	assert.Equal(t, money.HalfUp, money.RoundingMode(0), "the zero value is HalfUp")
	assert.True(t, money.Down.Valid())
	assert.False(t, money.RoundingMode(-1).Valid())
	assert.False(t, money.RoundingMode(4).Valid())
}

func TestRound(t *testing.T) {
	// want is the result for HalfUp, HalfEven, Up, Down in that order.
	tests := []struct {
		in   string
		want [4]string
	}{
		{"2.5 VND", [4]string{"3 VND", "2 VND", "3 VND", "2 VND"}},
		{"-2.5 VND", [4]string{"-3 VND", "-2 VND", "-3 VND", "-2 VND"}},
		{"3.5 VND", [4]string{"4 VND", "4 VND", "4 VND", "3 VND"}},
		{"-3.5 VND", [4]string{"-4 VND", "-4 VND", "-4 VND", "-3 VND"}},
		{"2.4 VND", [4]string{"2 VND", "2 VND", "3 VND", "2 VND"}},
		{"-2.4 VND", [4]string{"-2 VND", "-2 VND", "-3 VND", "-2 VND"}},
		{"2.6 VND", [4]string{"3 VND", "3 VND", "3 VND", "2 VND"}},
		{"-2.6 VND", [4]string{"-3 VND", "-3 VND", "-3 VND", "-2 VND"}},
		{"2.51 VND", [4]string{"3 VND", "3 VND", "3 VND", "2 VND"}},
		{"2.50000000001 VND", [4]string{"3 VND", "3 VND", "3 VND", "2 VND"}},
		{"0.4 VND", [4]string{"0 VND", "0 VND", "1 VND", "0 VND"}},
		{"-0.4 VND", [4]string{"0 VND", "0 VND", "-1 VND", "0 VND"}},
		{"0.125 USD", [4]string{"0.13 USD", "0.12 USD", "0.13 USD", "0.12 USD"}},
		{"-0.125 USD", [4]string{"-0.13 USD", "-0.12 USD", "-0.13 USD", "-0.12 USD"}},
		{"0.135 USD", [4]string{"0.14 USD", "0.14 USD", "0.14 USD", "0.13 USD"}},
		{"12.50 USD", [4]string{"12.50 USD", "12.50 USD", "12.50 USD", "12.50 USD"}},
		{"181000 VND", [4]string{"181000 VND", "181000 VND", "181000 VND", "181000 VND"}},
		{"1.0005 KWD", [4]string{"1.001 KWD", "1.000 KWD", "1.001 KWD", "1.000 KWD"}},
		{"1.00005 CLF", [4]string{"1.0001 CLF", "1.0000 CLF", "1.0001 CLF", "1.0000 CLF"}},
		{"0.000000000000000000000000000001 USD", [4]string{"0.00 USD", "0.00 USD", "0.01 USD", "0.00 USD"}},
		{"-0.000000000000000000000000000001 USD", [4]string{"0.00 USD", "0.00 USD", "-0.01 USD", "0.00 USD"}},
	}
	modes := []money.RoundingMode{money.HalfUp, money.HalfEven, money.Up, money.Down}
	for _, tt := range tests {
		for i, m := range modes {
			t.Run(fmt.Sprintf("%s rounds %s to %s", tt.in, m, tt.want[i]), func(t *testing.T) {
				got := amt(t, tt.in).Round(m)
				assert.Equal(t, tt.want[i], got.String())
				assert.True(t, got.IsRounded())
			})
		}
	}
	t.Run("an undefined mode rounds as HalfUp", func(t *testing.T) {
		assert.Equal(t, "3 VND", amt(t, "2.5 VND").Round(money.RoundingMode(42)).String())
		assert.Equal(t, "-3 VND", amt(t, "-2.5 VND").Round(money.RoundingMode(-1)).String())
	})
}

func TestRoundTo(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		places int32
		mode   money.RoundingMode
		want   string
	}{
		{"a unit price 7.76 VND to 1 place half-up is 7.8", "7.76 VND", 1, money.HalfUp, "7.8 VND"},
		{"0.123456 USD to 4 places down is 0.1234", "0.123456 USD", 4, money.Down, "0.1234 USD"},
		{"181499 VND to thousands half-up is 181000", "181499 VND", -3, money.HalfUp, "181000 VND"},
		{"181500 VND to thousands half-up is 182000", "181500 VND", -3, money.HalfUp, "182000 VND"},
		{"182500 VND to thousands half-even is 182000", "182500 VND", -3, money.HalfEven, "182000 VND"},
		{"-181001 VND to thousands up is -182000", "-181001 VND", -3, money.Up, "-182000 VND"},
		{"1.5 USD to 5 places is unchanged", "1.5 USD", 5, money.Up, "1.50 USD"},
		{"places below -100 round as -100", "5 VND", math.MinInt32, money.Up, "1" + zeros(100) + " VND"},
		{"places below -100 down give zero", "5 VND", math.MinInt32, money.Down, "0 VND"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, amt(t, tt.in).RoundTo(tt.places, tt.mode).String())
		})
	}
	t.Run("rounding 1e-10000 USD up to 2 places is 0.01 without a 10000-digit power", func(t *testing.T) {
		a, err := money.FromDecimal(decimal.New(7, -10000), "USD")
		require.NoError(t, err)
		assert.Equal(t, "0.01 USD", a.RoundTo(2, money.Up).String())
		assert.Equal(t, "0.00 USD", a.RoundTo(2, money.HalfUp).String())
	})
}

func zeros(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '0'
	}
	return string(b)
}

func TestDiv(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		by     string
		places int32
		mode   money.RoundingMode
		want   string
	}{
		{"100000 VND ÷ 3 half-up is 33333", "100000 VND", "3", 0, money.HalfUp, "33333 VND"},
		{"200000 VND ÷ 3 half-up is 66667", "200000 VND", "3", 0, money.HalfUp, "66667 VND"},
		{"200000 VND ÷ 3 down is 66666", "200000 VND", "3", 0, money.Down, "66666 VND"},
		{"-200000 VND ÷ 3 half-up is -66667", "-200000 VND", "3", 0, money.HalfUp, "-66667 VND"},
		{"200000 VND ÷ -3 half-up is -66667", "200000 VND", "-3", 0, money.HalfUp, "-66667 VND"},
		{"-200000 VND ÷ -3 half-up is 66667", "-200000 VND", "-3", 0, money.HalfUp, "66667 VND"},
		{"5 VND ÷ 2 half-even is 2", "5 VND", "2", 0, money.HalfEven, "2 VND"},
		{"7 VND ÷ 2 half-even is 4", "7 VND", "2", 0, money.HalfEven, "4 VND"},
		{"-5 VND ÷ 2 half-even is -2", "-5 VND", "2", 0, money.HalfEven, "-2 VND"},
		{"-5 VND ÷ 2 half-up is -3", "-5 VND", "2", 0, money.HalfUp, "-3 VND"},
		{"1 VND ÷ 3 up is 1", "1 VND", "3", 0, money.Up, "1 VND"},
		{"-1 VND ÷ 3 up is -1", "-1 VND", "3", 0, money.Up, "-1 VND"},
		{"-2 VND ÷ 3 down is 0", "-2 VND", "3", 0, money.Down, "0 VND"},
		{"10 USD ÷ 3 to 2 places is 3.33", "10 USD", "3", 2, money.HalfUp, "3.33 USD"},
		{"10 USD ÷ 3 to 4 places is 3.3333 (a unit price)", "10 USD", "3", 4, money.HalfUp, "3.3333 USD"},
		{"10 USD ÷ 0.3 to 2 places is 33.33", "10 USD", "0.3", 2, money.HalfUp, "33.33 USD"},
		{"590000 VND monthly ÷ 43200 minutes to 4 places is 13.6574", "590000 VND", "43200", 4, money.HalfUp, "13.6574 VND"},
		{"0 VND ÷ 7 is 0", "0 VND", "7", 0, money.HalfUp, "0 VND"},
		{"1234567 VND ÷ 1000 to -1 places is 1230", "1234567 VND", "1000", -1, money.HalfUp, "1230 VND"},
		{"1 USD ÷ 1e30 up to 2 places is 0.01", "1 USD", "1000000000000000000000000000000", 2, money.Up, "0.01 USD"},
		{"1 USD ÷ 1e30 half-up to 2 places is 0.00", "1 USD", "1000000000000000000000000000000", 2, money.HalfUp, "0.00 USD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := amt(t, tt.in).Div(dec(t, tt.by), tt.places, tt.mode)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.String())
		})
	}

	t.Run("dividing by zero is ErrDivisionByZero", func(t *testing.T) {
		_, err := amt(t, "1 USD").Div(decimal.Zero, 2, money.HalfUp)
		assert.ErrorIs(t, err, money.ErrDivisionByZero)
		_, err = amt(t, "1 USD").Div(decimal.Decimal{}, 2, money.HalfUp)
		assert.ErrorIs(t, err, money.ErrDivisionByZero)
	})
	t.Run("places 101 and -101 are ErrInvalidPlaces", func(t *testing.T) {
		_, err := amt(t, "1 USD").Div(decimal.New(3, 0), 101, money.HalfUp)
		assert.ErrorIs(t, err, money.ErrInvalidPlaces)
		_, err = amt(t, "1 USD").Div(decimal.New(3, 0), -101, money.HalfUp)
		assert.ErrorIs(t, err, money.ErrInvalidPlaces)
	})
	t.Run("a divisor of 1e-2147483648 is ErrOverflow, not a huge allocation", func(t *testing.T) {
		_, err := amt(t, "1 USD").Div(decimal.New(1, math.MinInt32), 2, money.HalfUp)
		assert.ErrorIs(t, err, money.ErrOverflow)
	})
	t.Run("a divisor of 1e2147483647 gives zero, or one unit with Up", func(t *testing.T) {
		got, err := amt(t, "1 USD").Div(decimal.New(1, math.MaxInt32), 2, money.HalfUp)
		require.NoError(t, err)
		assert.Equal(t, "0.00 USD", got.String())
		got, err = amt(t, "-1 USD").Div(decimal.New(1, math.MaxInt32), 2, money.Up)
		require.NoError(t, err)
		assert.Equal(t, "-0.01 USD", got.String())
	})
}

// shopspringRound is the reference each mode must agree with.
func shopspringRound(d decimal.Decimal, places int32, m money.RoundingMode) decimal.Decimal {
	switch m {
	case money.HalfEven:
		return d.RoundBank(places)
	case money.Up:
		return d.RoundUp(places)
	case money.Down:
		return d.RoundDown(places)
	}
	return d.Round(places)
}

func genMode() *rapid.Generator[money.RoundingMode] {
	return rapid.SampledFrom([]money.RoundingMode{money.HalfUp, money.HalfEven, money.Up, money.Down})
}

func TestRoundProperties(t *testing.T) {
	t.Run("RoundTo agrees with shopspring's Round, RoundBank, RoundUp and RoundDown", rapid.MakeCheck(func(t *rapid.T) {
		coef := rapid.Int64().Draw(t, "coef")
		exp := rapid.Int32Range(-25, 5).Draw(t, "exp")
		places := rapid.Int32Range(-6, 12).Draw(t, "places")
		m := genMode().Draw(t, "mode")
		d := decimal.New(coef, exp)
		a, err := money.FromDecimal(d, "USD")
		if err != nil {
			t.Fatal(err)
		}
		got := a.RoundTo(places, m).Number()
		want := shopspringRound(d, places, m)
		if !got.Equal(want) {
			t.Fatalf("%s RoundTo(%d, %s) = %s, shopspring says %s", d, places, m, got, want)
		}
	}))
	t.Run("rounding is symmetric: round(-x) = -round(x)", rapid.MakeCheck(func(t *rapid.T) {
		d := decimal.New(rapid.Int64().Draw(t, "coef"), rapid.Int32Range(-20, 2).Draw(t, "exp"))
		m := genMode().Draw(t, "mode")
		a, _ := money.FromDecimal(d, "KWD")
		if !a.Neg().Round(m).Equal(a.Round(m).Neg()) {
			t.Fatalf("%s %s: round(-x) = %s, -round(x) = %s", d, m, a.Neg().Round(m), a.Round(m).Neg())
		}
	}))
	t.Run("Div equals the exact quotient rounded once", rapid.MakeCheck(func(t *rapid.T) {
		n := decimal.New(rapid.Int64().Draw(t, "n"), rapid.Int32Range(-6, 3).Draw(t, "nexp"))
		dv := rapid.Int64().Filter(func(v int64) bool { return v != 0 }).Draw(t, "d")
		d := decimal.New(dv, rapid.Int32Range(-6, 6).Draw(t, "dexp"))
		places := rapid.Int32Range(-3, 8).Draw(t, "places")
		m := genMode().Draw(t, "mode")
		a, _ := money.FromDecimal(n, "USD")
		got, err := a.Div(d, places, m)
		if err != nil {
			t.Fatal(err)
		}
		// The exact quotient with enough digits to decide every rounding:
		// 40 more places than asked, plus a sticky digit for any remainder.
		q, r := n.QuoRem(d, places+40)
		if !r.IsZero() {
			sticky := decimal.New(int64(n.Sign()*d.Sign()), -(places + 41))
			q = q.Add(sticky)
		}
		want := shopspringRound(q, places, m)
		if !got.Number().Equal(want) {
			t.Fatalf("%s ÷ %s to %d %s = %s, want %s", n, d, places, m, got.Number(), want)
		}
	}))
	t.Run("Round gives a rounded amount within one minor unit", rapid.MakeCheck(func(t *rapid.T) {
		d := decimal.New(rapid.Int64().Draw(t, "coef"), rapid.Int32Range(-20, 2).Draw(t, "exp"))
		m := genMode().Draw(t, "mode")
		a, _ := money.FromDecimal(d, "USD")
		r := a.Round(m)
		diff, _ := r.Sub(a)
		if !r.IsRounded() || diff.Abs().Number().GreaterThanOrEqual(decimal.New(1, -2)) {
			t.Fatalf("%s rounds %s to %s", a, m, r)
		}
	}))
}
