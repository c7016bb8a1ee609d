package memory

import (
	"context"
	"fmt"
	"slices"

	"github.com/cloudbill/cloudbill/storage"
)

type audit struct{ t *tx }

func (r audit) Append(ctx context.Context, rec storage.AuditRecord) (storage.AuditRecord, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.AuditRecord{}, err
	}
	if rec.AccountID == "" || rec.Action == "" {
		return storage.AuditRecord{}, fmt.Errorf("memory: audit record without account or action: %w", storage.ErrInvalidRecord)
	}
	d := r.t.data
	d.auditSeq++
	rec.Seq = d.auditSeq
	rec.Detail = slices.Clone(rec.Detail)
	acct := rec.AccountID
	d.audit[acct] = append(d.audit[acct], rec)
	r.t.onUndo(func() {
		d.audit[acct] = d.audit[acct][:len(d.audit[acct])-1]
		d.auditSeq--
	})
	out := rec
	out.Detail = slices.Clone(rec.Detail)
	return out, nil
}

func (r audit) List(ctx context.Context, accountID string, afterSeq int64, limit int) ([]storage.AuditRecord, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit(limit); err != nil {
		return nil, err
	}
	all := r.t.data.audit[accountID]
	// An account's records are appended in Seq order, so the first record
	// after the cursor is found by binary search.
	i, _ := slices.BinarySearchFunc(all, afterSeq+1, func(a storage.AuditRecord, seq int64) int {
		switch {
		case a.Seq < seq:
			return -1
		case a.Seq > seq:
			return 1
		}
		return 0
	})
	var out []storage.AuditRecord
	for ; i < len(all) && len(out) < limit; i++ {
		rec := all[i]
		rec.Detail = slices.Clone(rec.Detail)
		out = append(out, rec)
	}
	return out, nil
}
