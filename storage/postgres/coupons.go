package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cloudbill/cloudbill/storage"
)

// coupons is the storage.Coupons of one transaction.
type coupons struct{ t *tx }

func (r coupons) Create(ctx context.Context, c storage.CouponRecord) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	op := fmt.Sprintf("create coupon %q", c.Code)
	if !possibleKey(c.Code) {
		return invalid(op, "code must be non-empty UTF-8 text without NUL bytes")
	}
	tag, err := r.t.pg.Exec(ctx, r.t.s.q.orders.createCoupon, c.Code, c.Definition, c.CreatedAt, c.UpdatedAt)
	if err != nil {
		return r.t.fail(op, err)
	}
	if tag.RowsAffected() == 0 {
		return duplicate(op)
	}
	return nil
}

func (r coupons) Get(ctx context.Context, code string) (storage.CouponRecord, error) {
	return r.get(ctx, "get coupon", r.t.s.q.orders.getCoupon, code)
}

// GetForUpdate takes the coupon's row lock (SELECT … FOR UPDATE), which is
// what serialises the checkouts redeeming one coupon.
func (r coupons) GetForUpdate(ctx context.Context, code string) (storage.CouponRecord, error) {
	return r.get(ctx, "get coupon for update", r.t.s.q.orders.getCouponForUpdate, code)
}

func (r coupons) get(ctx context.Context, op, query, code string) (storage.CouponRecord, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.CouponRecord{}, err
	}
	op = fmt.Sprintf("%s %q", op, code)
	if !possibleKey(code) {
		return storage.CouponRecord{}, notFound(op)
	}
	return queryOne(ctx, r.t, op, query, scanCoupon, code)
}

// Update replaces the definition and UpdatedAt; CreatedAt is kept.
func (r coupons) Update(ctx context.Context, c storage.CouponRecord) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	op := fmt.Sprintf("update coupon %q", c.Code)
	if !possibleKey(c.Code) {
		return notFound(op)
	}
	tag, err := r.t.pg.Exec(ctx, r.t.s.q.orders.updateCoupon, c.Code, c.Definition, c.UpdatedAt)
	if err != nil {
		return r.t.fail(op, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound(op)
	}
	return nil
}

// scanCoupon reads couponColumns; pgx scans bytea into a fresh slice, so
// the caller owns Definition.
func scanCoupon(row pgx.Row) (storage.CouponRecord, error) {
	var c storage.CouponRecord
	if err := row.Scan(&c.Code, &c.Definition, &c.CreatedAt, &c.UpdatedAt); err != nil {
		return storage.CouponRecord{}, err
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, nil
}

// redemptions is the storage.Redemptions of one transaction.
type redemptions struct{ t *tx }

// redemptionStatus reports whether s is a status the contract names; the
// table's CHECK allows only these.
func redemptionStatus(s string) bool {
	return s == "reserved" || s == "consumed" || s == "released"
}

// validRedemption checks rd in Go and returns its currency and amount
// arguments.
func validRedemption(op string, rd storage.Redemption) (pgtype.Text, pgtype.Numeric, error) {
	fail := func(reason string) (pgtype.Text, pgtype.Numeric, error) {
		return pgtype.Text{}, pgtype.Numeric{}, invalid(op, reason)
	}
	switch {
	case rd.ID == "" || rd.Code == "" || rd.AccountID == "":
		return fail("id, code and account are required")
	case !redemptionStatus(string(rd.Status)):
		return fail(fmt.Sprintf("status %q is not reserved, consumed or released", rd.Status))
	case !allStorable(rd.ID, rd.Code, rd.AccountID, rd.OrderID):
		return fail("text must be UTF-8 without NUL bytes")
	}
	cur, amount, ok := moneyArgs(rd.Amount)
	if !ok {
		return fail(fmt.Sprintf("currency %q is not three upper-case letters", rd.Amount.Currency().Code()))
	}
	return cur, amount, nil
}

func (r redemptions) Create(ctx context.Context, rd storage.Redemption) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	op := fmt.Sprintf("create redemption %q", rd.ID)
	cur, amount, err := validRedemption(op, rd)
	if err != nil {
		return err
	}
	return r.t.create(ctx, op, r.t.s.q.orders.createRedemption,
		[]any{rd.ID, rd.Code, rd.AccountID, rd.OrderID, rd.Status, cur, amount, rd.CreatedAt, rd.UpdatedAt})
}

// Update replaces everything but the id, the tenant and CreatedAt.
func (r redemptions) Update(ctx context.Context, rd storage.Redemption) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	op := fmt.Sprintf("update redemption %q", rd.ID)
	if !possibleKey(rd.ID) || !possibleKey(rd.AccountID) {
		return notFound(op)
	}
	cur, amount, err := validRedemption(op, rd)
	if err != nil {
		return err
	}
	return r.t.update(ctx, op, r.t.s.q.orders.updateRedemption,
		[]any{rd.ID, rd.AccountID, rd.Code, rd.OrderID, rd.Status, cur, amount, rd.UpdatedAt})
}

func (r redemptions) ListByOrder(ctx context.Context, accountID, orderID string) ([]storage.Redemption, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if !possibleKey(accountID) || !storable(orderID) {
		return nil, nil
	}
	return queryAll(ctx, r.t, fmt.Sprintf("list redemptions of order %q", orderID),
		r.t.s.q.orders.redemptionsByOrder, scanRedemption, accountID, orderID)
}

func (r redemptions) Count(ctx context.Context, code, accountID string) (total, byAccount int, err error) {
	if err := r.t.check(ctx); err != nil {
		return 0, 0, err
	}
	if !possibleKey(code) {
		return 0, 0, nil
	}
	if !storable(accountID) {
		accountID = "" // matches no row: account ids are never empty
	}
	var t, a int64
	if err := r.t.pg.QueryRow(ctx, r.t.s.q.orders.countRedeemed, code, accountID).Scan(&t, &a); err != nil {
		return 0, 0, r.t.fail(fmt.Sprintf("count redemptions of %q", code), err)
	}
	return int(t), int(a), nil
}

// scanRedemption reads redemptionColumns.
func scanRedemption(row pgx.Row) (storage.Redemption, error) {
	var (
		rd     storage.Redemption
		cur    pgtype.Text
		amount pgtype.Numeric
	)
	if err := row.Scan(&rd.ID, &rd.Code, &rd.AccountID, &rd.OrderID, &rd.Status, &cur, &amount,
		&rd.CreatedAt, &rd.UpdatedAt); err != nil {
		return storage.Redemption{}, err
	}
	var err error
	if rd.Amount, err = readAmount(amount, cur.String); err != nil {
		return storage.Redemption{}, err
	}
	rd.CreatedAt, rd.UpdatedAt = rd.CreatedAt.UTC(), rd.UpdatedAt.UTC()
	return rd, nil
}
