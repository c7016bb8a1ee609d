package payment_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
)

// day0 is the fixed "now" of the tests.
var day0 = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)

// days returns day0 plus n days.
func days(n int) time.Time { return day0.AddDate(0, 0, n) }

// vnd returns n VND.
func vnd(t testing.TB, n int64) money.Amount {
	t.Helper()
	a, err := money.FromMinor(n, "VND")
	require.NoError(t, err)
	return a
}

// amt parses "12.50 USD" style text.
func amt(t testing.TB, s string) money.Amount {
	t.Helper()
	a, err := money.Parse(s)
	require.NoError(t, err)
	return a
}

// meta returns an entry header with the given ID, referring to a payment.
func meta(id string) payment.EntryMeta {
	return payment.EntryMeta{ID: id, Reference: payment.Reference{Type: payment.RefPayment, ID: "pay-1"}, At: day0}
}

// postingStrings renders postings as "account amount" lines for compact
// comparisons.
func postingStrings(ps []payment.Posting) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Account.String() + " " + p.Amount.String()
	}
	return out
}

// debitStrings renders a plan's debits as "account amount".
func debitStrings(ds []payment.BucketDebit) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Account.String() + " " + d.Amount.String()
	}
	return out
}
