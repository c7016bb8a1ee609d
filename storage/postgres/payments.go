package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/storage"
)

// payments is the storage.Payments of one transaction.
type payments struct{ t *tx }

// paymentCurrency checks in Go what the payments table needs: required
// fields, storable text and one currency for the four amounts. It returns
// that currency ("" when the payment has no amounts at all).
func paymentCurrency(p storage.Payment) (string, error) {
	fail := func(reason string) (string, error) {
		return "", fmt.Errorf("postgres: payment %q: %s: %w", p.ID, reason, storage.ErrInvalidRecord)
	}
	if p.ID == "" || p.AccountID == "" || p.Status == "" {
		return fail("id, account and status are required")
	}
	if p.Attempts < 0 || p.QueryAttempts < 0 {
		return fail("attempts are negative")
	}
	for _, s := range []string{p.ID, p.AccountID, string(p.Purpose), p.PurposeRef, string(p.Method), string(p.Status), p.Gateway, p.GatewayRef,
		p.RedirectURL, p.LinkedAccountID, p.FailureReason, p.Description, p.LastError} {
		if !storable(s) {
			return fail("text must be UTF-8 without NUL bytes")
		}
	}
	cur, ok := sharedCurrency(p.Amount, p.FromCredit, p.FromGateway, p.Refunded)
	if !ok {
		return fail("amounts in more than one currency")
	}
	if cur != "" && !currencyCode(cur) {
		return fail(fmt.Sprintf("currency %q is not three upper-case letters", cur))
	}
	return cur, nil
}

func (r payments) Create(ctx context.Context, p storage.Payment) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	cur, err := paymentCurrency(p)
	if err != nil {
		return err
	}
	return r.t.create(ctx, fmt.Sprintf("create payment %q", p.ID), r.t.s.q.payments.createPayment, []any{
		p.ID, p.AccountID, p.Purpose, p.PurposeRef, p.Method, p.Status, nullText(cur),
		amountArg(p.Amount), amountArg(p.FromCredit), amountArg(p.FromGateway), amountArg(p.Refunded),
		p.Gateway, p.GatewayRef, p.RedirectURL, p.LinkedAccountID, p.FailureReason, p.Description,
		nullTime(p.ExpiresAt), p.CreatedAt, p.UpdatedAt, p.Attempts, p.LastError, nullTime(p.RetryAt), p.QueryAttempts})
}

func (r payments) Get(ctx context.Context, accountID, id string) (storage.Payment, error) {
	return r.get(ctx, "get payment", r.t.s.q.payments.getPayment, id, accountID)
}

// GetForUpdate locks the row with SELECT … FOR UPDATE; the tenant is part of
// the match, so another tenant's payment is neither returned nor locked.
func (r payments) GetForUpdate(ctx context.Context, accountID, id string) (storage.Payment, error) {
	return r.get(ctx, "get payment for update", r.t.s.q.payments.getPaymentForUpdate, id, accountID)
}

func (r payments) LookupForUpdate(ctx context.Context, id string) (storage.Payment, error) {
	return r.get(ctx, "look up payment for update", r.t.s.q.payments.lookupPaymentForUpdate, id)
}

// get runs a query for one payment whose arguments are keys: the id and,
// for the tenant-scoped queries, the account. A key that could never have
// been stored is "not found" without a round trip.
func (r payments) get(ctx context.Context, op, query string, keys ...string) (storage.Payment, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Payment{}, err
	}
	op = fmt.Sprintf("%s %q", op, keys[0])
	args := make([]any, len(keys))
	for i, k := range keys {
		if !possibleKey(k) {
			return storage.Payment{}, fmt.Errorf("postgres: %s: %w", op, storage.ErrNotFound)
		}
		args[i] = k
	}
	p, err := scanPayment(r.t.pg.QueryRow(ctx, query, args...))
	if err != nil {
		return storage.Payment{}, r.t.fail(op, err)
	}
	return p, nil
}

func (r payments) Update(ctx context.Context, p storage.Payment) (storage.Payment, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Payment{}, err
	}
	op := fmt.Sprintf("update payment %q", p.ID)
	if !possibleKey(p.ID) || !possibleKey(p.AccountID) {
		return storage.Payment{}, fmt.Errorf("postgres: %s: %w", op, storage.ErrNotFound)
	}
	cur, err := paymentCurrency(p)
	if err != nil {
		return storage.Payment{}, err
	}
	got, err := scanPayment(r.t.pg.QueryRow(ctx, r.t.s.q.payments.updatePayment,
		p.ID, p.AccountID, p.Purpose, p.PurposeRef, p.Method, p.Status, nullText(cur),
		amountArg(p.Amount), amountArg(p.FromCredit), amountArg(p.FromGateway), amountArg(p.Refunded),
		p.Gateway, p.GatewayRef, p.RedirectURL, p.LinkedAccountID, p.FailureReason, p.Description,
		nullTime(p.ExpiresAt), p.UpdatedAt, p.Attempts, p.LastError, nullTime(p.RetryAt), p.QueryAttempts))
	if err != nil {
		return storage.Payment{}, r.t.fail(op, err)
	}
	return got, nil
}

// List orders by (created_at, id), newest first; the in-memory store's
// creation order is the same whenever payments are created with
// non-decreasing CreatedAt, as a clock gives them.
func (r payments) List(ctx context.Context, accountID, afterID string, limit int) ([]storage.Payment, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit("payment list", limit); err != nil {
		return nil, err
	}
	const op = "list payments"
	cursorMissing := fmt.Errorf("postgres: %s: cursor %q: %w", op, afterID, storage.ErrNotFound)
	if !storable(accountID) || !storable(afterID) {
		if afterID != "" {
			return nil, cursorMissing
		}
		return nil, nil
	}
	q, args := r.t.s.q.payments.listPayments, []any{accountID, limit}
	if afterID != "" {
		q, args = r.t.s.q.payments.listPaymentsAfter, []any{accountID, afterID, limit}
	}
	out, err := r.query(ctx, op, q, args...)
	if err != nil || len(out) > 0 || afterID == "" {
		return out, err
	}
	var known bool
	if err := r.t.pg.QueryRow(ctx, r.t.s.q.payments.paymentExists, afterID, accountID).Scan(&known); err != nil {
		return nil, r.t.fail(op, err)
	}
	if !known {
		return nil, cursorMissing
	}
	return nil, nil
}

func (r payments) ExpiryDue(ctx context.Context, t time.Time, limit int) ([]storage.Payment, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit("payments due for expiry", limit); err != nil {
		return nil, err
	}
	return r.query(ctx, "list payments due for expiry", r.t.s.q.payments.expiryDue, t, limit)
}

func (r payments) RetryDue(ctx context.Context, t, createdBefore time.Time, limit int) ([]storage.Payment, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit("payments due for a retry", limit); err != nil {
		return nil, err
	}
	return r.query(ctx, "list payments due for a retry", r.t.s.q.payments.retryDue, t, createdBefore, limit)
}

// query runs a query returning paymentColumns.
func (r payments) query(ctx context.Context, op, query string, args ...any) ([]storage.Payment, error) {
	rows, err := r.t.pg.Query(ctx, query, args...)
	if err != nil {
		return nil, r.t.fail(op, err)
	}
	defer rows.Close()
	var out []storage.Payment
	for rows.Next() {
		p, err := scanPayment(rows)
		if err != nil {
			return nil, r.t.fail(op, err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, r.t.fail(op, err)
	}
	return out, nil
}

// scanPayment reads paymentColumns; amounts take the row's currency.
func scanPayment(row pgx.Row) (storage.Payment, error) {
	var (
		p                                         storage.Payment
		cur                                       pgtype.Text
		amount, fromCredit, fromGateway, refunded pgtype.Numeric
		expires, retry                            pgtype.Timestamptz
	)
	if err := row.Scan(&p.ID, &p.AccountID, &p.Purpose, &p.PurposeRef, &p.Method, &p.Status, &cur,
		&amount, &fromCredit, &fromGateway, &refunded,
		&p.Gateway, &p.GatewayRef, &p.RedirectURL, &p.LinkedAccountID, &p.FailureReason, &p.Description,
		&expires, &p.CreatedAt, &p.UpdatedAt, &p.Version, &p.Attempts, &p.LastError, &retry, &p.QueryAttempts); err != nil {
		return storage.Payment{}, err
	}
	for _, f := range []struct {
		dst *money.Amount
		n   pgtype.Numeric
	}{{&p.Amount, amount}, {&p.FromCredit, fromCredit}, {&p.FromGateway, fromGateway}, {&p.Refunded, refunded}} {
		a, err := readAmount(f.n, cur.String)
		if err != nil {
			return storage.Payment{}, err
		}
		*f.dst = a
	}
	p.ExpiresAt, p.RetryAt = timeOf(expires), timeOf(retry)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, nil
}
