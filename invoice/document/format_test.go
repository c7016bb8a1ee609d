package document_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/invoice/document"
)

// TestFormatMoney: the number and its currency are joined by a no-break
// space where CLDR puts one ("230.000\u00a0₫", "KWD\u00a012.345"), so a
// line never breaks between them.
func TestFormatMoney(t *testing.T) {
	cases := []struct {
		amount string
		locale document.Locale
		want   string
	}{
		{"230000 VND", document.ViVN, "230.000\u00a0₫"},
		{"230000 VND", document.EnUS, "₫230,000"},
		{"1234.5 USD", document.EnUS, "$1,234.50"},
		{"1234.5 USD", document.ViVN, "1.234,50\u00a0US$"},
		{"1234567890.12 USD", document.EnUS, "$1,234,567,890.12"},
		{"0 VND", document.ViVN, "0\u00a0₫"},
		{"999 VND", document.ViVN, "999\u00a0₫"},
		{"1000 VND", document.ViVN, "1.000\u00a0₫"},
		{"-5 USD", document.EnUS, "-$5.00"},
		{"-20000 VND", document.ViVN, "-20.000\u00a0₫"},
		{"7.7 VND", document.ViVN, "7,7\u00a0₫"}, // a unit price keeps its digits
		{"0.125 USD", document.EnUS, "$0.125"},
		{"12.345 KWD", document.EnUS, "KWD\u00a012.345"},
		{"1234.5 KWD", document.ViVN, "1.234,500\u00a0KWD"},
		{"99.99 EUR", document.EnUS, "€99.99"},
		// CLDR's own signs, from golang.org/x/text/currency.
		{"1500 JPY", document.ViVN, "1.500 JP¥"},
		{"1500 JPY", document.EnUS, "¥1,500"},
		{"100 THB", document.ViVN, "100,00 ฿"},
		{"100 THB", document.EnUS, "THB 100.00"},
	}
	for _, c := range cases {
		t.Run(c.amount+" in "+string(c.locale), func(t *testing.T) {
			a, err := money.Parse(c.amount)
			require.NoError(t, err)
			got, err := document.FormatMoney(a, c.locale)
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
			before := a.String()
			_, _ = document.FormatMoney(a, document.ViVN)
			assert.Equal(t, before, a.String(), "formatting leaves the amount and its String unchanged")
		})
	}
	t.Run("the zero Amount is empty", func(t *testing.T) {
		got, err := document.FormatMoney(money.Amount{}, document.EnUS)
		require.NoError(t, err)
		assert.Empty(t, got)
	})
	t.Run("an unsupported locale", func(t *testing.T) {
		_, err := document.FormatMoney(amt(t, "1 USD"), "de-DE")
		require.ErrorIs(t, err, document.ErrInvalidOptions)
	})
}

func TestFormatDecimalAndPercent(t *testing.T) {
	d, err := document.FormatDecimal(dec("1234.50"), document.EnUS)
	require.NoError(t, err)
	assert.Equal(t, "1,234.5", d)
	d, err = document.FormatDecimal(dec("1234.5"), document.ViVN)
	require.NoError(t, err)
	assert.Equal(t, "1.234,5", d)
	d, err = document.FormatDecimal(dec("-0.25"), document.EnUS)
	require.NoError(t, err)
	assert.Equal(t, "-0.25", d)
	for rate, want := range map[string]string{"0.1": "10%", "0.08": "8%", "0": "0%", "1": "100%", "0.055": "5.5%"} {
		got, err := document.FormatPercent(dec(rate), document.EnUS)
		require.NoError(t, err)
		assert.Equal(t, want, got, rate)
	}
	got, err := document.FormatPercent(dec("0.055"), document.ViVN)
	require.NoError(t, err)
	assert.Equal(t, "5,5%", got)
}

func TestLocales(t *testing.T) {
	assert.Equal(t, []document.Locale{document.EnUS, document.ViVN}, document.Locales())
	assert.Equal(t, "vi", document.ViVN.Language())
	assert.False(t, document.Locale("").Valid())
}
