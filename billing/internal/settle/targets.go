package settle

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/ledger"
	"github.com/cloudbill/cloudbill/billing/internal/outbox"
	"github.com/cloudbill/cloudbill/billing/internal/resource"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/storage"
)

// applyPaidTargets applies a paid renew, match, recover or resize order
// to its resources, in the payment's transaction. A resource that can no
// longer take its line — released or deleted before a renewal's money
// arrived, no longer active for a resize — does not keep the money: that
// line's total goes back to the account's cash credit.
func applyPaidTargets(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, o storage.Order, od order.Detail, sp *storage.Payment) error {
	paymentID := ""
	if sp != nil {
		paymentID = sp.ID
	}
	for i, target := range od.Targets {
		r, err := tx.Resources().GetForUpdate(ctx, acct.ID, target.ResourceID)
		if err != nil {
			return err
		}
		d := r.ResourceDetail
		line := od.Quote.Lines[i]
		why := resource.TargetGone(s, acct, r, od.Kind)
		if why == "" && (od.Kind == order.KindRenew || od.Kind == order.KindMatchEndTime) && !target.Start.Equal(r.PeriodEnd) {
			// Renewed since this order was placed: it would extend from the
			// new end by the same length, which must stay within range.
			if err := period.CheckEnd(r.PeriodEnd.Add(target.End.Sub(target.Start))); err != nil {
				why = fmt.Sprintf("resource %s: %v", r.ID, err)
			}
		}
		if why != "" {
			paid := line.Total
			if od.Kind == order.KindResize {
				// A resize order's line is the new configuration's price
				// for the rest of the term; what was paid is the upgrade.
				paid = o.Total
			}
			if err := ledger.CreditToCash(ctx, s, tx, acct, sp, paid, why, ""); err != nil {
				return err
			}
			continue
		}
		d.PaymentID = paymentID
		if od.Kind == order.KindResize {
			if target.Resize == nil {
				return fmt.Errorf("billing: resize order %q has no resize for resource %q", o.ID, r.ID)
			}
			if _, err := resource.ApplyResize(ctx, s, tx, acct, &r, &d, *target.Resize, o.Total, od.Actor); err != nil {
				return err
			}
			continue
		}
		if od.Kind == order.KindRecover {
			err = resource.RecoverPaid(ctx, s, tx, acct, &r, &d, line, o.ID, od.Actor)
		} else {
			err = resource.ExtendPaid(ctx, s, tx, acct, &r, &d, line, target, od.Kind, od.Actor)
		}
		if err != nil {
			return err
		}
		if core.IsAutoRenewal(od.Actor) {
			if err := outbox.Notify(ctx, s, tx, acct, &r, billingtype.NoticeAutoRenewed, "", "renewed until "+r.PeriodEnd.Format(time.RFC3339)); err != nil {
				return err
			}
		}
	}
	return nil
}
