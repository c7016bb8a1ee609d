package memory

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

// logsEmpty reports whether every table's write log is empty, as it must
// be between transactions.
func logsEmpty(s *Store) bool {
	d := s.data
	return len(d.accounts.log) == 0 && len(d.idem.log) == 0 && len(d.resources.resources.log) == 0 &&
		len(d.resources.resourcesBy.log) == 0 && len(d.resources.byOrder.log) == 0 && len(d.resources.invoices.log) == 0 &&
		len(d.resources.invoicesBy.log) == 0 && len(d.resources.issued.log) == 0 && len(d.resources.eventIDs.log) == 0 &&
		len(d.orders.orders.log) == 0 && len(d.orders.ordersBy.log) == 0 && len(d.payments.payments.log) == 0 &&
		len(d.payments.byAccount.log) == 0 && len(d.jobs.jobs.log) == 0 && len(d.resources.due.log) == 0 && len(d.jobs.due.log) == 0 && len(d.jobs.byAccount.log) == 0
}

// TestUndoLogsTakeBackAndForget writes to the same records through
// savepoints, failed and committed transactions, and checks each time that
// what is stored is what should be and that no table keeps a log.
func TestUndoLogsTakeBackAndForget(t *testing.T) {
	ctx := context.Background()
	s := New()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	res := storage.Resource{ID: "r1", AccountID: "a", OrderID: "o1", Status: lifecycle.StatePendingPayment, NextDueAt: at}
	ord := storage.Order{ID: "o1", AccountID: "a", Status: order.StatusPending}
	require.NoError(t, s.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		require.NoError(t, tx.Accounts().Create(ctx, storage.Account{ID: "a", Currency: "VND", Type: storage.Prepaid}))
		require.NoError(t, tx.Orders().Create(ctx, ord))
		return tx.Resources().Create(ctx, res)
	}))
	require.True(t, logsEmpty(s))
	read := func() (storage.Resource, storage.Order, int) {
		var r storage.Resource
		var o storage.Order
		var n int
		require.NoError(t, s.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			var err error
			if r, err = tx.Resources().Get(ctx, "a", "r1"); err != nil {
				return err
			}
			if o, err = tx.Orders().Get(ctx, "a", "o1"); err != nil {
				return err
			}
			rs, err := tx.Resources().List(ctx, "a", "", 10)
			n = len(rs)
			return err
		}))
		return r, o, n
	}
	boom := errors.New("boom")
	err := s.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		r := res
		r.Status = lifecycle.StateActive
		if _, err := tx.Resources().Update(ctx, r); err != nil {
			return err
		}
		serr := tx.Savepoint(ctx, func(ctx context.Context, tx storage.Tx) error {
			r.Status, r.NextDueAt = lifecycle.StateSuspended, at.Add(time.Hour)
			if err := tx.Resources().UpdateMany(ctx, []storage.Resource{r}); err != nil {
				return err
			}
			o := ord
			o.Status = order.StatusPaid
			if err := tx.Orders().Update(ctx, o); err != nil {
				return err
			}
			if err := tx.Resources().Create(ctx, storage.Resource{ID: "r2", AccountID: "a", OrderID: "o1", Status: lifecycle.StateActive}); err != nil {
				return err
			}
			return boom
		})
		require.ErrorIs(t, serr, boom)
		got, err := tx.Resources().Get(ctx, "a", "r1")
		require.NoError(t, err)
		require.Equal(t, lifecycle.StateActive, got.Status, "the savepoint's update is taken back, the one before it kept")
		require.Equal(t, int64(2), got.Version)
		_, err = tx.Resources().Get(ctx, "a", "r2")
		require.ErrorIs(t, err, storage.ErrNotFound)
		rs, err := tx.Resources().ListByOrder(ctx, "a", "o1")
		require.NoError(t, err)
		require.Len(t, rs, 1)
		return boom
	})
	require.ErrorIs(t, err, boom)
	require.True(t, logsEmpty(s))
	r, o, n := read()
	require.Equal(t, lifecycle.StatePendingPayment, r.Status)
	require.Equal(t, int64(1), r.Version)
	require.Equal(t, order.StatusPending, o.Status)
	require.Equal(t, 1, n)
	require.True(t, logsEmpty(s))

	require.NoError(t, s.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		r := res
		r.Status = lifecycle.StateActive
		if _, err := tx.Resources().Update(ctx, r); err != nil {
			return err
		}
		o := ord
		o.Status = order.StatusPaid
		if err := tx.Orders().Update(ctx, o); err != nil {
			return err
		}
		return tx.Resources().Create(ctx, storage.Resource{ID: "r2", AccountID: "a", OrderID: "o1", Status: lifecycle.StateActive})
	}))
	require.True(t, logsEmpty(s))
	r, o, n = read()
	require.Equal(t, lifecycle.StateActive, r.Status)
	require.Equal(t, int64(2), r.Version)
	require.Equal(t, order.StatusPaid, o.Status)
	require.Equal(t, 2, n)

	require.Panics(t, func() {
		_ = s.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			o := ord
			o.Status = order.StatusFailed
			if err := tx.Orders().Update(ctx, o); err != nil {
				return err
			}
			panic("boom")
		})
	})
	require.True(t, logsEmpty(s))
	_, o, _ = read()
	require.Equal(t, order.StatusPaid, o.Status)
}
