package billing

import (
	"context"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/settle"
	"github.com/cloudbill/cloudbill/billing/internal/txn"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// RefundRequest refunds (part of) a succeeded payment to the account's
// cash credit.
type RefundRequest struct {
	AccountID string       `json:"account_id"`
	PaymentID string       `json:"payment_id"`
	Amount    money.Amount `json:"amount"`
	Reason    string       `json:"reason,omitempty"`
}

// RefundToCredit refunds req.Amount of a succeeded order payment to the
// account's cash credit — a goodwill refund of the resources the order
// bought, renewed or resized. It is bounded like every refund of a
// resource's value: at most what the payment still holds and at most the
// unused part of what was paid for those resources now (pro-rata to the
// minute), payment.ErrOverRefund above that. The refund is taken from the
// resources in the order's order, each documented by credit notes against
// its invoices, and what remains refundable (by a later downgrade, delete
// or refund) shrinks by as much; the resources stay as they are. The
// payment moves to partially_refunded or refunded, all in one
// transaction. A top-up (already credit) or an invoice payment is not
// refundable here (ErrNotRefundable).
func (s *System) RefundToCredit(ctx context.Context, key string, req RefundRequest) (_ Payment, err error) {
	ctx, op := s.env.Tel.Start(ctx, "RefundToCredit")
	defer op.End(&err)
	if err := validateRefund(req); err != nil {
		return Payment{}, err
	}
	if err := payment.ValidateAmount(req.Amount); err != nil {
		return Payment{}, &RequestError{Field: "Amount", Reason: err.Error(), Err: err}
	}
	id, err := txn.Idempotent(ctx, s.env, req.AccountID, key, "payment.refund", req, func(ctx context.Context, tx storage.Tx) (string, error) {
		acct, err := core.GetAccount(ctx, tx, req.AccountID, true)
		if err != nil {
			return "", err
		}
		if err := core.SameCurrency(acct, req.Amount); err != nil {
			return "", err
		}
		sp, err := tx.Payments().GetForUpdate(ctx, acct.ID, req.PaymentID)
		if err != nil {
			return "", core.MapNotFound(err, ErrPaymentNotFound, req.PaymentID)
		}
		return sp.ID, settle.RefundOrderPayment(ctx, s.env, tx, acct, &sp, req.Amount, core.OrDefault(req.Reason, "refund"))
	})
	if err != nil {
		return Payment{}, err
	}
	return s.Payment(ctx, req.AccountID, id)
}
