package storagetest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/storage"
)

func (s suite) testIdempotency(t *testing.T) {
	rec := func(account, key string) storage.IdempotencyRecord {
		return storage.IdempotencyRecord{AccountID: account, Key: key, Operation: "account.create", RequestHash: "abc", CreatedAt: epoch()}
	}

	t.Run("insert, set response, get", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			require.NoError(t, tx.Idempotency().Insert(ctx, rec("a", "k1")))
			got, err := tx.Idempotency().Get(ctx, "a", "k1")
			require.NoError(t, err)
			assert.Nil(t, got.Response, "no response before SetResponse")
			return tx.Idempotency().SetResponse(ctx, "a", "k1", []byte(`{"ok":true}`))
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.Idempotency().Get(ctx, "a", "k1")
			require.NoError(t, err)
			assert.Equal(t, "account.create", got.Operation)
			assert.Equal(t, "abc", got.RequestHash)
			assert.JSONEq(t, `{"ok":true}`, string(got.Response))
			assert.True(t, got.CreatedAt.Equal(epoch()))
			return nil
		})
	})

	t.Run("keys are scoped per account", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			require.NoError(t, tx.Idempotency().Insert(ctx, rec("a", "same")))
			require.NoError(t, tx.Idempotency().Insert(ctx, rec("b", "same")))
			_, err := tx.Idempotency().Get(ctx, "c", "same")
			assert.ErrorIs(t, err, storage.ErrNotFound)
			return nil
		})
	})

	t.Run("a claimed key is a duplicate", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Idempotency().Insert(ctx, rec("a", "k")) })
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			return tx.Idempotency().Insert(ctx, rec("a", "k"))
		})
		assert.ErrorIs(t, err, storage.ErrDuplicate)
	})

	t.Run("bad records and unknown keys", func(t *testing.T) {
		st := s.newStore(t)
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			return tx.Idempotency().Insert(ctx, rec("a", ""))
		})
		assert.ErrorIs(t, err, storage.ErrInvalidRecord)
		err = st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			return tx.Idempotency().SetResponse(ctx, "a", "missing", []byte("{}"))
		})
		assert.ErrorIs(t, err, storage.ErrNotFound)
	})

	t.Run("values read back are copies", func(t *testing.T) {
		st := s.newStore(t)
		resp := []byte(`{"n":1}`)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			require.NoError(t, tx.Idempotency().Insert(ctx, rec("a", "k")))
			return tx.Idempotency().SetResponse(ctx, "a", "k", resp)
		})
		resp[6] = '9'
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.Idempotency().Get(ctx, "a", "k")
			require.NoError(t, err)
			assert.JSONEq(t, `{"n":1}`, string(got.Response), "caller's slice is not shared")
			got.Response[6] = '7'
			again, err := tx.Idempotency().Get(ctx, "a", "k")
			require.NoError(t, err)
			assert.JSONEq(t, `{"n":1}`, string(again.Response), "returned slice is not shared")
			return nil
		})
	})

	t.Run("concurrent claims of one key: exactly one wins", func(t *testing.T) {
		st := s.newStore(t)
		n := s.opts.Parallelism
		var wins, dups atomic.Int64
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
					return tx.Idempotency().Insert(ctx, rec("a", "race"))
				})
				switch {
				case err == nil:
					wins.Add(1)
				case errors.Is(err, storage.ErrDuplicate):
					dups.Add(1)
				default:
					t.Errorf("unexpected error: %v", err)
				}
			})
		}
		wg.Wait()
		assert.Equal(t, int64(1), wins.Load())
		assert.Equal(t, int64(n-1), dups.Load())
	})
}
