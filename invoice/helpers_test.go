package invoice_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice"
)

// t0 is the creation time of the fixtures: 2026-03-10 09:00 in Ho Chi Minh
// City (UTC+7).
var t0 = time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC)

// amt parses number in currency or fails the test.
func amt(t testing.TB, number, currency string) money.Amount {
	t.Helper()
	a, err := money.New(number, currency)
	require.NoError(t, err)
	return a
}

// dec parses a decimal or fails the test.
func dec(t testing.TB, s string) decimal.Decimal {
	t.Helper()
	d, err := decimal.NewFromString(s)
	require.NoError(t, err)
	return d
}

// span30 is the 30 days from t0.
func span30() period.Span {
	return period.Span{Start: t0, End: t0.Add(30 * 24 * time.Hour)}
}

// priced prices a line of qty × unitPrice less discount at rate, or fails.
func priced(t testing.TB, mode invoice.TaxMode, desc, qty, unitPrice, discount, rate, currency string) invoice.Line {
	t.Helper()
	in := invoice.LineInput{
		Description: desc, Period: span30(), Quantity: dec(t, qty),
		UnitPrice: amt(t, unitPrice, currency), TaxRate: dec(t, rate),
	}
	if discount != "" {
		in.Discount = amt(t, discount, currency)
	}
	l, err := invoice.PriceLine(in, mode)
	require.NoError(t, err)
	return l
}

// draft returns a valid draft with the given lines.
func draft(t testing.TB, currency string, mode invoice.TaxMode, lines ...invoice.Line) invoice.Invoice {
	t.Helper()
	inv, err := invoice.New(invoice.Draft{
		ID: "inv_1", AccountID: "acc_1", ResourceID: "res_1", Currency: currency,
		TaxMode: mode, Lines: lines, CreatedAt: t0,
	})
	require.NoError(t, err)
	return inv
}

// vserverDraft is the brief's 181,000 VND per 30 days vServer, no tax.
func vserverDraft(t testing.TB) invoice.Invoice {
	t.Helper()
	return draft(t, "VND", invoice.TaxExclusive, priced(t, invoice.TaxExclusive, "vServer 1 vCPU / 2 GB", "1", "181000", "", "0", "VND"))
}

// paidInvoice is d issued as INV-2026-000001 and paid at once, an hour
// after creation.
func paidInvoice(t testing.TB, d invoice.Invoice) invoice.Invoice {
	t.Helper()
	inv, err := invoice.IssuePaid(d, "INV-2026", 1, t0.Add(time.Hour))
	require.NoError(t, err)
	return inv
}

// unchanged fails the test unless got equals the snapshot want taken before
// a call: the functions of the package never change their arguments.
func unchanged(t testing.TB, want, got any) {
	t.Helper()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("argument changed (-before +after):\n%s", diff)
	}
}
