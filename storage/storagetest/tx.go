package storagetest

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/storage"
)

func (s suite) testTx(t *testing.T) {
	t.Run("writes of a failed transaction are all undone", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			return tx.Accounts().Create(ctx, newAccount("kept"))
		})
		boom := errors.New("boom")
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			require.NoError(t, tx.Accounts().Create(ctx, newAccount("a1")))
			a, err := tx.Accounts().GetForUpdate(ctx, "kept")
			require.NoError(t, err)
			a.Type = storage.Postpaid
			_, err = tx.Accounts().Update(ctx, a)
			require.NoError(t, err)
			require.NoError(t, tx.Idempotency().Insert(ctx, storage.IdempotencyRecord{AccountID: "a1", Key: "k", Operation: "op", RequestHash: "h", CreatedAt: epoch()}))
			_, err = tx.Audit().Append(ctx, storage.AuditRecord{AccountID: "kept", Actor: "op", Action: "x", At: epoch()})
			require.NoError(t, err)
			return boom
		})
		require.ErrorIs(t, err, boom, "InTx returns fn's error")
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Accounts().Get(ctx, "a1")
			assert.ErrorIs(t, err, storage.ErrNotFound, "created account rolled back")
			a, err := tx.Accounts().Get(ctx, "kept")
			require.NoError(t, err)
			assert.Equal(t, storage.Prepaid, a.Type, "update rolled back")
			assert.Equal(t, int64(1), a.Version, "version rolled back")
			_, err = tx.Idempotency().Get(ctx, "a1", "k")
			assert.ErrorIs(t, err, storage.ErrNotFound, "idempotency record rolled back")
			recs, err := tx.Audit().List(ctx, "kept", 0, 10)
			require.NoError(t, err)
			assert.Empty(t, recs, "audit record rolled back")
			return nil
		})
	})

	t.Run("a panic inside the transaction rolls back and propagates", func(t *testing.T) {
		st := s.newStore(t)
		func() {
			defer func() { assert.NotNil(t, recover(), "panic re-raised") }()
			_ = st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
				require.NoError(t, tx.Accounts().Create(ctx, newAccount("p1")))
				panic("host bug")
			})
		}()
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Accounts().Get(ctx, "p1")
			assert.ErrorIs(t, err, storage.ErrNotFound)
			return nil
		})
	})

	t.Run("a cancelled context commits nothing", func(t *testing.T) {
		st := s.newStore(t)
		ctx, cancel := context.WithCancel(context.Background())
		err := st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			if err := tx.Accounts().Create(ctx, newAccount("c1")); err != nil {
				return err
			}
			cancel()
			return nil
		})
		require.Error(t, err)
		assert.ErrorIs(t, err, context.Canceled)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Accounts().Get(ctx, "c1")
			assert.ErrorIs(t, err, storage.ErrNotFound)
			return nil
		})
		err = st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			t.Error("fn must not run on an already cancelled context")
			return nil
		})
		assert.ErrorIs(t, err, context.Canceled)
	})

	t.Run("a transaction cannot be used after it ends", func(t *testing.T) {
		st := s.newStore(t)
		var leaked storage.Tx
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			leaked = tx
			return nil
		})
		err := leaked.Accounts().Create(context.Background(), newAccount("late"))
		require.Error(t, err)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Accounts().Get(ctx, "late")
			assert.ErrorIs(t, err, storage.ErrNotFound)
			return nil
		})
	})

	t.Run("reads see the transaction's own writes", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			require.NoError(t, tx.Accounts().Create(ctx, newAccount("own")))
			a, err := tx.Accounts().Get(ctx, "own")
			require.NoError(t, err)
			assert.Equal(t, "own", a.ID)
			return nil
		})
	})
}
