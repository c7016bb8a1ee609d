package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// refundQueries are the statements of the refunds repository.
type refundQueries struct {
	create, get, getForUpdate, lookupForUpdate, update, listByPayment, pendingDue string
}

const refundColumns = `account_id, id, payment_id, gateway, currency, amount, status, gateway_ref, reason, failure_reason,
	submitted, created_at, updated_at, version, attempts, last_error, retry_at`

func newRefundQueries(t tables) refundQueries {
	r := strings.NewReplacer("{refunds}", t.refunds, "{cols}", refundColumns)
	return refundQueries{
		create: r.Replace(`INSERT INTO {refunds} ({cols})
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14, $15, $16)
			ON CONFLICT (id) DO NOTHING`),
		get:             r.Replace(`SELECT {cols} FROM {refunds} WHERE account_id = $1 AND id = $2`),
		getForUpdate:    r.Replace(`SELECT {cols} FROM {refunds} WHERE account_id = $1 AND id = $2 FOR UPDATE`),
		lookupForUpdate: r.Replace(`SELECT {cols} FROM {refunds} WHERE id = $1 FOR UPDATE`),
		// created_at and payment_id are not in the SET list, so they are
		// kept; version is incremented by the database.
		update: r.Replace(`UPDATE {refunds} SET gateway = $3, currency = $4, amount = $5, status = $6, gateway_ref = $7,
			reason = $8, failure_reason = $9, submitted = $10, updated_at = $11, attempts = $12, last_error = $13, retry_at = $14,
			version = version + 1
			WHERE account_id = $1 AND id = $2 AND payment_id = $15
			RETURNING {cols}`),
		listByPayment: r.Replace(`SELECT {cols} FROM {refunds} WHERE account_id = $1 AND payment_id = $2
			ORDER BY created_at, id`),
		// The range scan of the partial index refunds_pending.
		pendingDue: r.Replace(`SELECT {cols} FROM {refunds}
			WHERE status = 'pending' AND created_at <= $2 AND (retry_at IS NULL OR retry_at <= $1)
			ORDER BY created_at, id LIMIT $3`),
	}
}

var _ storage.RefundStore = (*tx)(nil)

// Refunds returns the refunds repository of the transaction.
func (t *tx) Refunds() storage.Refunds { return refunds{t} }

// refunds is the storage.Refunds of one transaction.
type refunds struct{ t *tx }

// refundCurrency checks in Go what the refunds table needs and returns the
// amount's currency.
func refundCurrency(r storage.Refund) (string, error) {
	fail := func(reason string) (string, error) {
		return "", fmt.Errorf("postgres: refund %q: %s: %w", r.ID, reason, storage.ErrInvalidRecord)
	}
	if r.ID == "" || r.AccountID == "" || r.PaymentID == "" || !r.Status.Valid() {
		return fail("id, account, payment and a valid status are required")
	}
	if r.Attempts < 0 {
		return fail("attempts are negative")
	}
	for _, s := range []string{r.ID, r.AccountID, r.PaymentID, r.Gateway, r.GatewayRef, r.Reason, r.FailureReason, r.LastError} {
		if !storable(s) {
			return fail("text must be UTF-8 without NUL bytes")
		}
	}
	cur, _ := sharedCurrency(r.Amount)
	if cur != "" && !currencyCode(cur) {
		return fail(fmt.Sprintf("currency %q is not three upper-case letters", cur))
	}
	return cur, nil
}

func (r refunds) Create(ctx context.Context, rf storage.Refund) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	cur, err := refundCurrency(rf)
	if err != nil {
		return err
	}
	tag, err := r.t.pg.Exec(ctx, r.t.s.q.refunds.create,
		rf.AccountID, rf.ID, rf.PaymentID, rf.Gateway, nullText(cur), amountArg(rf.Amount), string(rf.Status), rf.GatewayRef,
		rf.Reason, rf.FailureReason, rf.Submitted, rf.CreatedAt, rf.UpdatedAt, rf.Attempts, rf.LastError, nullTime(rf.RetryAt))
	if err != nil {
		return r.t.fail(fmt.Sprintf("create refund %q", rf.ID), err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: create refund %q: %w", rf.ID, storage.ErrDuplicate)
	}
	return nil
}

func (r refunds) Get(ctx context.Context, accountID, id string) (storage.Refund, error) {
	return r.one(ctx, "get refund", r.t.s.q.refunds.get, accountID, id)
}

func (r refunds) GetForUpdate(ctx context.Context, accountID, id string) (storage.Refund, error) {
	return r.one(ctx, "get refund for update", r.t.s.q.refunds.getForUpdate, accountID, id)
}

func (r refunds) LookupForUpdate(ctx context.Context, id string) (storage.Refund, error) {
	return r.one(ctx, "look up refund for update", r.t.s.q.refunds.lookupForUpdate, id)
}

// one runs a query for one refund whose arguments are keys; a key that
// could never have been stored is "not found" without a round trip.
func (r refunds) one(ctx context.Context, op, query string, keys ...string) (storage.Refund, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Refund{}, err
	}
	op = fmt.Sprintf("%s %q", op, keys[len(keys)-1])
	args := make([]any, len(keys))
	for i, k := range keys {
		if !possibleKey(k) {
			return storage.Refund{}, fmt.Errorf("postgres: %s: %w", op, storage.ErrNotFound)
		}
		args[i] = k
	}
	rf, err := scanRefund(r.t.pg.QueryRow(ctx, query, args...))
	if err != nil {
		return storage.Refund{}, r.t.fail(op, err)
	}
	return rf, nil
}

func (r refunds) Update(ctx context.Context, rf storage.Refund) (storage.Refund, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Refund{}, err
	}
	op := fmt.Sprintf("update refund %q", rf.ID)
	if !possibleKey(rf.ID) || !possibleKey(rf.AccountID) || !possibleKey(rf.PaymentID) {
		return storage.Refund{}, fmt.Errorf("postgres: %s: %w", op, storage.ErrNotFound)
	}
	cur, err := refundCurrency(rf)
	if err != nil {
		return storage.Refund{}, err
	}
	got, err := scanRefund(r.t.pg.QueryRow(ctx, r.t.s.q.refunds.update,
		rf.AccountID, rf.ID, rf.Gateway, nullText(cur), amountArg(rf.Amount), string(rf.Status), rf.GatewayRef,
		rf.Reason, rf.FailureReason, rf.Submitted, rf.UpdatedAt, rf.Attempts, rf.LastError, nullTime(rf.RetryAt), rf.PaymentID))
	if err != nil {
		return storage.Refund{}, r.t.fail(op, err)
	}
	return got, nil
}

func (r refunds) ListByPayment(ctx context.Context, accountID, paymentID string) ([]storage.Refund, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if !storable(accountID) || !storable(paymentID) {
		return nil, nil
	}
	return r.query(ctx, "list refunds of a payment", r.t.s.q.refunds.listByPayment, accountID, paymentID)
}

func (r refunds) PendingDue(ctx context.Context, t, createdBefore time.Time, limit int) ([]storage.Refund, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit("refunds due", limit); err != nil {
		return nil, err
	}
	return r.query(ctx, "list pending refunds due", r.t.s.q.refunds.pendingDue, t, createdBefore, limit)
}

// query runs a query returning refundColumns.
func (r refunds) query(ctx context.Context, op, query string, args ...any) ([]storage.Refund, error) {
	rows, err := r.t.pg.Query(ctx, query, args...)
	if err != nil {
		return nil, r.t.fail(op, err)
	}
	defer rows.Close()
	var out []storage.Refund
	for rows.Next() {
		rf, err := scanRefund(rows)
		if err != nil {
			return nil, r.t.fail(op, err)
		}
		out = append(out, rf)
	}
	if err := rows.Err(); err != nil {
		return nil, r.t.fail(op, err)
	}
	return out, nil
}

// scanRefund reads refundColumns; the amount takes the row's currency.
func scanRefund(row pgx.Row) (storage.Refund, error) {
	var (
		rf     storage.Refund
		cur    pgtype.Text
		amount pgtype.Numeric
		status string
		retry  pgtype.Timestamptz
	)
	if err := row.Scan(&rf.AccountID, &rf.ID, &rf.PaymentID, &rf.Gateway, &cur, &amount, &status, &rf.GatewayRef,
		&rf.Reason, &rf.FailureReason, &rf.Submitted, &rf.CreatedAt, &rf.UpdatedAt, &rf.Version, &rf.Attempts, &rf.LastError, &retry); err != nil {
		return storage.Refund{}, err
	}
	a, err := readAmount(amount, cur.String)
	if err != nil {
		return storage.Refund{}, err
	}
	rf.Amount, rf.Status, rf.RetryAt = a, paymentRefundStatus(status), timeOf(retry)
	rf.CreatedAt, rf.UpdatedAt = rf.CreatedAt.UTC(), rf.UpdatedAt.UTC()
	return rf, nil
}

// paymentRefundStatus converts a stored status.
func paymentRefundStatus(s string) payment.RefundStatus { return payment.RefundStatus(s) }
