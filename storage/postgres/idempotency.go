package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cloudbill/cloudbill/storage"
)

// idempotency is the storage.Idempotency of one transaction.
type idempotency struct{ t *tx }

// Insert claims the key with INSERT … ON CONFLICT DO NOTHING. When another
// transaction holds an uncommitted claim of the same key, PostgreSQL makes
// this insert wait for it: if that transaction commits, no row is inserted and
// Insert returns ErrDuplicate; if it rolls back, this claim wins. Either way
// the transaction stays usable, so the loser can Get the winner's record.
func (r idempotency) Insert(ctx context.Context, rec storage.IdempotencyRecord) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if rec.AccountID == "" || rec.Key == "" ||
		!storable(rec.AccountID) || !storable(rec.Key) || !storable(rec.Operation) || !storable(rec.RequestHash) {
		return fmt.Errorf("postgres: idempotency key %q/%q: %w", rec.AccountID, rec.Key, storage.ErrInvalidRecord)
	}
	args := []any{rec.AccountID, rec.Key, rec.Operation, rec.RequestHash, rec.Response, rec.CreatedAt}
	check := func(tag pgconn.CommandTag, err error) error {
		if err != nil {
			return r.t.fail(fmt.Sprintf("insert idempotency key %q", rec.Key), err)
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("postgres: idempotency key %q: %w", rec.Key, storage.ErrDuplicate)
		}
		return nil
	}
	if storage.WritesDeferred(ctx) {
		// Held back, unguarded: a lost claim leaves the transaction
		// usable (the loser reads the winner's record in it), so its
		// ErrDuplicate comes from the next call, and it is read before
		// COMMIT is sent. The record it lost to comes back with it and
		// answers the Get that follows.
		p := r.t.pg
		p.queueRead(r.t.s.q.claimIdempotency, args, func(br pgx.BatchResults) error {
			var (
				inserted  bool
				op, hash  pgtype.Text
				response  []byte
				createdAt pgtype.Timestamptz
			)
			err := br.QueryRow().Scan(&inserted, &op, &hash, &response, &createdAt)
			switch {
			case err != nil:
				return r.t.fail(fmt.Sprintf("insert idempotency key %q", rec.Key), err)
			case inserted:
				return nil
			}
			p.writes-- // lost: it wrote nothing
			if op.Valid {
				p.lostClaim = &storage.IdempotencyRecord{AccountID: rec.AccountID, Key: rec.Key, Operation: op.String,
					RequestHash: hash.String, Response: response, CreatedAt: createdAt.Time.UTC()}
			}
			return fmt.Errorf("postgres: idempotency key %q: %w", rec.Key, storage.ErrDuplicate)
		})
		p.queued[len(p.queued)-1].early = true // read before COMMIT is sent
		return nil
	}
	tag, err := r.t.pg.Exec(ctx, r.t.s.q.insertIdempotency, args...)
	return check(tag, err)
}

func (r idempotency) Get(ctx context.Context, accountID, key string) (storage.IdempotencyRecord, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.IdempotencyRecord{}, err
	}
	if !storable(accountID) || !storable(key) {
		return storage.IdempotencyRecord{}, fmt.Errorf("postgres: idempotency key %q: %w", key, storage.ErrNotFound)
	}
	if l := r.t.pg.lostClaim; l != nil && l.AccountID == accountID && l.Key == key {
		// Read by the claim that lost to it, in this transaction; the
		// record does not change once committed.
		r.t.pg.lostClaim = nil
		return *l, nil
	}
	var rec storage.IdempotencyRecord
	err := r.t.pg.QueryRow(ctx, r.t.s.q.getIdempotency, accountID, key).
		Scan(&rec.AccountID, &rec.Key, &rec.Operation, &rec.RequestHash, &rec.Response, &rec.CreatedAt)
	if err != nil {
		return storage.IdempotencyRecord{}, r.t.fail(fmt.Sprintf("get idempotency key %q", key), err)
	}
	// pgx scans bytea into a fresh slice, so the caller owns Response.
	rec.CreatedAt = rec.CreatedAt.UTC()
	return rec, nil
}

func (r idempotency) SetResponse(ctx context.Context, accountID, key string, response []byte) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if !storable(accountID) || !storable(key) {
		return fmt.Errorf("postgres: idempotency key %q: %w", key, storage.ErrNotFound)
	}
	return r.t.write(ctx, r.t.s.q.setIdempotencyResponse, []any{accountID, key, response},
		func(tag pgconn.CommandTag, err error) error {
			if err != nil {
				return r.t.fail(fmt.Sprintf("set idempotency response %q", key), err)
			}
			if tag.RowsAffected() == 0 {
				return fmt.Errorf("postgres: idempotency key %q: %w", key, storage.ErrNotFound)
			}
			return nil
		}, func() error { return fmt.Errorf("postgres: idempotency key %q: %w", key, storage.ErrNotFound) })
}
