package settle

import (
	"context"
	"errors"
	"fmt"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// linkPaid marks the link a succeeded payment paid, in the payment's
// transaction. A link paid meanwhile by another payment, or expired before
// this payer started paying, is not paid twice: the money is refunded to
// the account's cash credit instead, so nobody's money is lost.
func settleLink(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, p *storage.Payment) error {
	l, err := tx.PaymentLinks().GetForUpdate(ctx, p.PurposeRef)
	if err != nil {
		return err
	}
	pl, err := core.PureLink(l).MarkPaid(p.ID, p.CreatedAt)
	if errors.Is(err, payment.ErrLinkPaid) || errors.Is(err, payment.ErrLinkExpired) {
		return creditPayment(ctx, s, tx, acct, p, "the payment link was already paid or had expired")
	}
	if err != nil {
		return fmt.Errorf("billing: payment link of %q: %w", p.ID, err)
	}
	l.Status, l.PaymentID, l.UpdatedAt = core.LinkPaid, pl.PaymentID, s.Now()
	if err := tx.PaymentLinks().Update(ctx, l); err != nil {
		return err
	}
	return settleObligation(ctx, s, tx, acct, p, payment.Purpose{Kind: payment.PurposeKind(l.Purpose), Ref: l.PurposeRef})
}
