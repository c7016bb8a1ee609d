package ledger

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// refundInTx refunds amount of sp to cash credit inside the caller's
// transaction (the account locked) and stores sp.
func RefundInTx(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, sp *storage.Payment, amount money.Amount, reason string) error {
	if sp.Purpose == payment.PurposeTopUp {
		return fmt.Errorf("%w: %q is a top-up", billingtype.ErrNotRefundable, sp.ID)
	}
	if err := core.SameCurrency(acct, amount); err != nil {
		return err
	}
	refunded, status, err := payment.ApplyRefund(payment.Status(sp.Status), sp.Amount, sp.Refunded, amount)
	if errors.Is(err, payment.ErrIllegalTransition) {
		return fmt.Errorf("%w: %q is %s: %w", billingtype.ErrNotRefundable, sp.ID, sp.Status, err)
	}
	if err != nil {
		return err
	}
	now := s.Now()
	refundID, err := s.NewID("rfd")
	if err != nil {
		return err
	}
	e, err := payment.RefundEntry(payment.EntryMeta{
		ID: EntryID(payment.EntryRefund, refundID), At: now, Memo: reason,
		Reference: payment.Reference{Type: payment.RefPayment, ID: sp.ID},
	}, amount)
	if err != nil {
		return err
	}
	if _, err := AppendEntry(ctx, tx, acct, e, time.Time{}); err != nil {
		return err
	}
	sp.Refunded, sp.Status, sp.UpdatedAt = refunded, status, now
	_, err = tx.Payments().Update(ctx, *sp)
	return err
}
