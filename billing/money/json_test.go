package money_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
)

func TestCurrencyJSON(t *testing.T) {
	vnd, err := money.LookupCurrency("VND")
	require.NoError(t, err)

	b, err := json.Marshal(vnd)
	require.NoError(t, err)
	require.Equal(t, `"VND"`, string(b))
	b, err = json.Marshal(money.Currency{})
	require.NoError(t, err)
	require.Equal(t, `""`, string(b))

	var c money.Currency
	require.NoError(t, json.Unmarshal([]byte(`"VND"`), &c))
	require.Equal(t, vnd, c)
	require.NoError(t, json.Unmarshal([]byte(`""`), &c))
	require.True(t, c.IsZero())

	// Documents written before Currency had a text form hold {}.
	c = vnd
	require.NoError(t, json.Unmarshal([]byte(`{}`), &c))
	require.True(t, c.IsZero())
	var doc struct {
		Currency money.Currency `json:"currency"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"currency": { }}`), &doc))
	require.True(t, doc.Currency.IsZero())

	c = vnd
	require.NoError(t, json.Unmarshal([]byte(`null`), &c))
	require.Equal(t, vnd, c, "null leaves the value unchanged")

	var uc *money.UnknownCurrencyError
	require.ErrorAs(t, json.Unmarshal([]byte(`"XXX"`), &c), &uc)
	require.ErrorIs(t, json.Unmarshal([]byte(`"vnd"`), &c), money.ErrUnknownCurrency)
	require.Error(t, json.Unmarshal([]byte(`{"code":"VND"}`), &c))
	require.Error(t, json.Unmarshal([]byte(`7`), &c))
	require.Equal(t, vnd, c, "errors leave the value unchanged")

	// As a map key the code is used.
	b, err = json.Marshal(map[money.Currency]int{vnd: 1})
	require.NoError(t, err)
	require.Equal(t, `{"VND":1}`, string(b))
}

// TestAmountJSONUnchanged pins Amount's JSON: a string of String's text,
// whatever the Currency's own encoding is.
func TestAmountJSONUnchanged(t *testing.T) {
	cases := map[string]string{
		"181000 VND":                           `"181000 VND"`,
		"12.5 USD":                             `"12.50 USD"`,
		"-7.7 VND":                             `"-7.7 VND"`,
		"0.000 KWD":                            `"0.000 KWD"`,
		"123456789012345678901234567890.5 USD": `"123456789012345678901234567890.50 USD"`,
	}
	for in, want := range cases {
		a, err := money.Parse(in)
		require.NoError(t, err)
		b, err := json.Marshal(a)
		require.NoError(t, err)
		require.Equal(t, want, string(b))
		var back money.Amount
		require.NoError(t, json.Unmarshal(b, &back))
		require.True(t, back.Equal(a), "%s", in)
	}
	b, err := json.Marshal(struct{ A money.Amount }{})
	require.NoError(t, err)
	require.Equal(t, `{"A":""}`, string(b))

	// Escaped or non-ASCII strings go through encoding/json's decoding.
	var a money.Amount
	require.NoError(t, json.Unmarshal([]byte(`"12.50\u0020USD"`), &a))
	require.Equal(t, "12.50 USD", a.String())
	require.Error(t, json.Unmarshal([]byte(`"12.50\u00a0USD"`), &a))
	require.Error(t, json.Unmarshal([]byte(`12.5`), &a))
}
