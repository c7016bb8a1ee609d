package ordering

import (
	"context"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/resource"
	"github.com/cloudbill/cloudbill/billing/internal/settle"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/storage"
)

// placePostpaidOrder records a postpaid account's checkout inside its
// transaction (the account locked): nothing is paid now, so the purchase
// is first checked against the overdue block and the credit limit, then
// the order is recorded with nothing due and no payment, status
// order.StatusBilledInArrears, its quote marked an estimate, and its
// resources go to provisioning. They are billed in arrears at month close
// from the minute they are provisioned. Coupons are reserved now and
// consumed by the order; each resource's share comes off its bills.
func placePostpaidOrder(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, req billingtype.CheckoutRequest) (PlacedOrder, error) {
	q, cres, err := PriceOrder(ctx, s, tx, acct, req)
	if err != nil {
		return PlacedOrder{}, err
	}
	if !req.ExpectedTotal.IsZero() && !req.ExpectedTotal.Equal(q.Total) {
		return PlacedOrder{}, &billingtype.QuoteChangedError{Expected: req.ExpectedTotal, Current: q.Total}
	}
	monthly, err := resource.MonthlyPrice(s, q)
	if err != nil {
		return PlacedOrder{}, err
	}
	if err := checkPostpaidPurchase(ctx, s, tx, acct, monthly); err != nil {
		return PlacedOrder{}, err
	}
	now := s.Now()
	orderID, err := s.NewID("ord")
	if err != nil {
		return PlacedOrder{}, err
	}
	detail := order.Detail{Kind: order.KindCreate, Items: req.Items, Coupons: req.Coupons, Quote: q, Actor: core.OrDefault(req.Actor, acct.ID)}
	// Nothing is due on the order itself: its resources are billed by
	// month, so the order is not an obligation a payment could settle.
	if err := tx.Orders().Create(ctx, storage.Order{ID: orderID, AccountID: acct.ID, Status: order.StatusPending,
		Total: q.Total.MulInt(0), Detail: detail, CreatedAt: now, UpdatedAt: now}); err != nil {
		return PlacedOrder{}, err
	}
	if _, err := reserveRedemptions(ctx, s, tx, acct.ID, orderID, cres.Applied, now); err != nil {
		return PlacedOrder{}, err
	}
	if _, err := createResources(ctx, s, tx, acct, orderID, q, cres, resourceNames(req.Items), true); err != nil {
		return PlacedOrder{}, err
	}
	return PlacedOrder{OrderID: orderID}, settle.OrderPaid(ctx, s, tx, acct, orderID, nil)
}
