package billing

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// CollectedInvoice is one invoice an automatic payment paid (part of).
type CollectedInvoice struct {
	InvoiceID string `json:"invoice_id"`
	// PaymentID is the credit payment made; it is in the payment history
	// and recorded on the invoice.
	PaymentID string       `json:"payment_id"`
	Amount    money.Amount `json:"amount"`
	// Full says the invoice is now paid; otherwise it is partially paid.
	Full bool `json:"full"`
}

// CollectionPayload is the body of an EventCollection event: what one run
// of automatic invoice payment paid from the account's credit, for the
// host's e-mail.
type CollectionPayload struct {
	// Available is the spendable credit before the run.
	Available money.Amount `json:"available"`
	// Paid lists the invoices paid, in payment order (oldest first, then
	// the smaller amount).
	Paid []CollectedInvoice `json:"paid"`
	// Outstanding is what the account still owes on open invoices after
	// the run.
	Outstanding money.Amount `json:"outstanding"`
}

// runCollection is one daily run of automatic invoice payment for acct:
// the open invoices (Unpaid or Partially paid) are paid from the available
// credit, oldest first, then the smaller amount, the last one partially
// when credit runs out (payment.AllocateAutoPay). Each payment is a credit
// payment of its own, in the payment history and on its invoice, and the
// run is reported by an EventCollection. With no available credit nothing
// happens. The job comes back the next day while anything is still open.
func (s *System) runCollection(ctx context.Context, tx storage.Tx, acct Account, j storage.Job, now time.Time, rep *TickReport) (*storage.Job, error) {
	paid, outstanding, available, err := s.collect(ctx, tx, acct, now, "automatic invoice payment")
	if err != nil {
		return nil, err
	}
	rep.Collections++
	rep.InvoicesCollected += len(paid)
	if len(paid) > 0 {
		if err := s.emit(ctx, tx, acct.ID, acct.ID, EventCollection, "", CollectionPayload{Available: available, Paid: paid,
			Outstanding: outstanding}); err != nil {
			return nil, err
		}
	}
	if !outstanding.IsPositive() {
		return nil, nil
	}
	j.DueAt = s.nextDaily(s.accountCalendar(acct), now)
	return &j, nil
}

// collect pays the account's open invoices from its available credit, in
// the automatic-payment order, and returns the payments, what is still
// owed after them, and the credit that was available.
func (s *System) collect(ctx context.Context, tx storage.Tx, acct Account, now time.Time, why string) (paid []CollectedInvoice, outstanding, available money.Amount, err error) {
	open, err := tx.Invoices().Open(ctx, acct.ID, maxOpenScan)
	if err != nil {
		return nil, money.Amount{}, money.Amount{}, err
	}
	ws, err := loadWallet(ctx, tx, acct)
	if err != nil {
		return nil, money.Amount{}, money.Amount{}, err
	}
	available = ws.wallet.Available(now)
	var k money.Calc
	outstanding = available.MulInt(0)
	owed := make([]payment.OpenInvoice, 0, len(open))
	for _, inv := range open {
		due := inv.AmountDue()
		outstanding = k.Add(outstanding, due)
		owed = append(owed, payment.OpenInvoice{ID: inv.ID, IssuedAt: inv.IssuedAt, Outstanding: due})
	}
	if k.Err() != nil {
		return nil, money.Amount{}, money.Amount{}, k.Err()
	}
	allocs, err := payment.AllocateAutoPay(available, owed)
	if err != nil {
		return nil, money.Amount{}, money.Amount{}, err
	}
	for _, a := range allocs {
		p, err := s.payInvoiceFromCredit(ctx, tx, acct, a.InvoiceID, a.Amount, why)
		if err != nil {
			return nil, money.Amount{}, money.Amount{}, err
		}
		paid = append(paid, CollectedInvoice{InvoiceID: a.InvoiceID, PaymentID: p.ID, Amount: a.Amount, Full: a.Full})
		outstanding = k.Sub(outstanding, a.Amount)
	}
	return paid, outstanding, available, k.Err()
}

// payInvoiceFromCredit pays amount of an open invoice from the account's
// credit inside tx: a succeeded credit payment settles it at once (the
// invoice becomes partially paid or paid).
func (s *System) payInvoiceFromCredit(ctx context.Context, tx storage.Tx, acct Account, invoiceID string, amount money.Amount, why string) (storage.Payment, error) {
	return s.preparePayment(ctx, tx, acct, PayRequest{AccountID: acct.ID, Amount: amount, Method: payment.MethodCredit,
		Purpose:     payment.Purpose{Kind: payment.PurposeInvoice, Ref: invoiceID},
		Description: clipText(fmt.Sprintf("%s of invoice %s", why, invoiceID), payment.MaxMemoLen)})
}

// invoiceSettledByPayment runs after a payment was recorded on an
// invoice, in the payment's transaction: once the invoice is paid, its
// overdue schedule ends, and when no other bill of the account is past
// its suspension day, the resources the overdue schedule suspended start
// again.
func (s *System) invoiceSettledByPayment(ctx context.Context, tx storage.Tx, acct Account, inv invoice.Invoice) error {
	if inv.Status != invoice.StatusPaid {
		return nil
	}
	if err := tx.Jobs().Delete(ctx, acct.ID, jobOverdue, inv.ID); err != nil {
		return err
	}
	return s.resumeIfNoLongerOverdue(ctx, tx, acct)
}
