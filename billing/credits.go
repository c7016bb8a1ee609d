package billing

import (
	"context"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// creditInvoices issues credit notes for up to amount against the
// resource's invoices, newest first, each capped at what is still
// creditable, and returns how much was credited.
func (s *System) creditInvoices(ctx context.Context, tx storage.Tx, acct Account, r *storage.Resource, d *resourceData, amount money.Amount, reason string) (money.Amount, error) {
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
		id, err := s.newID("cn")
		if err != nil {
			return credited, err
		}
		now := s.now()
		draft, err := invoice.NewCreditNote(inv, take, invoice.CreditRequest{ID: id, Reason: reason, At: now})
		if err != nil {
			return credited, err
		}
		series, err := invoice.SeriesFor(invoice.KindCreditNote, now, s.rules(acct, r.ProductID).Calendar().Location())
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
		if err := s.storeInvoice(ctx, tx, note, r.OrderID, true); err != nil {
			return credited, err
		}
		if err := s.storeInvoice(ctx, tx, updated, rec.OrderID, false); err != nil {
			return credited, err
		}
		if err := s.emit(ctx, tx, acct.ID, r.ID, EventInvoiceIssued, "", InvoicePayload{InvoiceID: note.ID,
			Number: note.DisplayNumber(), ResourceID: r.ID, Total: note.Total, Status: note.Status}); err != nil {
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

// refundToCash credits amount to the account's cash (a refund entry that
// is not tied to a payment: a downgrade or a delete).
func (s *System) refundToCash(ctx context.Context, tx storage.Tx, acct Account, amount money.Amount, refType payment.ReferenceType, refID, memo string) error {
	id, err := s.newID("rfd")
	if err != nil {
		return err
	}
	e, err := payment.RefundEntry(payment.EntryMeta{ID: entryID(payment.EntryRefund, id), At: s.now(), Memo: memo,
		Reference: payment.Reference{Type: refType, ID: refID}}, amount)
	if err != nil {
		return err
	}
	_, err = appendEntry(ctx, tx, acct, e, time.Time{})
	return err
}
