package storagetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/storage"
)

// DeferredWrites tests writes made under storage.DeferWrites: whether the
// store holds them back or not, a failing one fails the transaction (by
// its own call, a later call, its Savepoint or InTx) and nothing of the
// transaction commits; the ones that succeed commit with it and are read
// back by the transaction itself.
func DeferredWrites(t *testing.T, newStore NewStore, opts Options) {
	newSuite(newStore, opts).testDeferredWrites(t)
}

func (s suite) testDeferredWrites(t *testing.T) {
	// seed stores account a with order o1 and returns the store.
	seed := func(t *testing.T) storage.Store {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			if err := tx.Accounts().Create(ctx, newAccount("a")); err != nil {
				return err
			}
			return tx.Orders().Create(ctx, richOrder(t, "a", "o1"))
		})
		return st
	}
	orderExists := func(t *testing.T, st storage.Store, id string) bool {
		t.Helper()
		found := false
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Orders().Get(ctx, "a", id)
			if errors.Is(err, storage.ErrNotFound) {
				return nil
			}
			found = err == nil
			return err
		})
		return found
	}

	t.Run("held-back writes commit together and are read back in the transaction", func(t *testing.T) {
		st := seed(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			dctx := storage.DeferWrites(ctx)
			o := richOrder(t, "a", "o2")
			require.NoError(t, tx.Orders().Create(dctx, o))
			o.Status, o.UpdatedAt = "paid", epoch().Add(time.Hour)
			require.NoError(t, tx.Orders().Update(dctx, o))
			require.NoError(t, tx.Payments().Create(dctx, storage.Payment{ID: "p1", AccountID: "a", Purpose: "order", PurposeRef: "o2",
				Method: "credit", Status: "succeeded", Amount: vnd(t, 187_000), FromCredit: vnd(t, 187_000), FromGateway: vnd(t, 0),
				Refunded: vnd(t, 0), CreatedAt: epoch(), UpdatedAt: epoch()}))
			_, err := tx.Outbox().Append(dctx, storage.Event{ID: "e1", AccountID: "a", Stream: "a", Kind: "k", Payload: []byte(`{}`),
				NextAttemptAt: epoch(), CreatedAt: epoch()})
			require.NoError(t, err)
			got, err := tx.Orders().Get(ctx, "a", "o2") // sees the held-back writes
			require.NoError(t, err)
			assert.Equal(t, "paid", string(got.Status))
			return nil
		})
		assert.True(t, orderExists(t, st, "o2"))
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Payments().Get(ctx, "a", "p1")
			return err
		})
	})

	t.Run("held-back batch writes commit every record", func(t *testing.T) {
		st := seed(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			dctx := storage.DeferWrites(ctx)
			var events []storage.Event
			for _, id := range []string{"e1", "e2", "e3"} {
				events = append(events, storage.Event{ID: id, AccountID: "a", Stream: "a", Kind: "k", Payload: []byte(`{}`),
					NextAttemptAt: epoch(), CreatedAt: epoch()})
			}
			require.NoError(t, tx.Outbox().AppendMany(dctx, events))
			jobs := []storage.Job{{AccountID: "a", Kind: "collect", DueAt: epoch(), CreatedAt: epoch(), UpdatedAt: epoch()},
				{AccountID: "a", Kind: "overdue", Key: "i1", DueAt: epoch(), CreatedAt: epoch(), UpdatedAt: epoch()}}
			require.NoError(t, tx.Jobs().PutMany(dctx, jobs[:1]))
			require.NoError(t, tx.Jobs().EnsureMany(dctx, jobs[1:]))
			return nil
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for _, id := range []string{"e1", "e2", "e3"} {
				evs, err := tx.Outbox().List(ctx, "a", 0, 10)
				require.NoError(t, err)
				found := false
				for _, e := range evs {
					found = found || e.ID == id
				}
				assert.True(t, found, "event %s", id)
			}
			for _, kind := range []storage.JobKind{"collect", "overdue"} {
				list, err := tx.Jobs().List(ctx, "a", kind)
				require.NoError(t, err)
				assert.Len(t, list, 1, "%s jobs", kind)
			}
			return nil
		})
	})

	t.Run("a duplicate fails the transaction at the latest at commit; nothing of it commits", func(t *testing.T) {
		st := seed(t)
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			dctx := storage.DeferWrites(ctx)
			if err := tx.Orders().Create(dctx, richOrder(t, "a", "o2")); err != nil {
				return err
			}
			if err := tx.Orders().Create(dctx, richOrder(t, "a", "o1")); err != nil {
				return err // a store that does not hold writes back
			}
			return nil
		})
		require.ErrorIs(t, err, storage.ErrDuplicate)
		assert.False(t, orderExists(t, st, "o2"), "the write before the duplicate rolled back with it")
	})

	t.Run("an update of a missing record fails the transaction", func(t *testing.T) {
		st := seed(t)
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			dctx := storage.DeferWrites(ctx)
			if err := tx.Orders().Create(dctx, richOrder(t, "a", "o2")); err != nil {
				return err
			}
			if err := tx.Orders().Update(dctx, richOrder(t, "a", "missing")); err != nil {
				return err
			}
			_, err := tx.Accounts().Get(ctx, "a") // may report the update's failure
			return err
		})
		require.ErrorIs(t, err, storage.ErrNotFound)
		assert.False(t, orderExists(t, st, "o2"))
	})

	t.Run("a refused ledger entry fails the transaction", func(t *testing.T) {
		st := seed(t)
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			dctx := storage.DeferWrites(ctx)
			if err := tx.Orders().Create(dctx, richOrder(t, "a", "o2")); err != nil {
				return err
			}
			_, err := tx.Ledger().Append(dctx, transfer(t, "a", "spend", 1000, "customer:cash", "revenue:sales", true))
			return err
		})
		require.ErrorIs(t, err, storage.ErrNegativeBalance)
		assert.False(t, orderExists(t, st, "o2"))
	})

	t.Run("a failure inside a savepoint undoes only the savepoint", func(t *testing.T) {
		st := seed(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			dctx := storage.DeferWrites(ctx)
			require.NoError(t, tx.Orders().Create(dctx, richOrder(t, "a", "o2")))
			err := tx.Savepoint(ctx, func(ctx context.Context, tx storage.Tx) error {
				dctx := storage.DeferWrites(ctx)
				if err := tx.Orders().Create(dctx, richOrder(t, "a", "o3")); err != nil {
					return err
				}
				return tx.Orders().Create(dctx, richOrder(t, "a", "o1"))
			})
			require.ErrorIs(t, err, storage.ErrDuplicate)
			require.NoError(t, tx.Orders().Create(dctx, richOrder(t, "a", "o4")))
			return nil
		})
		assert.True(t, orderExists(t, st, "o2"))
		assert.False(t, orderExists(t, st, "o3"), "undone with its savepoint")
		assert.True(t, orderExists(t, st, "o4"))
	})

	t.Run("a transaction that fails after held-back writes commits none of them", func(t *testing.T) {
		st := seed(t)
		errStop := errors.New("stop")
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			require.NoError(t, tx.Orders().Create(storage.DeferWrites(ctx), richOrder(t, "a", "o2")))
			return errStop
		})
		require.ErrorIs(t, err, errStop)
		assert.False(t, orderExists(t, st, "o2"))
	})

	t.Run("a record created and updated, both held back, is stored as updated", func(t *testing.T) {
		st := seed(t)
		created := epoch()
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			dctx := storage.DeferWrites(ctx)
			o := richOrder(t, "a", "o2")
			require.NoError(t, tx.Orders().Create(dctx, o))
			r := newResource("a", "r1", time.Time{})
			r.OrderID = "o2"
			require.NoError(t, tx.Resources().Create(dctx, r))
			o.Status, o.PaymentID, o.UpdatedAt = "paid", "p1", created.Add(time.Hour)
			require.NoError(t, tx.Orders().Update(dctx, o))
			r.Version, r.Status, r.UpdatedAt = 1, "provisioning", created.Add(time.Hour)
			stored, err := tx.Resources().Update(dctx, r)
			require.NoError(t, err)
			assert.Equal(t, int64(2), stored.Version)
			stored.Status, stored.UpdatedAt = "active", created.Add(2*time.Hour)
			_, err = tx.Resources().Update(dctx, stored)
			return err
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			o, err := tx.Orders().Get(ctx, "a", "o2")
			require.NoError(t, err)
			assert.Equal(t, "paid", string(o.Status))
			assert.Equal(t, "p1", o.PaymentID)
			assert.True(t, o.CreatedAt.Equal(created), "created_at is the insert's")
			assert.True(t, o.UpdatedAt.Equal(created.Add(time.Hour)), "updated_at is the update's")
			r, err := tx.Resources().Get(ctx, "a", "r1")
			require.NoError(t, err)
			assert.Equal(t, "active", string(r.Status))
			assert.Equal(t, int64(3), r.Version, "created at 1, updated twice")
			assert.True(t, r.CreatedAt.Equal(created))
			return nil
		})
	})

	t.Run("an update in a savepoint that fails is undone, its record's insert kept", func(t *testing.T) {
		st := seed(t)
		errStop := errors.New("stop")
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			dctx := storage.DeferWrites(ctx)
			o := richOrder(t, "a", "o2")
			require.NoError(t, tx.Orders().Create(dctx, o))
			r := newResource("a", "r1", time.Time{})
			require.NoError(t, tx.Resources().Create(dctx, r))
			err := tx.Savepoint(ctx, func(ctx context.Context, tx storage.Tx) error {
				dctx := storage.DeferWrites(ctx)
				o.Status = "cancelled"
				if err := tx.Orders().Update(dctx, o); err != nil {
					return err
				}
				r.Version, r.Status = 1, "released"
				if _, err := tx.Resources().Update(dctx, r); err != nil {
					return err
				}
				return errStop
			})
			require.ErrorIs(t, err, errStop)
			return nil
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			o, err := tx.Orders().Get(ctx, "a", "o2")
			require.NoError(t, err)
			assert.Equal(t, string(richOrder(t, "a", "o2").Status), string(o.Status), "the savepoint's update is undone")
			r, err := tx.Resources().Get(ctx, "a", "r1")
			require.NoError(t, err)
			assert.Equal(t, "active", string(r.Status))
			assert.Equal(t, int64(1), r.Version)
			return nil
		})
	})

	t.Run("held-back writes of one row apply in the order made", func(t *testing.T) {
		st := seed(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			dctx := storage.DeferWrites(ctx)
			r := newResource("a", "r1", time.Time{})
			require.NoError(t, tx.Resources().Create(dctx, r))
			r.Version, r.Status, r.Name = 1, "suspended", "first"
			require.NoError(t, tx.Resources().UpdateMany(dctx, []storage.Resource{r}))
			r.Version, r.Status = 2, "active"
			_, err := tx.Resources().Update(dctx, r)
			return err
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			r, err := tx.Resources().Get(ctx, "a", "r1")
			require.NoError(t, err)
			assert.Equal(t, "active", string(r.Status), "the last update wins")
			assert.Equal(t, "first", r.Name)
			assert.Equal(t, int64(3), r.Version)
			return nil
		})
	})
}
