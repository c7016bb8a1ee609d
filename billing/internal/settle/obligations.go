package settle

import (
	"context"
	"errors"
	"fmt"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/invoicing"
	"github.com/cloudbill/cloudbill/billing/internal/ledger"
	"github.com/cloudbill/cloudbill/billing/internal/resource"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// obligation is something an account owes that a payment can settle: an
// order, payable in full while it waits for payment, or an issued invoice,
// payable in parts up to what is outstanding.
type obligation struct {
	Kind payment.PurposeKind
	Id   string
	// Outstanding is what is still owed; zero once settled.
	Outstanding money.Amount
	// partial is true when a payment may cover part of outstanding.
	partial bool
	// status is the obligation's own status, for messages.
	status string
	// order is the order, locked, when kind is PurposeOrder: settling it
	// needs no second read.
	order *storage.Order
}

// Payable reports whether amount settles (part of) ob now, or the typed
// error saying why not: *NotPayableError when nothing is outstanding, and
// *AmountDueError when amount is not what ob accepts.
func (ob obligation) Payable(amount money.Amount) error {
	if !ob.Outstanding.IsPositive() {
		return &billingtype.NotPayableError{Kind: ob.Kind, ID: ob.Id, Status: ob.status}
	}
	c, err := amount.Cmp(ob.Outstanding)
	if err != nil {
		return fmt.Errorf("%w: %w", billingtype.ErrCurrencyMismatch, err)
	}
	if c > 0 || (c < 0 && !ob.partial) {
		return &billingtype.AmountDueError{Kind: ob.Kind, ID: ob.Id, Due: ob.Outstanding, Got: amount, Partial: ob.partial}
	}
	return nil
}

// LoadObligation reads and locks the obligation purpose names, scoped to
// acct: another account's, unknown or malformed references are not found
// (ErrOrderNotFound, ErrInvoiceNotFound) exactly as if they did not exist.
func LoadObligation(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, purpose payment.Purpose) (obligation, error) {
	if err := purpose.Validate(); err != nil {
		return obligation{}, &billingtype.RequestError{Field: "Purpose", Reason: err.Error(), Err: err}
	}
	switch purpose.Kind {
	case payment.PurposeOrder:
		var o storage.Order
		if k := known(ctx, acct.ID, purpose.Ref); k != nil {
			o = k.Order // written or locked by this transaction already
		} else {
			var err error
			if o, err = tx.Orders().GetForUpdate(ctx, acct.ID, purpose.Ref); err != nil {
				return obligation{}, core.MapNotFound(err, billingtype.ErrOrderNotFound, purpose.Ref)
			}
		}
		ob := obligation{Kind: purpose.Kind, Id: o.ID, Outstanding: o.Total.MulInt(0), status: string(o.Status), order: &o}
		if o.Status == order.StatusPending {
			ob.Outstanding = o.Total
		}
		return ob, nil
	case payment.PurposeInvoice:
		rec, err := tx.Invoices().GetForUpdate(ctx, acct.ID, purpose.Ref)
		if err != nil {
			return obligation{}, core.MapNotFound(err, billingtype.ErrInvoiceNotFound, purpose.Ref)
		}
		inv := rec.Invoice
		if inv.Kind != invoice.KindInvoice {
			return obligation{}, fmt.Errorf("%w: %q is a credit note", billingtype.ErrInvoiceNotFound, purpose.Ref)
		}
		return obligation{Kind: purpose.Kind, Id: inv.ID, Outstanding: inv.AmountDue(), partial: true, status: string(inv.Status)}, nil
	}
	return obligation{}, &billingtype.RequestError{Field: "Purpose", Reason: fmt.Sprintf("%s is not an order or an invoice", purpose.Kind)}
}

// Order is the order the obligation is, locked by LoadObligation; nil for
// an invoice.
func (o obligation) Order() *storage.Order { return o.order }

// settleObligation applies a succeeded payment sp to the obligation
// purpose names, inside the payment's transaction: an order still waiting
// for exactly this amount is paid; an invoice with at least this amount
// outstanding records the payment. Money for an obligation that is no
// longer payable for it — settled meanwhile by another payment, failed,
// voided, expired — goes to the account's cash credit instead
// (creditPayment), so it is never kept silently and never lost.
func settleObligation(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, sp *storage.Payment, purpose payment.Purpose) error {
	ob, err := LoadObligation(ctx, s, tx, acct, purpose)
	if err == nil {
		err = ob.Payable(sp.Amount)
	}
	if err != nil {
		if IsNotSettleable(err) {
			return creditPayment(ctx, s, tx, acct, sp, err.Error())
		}
		return err
	}
	switch purpose.Kind {
	case payment.PurposeOrder:
		return settleOrder(ctx, s, tx, acct, *ob.order, sp)
	default:
		return invoicePaid(ctx, s, tx, acct, purpose.Ref, sp)
	}
}

// IsNotSettleable reports the errors that mean "this money cannot settle
// that obligation" rather than a failure of the store.
func IsNotSettleable(err error) bool {
	return errors.Is(err, billingtype.ErrNotPayable) || errors.Is(err, billingtype.ErrAmountDue) || errors.Is(err, billingtype.ErrOrderNotFound) ||
		errors.Is(err, billingtype.ErrInvoiceNotFound) || errors.Is(err, billingtype.ErrInvalidRequest) || errors.Is(err, billingtype.ErrCurrencyMismatch)
}

// invoicePaid records sp against an issued invoice (partial payments
// allowed, never above what is outstanding).
func invoicePaid(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, invoiceID string, sp *storage.Payment) error {
	rec, err := tx.Invoices().GetForUpdate(ctx, acct.ID, invoiceID)
	if err != nil {
		return err
	}
	inv := rec.Invoice
	paid, err := invoice.ApplyPayment(inv, sp.Amount, s.Now())
	if err != nil {
		return err
	}
	if err := invoicing.StoreInvoice(ctx, s, tx, paid, rec.OrderID, false); err != nil {
		return err
	}
	return invoiceSettledByPayment(ctx, s, tx, acct, paid)
}

// creditPayment turns a succeeded payment that settles nothing into cash
// credit: the whole payment is refunded to the wallet (its own refund
// journal entry; the payment becomes refunded) and an
// EventPaymentCredited tells the host why.
func creditPayment(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, sp *storage.Payment, reason string) error {
	left, err := sp.Amount.Sub(sp.Refunded)
	if err != nil {
		return err
	}
	return ledger.CreditToCash(ctx, s, tx, acct, sp, left, reason, "credited:"+sp.ID)
}

// invoiceSettledByPayment runs after a payment was recorded on an
// invoice, in the payment's transaction: once the invoice is paid, its
// overdue schedule ends, and when no other bill of the account is past
// its suspension day, the resources the overdue schedule suspended start
// again.
func invoiceSettledByPayment(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, inv invoice.Invoice) error {
	if inv.Status != invoice.StatusPaid {
		return nil
	}
	if err := tx.Jobs().Delete(ctx, acct.ID, core.JobOverdue, inv.ID); err != nil {
		return err
	}
	return resource.ResumeIfNoLongerOverdue(ctx, s, tx, acct)
}
