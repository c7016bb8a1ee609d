package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cloudbill/cloudbill/storage"
)

// Querier runs the host's own SQL inside a Cloudbill transaction, so that
// writes to the host's tables commit or roll back with the billing operation.
// Errors are mapped like the store's own: a unique violation matches
// storage.ErrDuplicate, a violation of the ledger_balances_non_negative check
// matches storage.ErrNegativeBalance, any other check, foreign-key or
// not-null violation or a data exception matches storage.ErrInvalidRecord,
// no rows matches storage.ErrNotFound, and the *pgconn.PgError stays
// reachable with errors.As. After InTx returns, every method fails with
// storage.ErrTxDone.
type Querier interface {
	// Exec runs a statement that returns no rows.
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	// Query runs a statement that returns rows; the caller closes them.
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	// QueryRow runs a statement expected to return at most one row; its
	// error is reported by Scan.
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// SQL returns the Querier of stx when stx was handed out by a Store of this
// package, and false for any other storage.Tx. The host must not end the
// transaction itself (no COMMIT or ROLLBACK); InTx does.
func SQL(stx storage.Tx) (Querier, bool) {
	t, ok := stx.(*tx)
	if !ok {
		return nil, false
	}
	return hostSQL{t}, true
}

type hostSQL struct{ t *tx }

func (h hostSQL) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if err := h.t.check(ctx); err != nil {
		return pgconn.CommandTag{}, err
	}
	tag, err := h.t.pg.Exec(ctx, sql, args...)
	if err != nil {
		return tag, h.t.fail("exec", err)
	}
	return tag, nil
}

func (h hostSQL) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if err := h.t.check(ctx); err != nil {
		return nil, err
	}
	rows, err := h.t.pg.Query(ctx, sql, args...)
	if err != nil {
		return nil, h.t.fail("query", err)
	}
	return hostRows{rows, h.t}, nil
}

func (h hostSQL) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if err := h.t.check(ctx); err != nil {
		return errRow{err}
	}
	return hostRow{h.t.pg.QueryRow(ctx, sql, args...), h.t}
}

// hostRows maps the errors pgx reports after the query started.
type hostRows struct {
	pgx.Rows
	t *tx
}

func (r hostRows) Scan(dest ...any) error {
	if err := r.Rows.Scan(dest...); err != nil {
		return r.t.fail("scan", err)
	}
	return nil
}

func (r hostRows) Err() error {
	if err := r.Rows.Err(); err != nil {
		return r.t.fail("query", err)
	}
	return nil
}

type hostRow struct {
	row pgx.Row
	t   *tx
}

func (r hostRow) Scan(dest ...any) error {
	if err := r.row.Scan(dest...); err != nil {
		return r.t.fail("query row", err)
	}
	return nil
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }
