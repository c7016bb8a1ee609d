package postpaid

import (
	"context"
	"slices"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/ledger"
	"github.com/cloudbill/cloudbill/billing/internal/monthclose"
	"github.com/cloudbill/cloudbill/billing/internal/outbox"
	"github.com/cloudbill/cloudbill/billing/internal/pay"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// runCollection is one daily run of automatic invoice payment for acct:
// the open invoices (Unpaid or Partially paid) are paid from the available
// credit, oldest first, then the smaller amount, the last one partially
// when credit runs out (payment.AllocateAutoPay). Each payment is a credit
// payment of its own, in the payment history and on its invoice, and the
// run is reported by an EventCollection. With no available credit nothing
// happens. The job comes back the next day while anything is still open.
func runCollection(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, j storage.Job, now time.Time, rep *billingtype.TickReport) (*storage.Job, error) {
	paid, outstanding, available, err := collect(ctx, s, tx, acct, now, "automatic invoice payment", nil)
	if err != nil {
		return nil, err
	}
	rep.Collections++
	rep.InvoicesCollected += len(paid)
	if len(paid) > 0 {
		if err := outbox.Emit(ctx, s, tx, acct.ID, acct.ID, billingtype.EventCollection, "", billingtype.CollectionPayload{Available: available, Paid: paid,
			Outstanding: outstanding}); err != nil {
			return nil, err
		}
	}
	if !outstanding.IsPositive() {
		return nil, nil
	}
	j.DueAt = monthclose.NextDaily(s, monthclose.AccountCalendar(s, acct), now)
	return &j, nil
}

// collect pays the account's open invoices from its available credit, in
// the automatic-payment order — oldest first, then the smaller amount —
// and returns the payments, what is still owed after them, and the credit
// that was available.
//
// With through set (an overdue charge attempt of that invoice) the run
// stops after through: the invoices ahead of it in the order are paid
// first and it gets only the credit they leave; the invoices after it get
// nothing. So every collection from credit, whichever job makes it, pays
// a prefix of the same order, and no newer bill is paid while an older
// one is still open. through is added to the scan if the oldest
// core.MaxOpenScan open invoices leave it out.
func collect(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, now time.Time, why string, through *invoice.Invoice) (paid []billingtype.CollectedInvoice, outstanding, available money.Amount, err error) {
	open, err := tx.Invoices().Open(ctx, acct.ID, core.MaxOpenScan)
	if err != nil {
		return nil, money.Amount{}, money.Amount{}, err
	}
	ws, err := ledger.LoadWallet(ctx, tx, acct)
	if err != nil {
		return nil, money.Amount{}, money.Amount{}, err
	}
	available = ws.Wallet.Available(now)
	var k money.Calc
	outstanding = available.MulInt(0)
	owed := make([]payment.OpenInvoice, 0, len(open)+1)
	listed := through == nil
	for _, inv := range open {
		due := inv.AmountDue()
		outstanding = k.Add(outstanding, due)
		owed = append(owed, payment.OpenInvoice{ID: inv.ID, IssuedAt: inv.IssuedAt, Outstanding: due})
		listed = listed || inv.ID == through.ID
	}
	if !listed {
		due := through.AmountDue()
		outstanding = k.Add(outstanding, due)
		owed = append(owed, payment.OpenInvoice{ID: through.ID, IssuedAt: through.IssuedAt, Outstanding: due})
	}
	if k.Err() != nil {
		return nil, money.Amount{}, money.Amount{}, k.Err()
	}
	allocs, err := payment.AllocateAutoPay(available, owed)
	if err != nil {
		return nil, money.Amount{}, money.Amount{}, err
	}
	// The allocations are a prefix of the payment order: those up to
	// through's own (or all of them, when the credit ran out before it).
	if through != nil {
		if i := slices.IndexFunc(allocs, func(a payment.Allocation) bool { return a.InvoiceID == through.ID }); i >= 0 {
			allocs = allocs[:i+1]
		}
	}
	for _, a := range allocs {
		p, err := pay.PayInvoiceFromCredit(ctx, s, tx, acct, a.InvoiceID, a.Amount, why)
		if err != nil {
			return nil, money.Amount{}, money.Amount{}, err
		}
		paid = append(paid, billingtype.CollectedInvoice{InvoiceID: a.InvoiceID, PaymentID: p.ID, Amount: a.Amount, Full: a.Full})
		outstanding = k.Sub(outstanding, a.Amount)
	}
	return paid, outstanding, available, k.Err()
}
