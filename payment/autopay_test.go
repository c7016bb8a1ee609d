package payment_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
)

func allocStrings(as []payment.Allocation) []string {
	out := make([]string, len(as))
	for i, a := range as {
		s := "partial"
		if a.Full {
			s = "full"
		}
		out[i] = a.InvoiceID + " " + a.Amount.Number().String() + " " + s
	}
	return out
}

func TestAllocateAutoPay(t *testing.T) {
	open := []payment.OpenInvoice{
		{ID: "inv-may-big", IssuedAt: days(30), Outstanding: vnd(t, 300_000)},
		{ID: "inv-apr", IssuedAt: days(0), Outstanding: vnd(t, 199_100)},
		{ID: "inv-may-small", IssuedAt: days(30), Outstanding: vnd(t, 50_000)},
		{ID: "inv-paid", IssuedAt: days(-30), Outstanding: vnd(t, 0)},
	}
	tests := []struct {
		name      string
		available int64
		want      []string
	}{
		{"249,100 pays April in full, then the smaller May invoice, nothing to the big one",
			249_100, []string{"inv-apr 199100 full", "inv-may-small 50000 full"}},
		{"300,000 pays April, the small May invoice, and 50,900 of the big one",
			300_000, []string{"inv-apr 199100 full", "inv-may-small 50000 full", "inv-may-big 50900 partial"}},
		{"100,000 pays part of the oldest only", 100_000, []string{"inv-apr 100000 partial"}},
		{"1,000,000 pays everything and keeps 450,900", 1_000_000,
			[]string{"inv-apr 199100 full", "inv-may-small 50000 full", "inv-may-big 300000 full"}},
		{"no credit pays nothing", 0, []string{}},
		{"negative credit pays nothing", -5_000, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := payment.AllocateAutoPay(vnd(t, tt.available), open)
			require.NoError(t, err)
			assert.Equal(t, tt.want, allocStrings(got))
		})
	}
}

func TestAllocateAutoPayTieBreaksByID(t *testing.T) {
	got, err := payment.AllocateAutoPay(vnd(t, 150), []payment.OpenInvoice{
		{ID: "b", IssuedAt: day0, Outstanding: vnd(t, 100)},
		{ID: "a", IssuedAt: day0, Outstanding: vnd(t, 100)},
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"a 100 full", "b 50 partial"}, allocStrings(got))
}

func TestAllocateAutoPayRefusesBadInput(t *testing.T) {
	ok := payment.OpenInvoice{ID: "a", IssuedAt: day0, Outstanding: vnd(t, 100)}
	tests := []struct {
		name      string
		available money.Amount
		invoices  []payment.OpenInvoice
		is        error
	}{
		{"available without currency", money.Amount{}, nil, payment.ErrInvalidAmount},
		{"outstanding in USD against VND credit", vnd(t, 1), []payment.OpenInvoice{{ID: "a", IssuedAt: day0, Outstanding: amt(t, "1.00 USD")}}, money.ErrCurrencyMismatch},
		{"negative outstanding", vnd(t, 1), []payment.OpenInvoice{{ID: "a", IssuedAt: day0, Outstanding: vnd(t, -1)}}, payment.ErrInvalidAmount},
		{"a repeated invoice", vnd(t, 1), []payment.OpenInvoice{ok, ok}, payment.ErrInvalidArgument},
		{"an empty id", vnd(t, 1), []payment.OpenInvoice{{IssuedAt: day0, Outstanding: vnd(t, 1)}}, payment.ErrInvalidArgument},
		{"a zero issue time", vnd(t, 1), []payment.OpenInvoice{{ID: "a", Outstanding: vnd(t, 1)}}, payment.ErrInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := payment.AllocateAutoPay(tt.available, tt.invoices)
			assert.ErrorIs(t, err, tt.is)
		})
	}
}

func TestAllocateAutoPayProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 12).Draw(t, "n")
		invs := make([]payment.OpenInvoice, n)
		total := int64(0)
		for i := range invs {
			o := rapid.Int64Range(0, 1_000_000).Draw(t, "outstanding")
			total += o
			a, _ := money.FromMinor(o, "USD")
			invs[i] = payment.OpenInvoice{ID: fmt.Sprintf("inv-%d", i), IssuedAt: days(rapid.IntRange(0, 5).Draw(t, "day")), Outstanding: a}
		}
		av := rapid.Int64Range(-1_000, 5_000_000).Draw(t, "available")
		available, _ := money.FromMinor(av, "USD")
		got, err := payment.AllocateAutoPay(available, invs)
		if err != nil {
			t.Fatal(err)
		}
		byID := map[string]payment.OpenInvoice{}
		for _, inv := range invs {
			byID[inv.ID] = inv
		}
		sum := int64(0)
		for i, a := range got {
			m, err := a.Amount.MinorUnits()
			if err != nil || m <= 0 {
				t.Fatalf("allocation %d: %v %v", i, a, err)
			}
			o, _ := byID[a.InvoiceID].Outstanding.MinorUnits()
			if m > o || a.Full != (m == o) {
				t.Fatalf("allocation %v exceeds or mislabels outstanding %d", a, o)
			}
			if !a.Full && i != len(got)-1 {
				t.Fatalf("a partial payment that is not the last: %v", got)
			}
			sum += m
		}
		if want := max(0, min(av, total)); sum != want {
			t.Fatalf("allocations sum to %d, want min(available %d, outstanding %d)", sum, av, total)
		}
		// Order: oldest first, then smaller.
		for i := 1; i < len(got); i++ {
			p, q := byID[got[i-1].InvoiceID], byID[got[i].InvoiceID]
			if p.IssuedAt.After(q.IssuedAt) {
				t.Fatalf("%s paid before the older %s", p.ID, q.ID)
			}
			if pc, _ := p.Outstanding.Cmp(q.Outstanding); p.IssuedAt.Equal(q.IssuedAt) && pc > 0 {
				t.Fatalf("%s paid before the smaller %s of the same day", p.ID, q.ID)
			}
		}
	})
}

// Automatic invoice payment with 300,000 VND of credit and three open
// invoices: the oldest first, then the smaller of two issued together, and
// what is left goes to the last as a partial payment.
func ExampleAllocateAutoPay() {
	vnd := func(n int64) money.Amount { a, _ := money.FromMinor(n, "VND"); return a }
	allocs, err := payment.AllocateAutoPay(vnd(300_000), []payment.OpenInvoice{
		{ID: "INV-2024-000012", IssuedAt: days(31), Outstanding: vnd(300_000)},
		{ID: "INV-2024-000007", IssuedAt: days(0), Outstanding: vnd(199_100)},
		{ID: "INV-2024-000013", IssuedAt: days(31), Outstanding: vnd(50_000)},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range allocs {
		fmt.Println(a.InvoiceID, a.Amount, "full:", a.Full)
	}
	// Output:
	// INV-2024-000007 199100 VND full: true
	// INV-2024-000013 50000 VND full: true
	// INV-2024-000012 50900 VND full: false
}
