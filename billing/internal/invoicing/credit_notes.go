package invoicing

import (
	"context"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/outbox"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/storage"
)

// CreditInvoices issues credit notes for up to amount against the
// resource's invoices, newest first, each capped at what is still
// creditable, and returns how much was credited. reason is the notes'
// English memo, coded the same reason as a code for documents in other
// languages.
func CreditInvoices(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, d *storage.ResourceDetail, amount money.Amount, reason string, coded invoice.CreditReason) (money.Amount, error) {
	left := amount
	credited := amount.MulInt(0)
	for i := len(d.InvoiceIDs) - 1; i >= 0 && left.IsPositive(); i-- {
		rec, err := tx.Invoices().GetForUpdate(ctx, acct.ID, d.InvoiceIDs[i])
		if err != nil {
			return credited, err
		}
		if rec.Kind != invoice.KindInvoice {
			continue // a credit note credits nothing itself
		}
		inv := rec.Invoice
		room, err := inv.Total.Sub(inv.AmountCredited)
		if err != nil {
			return credited, err
		}
		if !room.IsPositive() {
			continue // credited in full already
		}
		take := left
		c, err := take.Cmp(room)
		if err != nil {
			return credited, err
		}
		if c > 0 {
			take = room
		}
		id, err := s.NewID("cn")
		if err != nil {
			return credited, err
		}
		now := s.Now()
		draft, err := invoice.NewCreditNote(inv, take, invoice.CreditRequest{ID: id, Reason: reason, CodedReason: coded, At: now})
		if err != nil {
			return credited, err
		}
		if draft, err = WithParties(s, acct, draft); err != nil {
			return credited, err
		}
		series, err := invoice.SeriesFor(invoice.KindCreditNote, now, s.Rules(acct, r.ProductID).Calendar().Location())
		if err != nil {
			return credited, err
		}
		num, err := tx.Invoices().NextNumber(ctx, series)
		if err != nil {
			return credited, err
		}
		note, err := invoice.Issue(draft, series, num, now, time.Time{})
		if err != nil {
			return credited, err
		}
		updated, err := invoice.RecordCredit(inv, note)
		if err != nil {
			return credited, err
		}
		if err := StoreInvoice(ctx, s, tx, note, r.OrderID, true); err != nil {
			return credited, err
		}
		if err := StoreInvoice(ctx, s, tx, updated, rec.OrderID, false); err != nil {
			return credited, err
		}
		if err := EInvoiceIssued(ctx, s, tx, note, ""); err != nil {
			return credited, err
		}
		if err := outbox.Emit(ctx, s, tx, acct.ID, r.ID, billingtype.EventInvoiceIssued, "", outbox.Zoned(s, acct, billingtype.InvoicePayload{InvoiceID: note.ID,
			Number: note.DisplayNumber(), ResourceID: r.ID, Total: note.Total, Status: note.Status})); err != nil {
			return credited, err
		}
		d.InvoiceIDs = append(d.InvoiceIDs, note.ID)
		if left, err = left.Sub(take); err != nil {
			return credited, err
		}
		if credited, err = credited.Add(take); err != nil {
			return credited, err
		}
	}
	return credited, nil
}
