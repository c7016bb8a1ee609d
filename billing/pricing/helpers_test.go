package pricing_test

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/pricing"
)

// dec parses a decimal literal in tests.
func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// amt builds an amount from text in tests.
func amt(t testing.TB, number, currency string) money.Amount {
	t.Helper()
	a, err := money.New(number, currency)
	require.NoError(t, err)
	return a
}

// vnd builds a VND amount in tests.
func vnd(t testing.TB, number string) money.Amount { return amt(t, number, "VND") }

// sample returns the sample catalog.
func sample(t testing.TB) *pricing.Catalog {
	t.Helper()
	c, err := pricing.SampleCatalog()
	require.NoError(t, err)
	return c
}

// requireEqualAmount compares amounts by value with a readable message.
func requireEqualAmount(t testing.TB, want, got money.Amount, msg string) {
	t.Helper()
	require.Truef(t, want.Equal(got), "%s: want %s %s, got %s %s", msg,
		want.Number(), want.Currency(), got.Number(), got.Currency())
}

// tb is what the helpers need from *testing.T, *testing.B, *testing.F and
// *rapid.T alike.
type tb interface {
	Helper()
	Errorf(format string, args ...any)
	FailNow()
}

// add returns a+b, failing the test on error.
func add(t tb, a, b money.Amount) money.Amount {
	t.Helper()
	r, err := a.Add(b)
	require.NoError(t, err)
	return r
}

// sub returns a−b, failing the test on error.
func sub(t tb, a, b money.Amount) money.Amount {
	t.Helper()
	r, err := a.Sub(b)
	require.NoError(t, err)
	return r
}

// checkQuote asserts every identity a Quote promises, returning the first
// violation as a message ("" when all hold), so both tests and the fuzz and
// property tests can use it.
func checkQuote(t tb, q pricing.Quote) string {
	t.Helper()
	code := q.Currency.Code()
	zero, err := money.Zero(code)
	require.NoError(t, err)
	sums := map[string]money.Amount{"Subtotal": zero, "Discount": zero, "Net": zero, "Tax": zero, "Total": zero}
	for _, l := range q.Lines {
		for name, a := range map[string]money.Amount{"Base": l.Base, "TermDiscount": l.TermDiscount,
			"Subtotal": l.Subtotal, "Discount": l.Discount, "Net": l.Net, "Tax": l.Tax, "Total": l.Total} {
			if !a.IsRounded() || a.Currency() != q.Currency || a.IsNegative() {
				return "line " + name + " not a rounded non-negative " + code + ": " + a.Number().String()
			}
		}
		if !sub(t, l.Base, l.TermDiscount).Equal(l.Subtotal) {
			return "line Base − TermDiscount ≠ Subtotal"
		}
		shares := zero
		for _, s := range l.Discounts {
			shares = add(t, shares, s.Amount)
		}
		if !shares.Equal(l.Discount) {
			return "line shares ≠ Discount"
		}
		if !add(t, l.Net, l.Tax).Equal(l.Total) {
			return "line Net + Tax ≠ Total"
		}
		after := sub(t, l.Subtotal, l.Discount)
		if q.TaxPolicy.Mode == pricing.TaxInclusive {
			if !after.Equal(l.Total) {
				return "inclusive line Subtotal − Discount ≠ Total"
			}
		} else if !after.Equal(l.Net) {
			return "exclusive line Subtotal − Discount ≠ Net"
		}
		sums["Subtotal"] = add(t, sums["Subtotal"], l.Subtotal)
		sums["Discount"] = add(t, sums["Discount"], l.Discount)
		sums["Net"] = add(t, sums["Net"], l.Net)
		sums["Tax"] = add(t, sums["Tax"], l.Tax)
		sums["Total"] = add(t, sums["Total"], l.Total)
	}
	for name, got := range map[string]money.Amount{"Subtotal": q.Subtotal, "Discount": q.Discount,
		"Net": q.Net, "Tax": q.Tax, "Total": q.Total} {
		if !sums[name].Equal(got) {
			return "sum of line " + name + " ≠ quote " + name
		}
	}
	applied := zero
	for _, d := range q.Discounts {
		if c, err := d.Applied.Cmp(d.Requested); err != nil || c > 0 {
			return "applied discount exceeds requested"
		}
		applied = add(t, applied, d.Applied)
	}
	if !applied.Equal(q.Discount) {
		return "applied discounts ≠ Discount"
	}
	if q.TaxPolicy.Mode == pricing.TaxInclusive {
		if !sub(t, q.Subtotal, q.Discount).Equal(q.Total) {
			return "inclusive Subtotal − Discount ≠ Total"
		}
	} else if !add(t, sub(t, q.Subtotal, q.Discount), q.Tax).Equal(q.Total) {
		return "exclusive Subtotal − Discount + Tax ≠ Total"
	}
	if !add(t, q.Net, q.Tax).Equal(q.Total) {
		return "Net + Tax ≠ Total"
	}
	return ""
}
