package settle

import (
	"context"
	"fmt"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/ledger"
	"github.com/cloudbill/cloudbill/billing/internal/resource"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// RefundOrderPayment refunds amount of a succeeded order payment to the
// account's cash credit (RefundToCredit's transaction body): at most what
// the payment still holds (less refunds to its original method still
// pending), less what resources still being provisioned may need back,
// and at most the unused paid value of the resources it paid, which
// shrinks by as much (oldest line first).
func RefundOrderPayment(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, sp *storage.Payment, amount money.Amount, reason string) error {
	if err := CheckOrderRefund(ctx, s, tx, acct, *sp, amount); err != nil {
		return err
	}
	if _, err := TakeOrderValue(ctx, s, tx, acct, *sp, amount, reason); err != nil {
		return err
	}
	return ledger.RefundInTx(ctx, s, tx, acct, sp, amount, core.ClipText(reason, payment.MaxMemoLen))
}

// orderRefundable returns the locked resources a succeeded order payment
// paid for, the unused paid value of each now, and the most that can be
// refunded of it now: what the payment still holds (less pending refunds
// to its original method and what resources still being provisioned may
// need back), and at most the resources' unused value.
func orderRefundable(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, sp storage.Payment) ([]storage.Resource, []money.Amount, money.Amount, error) {
	orderID, err := paidOrder(ctx, tx, acct, sp)
	if err != nil {
		return nil, nil, money.Amount{}, err
	}
	resources, err := orderResources(ctx, tx, acct, orderID)
	if err != nil {
		return nil, nil, money.Amount{}, err
	}
	now := s.Now()
	room, err := sp.Amount.Sub(sp.Refunded)
	if err != nil {
		return nil, nil, money.Amount{}, err
	}
	pending, _, err := MethodRefunds(ctx, tx, sp)
	if err != nil {
		return nil, nil, money.Amount{}, err
	}
	if room, err = room.Sub(pending); err != nil {
		return nil, nil, money.Amount{}, err
	}
	unused := make([]money.Amount, len(resources))
	value := sp.Amount.MulInt(0)
	for i, r := range resources {
		d := r.ResourceDetail
		if st := lifecycle.State(r.Status); st == lifecycle.StateProvisioning || st == lifecycle.StatePendingPayment {
			if room, err = room.Sub(d.Line.Total); err != nil {
				return nil, nil, money.Amount{}, err
			}
			unused[i] = value.MulInt(0)
			continue
		}
		if unused[i], _, err = resource.UnusedValue(ctx, s, tx, acct, r, d, now); err != nil {
			return nil, nil, money.Amount{}, err
		}
		if value, err = value.Add(unused[i]); err != nil {
			return nil, nil, money.Amount{}, err
		}
	}
	if !room.IsPositive() {
		room = room.MulInt(0)
	}
	return resources, unused, minAmount(room, value), nil
}

// CheckOrderRefund refuses, with payment.ErrOverRefund, a refund of
// amount of an order payment above what can be refunded now (see
// orderRefundable).
func CheckOrderRefund(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, sp storage.Payment, amount money.Amount) error {
	_, _, limit, err := orderRefundable(ctx, s, tx, acct, sp)
	if err != nil {
		return err
	}
	if c, err := amount.Cmp(limit); err != nil {
		return err
	} else if c > 0 {
		return fmt.Errorf("%w: payment %q can refund at most %s now (what it holds less pending refunds, within its resources' unused paid value)",
			payment.ErrOverRefund, sp.ID, limit)
	}
	return nil
}

// TakeOrderValue takes up to amount of the unused paid value of the
// resources an order payment paid, oldest line first, each documented by
// credit notes against its invoices, and returns what it took (less than
// amount only when the value shrank since the refund was checked).
func TakeOrderValue(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, sp storage.Payment, amount money.Amount, reason string) (money.Amount, error) {
	resources, unused, _, err := orderRefundable(ctx, s, tx, acct, sp)
	if err != nil {
		return money.Amount{}, err
	}
	now := s.Now()
	left := amount
	for i := range resources {
		if !left.IsPositive() {
			break
		}
		take := minAmount(left, unused[i])
		if !take.IsPositive() {
			continue
		}
		r := resources[i]
		d := r.ResourceDetail
		coded := invoice.CreditReason{Code: invoice.CreditRefund, Note: core.ClipText(reason, invoice.MaxTextLen)}
		if err := resource.TakeValue(ctx, s, tx, acct, &r, &d, take, core.ClipText(reason, invoice.MaxTextLen), coded); err != nil {
			return money.Amount{}, err
		}
		r.UpdatedAt = now
		if err := resource.SaveResource(ctx, s, tx, &r, &d, s.Rules(acct, r.ProductID)); err != nil {
			return money.Amount{}, err
		}
		if left, err = left.Sub(take); err != nil {
			return money.Amount{}, err
		}
	}
	return amount.Sub(left)
}

// MethodRefunds sums the refunds of sp to its original method: those
// still pending (reserved) and those that succeeded. A store without
// refunds has none.
func MethodRefunds(ctx context.Context, tx storage.Tx, sp storage.Payment) (pending, succeeded money.Amount, err error) {
	pending, succeeded = sp.Amount.MulInt(0), sp.Amount.MulInt(0)
	rs, ok := tx.(storage.RefundStore)
	if !ok {
		return pending, succeeded, nil
	}
	list, err := rs.Refunds().ListByPayment(ctx, sp.AccountID, sp.ID)
	if err != nil {
		return pending, succeeded, err
	}
	for _, r := range list {
		switch r.Status {
		case payment.RefundPending:
			pending, err = pending.Add(r.Amount)
		case payment.RefundSucceeded:
			succeeded, err = succeeded.Add(r.Amount)
		}
		if err != nil {
			return pending, succeeded, err
		}
	}
	return pending, succeeded, nil
}

// paidOrder returns the order a succeeded payment paid, directly or through
// a payment link, or billingtype.ErrNotRefundable for payments that paid no order.
func paidOrder(ctx context.Context, tx storage.Tx, acct storage.Account, sp storage.Payment) (string, error) {
	switch payment.PurposeKind(sp.Purpose) {
	case payment.PurposeOrder:
		return sp.PurposeRef, nil
	case payment.PurposePaymentLink:
		l, err := tx.PaymentLinks().GetForUpdate(ctx, sp.PurposeRef)
		if err != nil {
			return "", err
		}
		if payment.PurposeKind(l.Purpose) == payment.PurposeOrder {
			return l.PurposeRef, nil
		}
	case payment.PurposeTopUp:
		return "", fmt.Errorf("%w: %q is a top-up, which is credit already", billingtype.ErrNotRefundable, sp.ID)
	}
	return "", fmt.Errorf("%w: %q paid %s %q, not an order", billingtype.ErrNotRefundable, sp.ID, sp.Purpose, sp.PurposeRef)
}

// orderResources returns, locked, the resources an order bought or acts
// on, in the order's line order.
func orderResources(ctx context.Context, tx storage.Tx, acct storage.Account, orderID string) ([]storage.Resource, error) {
	o, err := tx.Orders().GetForUpdate(ctx, acct.ID, orderID)
	if err != nil {
		return nil, core.MapNotFound(err, billingtype.ErrOrderNotFound, orderID)
	}
	od := o.Detail
	var out []storage.Resource
	if od.Kind == order.KindCreate || od.Kind == "" {
		list, err := tx.Resources().ListByOrder(ctx, acct.ID, orderID)
		if err != nil {
			return nil, err
		}
		for _, r := range list {
			if r, err = tx.Resources().GetForUpdate(ctx, acct.ID, r.ID); err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		return out, nil
	}
	for _, t := range od.Targets {
		r, err := tx.Resources().GetForUpdate(ctx, acct.ID, t.ResourceID)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// minAmount returns the smaller of two amounts of one currency.
func minAmount(a, b money.Amount) money.Amount {
	if c, err := a.Cmp(b); err == nil && c > 0 {
		return b
	}
	return a
}
