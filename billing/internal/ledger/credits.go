package ledger

import (
	"context"
	"time"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// refundToCash credits amount to the account's cash (a refund entry that
// is not tied to a payment: a downgrade or a delete).
func RefundToCash(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, amount money.Amount, refType payment.ReferenceType, refID, memo string) error {
	id, err := s.NewID("rfd")
	if err != nil {
		return err
	}
	e, err := payment.RefundEntry(payment.EntryMeta{ID: EntryID(payment.EntryRefund, id), At: s.Now(), Memo: memo,
		Reference: payment.Reference{Type: refType, ID: refID}}, amount)
	if err != nil {
		return err
	}
	_, err = AppendEntry(ctx, tx, acct, e, time.Time{})
	return err
}
