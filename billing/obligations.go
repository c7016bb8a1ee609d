package billing

import (
	"context"
	"errors"
	"fmt"

	"github.com/cloudbill/cloudbill/billing/order"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// obligation is something an account owes that a payment can settle: an
// order, payable in full while it waits for payment, or an issued invoice,
// payable in parts up to what is outstanding.
type obligation struct {
	kind payment.PurposeKind
	id   string
	// outstanding is what is still owed; zero once settled.
	outstanding money.Amount
	// partial is true when a payment may cover part of outstanding.
	partial bool
	// status is the obligation's own status, for messages.
	status string
	// order is the order, locked, when kind is PurposeOrder: settling it
	// needs no second read.
	order *storage.Order
}

// payable reports whether amount settles (part of) ob now, or the typed
// error saying why not: *NotPayableError when nothing is outstanding, and
// *AmountDueError when amount is not what ob accepts.
func (ob obligation) payable(amount money.Amount) error {
	if !ob.outstanding.IsPositive() {
		return &NotPayableError{Kind: ob.kind, ID: ob.id, Status: ob.status}
	}
	c, err := amount.Cmp(ob.outstanding)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrCurrencyMismatch, err)
	}
	if c > 0 || (c < 0 && !ob.partial) {
		return &AmountDueError{Kind: ob.kind, ID: ob.id, Due: ob.outstanding, Got: amount, Partial: ob.partial}
	}
	return nil
}

// loadObligation reads and locks the obligation purpose names, scoped to
// acct: another account's, unknown or malformed references are not found
// (ErrOrderNotFound, ErrInvoiceNotFound) exactly as if they did not exist.
func (s *System) loadObligation(ctx context.Context, tx storage.Tx, acct Account, purpose payment.Purpose) (obligation, error) {
	if err := purpose.Validate(); err != nil {
		return obligation{}, &RequestError{Field: "Purpose", Reason: err.Error(), Err: err}
	}
	switch purpose.Kind {
	case payment.PurposeOrder:
		o, err := tx.Orders().GetForUpdate(ctx, acct.ID, purpose.Ref)
		if err != nil {
			return obligation{}, mapNotFound(err, ErrOrderNotFound, purpose.Ref)
		}
		ob := obligation{kind: purpose.Kind, id: o.ID, outstanding: o.Total.MulInt(0), status: string(o.Status), order: &o}
		if o.Status == order.StatusPending {
			ob.outstanding = o.Total
		}
		return ob, nil
	case payment.PurposeInvoice:
		rec, err := tx.Invoices().GetForUpdate(ctx, acct.ID, purpose.Ref)
		if err != nil {
			return obligation{}, mapNotFound(err, ErrInvoiceNotFound, purpose.Ref)
		}
		inv := rec.Invoice
		if inv.Kind != invoice.KindInvoice {
			return obligation{}, fmt.Errorf("%w: %q is a credit note", ErrInvoiceNotFound, purpose.Ref)
		}
		return obligation{kind: purpose.Kind, id: inv.ID, outstanding: inv.AmountDue(), partial: true, status: string(inv.Status)}, nil
	}
	return obligation{}, &RequestError{Field: "Purpose", Reason: fmt.Sprintf("%s is not an order or an invoice", purpose.Kind)}
}

// settleObligation applies a succeeded payment sp to the obligation
// purpose names, inside the payment's transaction: an order still waiting
// for exactly this amount is paid; an invoice with at least this amount
// outstanding records the payment. Money for an obligation that is no
// longer payable for it — settled meanwhile by another payment, failed,
// voided, expired — goes to the account's cash credit instead
// (creditPayment), so it is never kept silently and never lost.
func (s *System) settleObligation(ctx context.Context, tx storage.Tx, acct Account, sp *storage.Payment, purpose payment.Purpose) error {
	ob, err := s.loadObligation(ctx, tx, acct, purpose)
	if err == nil {
		err = ob.payable(sp.Amount)
	}
	if err != nil {
		if isNotSettleable(err) {
			return s.creditPayment(ctx, tx, acct, sp, err.Error())
		}
		return err
	}
	switch purpose.Kind {
	case payment.PurposeOrder:
		return s.settleOrder(ctx, tx, acct, *ob.order, sp)
	default:
		return s.invoicePaid(ctx, tx, acct, purpose.Ref, sp)
	}
}

// isNotSettleable reports the errors that mean "this money cannot settle
// that obligation" rather than a failure of the store.
func isNotSettleable(err error) bool {
	return errors.Is(err, ErrNotPayable) || errors.Is(err, ErrAmountDue) || errors.Is(err, ErrOrderNotFound) ||
		errors.Is(err, ErrInvoiceNotFound) || errors.Is(err, ErrInvalidRequest) || errors.Is(err, ErrCurrencyMismatch)
}

// invoicePaid records sp against an issued invoice (partial payments
// allowed, never above what is outstanding).
func (s *System) invoicePaid(ctx context.Context, tx storage.Tx, acct Account, invoiceID string, sp *storage.Payment) error {
	rec, err := tx.Invoices().GetForUpdate(ctx, acct.ID, invoiceID)
	if err != nil {
		return err
	}
	inv := rec.Invoice
	paid, err := invoice.ApplyPayment(inv, sp.Amount, s.now())
	if err != nil {
		return err
	}
	if err := s.storeInvoice(ctx, tx, paid, rec.OrderID, false); err != nil {
		return err
	}
	return s.invoiceSettledByPayment(ctx, tx, acct, paid)
}

// creditPayment turns a succeeded payment that settles nothing into cash
// credit: the whole payment is refunded to the wallet (its own refund
// journal entry; the payment becomes refunded) and an
// EventPaymentCredited tells the host why.
func (s *System) creditPayment(ctx context.Context, tx storage.Tx, acct Account, sp *storage.Payment, reason string) error {
	left, err := sp.Amount.Sub(sp.Refunded)
	if err != nil {
		return err
	}
	return s.creditToCash(ctx, tx, acct, sp, left, reason, "credited:"+sp.ID)
}

// creditToCash refunds amount of the succeeded payment sp to the
// account's cash credit and tells the host why with an
// EventPaymentCredited (its id derived from eventKey when given). Nothing
// happens for a nil payment or a zero amount.
func (s *System) creditToCash(ctx context.Context, tx storage.Tx, acct Account, sp *storage.Payment, amount money.Amount, reason, eventKey string) error {
	if sp == nil || !amount.IsPositive() {
		return nil
	}
	if err := s.refundInTx(ctx, tx, acct, sp, amount, clipText("credited to the wallet: "+reason, payment.MaxMemoLen)); err != nil {
		return err
	}
	s.log.WarnContext(ctx, "payment money credited to the wallet", "payment", sp.ID, "amount", amount.String(), "reason", reason)
	return s.emit(ctx, tx, acct.ID, acct.ID, EventPaymentCredited, eventKey, PaymentCreditedPayload{
		PaymentID: sp.ID, Purpose: payment.PurposeKind(sp.Purpose), Ref: sp.PurposeRef, Amount: amount, Reason: reason})
}
