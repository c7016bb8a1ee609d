package invoice_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/invoice"
)

// creditAt is when the fixtures' credit notes are made: a day after issue.
var creditAt = t0.Add(25 * time.Hour)

func req(id string) invoice.CreditRequest {
	return invoice.CreditRequest{ID: id, Reason: "refund of unused value", At: creditAt}
}

// issueNote issues a draft credit note as number n of CN-2026.
func issueNote(t testing.TB, note invoice.Invoice, n int64) invoice.Invoice {
	t.Helper()
	out, err := invoice.Issue(note, "CN-2026", n, creditAt, time.Time{})
	require.NoError(t, err)
	return out
}

func TestNewCreditNoteWorkedExamples(t *testing.T) {
	t.Run("delete with 20 of 30 days unused credits 181,000/30 × 20 = 120,667 of a 181,000 invoice", func(t *testing.T) {
		inv := paidInvoice(t, vserverDraft(t))
		before := inv.Clone()
		note, err := invoice.NewCreditNote(inv, amt(t, "120667", "VND"), req("cn_1"))
		require.NoError(t, err)
		unchanged(t, before, inv)

		assert.Equal(t, invoice.KindCreditNote, note.Kind)
		assert.Equal(t, invoice.StatusDraft, note.Status)
		assert.Equal(t, "inv_1", note.CreditedInvoiceID)
		assert.Equal(t, "acc_1", note.AccountID)
		assert.Equal(t, "res_1", note.ResourceID)
		assert.Equal(t, "refund of unused value", note.Memo)
		assert.Equal(t, creditAt, note.CreatedAt)
		assert.Equal(t, "120667 VND", note.Total.String())
		assert.Equal(t, "0 VND", note.Tax.String())
		require.Len(t, note.Lines, 1)
		assert.Equal(t, "vServer 1 vCPU / 2 GB", note.Lines[0].Description)
		assert.Equal(t, []string{"credits 120667 VND of the line total 181000 VND"}, note.Lines[0].Details)
		require.NoError(t, note.Validate())
	})
	t.Run("downgrade 520,000 → 181,000 with 20 days left credits 226,000 split 195,577 + 30,423", func(t *testing.T) {
		inv := paidInvoice(t, draft(t, "VND", invoice.TaxExclusive,
			priced(t, invoice.TaxExclusive, "plan 8 vCPU / 16 GB", "1", "450000", "", "0", "VND"),
			priced(t, invoice.TaxExclusive, "SSD 200 GB", "200", "350", "", "0", "VND")))
		require.Equal(t, "520000 VND", inv.Total.String())
		note, err := invoice.NewCreditNote(inv, amt(t, "226000", "VND"), req("cn_2"))
		require.NoError(t, err)
		require.Len(t, note.Lines, 2)
		// Exact shares 195,576.92 and 30,423.08: the leftover dong goes to
		// the larger remainder.
		assert.Equal(t, "195577 VND", note.Lines[0].Total.String())
		assert.Equal(t, "30423 VND", note.Lines[1].Total.String())
		assert.Equal(t, "226000 VND", note.Total.String())
	})
	t.Run("55,000 of a 110,000 line at 10% exclusive credits 50,000 net and 5,000 tax", func(t *testing.T) {
		inv := paidInvoice(t, draft(t, "VND", invoice.TaxExclusive, priced(t, invoice.TaxExclusive, "a", "1", "100000", "", "0.1", "VND")))
		note, err := invoice.NewCreditNote(inv, amt(t, "55000", "VND"), req("cn_3"))
		require.NoError(t, err)
		l := note.Lines[0]
		assert.Equal(t, "50000 VND", l.Amount.String())
		assert.Equal(t, "50000 VND", l.Net.String())
		assert.Equal(t, "5000 VND", l.Tax.String())
		assert.Equal(t, "55000 VND", l.Total.String())
		assert.Equal(t, invoice.TaxExclusive, note.TaxMode)
	})
	t.Run("1.000 of a 3.889 KWD invoice at 5% credits 0.952 net and 0.048 tax", func(t *testing.T) {
		inv := paidInvoice(t, draft(t, "KWD", invoice.TaxExclusive, priced(t, invoice.TaxExclusive, "a", "3", "1.2345", "", "0.05", "KWD")))
		note, err := invoice.NewCreditNote(inv, amt(t, "1", "KWD"), req("cn_4"))
		require.NoError(t, err)
		assert.Equal(t, "0.952 KWD", note.Net.String())
		assert.Equal(t, "0.048 KWD", note.Tax.String())
		assert.Equal(t, "1.000 KWD", note.Total.String())
	})
	t.Run("an inclusive credit of 33,000 at 10% has Amount 33,000 with 3,000 tax inside", func(t *testing.T) {
		inv := paidInvoice(t, draft(t, "VND", invoice.TaxInclusive, priced(t, invoice.TaxInclusive, "a", "1", "110000", "", "0.1", "VND")))
		note, err := invoice.NewCreditNote(inv, amt(t, "33000", "VND"), req("cn_5"))
		require.NoError(t, err)
		l := note.Lines[0]
		assert.Equal(t, "33000 VND", l.Amount.String())
		assert.Equal(t, "3000 VND", l.Tax.String())
		assert.Equal(t, "30000 VND", l.Net.String())
		assert.Equal(t, invoice.TaxInclusive, note.TaxMode)
	})
	t.Run("crediting the whole of an exclusive invoice gives back each line's total and tax", func(t *testing.T) {
		inv := paidInvoice(t, draft(t, "VND", invoice.TaxExclusive,
			priced(t, invoice.TaxExclusive, "a", "1", "15", "", "0.1", "VND"),
			priced(t, invoice.TaxExclusive, "b", "1", "14", "", "0.1", "VND"),
			priced(t, invoice.TaxExclusive, "free", "1", "0", "", "0.1", "VND")))
		note, err := invoice.NewCreditNote(inv, inv.Total, req("cn_6"))
		require.NoError(t, err)
		require.Len(t, note.Lines, 2, "a line with nothing to credit is left out")
		for i, l := range note.Lines {
			assert.True(t, inv.Lines[i].Total.Equal(l.Total), "line %d total", i)
			assert.True(t, inv.Lines[i].Tax.Equal(l.Tax), "line %d tax %s, want %s", i, l.Tax, inv.Lines[i].Tax)
		}
		assert.Equal(t, "3 VND", note.Tax.String())
	})
}

func TestCreditsNeverExceedTheInvoice(t *testing.T) {
	inv := paidInvoice(t, vserverDraft(t))
	first := issueNote(t, must(invoice.NewCreditNote(inv, amt(t, "120667", "VND"), req("cn_1"))), 1)
	inv, err := invoice.RecordCredit(inv, first)
	require.NoError(t, err)
	assert.Equal(t, "120667 VND", inv.AmountCredited.String())
	assert.Equal(t, invoice.StatusPaid, inv.Status, "a credit does not change the payment status")

	t.Run("60,334 more on 181,000 with 120,667 credited is over by 1", func(t *testing.T) {
		_, err := invoice.NewCreditNote(inv, amt(t, "60334", "VND"), req("cn_2"))
		var oe *invoice.OverCreditError
		require.ErrorAs(t, err, &oe)
		require.ErrorIs(t, err, invoice.ErrOverCredit)
		assert.Equal(t, "inv_1", oe.InvoiceID)
		assert.Equal(t, "181000 VND", oe.Total.String())
		assert.Equal(t, "120667 VND", oe.Credited.String())
		assert.Equal(t, "60334 VND", oe.Requested.String())
	})
	t.Run("60,333 more credits the invoice exactly, then 1 more is over", func(t *testing.T) {
		second := issueNote(t, must(invoice.NewCreditNote(inv, amt(t, "60333", "VND"), req("cn_2"))), 2)
		full, err := invoice.RecordCredit(inv, second)
		require.NoError(t, err)
		assert.Equal(t, "181000 VND", full.AmountCredited.String())
		_, err = invoice.NewCreditNote(full, amt(t, "1", "VND"), req("cn_3"))
		require.ErrorIs(t, err, invoice.ErrOverCredit)
	})
	t.Run("two drafts that each fit are caught when the second is recorded", func(t *testing.T) {
		a := issueNote(t, must(invoice.NewCreditNote(inv, amt(t, "50000", "VND"), req("cn_a"))), 3)
		b := issueNote(t, must(invoice.NewCreditNote(inv, amt(t, "50000", "VND"), req("cn_b"))), 4)
		after, err := invoice.RecordCredit(inv, a)
		require.NoError(t, err)
		before := after.Clone()
		_, err = invoice.RecordCredit(after, b)
		require.ErrorIs(t, err, invoice.ErrOverCredit)
		unchanged(t, before, after)
	})
	t.Run("lines priced by the caller are held to the same limit", func(t *testing.T) {
		line := priced(t, invoice.TaxExclusive, "refund", "1", "60334", "", "0", "VND")
		_, err := invoice.NewCreditNoteLines(inv, []invoice.Line{line}, req("cn_4"))
		require.ErrorIs(t, err, invoice.ErrOverCredit)
	})
}

// must returns v or panics; test fixtures only.
func must(v invoice.Invoice, err error) invoice.Invoice {
	if err != nil {
		panic(err)
	}
	return v
}

func TestNewCreditNoteLines(t *testing.T) {
	inv := paidInvoice(t, draft(t, "VND", invoice.TaxExclusive, priced(t, invoice.TaxExclusive, "plan", "1", "520000", "", "0.1", "VND")))
	t.Run("an exclusive line of 226,000 + 22,600 tax credits 248,600", func(t *testing.T) {
		line := priced(t, invoice.TaxExclusive, "downgrade: unused 20 days", "1", "226000", "", "0.1", "VND")
		lines := []invoice.Line{line}
		note, err := invoice.NewCreditNoteLines(inv, lines, req("cn_1"))
		require.NoError(t, err)
		assert.Equal(t, "248600 VND", note.Total.String())
		assert.Equal(t, "22600 VND", note.Tax.String())
		note.Lines[0].Description = "changed"
		assert.Equal(t, "downgrade: unused 20 days", lines[0].Description, "the caller's lines are copied")
	})
	t.Run("a line whose tax is not the tax in its total is refused", func(t *testing.T) {
		line := priced(t, invoice.TaxExclusive, "x", "1", "1000", "", "0.1", "VND")
		line.Tax = amt(t, "99", "VND")
		line.Total = amt(t, "1099", "VND")
		_, err := invoice.NewCreditNoteLines(inv, []invoice.Line{line}, req("cn_2"))
		var le *invoice.LineError
		require.ErrorAs(t, err, &le)
		assert.Equal(t, "Tax", le.Field)
	})
	t.Run("lines totalling zero are refused", func(t *testing.T) {
		line := priced(t, invoice.TaxExclusive, "x", "0", "1000", "", "0.1", "VND")
		_, err := invoice.NewCreditNoteLines(inv, []invoice.Line{line}, req("cn_3"))
		require.ErrorIs(t, err, invoice.ErrInvalidArgument)
	})
	t.Run("no lines are refused", func(t *testing.T) {
		_, err := invoice.NewCreditNoteLines(inv, nil, req("cn_3"))
		require.ErrorIs(t, err, invoice.ErrNoLines)
	})
	t.Run("a USD line on a VND invoice is refused", func(t *testing.T) {
		line := priced(t, invoice.TaxExclusive, "x", "1", "1", "", "0", "USD")
		_, err := invoice.NewCreditNoteLines(inv, []invoice.Line{line}, req("cn_3"))
		require.ErrorIs(t, err, money.ErrCurrencyMismatch)
	})
}

func TestNewCreditNoteRefusals(t *testing.T) {
	paid := paidInvoice(t, vserverDraft(t))
	issuedAt := paid.IssuedAt
	t.Run("a draft is not creditable", func(t *testing.T) {
		_, err := invoice.NewCreditNote(vserverDraft(t), amt(t, "1", "VND"), req("cn_1"))
		require.ErrorIs(t, err, invoice.ErrNotCreditable)
	})
	t.Run("a void invoice is not creditable", func(t *testing.T) {
		v := must(invoice.Void(vserverDraft(t), t0, "abandoned"))
		_, err := invoice.NewCreditNote(v, amt(t, "1", "VND"), req("cn_1"))
		require.ErrorIs(t, err, invoice.ErrNotCreditable)
	})
	t.Run("a credit note is not creditable", func(t *testing.T) {
		note := issueNote(t, must(invoice.NewCreditNote(paid, amt(t, "1", "VND"), req("cn_1"))), 1)
		_, err := invoice.NewCreditNote(note, amt(t, "1", "VND"), req("cn_2"))
		require.ErrorIs(t, err, invoice.ErrNotCreditable)
	})
	t.Run("an issued, unpaid invoice is creditable and still owes its total", func(t *testing.T) {
		inv := must(invoice.Issue(vserverDraft(t), "INV-2026", 1, issuedAt, issuedAt))
		note := issueNote(t, must(invoice.NewCreditNote(inv, amt(t, "1000", "VND"), req("cn_1"))), 1)
		inv, err := invoice.RecordCredit(inv, note)
		require.NoError(t, err)
		assert.Equal(t, "181000 VND", inv.AmountDue().String())
	})
	bad := []struct {
		name   string
		amount money.Amount
		change func(*invoice.CreditRequest)
		is     error
	}{
		{"a credit of 0 is refused", amt(t, "0", "VND"), nil, invoice.ErrInvalidArgument},
		{"a credit of -1 is refused", amt(t, "-1", "VND"), nil, invoice.ErrInvalidArgument},
		{"a credit of half a dong is refused", amt(t, "0.5", "VND"), nil, invoice.ErrInvalidArgument},
		{"a credit in USD is refused", amt(t, "1", "USD"), nil, money.ErrCurrencyMismatch},
		{"the zero Amount is refused", money.Amount{}, nil, money.ErrCurrencyMismatch},
		{"an empty id is refused", amt(t, "1", "VND"), func(r *invoice.CreditRequest) { r.ID = "" }, invoice.ErrInvalidArgument},
		{"the invoice's own id is refused", amt(t, "1", "VND"), func(r *invoice.CreditRequest) { r.ID = "inv_1" }, invoice.ErrInvalidArgument},
		{"an empty reason is refused", amt(t, "1", "VND"), func(r *invoice.CreditRequest) { r.Reason = "" }, invoice.ErrInvalidArgument},
		{"the zero time is refused", amt(t, "1", "VND"), func(r *invoice.CreditRequest) { r.At = time.Time{} }, invoice.ErrInvalidArgument},
		{"a time before the issue is refused", amt(t, "1", "VND"), func(r *invoice.CreditRequest) { r.At = issuedAt.Add(-time.Second) }, invoice.ErrInvalidArgument},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			r := req("cn_9")
			if tt.change != nil {
				tt.change(&r)
			}
			_, err := invoice.NewCreditNote(paid, tt.amount, r)
			require.ErrorIs(t, err, tt.is)
		})
	}
}

func TestRecordCreditRefusesTheWrongNote(t *testing.T) {
	paid := paidInvoice(t, vserverDraft(t))
	note := must(invoice.NewCreditNote(paid, amt(t, "1000", "VND"), req("cn_1")))
	t.Run("a draft note is not recorded", func(t *testing.T) {
		_, err := invoice.RecordCredit(paid, note)
		require.ErrorIs(t, err, invoice.ErrNotCreditable)
	})
	issued := issueNote(t, note, 1)
	t.Run("a note of another invoice is not recorded", func(t *testing.T) {
		other := paid.Clone()
		other.ID = "inv_2"
		_, err := invoice.RecordCredit(other, issued)
		require.ErrorIs(t, err, invoice.ErrNotCreditable)
	})
	t.Run("a note of another account is not recorded", func(t *testing.T) {
		other := paid.Clone()
		other.AccountID = "acc_2"
		_, err := invoice.RecordCredit(other, issued)
		require.ErrorIs(t, err, invoice.ErrNotCreditable)
	})
	t.Run("an invoice is not recorded as a note", func(t *testing.T) {
		_, err := invoice.RecordCredit(paid, paid)
		require.ErrorIs(t, err, invoice.ErrNotCreditable)
	})
	t.Run("a note is not recorded on a note", func(t *testing.T) {
		_, err := invoice.RecordCredit(issued, issued)
		require.ErrorIs(t, err, invoice.ErrNotCreditable)
	})
	t.Run("an issued note is recorded and leaves its arguments unchanged", func(t *testing.T) {
		beforeInv, beforeNote := paid.Clone(), issued.Clone()
		got, err := invoice.RecordCredit(paid, issued)
		require.NoError(t, err)
		unchanged(t, beforeInv, paid)
		unchanged(t, beforeNote, issued)
		assert.Equal(t, "1000 VND", got.AmountCredited.String())
		require.NoError(t, got.Validate())
	})
	t.Run("a credit note with a due time is refused at issue", func(t *testing.T) {
		_, err := invoice.Issue(note, "CN-2026", 2, creditAt, creditAt)
		require.ErrorIs(t, err, invoice.ErrInvalidArgument)
	})
	t.Run("a draft credit note is voided, an issued one is not", func(t *testing.T) {
		v, err := invoice.Void(note, creditAt, "made by mistake")
		require.NoError(t, err)
		assert.Equal(t, invoice.StatusVoid, v.Status)
		_, err = invoice.Void(issued, creditAt, "x")
		require.ErrorIs(t, err, invoice.ErrIllegalTransition)
	})
}
