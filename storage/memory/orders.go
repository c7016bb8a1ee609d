package memory

import (
	"context"
	"fmt"
	"slices"

	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/storage"
)

// orderState holds coupons, redemptions and orders.
type orderState struct {
	coupons       map[string]storage.CouponRecord
	redemptions   map[string]storage.Redemption // by id
	redemptionsBy map[[2]string][]string        // (tenant, order) → ids
	orders        *table[string, storage.Order]
	ordersBy      *lists[string, string] // tenant → order ids
}

func newOrderState() orderState {
	return orderState{
		coupons:       map[string]storage.CouponRecord{},
		redemptions:   map[string]storage.Redemption{},
		redemptionsBy: map[[2]string][]string{},
		orders:        newTable[string, storage.Order](),
		ordersBy:      newLists[string, string](),
	}
}

type coupons struct{ t *tx }

func (r coupons) Create(ctx context.Context, c storage.CouponRecord) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if c.Code == "" {
		return fmt.Errorf("memory: coupon without code: %w", storage.ErrInvalidRecord)
	}
	m := r.t.data.orders.coupons
	if _, ok := m[c.Code]; ok {
		return fmt.Errorf("memory: coupon %q: %w", c.Code, storage.ErrDuplicate)
	}
	put(r.t, m, c.Code, c.Clone())
	return nil
}

func (r coupons) Get(ctx context.Context, code string) (storage.CouponRecord, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.CouponRecord{}, err
	}
	c, ok := r.t.data.orders.coupons[code]
	if !ok {
		return storage.CouponRecord{}, fmt.Errorf("memory: coupon %q: %w", code, storage.ErrNotFound)
	}
	return c.Clone(), nil
}

func (r coupons) GetForUpdate(ctx context.Context, code string) (storage.CouponRecord, error) {
	return r.Get(ctx, code)
}

func (r coupons) Update(ctx context.Context, c storage.CouponRecord) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	m := r.t.data.orders.coupons
	old, ok := m[c.Code]
	if !ok {
		return fmt.Errorf("memory: coupon %q: %w", c.Code, storage.ErrNotFound)
	}
	c.CreatedAt = old.CreatedAt
	put(r.t, m, c.Code, c.Clone())
	return nil
}

type redemptions struct{ t *tx }

func (r redemptions) Create(ctx context.Context, rd storage.Redemption) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if rd.ID == "" || rd.Code == "" || rd.AccountID == "" || !validRedemptionStatus(rd.Status) {
		return fmt.Errorf("memory: redemption without id, code, account or a known status: %w", storage.ErrInvalidRecord)
	}
	s := &r.t.data.orders
	if _, ok := s.redemptions[rd.ID]; ok {
		return fmt.Errorf("memory: redemption %q: %w", rd.ID, storage.ErrDuplicate)
	}
	put(r.t, s.redemptions, rd.ID, rd)
	appendTo(r.t, s.redemptionsBy, [2]string{rd.AccountID, rd.OrderID}, rd.ID)
	return nil
}

func (r redemptions) Update(ctx context.Context, rd storage.Redemption) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if !validRedemptionStatus(rd.Status) {
		return fmt.Errorf("memory: redemption status %q: %w", rd.Status, storage.ErrInvalidRecord)
	}
	s := &r.t.data.orders
	old, ok := s.redemptions[rd.ID]
	if !ok || old.AccountID != rd.AccountID {
		return fmt.Errorf("memory: redemption %q: %w", rd.ID, storage.ErrNotFound)
	}
	rd.CreatedAt = old.CreatedAt
	put(r.t, s.redemptions, rd.ID, rd)
	return nil
}

func (r redemptions) ListByOrder(ctx context.Context, accountID, orderID string) ([]storage.Redemption, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	s := &r.t.data.orders
	var out []storage.Redemption
	for _, id := range s.redemptionsBy[[2]string{accountID, orderID}] {
		out = append(out, s.redemptions[id])
	}
	return out, nil
}

func (r redemptions) Count(ctx context.Context, code, accountID string) (int, int, error) {
	if err := r.t.check(ctx); err != nil {
		return 0, 0, err
	}
	// A scan: the memory store favours simplicity; redemptions are few
	// next to everything else it holds.
	total, mine := 0, 0
	for _, rd := range r.t.data.orders.redemptions {
		if rd.Code != code || (rd.Status != coupon.RedemptionReserved && rd.Status != coupon.RedemptionConsumed) {
			continue
		}
		total++
		if accountID != "" && rd.AccountID == accountID {
			mine++
		}
	}
	return total, mine, nil
}

type orders struct{ t *tx }

func (r orders) Create(ctx context.Context, o storage.Order) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if o.ID == "" || o.AccountID == "" || o.Status == "" {
		return fmt.Errorf("memory: order without id, account or status: %w", storage.ErrInvalidRecord)
	}
	m := r.t.data.orders.orders.m
	if _, ok := m[o.ID]; ok {
		return fmt.Errorf("memory: order %q: %w", o.ID, storage.ErrDuplicate)
	}
	set(r.t, r.t.data.orders.orders, o.ID, o.Clone())
	add(r.t, r.t.data.orders.ordersBy, o.AccountID, o.ID)
	return nil
}

func (r orders) Get(ctx context.Context, accountID, id string) (storage.Order, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Order{}, err
	}
	o, ok := r.t.data.orders.orders.m[id]
	if !ok || o.AccountID != accountID {
		return storage.Order{}, fmt.Errorf("memory: order %q: %w", id, storage.ErrNotFound)
	}
	return o.Clone(), nil
}

func (r orders) GetForUpdate(ctx context.Context, accountID, id string) (storage.Order, error) {
	return r.Get(ctx, accountID, id)
}

func (r orders) Update(ctx context.Context, o storage.Order) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	m := r.t.data.orders.orders.m
	old, ok := m[o.ID]
	if !ok || old.AccountID != o.AccountID {
		return fmt.Errorf("memory: order %q: %w", o.ID, storage.ErrNotFound)
	}
	o.CreatedAt = old.CreatedAt
	o.Detail = keepOrderDetail(old.Detail, o.Detail) // a copy: see share.go
	set(r.t, r.t.data.orders.orders, o.ID, o)
	return nil
}

func (r orders) CountByAccount(ctx context.Context, accountID string, statuses ...order.Status) (int, error) {
	if err := r.t.check(ctx); err != nil {
		return 0, err
	}
	n := 0
	s := &r.t.data.orders
	for _, id := range s.ordersBy.m[accountID] {
		if o := s.orders.m[id]; len(statuses) == 0 || slices.Contains(statuses, o.Status) {
			n++
		}
	}
	return n, nil
}

// validRedemptionStatus is the set every store enforces.
func validRedemptionStatus(s coupon.RedemptionStatus) bool {
	return s == coupon.RedemptionReserved || s == coupon.RedemptionConsumed || s == coupon.RedemptionReleased
}
