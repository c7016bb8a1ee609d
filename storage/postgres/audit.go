package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/cloudbill/cloudbill/storage"
)

// maxAuditPage is the contract's largest List limit.
const maxAuditPage = 1000

// audit is the storage.Audit of one transaction.
type audit struct{ t *tx }

// Append inserts the record and returns the seq the identity column gave it.
// Identity values are handed out when the row is inserted, not when its
// transaction commits, so a record whose transaction commits late can carry a
// smaller seq than records already visible, and a reader paging by seq may
// pass it. Writers that append an account's records while holding the
// account's row lock (Accounts.GetForUpdate) make them commit in seq order.
func (r audit) Append(ctx context.Context, rec storage.AuditRecord) (storage.AuditRecord, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.AuditRecord{}, err
	}
	if rec.AccountID == "" || rec.Action == "" {
		return storage.AuditRecord{}, fmt.Errorf("postgres: audit record without account or action: %w", storage.ErrInvalidRecord)
	}
	if !storable(rec.AccountID) || !storable(rec.Actor) || !storable(rec.Action) {
		return storage.AuditRecord{}, fmt.Errorf("postgres: audit record %q: text must be UTF-8 without NUL bytes: %w", rec.Action, storage.ErrInvalidRecord)
	}
	// The column is jsonb; an empty detail is stored as NULL and anything
	// else must be JSON, checked here so bad input leaves the transaction
	// usable.
	var detail []byte
	if len(rec.Detail) > 0 {
		if !json.Valid(rec.Detail) {
			return storage.AuditRecord{}, fmt.Errorf("postgres: audit record %q: detail is not JSON: %w", rec.Action, storage.ErrInvalidRecord)
		}
		detail = rec.Detail
	}
	err := r.t.pg.QueryRow(ctx, r.t.s.q.appendAudit, rec.AccountID, rec.Actor, rec.Action, detail, rec.At).Scan(&rec.Seq)
	if err != nil {
		return storage.AuditRecord{}, r.t.fail(fmt.Sprintf("append audit record %q", rec.Action), err)
	}
	rec.Detail = slices.Clone(rec.Detail)
	return rec, nil
}

func (r audit) List(ctx context.Context, accountID string, afterSeq int64, limit int) ([]storage.AuditRecord, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if limit < 1 || limit > maxAuditPage {
		return nil, fmt.Errorf("postgres: audit list limit %d not in 1–%d: %w", limit, maxAuditPage, storage.ErrInvalidRecord)
	}
	if !storable(accountID) {
		return nil, nil
	}
	rows, err := r.t.pg.Query(ctx, r.t.s.q.listAudit, accountID, afterSeq, limit)
	if err != nil {
		return nil, r.t.fail("list audit records", err)
	}
	defer rows.Close()
	var out []storage.AuditRecord
	for rows.Next() {
		var rec storage.AuditRecord
		if err := rows.Scan(&rec.Seq, &rec.AccountID, &rec.Actor, &rec.Action, &rec.Detail, &rec.At); err != nil {
			return nil, r.t.fail("list audit records", err)
		}
		rec.At = rec.At.UTC() // pgx scans jsonb into a fresh slice
		out = append(out, rec)
	}
	if err := rows.Err(); err != nil {
		return nil, r.t.fail("list audit records", err)
	}
	return out, nil
}
