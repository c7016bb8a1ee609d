package invoice_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/invoice"
)

func TestIssue(t *testing.T) {
	at, due := t0.Add(time.Hour), t0.Add(15*24*time.Hour)
	t.Run("a draft issued as INV-2026 number 42 is issued, numbered and due; the draft is unchanged", func(t *testing.T) {
		d := vserverDraft(t)
		before := d.Clone()
		got, err := invoice.Issue(d, "INV-2026", 42, at, due)
		require.NoError(t, err)
		unchanged(t, before, d)
		assert.Equal(t, invoice.StatusIssued, got.Status)
		assert.Equal(t, "INV-2026-000042", got.DisplayNumber())
		assert.Equal(t, at, got.IssuedAt)
		assert.Equal(t, due, got.DueAt)
		assert.True(t, got.PaidAt.IsZero())
		assert.Equal(t, "181000 VND", got.AmountDue().String())
		require.NoError(t, got.Validate())
	})
	t.Run("an invoice with a zero total is paid when issued", func(t *testing.T) {
		d := draft(t, "VND", invoice.TaxExclusive, priced(t, invoice.TaxExclusive, "free trial", "1", "181000", "181000", "0.1", "VND"))
		got, err := invoice.Issue(d, "INV-2026", 1, at, due)
		require.NoError(t, err)
		assert.Equal(t, invoice.StatusPaid, got.Status)
		assert.Equal(t, at, got.PaidAt)
		assert.Equal(t, "0 VND", got.AmountPaid.String())
		require.NoError(t, got.Validate())
	})
	tests := []struct {
		name   string
		series string
		number int64
		at     time.Time
		due    time.Time
		is     error
	}{
		{"number 0 is refused", "INV-2026", 0, at, due, invoice.ErrInvalidNumber},
		{"a negative number is refused", "INV-2026", -1, at, due, invoice.ErrInvalidNumber},
		{"an empty series is refused", "", 1, at, due, invoice.ErrInvalidSeries},
		{"a lower-case series is refused", "inv-2026", 1, at, due, invoice.ErrInvalidSeries},
		{"the zero issue time is refused", "INV-2026", 1, time.Time{}, due, invoice.ErrInvalidArgument},
		{"an issue before creation is refused", "INV-2026", 1, t0.Add(-time.Minute), due, invoice.ErrInvalidArgument},
		{"the zero due time is refused", "INV-2026", 1, at, time.Time{}, invoice.ErrInvalidArgument},
		{"a due time before the issue is refused", "INV-2026", 1, at, at.Add(-time.Second), invoice.ErrInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := invoice.Issue(vserverDraft(t), tt.series, tt.number, tt.at, tt.due)
			require.ErrorIs(t, err, tt.is)
		})
	}
	t.Run("an issued invoice cannot be issued again", func(t *testing.T) {
		inv, err := invoice.Issue(vserverDraft(t), "INV-2026", 1, at, due)
		require.NoError(t, err)
		_, err = invoice.Issue(inv, "INV-2026", 2, at, due)
		var te *invoice.TransitionError
		require.ErrorAs(t, err, &te)
		assert.Equal(t, invoice.TransitionError{Kind: invoice.KindInvoice, From: invoice.StatusIssued, Event: invoice.EventIssue}, *te)
	})
}

func TestIssuePaid(t *testing.T) {
	at := t0.Add(10 * time.Minute)
	d := vserverDraft(t)
	before := d.Clone()
	got, err := invoice.IssuePaid(d, "INV-2026", 5, at)
	require.NoError(t, err)
	unchanged(t, before, d)
	assert.Equal(t, invoice.StatusPaid, got.Status)
	assert.Equal(t, "181000 VND", got.AmountPaid.String())
	assert.Equal(t, "0 VND", got.AmountDue().String())
	assert.Equal(t, at, got.IssuedAt)
	assert.Equal(t, at, got.DueAt)
	assert.Equal(t, at, got.PaidAt)
	assert.Equal(t, "INV-2026-000005", got.DisplayNumber())
	require.NoError(t, got.Validate())

	t.Run("a paid invoice cannot be issued and paid again", func(t *testing.T) {
		_, err := invoice.IssuePaid(got, "INV-2026", 6, at)
		require.ErrorIs(t, err, invoice.ErrIllegalTransition)
	})
	t.Run("a free invoice is issued paid with nothing paid", func(t *testing.T) {
		free := draft(t, "USD", invoice.TaxInclusive, priced(t, invoice.TaxInclusive, "coupon", "1", "10", "10", "0.1", "USD"))
		got, err := invoice.IssuePaid(free, "INV-2026", 1, at)
		require.NoError(t, err)
		assert.Equal(t, invoice.StatusPaid, got.Status)
		assert.True(t, got.AmountPaid.IsZero())
	})
	t.Run("a credit note is never paid", func(t *testing.T) {
		note, err := invoice.NewCreditNote(paidInvoice(t, vserverDraft(t)), amt(t, "1000", "VND"),
			invoice.CreditRequest{ID: "cn_1", Reason: "goodwill", At: t0.Add(2 * time.Hour)})
		require.NoError(t, err)
		_, err = invoice.IssuePaid(note, "CN-2026", 1, t0.Add(2*time.Hour))
		var te *invoice.TransitionError
		require.ErrorAs(t, err, &te)
		assert.Equal(t, invoice.EventPayFull, te.Event)
	})
}

func TestApplyPayment(t *testing.T) {
	issuedAt := t0.Add(time.Hour)
	issued := func(t *testing.T) invoice.Invoice {
		inv, err := invoice.Issue(vserverDraft(t), "INV-2026", 1, issuedAt, issuedAt.Add(72*time.Hour))
		require.NoError(t, err)
		return inv
	}
	t.Run("81,000 then 100,000 on 181,000 is partially paid, then paid", func(t *testing.T) {
		inv := issued(t)
		before := inv.Clone()
		p1, err := invoice.ApplyPayment(inv, amt(t, "81000", "VND"), issuedAt.Add(time.Hour))
		require.NoError(t, err)
		unchanged(t, before, inv)
		assert.Equal(t, invoice.StatusPartiallyPaid, p1.Status)
		assert.Equal(t, "81000 VND", p1.AmountPaid.String())
		assert.True(t, p1.PaidAt.IsZero())

		p2, err := invoice.ApplyPayment(p1, amt(t, "100000", "VND"), issuedAt.Add(2*time.Hour))
		require.NoError(t, err)
		assert.Equal(t, invoice.StatusPaid, p2.Status)
		assert.Equal(t, "181000 VND", p2.AmountPaid.String())
		assert.Equal(t, issuedAt.Add(2*time.Hour), p2.PaidAt)
		require.NoError(t, p2.Validate())
	})
	t.Run("three partial payments of 60,000, 60,000, 61,000 pay 181,000", func(t *testing.T) {
		inv := issued(t)
		var err error
		for i, p := range []string{"60000", "60000", "61000"} {
			inv, err = invoice.ApplyPayment(inv, amt(t, p, "VND"), issuedAt.Add(time.Duration(i)*time.Hour))
			require.NoError(t, err)
		}
		assert.Equal(t, invoice.StatusPaid, inv.Status)
	})
	t.Run("a KWD invoice of 3.889 takes 3.888 and then 0.001", func(t *testing.T) {
		d := draft(t, "KWD", invoice.TaxExclusive, priced(t, invoice.TaxExclusive, "a", "3", "1.2345", "", "0.05", "KWD"))
		inv, err := invoice.Issue(d, "INV-2026", 1, issuedAt, issuedAt)
		require.NoError(t, err)
		inv, err = invoice.ApplyPayment(inv, amt(t, "3.888", "KWD"), issuedAt)
		require.NoError(t, err)
		assert.Equal(t, invoice.StatusPartiallyPaid, inv.Status)
		inv, err = invoice.ApplyPayment(inv, amt(t, "0.001", "KWD"), issuedAt)
		require.NoError(t, err)
		assert.Equal(t, invoice.StatusPaid, inv.Status)
		_, err = invoice.ApplyPayment(inv, amt(t, "0.001", "KWD"), issuedAt)
		require.ErrorIs(t, err, invoice.ErrIllegalTransition, "a paid invoice takes no more payments")
	})
	t.Run("181,001 on 181,000 is an overpayment and changes nothing", func(t *testing.T) {
		inv := issued(t)
		before := inv.Clone()
		_, err := invoice.ApplyPayment(inv, amt(t, "181001", "VND"), issuedAt)
		var oe *invoice.OverpaymentError
		require.ErrorAs(t, err, &oe)
		require.ErrorIs(t, err, invoice.ErrOverpayment)
		assert.Equal(t, "181000 VND", oe.Total.String())
		assert.Equal(t, "0 VND", oe.Paid.String())
		assert.Equal(t, "181001 VND", oe.Requested.String())
		unchanged(t, before, inv)
	})
	t.Run("100,000 after 81,001 paid is an overpayment by 1", func(t *testing.T) {
		inv, err := invoice.ApplyPayment(issued(t), amt(t, "81001", "VND"), issuedAt)
		require.NoError(t, err)
		_, err = invoice.ApplyPayment(inv, amt(t, "100000", "VND"), issuedAt)
		require.ErrorIs(t, err, invoice.ErrOverpayment)
	})
	bad := []struct {
		name   string
		amount money.Amount
		at     time.Time
		is     error
	}{
		{"a payment of 0 is refused", amt(t, "0", "VND"), issuedAt, invoice.ErrInvalidPayment},
		{"a payment of -1 is refused", amt(t, "-1", "VND"), issuedAt, invoice.ErrInvalidPayment},
		{"a payment in USD is refused", amt(t, "10", "USD"), issuedAt, money.ErrCurrencyMismatch},
		{"the zero Amount is refused", money.Amount{}, issuedAt, invoice.ErrInvalidPayment},
		{"half a dong is refused", amt(t, "0.5", "VND"), issuedAt, money.ErrNotRounded},
		{"a payment before the issue is refused", amt(t, "1", "VND"), issuedAt.Add(-time.Second), invoice.ErrInvalidArgument},
		{"the zero payment time is refused", amt(t, "1", "VND"), time.Time{}, invoice.ErrInvalidArgument},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := invoice.ApplyPayment(issued(t), tt.amount, tt.at)
			require.ErrorIs(t, err, tt.is)
		})
	}
	t.Run("a draft cannot be paid", func(t *testing.T) {
		_, err := invoice.ApplyPayment(vserverDraft(t), amt(t, "181000", "VND"), t0)
		var te *invoice.TransitionError
		require.ErrorAs(t, err, &te)
		assert.Equal(t, invoice.StatusDraft, te.From)
	})
	t.Run("a void invoice cannot be paid", func(t *testing.T) {
		v, err := invoice.Void(issued(t), issuedAt, "duplicate")
		require.NoError(t, err)
		_, err = invoice.ApplyPayment(v, amt(t, "1", "VND"), issuedAt)
		require.ErrorIs(t, err, invoice.ErrIllegalTransition)
	})
}

func TestVoid(t *testing.T) {
	at := t0.Add(time.Hour)
	t.Run("a draft is voided with its reason; the draft is unchanged", func(t *testing.T) {
		d := vserverDraft(t)
		before := d.Clone()
		got, err := invoice.Void(d, at, "customer left checkout")
		require.NoError(t, err)
		unchanged(t, before, d)
		assert.Equal(t, invoice.StatusVoid, got.Status)
		assert.Equal(t, at, got.VoidedAt)
		assert.Equal(t, "customer left checkout", got.VoidReason)
		assert.Equal(t, "", got.DisplayNumber(), "a voided draft never had a number")
		require.NoError(t, got.Validate())
	})
	t.Run("an issued invoice with nothing paid is voided and keeps its number", func(t *testing.T) {
		inv, err := invoice.Issue(vserverDraft(t), "INV-2026", 9, at, at)
		require.NoError(t, err)
		got, err := invoice.Void(inv, at.Add(time.Minute), "provisioning failed before payment")
		require.NoError(t, err)
		assert.Equal(t, "INV-2026-000009", got.DisplayNumber(), "the number stays used: numbering is gapless")
		require.NoError(t, got.Validate())
	})
	t.Run("a partially paid invoice is not voided", func(t *testing.T) {
		inv, err := invoice.Issue(vserverDraft(t), "INV-2026", 9, at, at)
		require.NoError(t, err)
		inv, err = invoice.ApplyPayment(inv, amt(t, "1", "VND"), at)
		require.NoError(t, err)
		_, err = invoice.Void(inv, at, "x")
		require.ErrorIs(t, err, invoice.ErrIllegalTransition)
	})
	t.Run("a paid invoice is not voided", func(t *testing.T) {
		_, err := invoice.Void(paidInvoice(t, vserverDraft(t)), at.Add(time.Hour), "x")
		require.ErrorIs(t, err, invoice.ErrIllegalTransition)
	})
	t.Run("an issued invoice with a credit note is not voided", func(t *testing.T) {
		inv, err := invoice.Issue(vserverDraft(t), "INV-2026", 9, at, at)
		require.NoError(t, err)
		req := invoice.CreditRequest{ID: "cn_1", Reason: "overbilled", At: at}
		note, err := invoice.NewCreditNote(inv, amt(t, "1000", "VND"), req)
		require.NoError(t, err)
		note, err = invoice.Issue(note, "CN-2026", 1, at, time.Time{})
		require.NoError(t, err)
		inv, err = invoice.RecordCredit(inv, note)
		require.NoError(t, err)
		_, err = invoice.Void(inv, at, "x")
		var te *invoice.TransitionError
		require.ErrorAs(t, err, &te)
		assert.Contains(t, te.Reason, "1000 VND already credited")
	})
	t.Run("a void invoice is not voided again", func(t *testing.T) {
		v, err := invoice.Void(vserverDraft(t), at, "x")
		require.NoError(t, err)
		_, err = invoice.Void(v, at, "y")
		require.ErrorIs(t, err, invoice.ErrIllegalTransition)
	})
	for name, tc := range map[string]struct {
		at     time.Time
		reason string
	}{
		"an empty reason is refused":        {at, ""},
		"a blank reason is refused":         {at, "  "},
		"the zero time is refused":          {time.Time{}, "x"},
		"a time before creation is refused": {t0.Add(-time.Second), "x"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := invoice.Void(vserverDraft(t), tc.at, tc.reason)
			require.ErrorIs(t, err, invoice.ErrInvalidArgument)
		})
	}
}
