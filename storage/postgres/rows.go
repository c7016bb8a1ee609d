package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// queryAll runs a query in t and reads every row with scan. Errors are
// wrapped with op and mapped like every other statement's.
func queryAll[T any](ctx context.Context, t *tx, op, sql string, scan func(pgx.Row) (T, error), args ...any) ([]T, error) {
	rows, err := t.pg.Query(ctx, sql, args...)
	if err != nil {
		return nil, t.fail(op, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, t.fail(op, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, t.fail(op, err)
	}
	return out, nil
}

// queryOne runs a query for one row in t and reads it with scan; no row is
// storage.ErrNotFound.
func queryOne[T any](ctx context.Context, t *tx, op, sql string, scan func(pgx.Row) (T, error), args ...any) (T, error) {
	v, err := scan(t.pg.QueryRow(ctx, sql, args...))
	if err != nil {
		var zero T
		return zero, t.fail(op, err)
	}
	return v, nil
}

// exists runs a SELECT EXISTS query in t.
func (t *tx) exists(ctx context.Context, op, sql string, args ...any) (bool, error) {
	var ok bool
	if err := t.pg.QueryRow(ctx, sql, args...).Scan(&ok); err != nil {
		return false, t.fail(op, err)
	}
	return ok, nil
}
