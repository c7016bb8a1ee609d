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
		note, err := creditOne(ctx, s, tx, acct, r, rec, left, reason, coded)
		if err != nil {
			return credited, err
		}
		if note.ID == "" {
			continue
		}
		d.InvoiceIDs = append(d.InvoiceIDs, note.ID)
		if left, err = left.Sub(note.Total); err != nil {
			return credited, err
		}
		if credited, err = credited.Add(note.Total); err != nil {
			return credited, err
		}
	}
	return credited, nil
}

// CreditDocument issues one credit note for up to amount against one of
// the account's invoices (a bill a refund to the original method paid
// back), capped at what is still creditable, and returns the note; the
// zero Invoice when nothing is creditable (a credit note, one credited in
// full). The note names the invoice's resource, as every document does;
// the resource itself is not changed.
func CreditDocument(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, invoiceID string, amount money.Amount, reason string, coded invoice.CreditReason) (invoice.Invoice, error) {
	rec, err := tx.Invoices().GetForUpdate(ctx, acct.ID, invoiceID)
	if err != nil {
		return invoice.Invoice{}, err
	}
	var res *storage.Resource
	if rec.ResourceID != "" {
		r, err := tx.Resources().Get(ctx, acct.ID, rec.ResourceID)
		if err != nil {
			return invoice.Invoice{}, err
		}
		res = &r
	}
	return creditOne(ctx, s, tx, acct, res, rec, amount, reason, coded)
}

// creditOne issues a credit note for up to amount against rec, an invoice
// the caller read for update (of resource r, nil for none), capped at
// what is still creditable: stored with the invoice's credited total,
// e-invoiced, announced. It returns the zero Invoice when nothing is
// creditable.
func creditOne(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, rec storage.Invoice, amount money.Amount, reason string, coded invoice.CreditReason) (invoice.Invoice, error) {
	if rec.Kind != invoice.KindInvoice {
		return invoice.Invoice{}, nil // a credit note credits nothing itself
	}
	inv := rec.Invoice
	room, err := inv.Total.Sub(inv.AmountCredited)
	if err != nil {
		return invoice.Invoice{}, err
	}
	if !room.IsPositive() {
		return invoice.Invoice{}, nil // credited in full already
	}
	take := amount
	if c, err := take.Cmp(room); err != nil {
		return invoice.Invoice{}, err
	} else if c > 0 {
		take = room
	}
	noteID, err := s.NewID("cn")
	if err != nil {
		return invoice.Invoice{}, err
	}
	now := s.Now()
	draft, err := invoice.NewCreditNote(inv, take, invoice.CreditRequest{ID: noteID, Reason: reason, CodedReason: coded, At: now})
	if err != nil {
		return invoice.Invoice{}, err
	}
	if draft, err = WithParties(s, acct, draft); err != nil {
		return invoice.Invoice{}, err
	}
	productID, orderID, resourceID := "", rec.OrderID, inv.ResourceID
	if r != nil {
		productID, orderID, resourceID = r.ProductID, r.OrderID, r.ID
	}
	series, err := invoice.SeriesFor(invoice.KindCreditNote, now, s.Rules(acct, productID).Calendar().Location())
	if err != nil {
		return invoice.Invoice{}, err
	}
	num, err := tx.Invoices().NextNumber(ctx, series)
	if err != nil {
		return invoice.Invoice{}, err
	}
	note, err := invoice.Issue(draft, series, num, now, time.Time{})
	if err != nil {
		return invoice.Invoice{}, err
	}
	updated, err := invoice.RecordCredit(inv, note)
	if err != nil {
		return invoice.Invoice{}, err
	}
	if err := StoreInvoice(ctx, s, tx, note, orderID, true); err != nil {
		return invoice.Invoice{}, err
	}
	if err := StoreInvoice(ctx, s, tx, updated, rec.OrderID, false); err != nil {
		return invoice.Invoice{}, err
	}
	if err := EInvoiceIssued(ctx, s, tx, note, ""); err != nil {
		return invoice.Invoice{}, err
	}
	stream := resourceID
	if stream == "" {
		stream = acct.ID
	}
	return note, outbox.Emit(ctx, s, tx, acct.ID, stream, billingtype.EventInvoiceIssued, "", outbox.Zoned(s, acct, billingtype.InvoicePayload{InvoiceID: note.ID,
		Number: note.DisplayNumber(), ResourceID: resourceID, Total: note.Total, Status: note.Status}))
}
