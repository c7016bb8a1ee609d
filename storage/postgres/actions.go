package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice"
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
	case !allStorable(a.ID, a.AccountID, a.ResourceID, string(a.Kind), a.Actor, a.InvoiceID, a.Note):
		return storage.Action{}, invalid(op, "text must be UTF-8 without NUL bytes")
	}
	var seq pgtype.Int8
	err := r.t.pg.QueryRow(ctx, r.t.s.q.resources.appendAction,
		a.ID, a.AccountID, a.ResourceID, string(a.Kind), a.Actor, a.At,
		nullJSON(!a.OldConfiguration.IsZero(), a.OldConfiguration), nullJSON(!a.NewConfiguration.IsZero(), a.NewConfiguration),
		nullTime(a.OldPeriod.Start), nullTime(a.OldPeriod.End), nullTime(a.NewPeriod.Start), nullTime(a.NewPeriod.End),
		a.InvoiceID, a.Note).Scan(&seq)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return storage.Action{}, duplicate(op) // ON CONFLICT DO NOTHING returned no row
	case err != nil:
		return storage.Action{}, r.t.fail(op, err)
	}
	a.Seq = seq.Int64
	return a.Clone(), nil
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
	var (
		a                                  storage.Action
		kind                               string
		oldCfg, newCfg                     *invoice.Configuration
		oldStart, oldEnd, newStart, newEnd pgtype.Timestamptz
	)
	if err := row.Scan(&a.Seq, &a.ID, &a.AccountID, &a.ResourceID, &kind, &a.Actor, &a.At, &oldCfg, &newCfg,
		&oldStart, &oldEnd, &newStart, &newEnd, &a.InvoiceID, &a.Note); err != nil {
		return storage.Action{}, err
	}
	a.Kind, a.At = invoice.ActionKind(kind), a.At.UTC()
	if oldCfg != nil {
		a.OldConfiguration = *oldCfg
	}
	if newCfg != nil {
		a.NewConfiguration = *newCfg
	}
	a.OldPeriod = period.Span{Start: timeOf(oldStart), End: timeOf(oldEnd)}
	a.NewPeriod = period.Span{Start: timeOf(newStart), End: timeOf(newEnd)}
	return a, nil
}
