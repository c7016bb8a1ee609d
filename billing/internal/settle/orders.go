package settle

import (
	"context"
	"errors"
	"fmt"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/outbox"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

// OrderPaid settles an order whose payment sp succeeded (nil for an order
// a coupon made free), in the payment's transaction: the order is paid, its
// coupon reservations consumed, and every resource moves to provisioning
// with an EventProvision for the host — or, for an order on existing
// resources, the renewal, recovery or resize is applied.
func OrderPaid(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, orderID string, sp *storage.Payment) error {
	o, err := tx.Orders().GetForUpdate(ctx, acct.ID, orderID)
	if err != nil {
		return err
	}
	return settleOrder(ctx, s, tx, acct, o, sp)
}

// settleOrder is OrderPaid for the order o, already read and locked in tx.
func settleOrder(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, o storage.Order, sp *storage.Payment) error {
	orderID := o.ID
	paymentID := ""
	if sp != nil {
		paymentID = sp.ID
	}
	if o.Status != order.StatusPending {
		// Callers settle only pending orders (settleObligation); reaching
		// here otherwise is a bug that must not take money silently.
		return fmt.Errorf("billing: order %q is %s, not payable", o.ID, o.Status)
	}
	now := s.Now()
	o.Status, o.PaymentID, o.UpdatedAt = order.StatusPaid, paymentID, now
	od := o.Detail
	if sp == nil && od.Quote.Estimate {
		// A postpaid purchase: nothing was paid, its resources are billed
		// in arrears (placePostpaidOrder); say so rather than "paid".
		o.Status = order.StatusBilledInArrears
	}
	if od.Kind != order.KindCreate && od.Kind != "" {
		// Renewals and recoveries act on existing resources at once.
		o.Status = order.StatusCompleted
	}
	// The writes of a settlement are held back and go out with the
	// transaction's next read or its commit: a failure among them fails
	// the transaction.
	wctx := storage.DeferWrites(ctx)
	if err := tx.Orders().Update(wctx, o); err != nil {
		return err
	}
	k := known(ctx, acct.ID, orderID)
	if k != nil {
		k.Order = o
	}
	if err := moveRedemptions(ctx, s, tx, o, coupon.RedemptionConsume); err != nil {
		return err
	}
	if od.Kind != order.KindCreate && od.Kind != "" {
		return applyPaidTargets(ctx, s, tx, acct, o, od, sp)
	}
	var resources []storage.Resource
	if k != nil && k.ResourcesComplete {
		resources = k.Resources
	} else {
		var err error
		if resources, err = tx.Resources().ListByOrder(ctx, acct.ID, orderID); err != nil {
			return err
		}
	}
	for i, r := range resources {
		d := r.ResourceDetail
		next, err := lifecycle.Next(lifecycle.State(r.Status), lifecycle.EventPay)
		if err != nil {
			return err
		}
		r.Status, r.UpdatedAt = next, now
		d.PaymentID = paymentID
		r.ResourceDetail = d
		if k != nil && k.ResourcesComplete {
			stored, err := tx.Resources().Update(wctx, r)
			if err != nil {
				return err
			}
			k.Resources[i] = stored
		} else {
			// Nothing reads the stored resource back: UpdateMany is
			// Update without handing a copy of it out.
			resources[i] = r
			if err := tx.Resources().UpdateMany(wctx, resources[i:i+1]); err != nil {
				return err
			}
		}
		if err := outbox.Emit(wctx, s, tx, acct.ID, r.ID, billingtype.EventProvision, "provision:"+r.ID, billingtype.ProvisionPayload{
			ResourceID: r.ID, ProductID: r.ProductID, Configuration: d.Configuration, Term: d.Term.String(),
		}); err != nil {
			return err
		}
	}
	return nil
}

// orderPaymentFailed ends an order whose payment failed, expired or was
// canceled: the order is marked, the coupons released, the resources
// canceled.
func orderPaymentFailed(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, orderID string) error {
	o, err := tx.Orders().GetForUpdate(ctx, acct.ID, orderID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil || o.Status != order.StatusPending {
		return err
	}
	now := s.Now()
	o.Status, o.UpdatedAt = order.StatusFailed, now
	if err := tx.Orders().Update(ctx, o); err != nil {
		return err
	}
	if err := moveRedemptions(ctx, s, tx, o, coupon.RedemptionRelease); err != nil {
		return err
	}
	od := o.Detail
	if od.Kind != order.KindCreate && od.Kind != "" {
		// A failed renewal, recovery or resize leaves its resources as
		// they are; an automatic renewal tells the customer.
		if core.IsAutoRenewal(od.Actor) {
			for _, t := range od.Targets {
				r, err := tx.Resources().Get(ctx, acct.ID, t.ResourceID)
				if err != nil {
					return err
				}
				if err := outbox.Notify(ctx, s, tx, acct, &r, billingtype.NoticeAutoRenewFailed, "", "the linked account was not charged"); err != nil {
					return err
				}
			}
		}
		return nil
	}
	resources, err := tx.Resources().ListByOrder(ctx, acct.ID, orderID)
	if err != nil {
		return err
	}
	for _, r := range resources {
		next, err := lifecycle.Next(lifecycle.State(r.Status), lifecycle.EventCancel)
		if err != nil {
			return err
		}
		r.Status, r.UpdatedAt = next, now
		if _, err := tx.Resources().Update(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

// moveRedemptions applies ev to every live redemption of an order.
// An order without coupon codes has no redemptions (they are reserved
// only for the codes the order records), so nothing is read for it.
func moveRedemptions(ctx context.Context, s *core.Env, tx storage.Tx, o storage.Order, ev coupon.RedemptionEvent) error {
	accountID, orderID := o.AccountID, o.ID
	k := known(ctx, accountID, orderID)
	var list []storage.Redemption
	switch {
	case k != nil && k.RedemptionsKnown:
		list = k.Redemptions
	case len(o.Coupons) == 0:
		return nil
	default:
		var err error
		if list, err = tx.Redemptions().ListByOrder(ctx, accountID, orderID); err != nil {
			return err
		}
	}
	wctx := storage.DeferWrites(ctx)
	for i, r := range list {
		next, err := coupon.NextRedemption(coupon.RedemptionStatus(r.Status), ev)
		if err != nil {
			continue // already released: nothing to do
		}
		r.Status, r.UpdatedAt = next, s.Now()
		if err := tx.Redemptions().Update(wctx, r); err != nil {
			return err
		}
		if k != nil && k.RedemptionsKnown {
			k.Redemptions[i] = r
		}
	}
	return nil
}
