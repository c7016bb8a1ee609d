package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/storage"
)

// orders is the storage.Orders of one transaction.
type orders struct{ t *tx }

// validOrder checks o in Go and returns its currency and total arguments.
func validOrder(op string, o storage.Order) (pgtype.Text, pgtype.Numeric, error) {
	fail := func(reason string) (pgtype.Text, pgtype.Numeric, error) {
		return pgtype.Text{}, pgtype.Numeric{}, invalid(op, reason)
	}
	switch {
	case o.ID == "" || o.AccountID == "" || o.Status == "":
		return fail("id, account and status are required")
	case !allStorable(o.ID, o.AccountID, string(o.Status), o.PaymentID, string(o.Kind), o.Actor) || !allStorable(o.Coupons...):
		return fail("text must be UTF-8 without NUL bytes")
	}
	cur, total, ok := moneyArgs(o.Total)
	if !ok {
		return fail(fmt.Sprintf("currency %q is not three upper-case letters", o.Total.Currency().Code()))
	}
	return cur, total, nil
}

func (r orders) Create(ctx context.Context, o storage.Order) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	op := fmt.Sprintf("create order %q", o.ID)
	cur, total, err := validOrder(op, o)
	if err != nil {
		return err
	}
	if err := r.t.create(ctx, op, r.t.s.q.orders.createOrder, orderArgs(o, cur, total)); err != nil {
		return err
	}
	if storage.WritesDeferred(ctx) {
		r.t.pg.holdInsert(heldKey{r.t.s.tables.orders, o.AccountID, o.ID}, o.CreatedAt)
	}
	return nil
}

func (r orders) Get(ctx context.Context, accountID, id string) (storage.Order, error) {
	return r.get(ctx, "get order", r.t.s.q.orders.getOrder, accountID, id)
}

// GetForUpdate matches the tenant too, so another tenant's order is neither
// returned nor locked.
func (r orders) GetForUpdate(ctx context.Context, accountID, id string) (storage.Order, error) {
	return r.get(ctx, "get order for update", r.t.s.q.orders.getOrderForUpdate, accountID, id)
}

func (r orders) get(ctx context.Context, op, query, accountID, id string) (storage.Order, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Order{}, err
	}
	op = fmt.Sprintf("%s %q", op, id)
	if !possibleKey(accountID) || !possibleKey(id) {
		return storage.Order{}, notFound(op)
	}
	return queryOne(ctx, r.t, op, query, scanOrder, id, accountID)
}

// Update replaces everything but the id, the tenant and CreatedAt.
func (r orders) Update(ctx context.Context, o storage.Order) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	op := fmt.Sprintf("update order %q", o.ID)
	if !possibleKey(o.ID) || !possibleKey(o.AccountID) {
		return notFound(op)
	}
	cur, total, err := validOrder(op, o)
	if err != nil {
		return err
	}
	args := orderArgs(o, cur, total)
	if storage.WritesDeferred(ctx) {
		if h := r.t.pg.heldInsertOf(heldKey{r.t.s.tables.orders, o.AccountID, o.ID}); h != nil {
			// Folded into the queued insert: the row as this update
			// leaves it, created_at kept.
			args[12] = h.createdAt
			r.t.pg.queued[h.idx].args = args
			h.updates++
			return nil
		}
	}
	args = append(args[:12], o.UpdatedAt) // created_at is kept
	return r.t.update(ctx, op, r.t.s.q.orders.updateOrder, args)
}

// orderArgs are the values of orderColumns, in order. The items, targets
// and quote are JSONB documents; created_at (the 13th) is written by
// Create only.
func orderArgs(o storage.Order, cur pgtype.Text, total pgtype.Numeric) []any {
	return []any{o.ID, o.AccountID, string(o.Status), o.PaymentID, cur, total, string(o.Kind), o.Actor, emptyIfNone(o.Coupons),
		emptyIfNone(o.Items), emptyIfNone(o.Targets), o.Quote, o.CreatedAt, o.UpdatedAt}
}

func (r orders) CountByAccount(ctx context.Context, accountID string, statuses ...order.Status) (int, error) {
	if err := r.t.check(ctx); err != nil {
		return 0, err
	}
	if !possibleKey(accountID) {
		return 0, nil
	}
	// A NULL list counts every status; a status that could never have
	// been stored matches nothing, so it is left out of the list.
	var list []string
	if len(statuses) > 0 {
		list = make([]string, 0, len(statuses))
		for _, s := range statuses {
			if storable(string(s)) {
				list = append(list, string(s))
			}
		}
	}
	var n int64
	if err := r.t.pg.QueryRow(ctx, r.t.s.q.orders.countOrders, accountID, list).Scan(&n); err != nil {
		return 0, r.t.fail("count orders", err)
	}
	return int(n), nil
}

// scanOrder reads orderColumns; Total takes the row's currency.
func scanOrder(row pgx.Row) (storage.Order, error) {
	var (
		o            storage.Order
		cur          pgtype.Text
		total        pgtype.Numeric
		status, kind string
	)
	if err := row.Scan(&o.ID, &o.AccountID, &status, &o.PaymentID, &cur, &total, &kind, &o.Actor, &o.Coupons,
		&o.Items, &o.Targets, &o.Quote, &o.CreatedAt, &o.UpdatedAt); err != nil {
		return storage.Order{}, err
	}
	var err error
	if o.Total, err = readAmount(total, cur.String); err != nil {
		return storage.Order{}, err
	}
	o.Status, o.Kind = order.Status(status), order.Kind(kind)
	o.Coupons, o.Items, o.Targets = noneIfEmpty(o.Coupons), noneIfEmpty(o.Items), noneIfEmpty(o.Targets)
	if err := restoreQuoteCurrency(&o.Quote, cur.String); err != nil {
		return storage.Order{}, err
	}
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return o, nil
}

// restoreQuoteCurrency gives a quote read from its document the row's
// currency. Quotes written before currencies had a text form lost theirs
// in the document; the row's currency column always kept it.
func restoreQuoteCurrency(q *pricing.Quote, code string) error {
	if code == "" || !q.Currency.IsZero() {
		return nil
	}
	c, err := money.LookupCurrency(code)
	if err != nil {
		return fmt.Errorf("postgres: order currency %q: %w", code, err)
	}
	q.Currency = c
	return nil
}
