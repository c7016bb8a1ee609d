package storagetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// Refunds tests the refunds to a payment's original method (a store whose
// Tx implements storage.RefundStore; others skip) and the payment's
// reconciliation counter.
func Refunds(t *testing.T, newStore NewStore, opts Options) { newSuite(newStore, opts).testRefunds(t) }

// newRefund is a pending refund of acct's payment pay, created at created
// minutes.
func newRefund(t testing.TB, acct, id, pay string, created int) storage.Refund {
	return storage.Refund{ID: id, AccountID: acct, PaymentID: pay, Gateway: "sim", Amount: vnd(t, 30_000),
		Status: payment.RefundPending, Reason: "customer asked", CreatedAt: minutes(created), UpdatedAt: minutes(created)}
}

// refundsOf returns tx's refunds, or skips the test for a store without.
func refundsOf(t *testing.T, tx storage.Tx) storage.Refunds {
	rs, ok := tx.(storage.RefundStore)
	if !ok {
		t.Skip("the store does not implement storage.RefundStore")
	}
	return rs.Refunds()
}

func (s suite) testRefunds(t *testing.T) {
	t.Run("a payment's query attempts round-trip and are never negative", func(t *testing.T) {
		st := s.newStore(t)
		p := duePayment(t, "a", "p1", "pending", 0, 30)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Payments().Create(ctx, p) })
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.Payments().GetForUpdate(ctx, "a", "p1")
			require.NoError(t, err)
			assert.Zero(t, got.QueryAttempts)
			got.QueryAttempts, got.RetryAt = 4, minutes(45)
			upd, err := tx.Payments().Update(ctx, got)
			require.NoError(t, err)
			assert.Equal(t, 4, upd.QueryAttempts)
			return nil
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.Payments().Get(ctx, "a", "p1")
			require.NoError(t, err)
			assert.Equal(t, 4, got.QueryAttempts)
			due, err := tx.Payments().ExpiryDue(ctx, minutes(44), 10)
			require.NoError(t, err)
			assert.Empty(t, ids(due), "waiting for its next query at 45")
			due, err = tx.Payments().ExpiryDue(ctx, minutes(45), 10)
			require.NoError(t, err)
			assert.Equal(t, []string{"p1"}, ids(due))
			got.QueryAttempts = -1
			_, err = tx.Payments().Update(ctx, got)
			assert.ErrorIs(t, err, storage.ErrInvalidRecord)
			return nil
		})
	})

	t.Run("a refund round-trips, is tenant-scoped and found by id alone", func(t *testing.T) {
		st := s.newStore(t)
		r := newRefund(t, "a", "rf1", "p1", 0)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			rs := refundsOf(t, tx)
			require.NoError(t, rs.Create(ctx, r))
			assert.ErrorIs(t, rs.Create(ctx, r), storage.ErrDuplicate)
			bad := r
			bad.ID, bad.Status = "rf2", "lost"
			assert.ErrorIs(t, rs.Create(ctx, bad), storage.ErrInvalidRecord)
			return nil
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			rs := refundsOf(t, tx)
			got, err := rs.Get(ctx, "a", "rf1")
			require.NoError(t, err)
			want := r
			want.Version = 1
			assert.Empty(t, cmp.Diff(want, got, cmpAmounts()))
			_, err = rs.Get(ctx, "b", "rf1")
			assert.ErrorIs(t, err, storage.ErrNotFound, "another tenant's refund is not found")
			_, err = rs.GetForUpdate(ctx, "b", "rf1")
			assert.ErrorIs(t, err, storage.ErrNotFound)
			byID, err := rs.LookupForUpdate(ctx, "rf1")
			require.NoError(t, err)
			assert.Equal(t, "a", byID.AccountID)
			_, err = rs.LookupForUpdate(ctx, "nope")
			assert.ErrorIs(t, err, storage.ErrNotFound)

			got.Status, got.GatewayRef, got.Submitted, got.Attempts, got.LastError, got.RetryAt = payment.RefundSucceeded, "re_1", true, 2, "timeout", minutes(9)
			got.UpdatedAt = minutes(5)
			upd, err := rs.Update(ctx, got)
			require.NoError(t, err)
			assert.Equal(t, int64(2), upd.Version)
			assert.True(t, upd.CreatedAt.Equal(minutes(0)), "CreatedAt is kept")
			other := got
			other.AccountID = "b"
			_, err = rs.Update(ctx, other)
			assert.ErrorIs(t, err, storage.ErrNotFound)
			neg := got
			neg.Attempts = -1
			_, err = rs.Update(ctx, neg)
			assert.ErrorIs(t, err, storage.ErrInvalidRecord)
			return nil
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := refundsOf(t, tx).Get(ctx, "a", "rf1")
			require.NoError(t, err)
			assert.Equal(t, payment.RefundSucceeded, got.Status)
			assert.Equal(t, "re_1", got.GatewayRef)
			assert.True(t, got.Submitted)
			assert.Equal(t, 2, got.Attempts)
			assert.True(t, got.RetryAt.Equal(minutes(9)))
			return nil
		})
	})

	t.Run("a payment's refunds list oldest first; pending ones are due by creation and retry time", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			rs := refundsOf(t, tx)
			for _, r := range []storage.Refund{
				newRefund(t, "a", "rf2", "p1", 2), newRefund(t, "a", "rf1", "p1", 1), newRefund(t, "a", "rf3", "p2", 3),
				newRefund(t, "b", "rf4", "p1", 4),
			} {
				require.NoError(t, rs.Create(ctx, r))
			}
			done := newRefund(t, "a", "rf5", "p1", 0)
			done.Status = payment.RefundFailed
			require.NoError(t, rs.Create(ctx, done))
			later := newRefund(t, "a", "rf6", "p2", 0)
			later.RetryAt = minutes(20)
			return rs.Create(ctx, later)
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			rs := refundsOf(t, tx)
			list, err := rs.ListByPayment(ctx, "a", "p1")
			require.NoError(t, err)
			assert.Equal(t, []string{"rf5", "rf1", "rf2"}, refundIDs(list))
			list, err = rs.ListByPayment(ctx, "b", "p2")
			require.NoError(t, err)
			assert.Empty(t, list)
			due, err := rs.PendingDue(ctx, minutes(10), minutes(3), 10)
			require.NoError(t, err)
			assert.Equal(t, []string{"rf1", "rf2", "rf3"}, refundIDs(due), "created by 3, not failed, not waiting")
			due, err = rs.PendingDue(ctx, minutes(20), minutes(10), 2)
			require.NoError(t, err)
			assert.Equal(t, []string{"rf6", "rf1"}, refundIDs(due), "a page of two, oldest first")
			_, err = rs.PendingDue(ctx, minutes(20), minutes(10), 0)
			assert.ErrorIs(t, err, storage.ErrInvalidRecord)
			return nil
		})
	})

	t.Run("a rolled-back refund leaves nothing behind", func(t *testing.T) {
		st := s.newStore(t)
		errStop := errors.New("stop")
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			require.NoError(t, refundsOf(t, tx).Create(ctx, newRefund(t, "a", "rf1", "p1", 0)))
			return errStop
		})
		require.ErrorIs(t, err, errStop)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			_, err := refundsOf(t, tx).Get(ctx, "a", "rf1")
			assert.ErrorIs(t, err, storage.ErrNotFound)
			due, err := refundsOf(t, tx).PendingDue(ctx, minutes(10), minutes(10), 10)
			require.NoError(t, err)
			assert.Empty(t, due)
			return nil
		})
	})

	t.Run("concurrent updates of one locked refund are serialised", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			r := newRefund(t, "a", "rf1", "p1", 0)
			return refundsOf(t, tx).Create(ctx, r)
		})
		var wg sync.WaitGroup
		for range s.opts.Parallelism {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
					rs := refundsOf(t, tx)
					r, err := rs.LookupForUpdate(ctx, "rf1")
					if err != nil {
						return err
					}
					r.Attempts++
					r.UpdatedAt = r.UpdatedAt.Add(time.Minute)
					_, err = rs.Update(ctx, r)
					return err
				})
				assert.NoError(t, err)
			}()
		}
		wg.Wait()
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			r, err := refundsOf(t, tx).Get(ctx, "a", "rf1")
			require.NoError(t, err)
			assert.Equal(t, s.opts.Parallelism, r.Attempts, "no update was lost")
			return nil
		})
	})
}

// refundIDs lists the refunds' ids in order.
func refundIDs(rs []storage.Refund) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}
