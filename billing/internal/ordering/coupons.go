package ordering

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/storage"
)

// ApplyCoupons evaluates the entered codes against an order's lines inside
// the checkout transaction. It locks each coupon (so concurrent checkouts
// of one coupon serialise and its limits hold), reads usage, and returns
// the quote discounts (restricted to the eligible lines) and the coupon
// result. Unknown codes are rejected by coupon.Evaluate.
func ApplyCoupons(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, action coupon.Action, codes []string, lines []pricing.QuoteLine) ([]pricing.Discount, coupon.Result, error) {
	if len(codes) == 0 {
		return nil, coupon.Result{}, nil
	}
	req := coupon.Request{Codes: codes, AccountID: acct.ID, Action: action, Currency: acct.Currency, Now: s.Now(), Usage: map[string]coupon.Usage{}}
	for _, l := range lines {
		req.Lines = append(req.Lines, coupon.Line{Product: l.ProductID, Amount: l.Subtotal})
	}
	// Lock in a fixed (sorted) order so two checkouts entering the same
	// coupons in different orders cannot deadlock.
	sorted := slices.Clone(codes)
	for i, c := range sorted {
		if n, err := coupon.NormalizeCode(c); err == nil {
			sorted[i] = n
		}
	}
	slices.Sort(sorted)
	for _, code := range slices.Compact(sorted) {
		rec, err := tx.Coupons().GetForUpdate(ctx, code)
		if errors.Is(err, storage.ErrNotFound) {
			continue // Evaluate reports it as unknown
		}
		if err != nil {
			return nil, coupon.Result{}, err
		}
		req.Coupons = append(req.Coupons, rec.Definition)
		total, mine, err := tx.Redemptions().Count(ctx, code, acct.ID)
		if err != nil {
			return nil, coupon.Result{}, err
		}
		req.Usage[code] = coupon.Usage{Total: total, Account: mine}
	}
	prior, err := tx.Orders().CountByAccount(ctx, acct.ID, order.StatusPaid, order.StatusCompleted, order.StatusPending, order.StatusBilledInArrears)
	if err != nil {
		return nil, coupon.Result{}, err
	}
	req.FirstOrder = prior == 0
	res, err := coupon.Evaluate(req)
	if err != nil {
		return nil, coupon.Result{}, err
	}
	var discounts []pricing.Discount
	for _, a := range res.Applied {
		d := pricing.Discount{Code: a.Code, Label: "coupon " + a.Code, Amount: a.Amount, Items: []int{}}
		for i, share := range a.Shares {
			if share.IsPositive() {
				d.Items = append(d.Items, i)
			}
		}
		if len(d.Items) == 0 {
			continue
		}
		discounts = append(discounts, d)
	}
	return discounts, res, nil
}

// reserveRedemptions records the coupons an order applied as reserved
// redemptions of the order: they count against the coupons' limits until
// the order is paid (redeemed) or fails (released).
func reserveRedemptions(ctx context.Context, s *core.Env, tx storage.Tx, accountID, orderID string, applied []coupon.Applied, now time.Time) ([]storage.Redemption, error) {
	out := make([]storage.Redemption, 0, len(applied))
	for _, a := range applied {
		rid, err := s.NewID("rdm")
		if err != nil {
			return nil, err
		}
		r := storage.Redemption{ID: rid, Code: a.Code, AccountID: accountID, OrderID: orderID,
			Status: core.RedemptionReserved, Amount: a.Amount, CreatedAt: now, UpdatedAt: now}
		if err := tx.Redemptions().Create(ctx, r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}
