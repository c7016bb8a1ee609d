package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

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
	case !allStorable(o.ID, o.AccountID, o.Status, o.PaymentID):
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
	tag, err := r.t.pg.Exec(ctx, r.t.s.q.orders.createOrder,
		o.ID, o.AccountID, o.Status, o.PaymentID, cur, total, o.Data, o.CreatedAt, o.UpdatedAt)
	if err != nil {
		return r.t.fail(op, err)
	}
	if tag.RowsAffected() == 0 {
		return duplicate(op)
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
	tag, err := r.t.pg.Exec(ctx, r.t.s.q.orders.updateOrder,
		o.ID, o.AccountID, o.Status, o.PaymentID, cur, total, o.Data, o.UpdatedAt)
	if err != nil {
		return r.t.fail(op, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound(op)
	}
	return nil
}

func (r orders) CountByAccount(ctx context.Context, accountID string, statuses ...string) (int, error) {
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
			if storable(s) {
				list = append(list, s)
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
		o     storage.Order
		cur   pgtype.Text
		total pgtype.Numeric
	)
	if err := row.Scan(&o.ID, &o.AccountID, &o.Status, &o.PaymentID, &cur, &total, &o.Data,
		&o.CreatedAt, &o.UpdatedAt); err != nil {
		return storage.Order{}, err
	}
	var err error
	if o.Total, err = readAmount(total, cur.String); err != nil {
		return storage.Order{}, err
	}
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return o, nil
}
