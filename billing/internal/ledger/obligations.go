package ledger

import (
	"context"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/outbox"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// creditToCash refunds amount of the succeeded payment sp to the
// account's cash credit and tells the host why with an
// EventPaymentCredited (its id derived from eventKey when given). Nothing
// happens for a nil payment or a zero amount.
func CreditToCash(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, sp *storage.Payment, amount money.Amount, reason, eventKey string) error {
	if sp == nil || !amount.IsPositive() {
		return nil
	}
	if err := RefundInTx(ctx, s, tx, acct, sp, amount, core.ClipText("credited to the wallet: "+reason, payment.MaxMemoLen)); err != nil {
		return err
	}
	s.Log.WarnContext(ctx, "payment money credited to the wallet", "payment", sp.ID, "amount", amount.String(), "reason", reason)
	return outbox.Emit(ctx, s, tx, acct.ID, acct.ID, billingtype.EventPaymentCredited, eventKey, billingtype.PaymentCreditedPayload{
		PaymentID: sp.ID, Purpose: payment.PurposeKind(sp.Purpose), Ref: sp.PurposeRef, Amount: amount, Reason: reason})
}
