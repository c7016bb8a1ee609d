package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cloudbill/cloudbill/storage"
)

// actions is the storage.Actions of one transaction.
type actions struct{ t *tx }

// Append inserts the action and returns it with the seq the identity column
// gave it. As with audit records, seq is handed out at insert, not at
// commit; writers that hold the resource's row lock (GetForUpdate) append
// its actions in commit order.
func (r actions) Append(ctx context.Context, a storage.Action) (storage.Action, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Action{}, err
	}
	op := fmt.Sprintf("append action %q", a.ID)
	switch {
	case a.ID == "" || a.AccountID == "" || a.Kind == "":
		return storage.Action{}, invalid(op, "id, account and kind are required")
	case !allStorable(a.ID, a.AccountID, a.ResourceID, a.Kind, a.Actor):
		return storage.Action{}, invalid(op, "text must be UTF-8 without NUL bytes")
	}
	var seq pgtype.Int8
	err := r.t.pg.QueryRow(ctx, r.t.s.q.resources.appendAction,
		a.ID, a.AccountID, a.ResourceID, a.Kind, a.Actor, a.Data, a.At).Scan(&seq)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return storage.Action{}, duplicate(op) // ON CONFLICT DO NOTHING returned no row
	case err != nil:
		return storage.Action{}, r.t.fail(op, err)
	}
	a.Seq, a.Data = seq.Int64, slices.Clone(a.Data)
	return a, nil
}

func (r actions) List(ctx context.Context, accountID, resourceID string, afterSeq int64, limit int) ([]storage.Action, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit("action list", limit); err != nil {
		return nil, err
	}
	if !possibleKey(accountID) || !storable(resourceID) {
		return nil, nil
	}
	q, args := r.t.s.q.resources.listActions[0], []any{accountID, afterSeq, limit}
	if resourceID != "" {
		q, args = r.t.s.q.resources.listActions[1], append(args, resourceID)
	}
	return queryAll(ctx, r.t, "list actions", q, scanAction, args...)
}

// scanAction reads actionColumns.
func scanAction(row pgx.Row) (storage.Action, error) {
	var a storage.Action
	if err := row.Scan(&a.Seq, &a.ID, &a.AccountID, &a.ResourceID, &a.Kind, &a.Actor, &a.Data, &a.At); err != nil {
		return storage.Action{}, err
	}
	a.At = a.At.UTC()
	return a, nil
}
