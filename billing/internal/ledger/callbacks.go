package ledger

import (
	"context"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/outbox"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// creditLatePayment books money a gateway collected for a payment that had
// already ended as cash credit (gateway clearing → customer cash), so the
// customer keeps it; the payment itself stays ended.
func CreditLatePayment(ctx context.Context, s *core.Env, tx storage.Tx, sp storage.Payment) error {
	acct, err := core.GetAccount(ctx, tx, sp.AccountID, true)
	if err != nil {
		return err
	}
	e, err := payment.TopUpEntry(payment.EntryMeta{
		ID: "late_" + EntryID(payment.EntryTopUp, sp.ID), At: s.Now(),
		Memo:      "gateway confirmed payment " + sp.ID + " after it ended; credited to the wallet",
		Reference: payment.Reference{Type: payment.RefPayment, ID: sp.ID},
	}, sp.Gateway, sp.FromGateway)
	if err != nil {
		return err
	}
	if _, err := AppendEntry(ctx, tx, acct, e, time.Time{}); err != nil {
		return err
	}
	return outbox.Emit(ctx, s, tx, acct.ID, acct.ID, billingtype.EventPaymentCredited, "credited:"+sp.ID, billingtype.PaymentCreditedPayload{
		PaymentID: sp.ID, Purpose: sp.Purpose, Ref: sp.PurposeRef, Amount: sp.FromGateway,
		Reason: "the gateway confirmed the payment after it had " + string(sp.Status)})
}
