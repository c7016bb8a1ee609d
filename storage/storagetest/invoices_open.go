package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/storage"
)

// testOpenInvoices checks Invoices.Open: only the tenant's issued and
// partially paid invoices (no credit notes), oldest first then by id in
// byte order, up to the limit, and following updates.
func (s suite) testOpenInvoices(t *testing.T) {
	at := func(h int) time.Time { return epoch().Add(time.Duration(h) * time.Hour) }
	ids := func(invs []storage.Invoice) []string {
		out := []string{}
		for _, inv := range invs {
			out = append(out, inv.ID)
		}
		return out
	}
	st := s.newStore(t)
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		issued := func(acct, id string, status invoice.Status, issuedAt time.Time) storage.Invoice {
			inv := invoiceRecord(t, acct, id, "r1", status, 100_000, epoch())
			inv.IssuedAt = issuedAt
			return inv
		}
		note := issued("a", "cn1", invoice.StatusIssued, at(0))
		note.Kind, note.CreditedInvoiceID = invoice.KindCreditNote, "paid1"
		for _, inv := range []storage.Invoice{
			issued("a", "i1", invoice.StatusIssued, at(3)),
			issued("a", "p1", invoice.StatusPartiallyPaid, at(2)),
			// Same IssuedAt as i1: ids compare byte by byte, so "i-2" ('-'
			// is 0x2d) comes before "i1" whatever a database's locale says.
			issued("a", "i-2", invoice.StatusIssued, at(3)),
			issued("a", "old", invoice.StatusIssued, at(1)),
			issued("a", "paid1", invoice.StatusPaid, at(0)),
			issued("a", "void1", invoice.StatusVoid, at(0)),
			invoiceRecord(t, "a", "draft1", "r1", invoice.StatusDraft, 100_000, epoch()),
			note,
			issued("b", "b1", invoice.StatusIssued, at(0)),
		} {
			if err := tx.Invoices().Create(ctx, inv); err != nil {
				return err
			}
		}
		return nil
	})
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		open, err := tx.Invoices().Open(ctx, "a", 10)
		require.NoError(t, err)
		assert.Equal(t, []string{"old", "p1", "i-2", "i1"}, ids(open))
		require.NotEmpty(t, open)
		assert.Len(t, open[0].Lines, 1, "Open returns whole invoices")
		page, err := tx.Invoices().Open(ctx, "a", 2)
		require.NoError(t, err)
		assert.Equal(t, []string{"old", "p1"}, ids(page), "the oldest first when there are more than limit")
		other, err := tx.Invoices().Open(ctx, "b", 10)
		require.NoError(t, err)
		assert.Equal(t, []string{"b1"}, ids(other))
		none, err := tx.Invoices().Open(ctx, "c", 10)
		require.NoError(t, err)
		assert.Empty(t, none)
		for _, limit := range []int{0, -1, 1001} {
			_, err := tx.Invoices().Open(ctx, "a", limit)
			assert.ErrorIs(t, err, storage.ErrInvalidRecord, "limit %d", limit)
		}
		// Paying an invoice closes it.
		inv, err := tx.Invoices().GetForUpdate(ctx, "a", "old")
		require.NoError(t, err)
		inv.Status, inv.AmountPaid, inv.PaidAt = invoice.StatusPaid, inv.Total, at(4)
		require.NoError(t, tx.Invoices().Update(ctx, inv))
		open, err = tx.Invoices().Open(ctx, "a", 10)
		require.NoError(t, err)
		assert.Equal(t, []string{"p1", "i-2", "i1"}, ids(open))
		return nil
	})
}
