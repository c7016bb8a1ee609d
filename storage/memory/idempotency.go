package memory

import (
	"context"
	"fmt"
	"slices"

	"github.com/cloudbill/cloudbill/storage"
)

type idempotency struct{ t *tx }

func (r idempotency) Insert(ctx context.Context, rec storage.IdempotencyRecord) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if rec.AccountID == "" || rec.Key == "" {
		return fmt.Errorf("memory: idempotency key %q/%q: %w", rec.AccountID, rec.Key, storage.ErrInvalidRecord)
	}
	k := idemKey{rec.AccountID, rec.Key}
	m := r.t.data.idem.m
	if _, ok := m[k]; ok {
		return fmt.Errorf("memory: idempotency key %q: %w", rec.Key, storage.ErrDuplicate)
	}
	rec.Response = slices.Clone(rec.Response)
	set(r.t, r.t.data.idem, k, rec)
	return nil
}

func (r idempotency) Get(ctx context.Context, accountID, key string) (storage.IdempotencyRecord, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.IdempotencyRecord{}, err
	}
	rec, ok := r.t.data.idem.m[idemKey{accountID, key}]
	if !ok {
		return storage.IdempotencyRecord{}, fmt.Errorf("memory: idempotency key %q: %w", key, storage.ErrNotFound)
	}
	rec.Response = slices.Clone(rec.Response)
	return rec, nil
}

func (r idempotency) SetResponse(ctx context.Context, accountID, key string, response []byte) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	k := idemKey{accountID, key}
	m := r.t.data.idem.m
	old, ok := m[k]
	if !ok {
		return fmt.Errorf("memory: idempotency key %q: %w", key, storage.ErrNotFound)
	}
	rec := old
	rec.Response = slices.Clone(response)
	set(r.t, r.t.data.idem, k, rec)
	return nil
}
