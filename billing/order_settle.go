package billing

import (
	"context"
	"errors"
	"fmt"

	"github.com/cloudbill/cloudbill/billing/order"

	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

// orderPaid settles an order whose payment sp succeeded (nil for an order
// a coupon made free), in the payment's transaction: the order is paid, its
// coupon reservations consumed, and every resource moves to provisioning
// with an EventProvision for the host — or, for an order on existing
// resources, the renewal, recovery or resize is applied.
func (s *System) orderPaid(ctx context.Context, tx storage.Tx, acct Account, orderID string, sp *storage.Payment) error {
	o, err := tx.Orders().GetForUpdate(ctx, acct.ID, orderID)
	if err != nil {
		return err
	}
	return s.settleOrder(ctx, tx, acct, o, sp)
}

// settleOrder is orderPaid for the order o, already read and locked in tx.
func (s *System) settleOrder(ctx context.Context, tx storage.Tx, acct Account, o storage.Order, sp *storage.Payment) error {
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
	now := s.now()
	o.Status, o.PaymentID, o.UpdatedAt = order.StatusPaid, paymentID, now
	od := o.Detail
	if od.Kind != order.KindCreate && od.Kind != "" {
		// Renewals and recoveries act on existing resources at once.
		o.Status = order.StatusCompleted
	}
	if err := tx.Orders().Update(ctx, o); err != nil {
		return err
	}
	if err := s.moveRedemptions(ctx, tx, acct.ID, orderID, coupon.RedemptionConsume); err != nil {
		return err
	}
	if od.Kind != order.KindCreate && od.Kind != "" {
		return s.applyPaidTargets(ctx, tx, acct, o, od, sp)
	}
	resources, err := tx.Resources().ListByOrder(ctx, acct.ID, orderID)
	if err != nil {
		return err
	}
	for _, r := range resources {
		d := r.ResourceDetail
		next, err := lifecycle.Next(lifecycle.State(r.Status), lifecycle.EventPay)
		if err != nil {
			return err
		}
		r.Status, r.UpdatedAt = next, now
		d.PaymentID = paymentID
		r.ResourceDetail = d
		if _, err := tx.Resources().Update(ctx, r); err != nil {
			return err
		}
		if err := s.emit(ctx, tx, acct.ID, r.ID, EventProvision, "provision:"+r.ID, ProvisionPayload{
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
func (s *System) orderPaymentFailed(ctx context.Context, tx storage.Tx, acct Account, orderID string) error {
	o, err := tx.Orders().GetForUpdate(ctx, acct.ID, orderID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil || o.Status != order.StatusPending {
		return err
	}
	now := s.now()
	o.Status, o.UpdatedAt = order.StatusFailed, now
	if err := tx.Orders().Update(ctx, o); err != nil {
		return err
	}
	if err := s.moveRedemptions(ctx, tx, acct.ID, orderID, coupon.RedemptionRelease); err != nil {
		return err
	}
	od := o.Detail
	if od.Kind != order.KindCreate && od.Kind != "" {
		// A failed renewal, recovery or resize leaves its resources as
		// they are; an automatic renewal tells the customer.
		if od.Actor == ActorAutoRenew || od.Actor == legacyAutoRenewActor {
			for _, t := range od.Targets {
				r, err := tx.Resources().Get(ctx, acct.ID, t.ResourceID)
				if err != nil {
					return err
				}
				if err := s.notify(ctx, tx, acct, &r, NoticeAutoRenewFailed, "", "the linked account was not charged"); err != nil {
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
func (s *System) moveRedemptions(ctx context.Context, tx storage.Tx, accountID, orderID string, ev coupon.RedemptionEvent) error {
	list, err := tx.Redemptions().ListByOrder(ctx, accountID, orderID)
	if err != nil {
		return err
	}
	for _, r := range list {
		next, err := coupon.NextRedemption(coupon.RedemptionStatus(r.Status), ev)
		if err != nil {
			continue // already released: nothing to do
		}
		r.Status, r.UpdatedAt = next, s.now()
		if err := tx.Redemptions().Update(ctx, r); err != nil {
			return err
		}
	}
	return nil
}
