package money_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cloudbill/cloudbill/billing/money"
)

func TestString(t *testing.T) {
	tests := []struct {
		name string
		n    decimal.Decimal
		code string
		want string
	}{
		{"181000 VND has no fraction", decimal.New(181000, 0), "VND", "181000 VND"},
		{"12.5 USD is padded to two digits", decimal.New(125, -1), "USD", "12.50 USD"},
		{"12.500 USD drops zeros beyond two digits", decimal.New(12500, -3), "USD", "12.50 USD"},
		{"12.505 USD keeps the extra digit", decimal.New(12505, -3), "USD", "12.505 USD"},
		{"7.70 VND shows only the significant fraction", decimal.New(770, -2), "VND", "7.7 VND"},
		{"7.00 VND drops the zero fraction", decimal.New(700, -2), "VND", "7 VND"},
		{"0.005 USD has a leading zero", decimal.New(5, -3), "USD", "0.005 USD"},
		{"-0.005 USD keeps its sign", decimal.New(-5, -3), "USD", "-0.005 USD"},
		{"-0.50 USD is -0.50", decimal.New(-50, -2), "USD", "-0.50 USD"},
		{"1e3 VND is plain 1000", decimal.New(1, 3), "VND", "1000 VND"},
		{"5e2 USD is 500.00", decimal.New(5, 2), "USD", "500.00 USD"},
		{"0e5 USD is 0.00", decimal.New(0, 5), "USD", "0.00 USD"},
		{"1 KWD shows three digits", decimal.New(1, 0), "KWD", "1.000 KWD"},
		{"1 CLF shows four digits", decimal.New(1, 0), "CLF", "1.0000 CLF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := money.FromDecimal(tt.n, tt.code)
			require.NoError(t, err)
			assert.Equal(t, tt.want, a.String())
		})
	}
}

func TestJSON(t *testing.T) {
	type invoice struct {
		Total    money.Amount  `json:"total"`
		Discount money.Amount  `json:"discount"`
		Tax      *money.Amount `json:"tax,omitempty"`
	}
	t.Run("amounts marshal as strings, the zero Amount as an empty string", func(t *testing.T) {
		b, err := json.Marshal(invoice{Total: amt(t, "181000 VND")})
		require.NoError(t, err)
		assert.JSONEq(t, `{"total":"181000 VND","discount":""}`, string(b))
	})
	t.Run("round trip keeps the value and currency", func(t *testing.T) {
		in := invoice{Total: amt(t, "12.50 USD"), Discount: amt(t, "-0.125 USD")}
		b, err := json.Marshal(in)
		require.NoError(t, err)
		var out invoice
		require.NoError(t, json.Unmarshal(b, &out))
		assert.True(t, in.Total.Equal(out.Total))
		assert.True(t, in.Discount.Equal(out.Discount))
		assert.Equal(t, "-0.125 USD", out.Discount.String())
	})
	t.Run("the zero Amount round-trips", func(t *testing.T) {
		b, err := json.Marshal(money.Amount{})
		require.NoError(t, err)
		assert.Equal(t, `""`, string(b))
		var a money.Amount
		require.NoError(t, json.Unmarshal(b, &a))
		assert.Equal(t, money.Amount{}, a)
	})
	t.Run("null leaves the value unchanged", func(t *testing.T) {
		a := amt(t, "1 USD")
		require.NoError(t, json.Unmarshal([]byte(`null`), &a))
		assert.Equal(t, "1.00 USD", a.String())
	})
	t.Run("escaped JSON strings are decoded first", func(t *testing.T) {
		var a money.Amount
		require.NoError(t, json.Unmarshal([]byte(`"12.50\u0020USD"`), &a))
		assert.Equal(t, "12.50 USD", a.String())
	})
	for _, in := range []string{`12.5`, `{"n":1}`, `"12.50"`, `"12.50 usd"`, `"1e3 VND"`, `true`, `"12.50 USD`} {
		t.Run("bad JSON "+in+" is refused and leaves the value unchanged", func(t *testing.T) {
			a := amt(t, "1 USD")
			err := json.Unmarshal([]byte(in), &a)
			require.Error(t, err)
			assert.Equal(t, "1.00 USD", a.String())
		})
	}
	t.Run("an exact product with more than 40 significant digits is refused, rounded it is written", func(t *testing.T) {
		a := amt(t, "7.77777777777777777777777 VND").Mul(dec(t, "1.2345678901234567891"))
		_, err := json.Marshal(a)
		require.Error(t, err)
		assert.ErrorIs(t, err, money.ErrInvalidAmount)
		_, err = a.MarshalText()
		assert.ErrorIs(t, err, money.ErrInvalidAmount)
		b, err := json.Marshal(a.RoundTo(4, money.HalfUp))
		require.NoError(t, err)
		assert.Equal(t, `"9.6022 VND"`, string(b))
	})
	t.Run("a JSON number is a *ParseError", func(t *testing.T) {
		var a money.Amount
		err := a.UnmarshalJSON([]byte(`12.5`))
		var pe *money.ParseError
		require.True(t, errors.As(err, &pe))
		assert.True(t, errors.Is(err, money.ErrInvalidAmount))
	})
	t.Run("any amount round-trips through JSON", rapid.MakeCheck(func(t *rapid.T) {
		code := rapid.SampledFrom([]string{"VND", "USD", "KWD", "CLF", "JPY"}).Draw(t, "currency")
		d := decimal.New(rapid.Int64().Draw(t, "coef"), rapid.Int32Range(-20, 10).Draw(t, "exp"))
		a, err := money.FromDecimal(d, code)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(b), `"`) {
			t.Fatalf("%s marshals as %s, not a string", a, b)
		}
		var back money.Amount
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if !back.Equal(a) {
			t.Fatalf("%s came back as %s", a, back)
		}
	}))
}

func TestText(t *testing.T) {
	a := amt(t, "7.7 VND")
	b, err := a.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "7.7 VND", string(b))
	var c money.Amount
	require.NoError(t, c.UnmarshalText(b))
	assert.True(t, a.Equal(c))
	err = c.UnmarshalText([]byte("7.7"))
	assert.ErrorIs(t, err, money.ErrInvalidAmount)
	assert.True(t, a.Equal(c), "a failed UnmarshalText leaves the value unchanged")
}
