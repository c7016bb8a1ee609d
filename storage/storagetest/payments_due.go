package storagetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// minutes is epoch plus n minutes.
func minutes(n int) time.Time { return epoch().Add(time.Duration(n) * time.Minute) }

// ids lists the payments' ids in order.
func ids(ps []storage.Payment) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

// duePayment is a payment of acct in status, created at created minutes
// and expiring at expires minutes (never when expires is negative).
func duePayment(t testing.TB, acct, id string, status payment.Status, created, expires int) storage.Payment {
	p := newPayment(t, acct, id)
	p.Status, p.CreatedAt, p.UpdatedAt, p.ExpiresAt = status, minutes(created), minutes(created), time.Time{}
	if expires >= 0 {
		p.ExpiresAt = minutes(expires)
	}
	return p
}

// testPaymentsDue checks ExpiryDue and RetryDue, the worker's two payment
// sweeps, and the failure state they read.
func (s suite) testPaymentsDue(t *testing.T) {
	t.Run("the worker's failure state round-trips and is never negative", func(t *testing.T) {
		st := s.newStore(t)
		p := duePayment(t, "a", "p1", "created", 0, 30)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Payments().Create(ctx, p) })
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.Payments().GetForUpdate(ctx, "a", "p1")
			require.NoError(t, err)
			assert.Zero(t, got.Attempts)
			assert.Empty(t, got.LastError)
			assert.True(t, got.RetryAt.IsZero())
			got.Attempts, got.LastError, got.RetryAt = 3, "gateway timeout", minutes(7)
			upd, err := tx.Payments().Update(ctx, got)
			require.NoError(t, err)
			assert.Equal(t, 3, upd.Attempts)
			return nil
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.Payments().Get(ctx, "a", "p1")
			require.NoError(t, err)
			assert.Equal(t, 3, got.Attempts)
			assert.Equal(t, "gateway timeout", got.LastError)
			assert.True(t, got.RetryAt.Equal(minutes(7)), "RetryAt %s", got.RetryAt)
			return nil
		})
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.Payments().GetForUpdate(ctx, "a", "p1")
			require.NoError(t, err)
			got.Attempts = -1
			_, err = tx.Payments().Update(ctx, got)
			return err
		})
		assert.ErrorIs(t, err, storage.ErrInvalidRecord)
		err = st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			bad := duePayment(t, "a", "p2", "created", 0, 30)
			bad.Attempts = -1
			return tx.Payments().Create(ctx, bad)
		})
		assert.ErrorIs(t, err, storage.ErrInvalidRecord)
	})

	t.Run("created and pending payments past their expiry are due, oldest expiry first, in pages, across tenants", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			backingOff := duePayment(t, "a", "p-backoff", "created", 0, 15)
			backingOff.Attempts, backingOff.LastError, backingOff.RetryAt = 1, "store hiccup", minutes(40)
			retryPassed := duePayment(t, "b", "p-retried", "pending", 0, 18)
			retryPassed.Attempts, retryPassed.RetryAt = 2, minutes(19)
			for _, p := range []storage.Payment{
				duePayment(t, "a", "p-pending", "pending", 0, 10),
				duePayment(t, "a", "p-created", "created", 0, 20),
				duePayment(t, "a", "p-succeeded", "succeeded", 0, 5),
				duePayment(t, "a", "p-later", "pending", 0, 30),
				duePayment(t, "a", "p-no-expiry", "pending", 0, -1),
				duePayment(t, "b", "p-other-tenant", "pending", 0, 12),
				backingOff, retryPassed,
			} {
				if err := tx.Payments().Create(ctx, p); err != nil {
					return err
				}
			}
			return nil
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			due, err := tx.Payments().ExpiryDue(ctx, minutes(20), 10)
			require.NoError(t, err)
			assert.Equal(t, []string{"p-pending", "p-other-tenant", "p-retried", "p-created"}, ids(due),
				"expiring at 10, 12, 18 and 20 (at t itself is due); not the succeeded one, the later one, the one without expiry, nor the one backing off until 40")
			page, err := tx.Payments().ExpiryDue(ctx, minutes(20), 2)
			require.NoError(t, err)
			assert.Equal(t, []string{"p-pending", "p-other-tenant"}, ids(page), "a page of 2")
			for _, p := range page {
				p.Status = "expired"
				if _, err := tx.Payments().Update(ctx, p); err != nil {
					return err
				}
			}
			page, err = tx.Payments().ExpiryDue(ctx, minutes(20), 2)
			require.NoError(t, err)
			assert.Equal(t, []string{"p-retried", "p-created"}, ids(page), "expired payments leave the set: the next page")
			due, err = tx.Payments().ExpiryDue(ctx, minutes(40), 10)
			require.NoError(t, err)
			assert.Equal(t, []string{"p-backoff", "p-retried", "p-created", "p-later"}, ids(due), "at 40 the one backing off is due again")
			_, err = tx.Payments().ExpiryDue(ctx, minutes(40), 0)
			assert.ErrorIs(t, err, storage.ErrInvalidRecord)
			return nil
		})
	})

	t.Run("a rolled-back change leaves the due set as it was", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			return tx.Payments().Create(ctx, duePayment(t, "a", "p1", "pending", 0, 10))
		})
		boom := errors.New("boom")
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			p, err := tx.Payments().GetForUpdate(ctx, "a", "p1")
			require.NoError(t, err)
			p.Status = "expired"
			if _, err := tx.Payments().Update(ctx, p); err != nil {
				return err
			}
			if err := tx.Payments().Create(ctx, duePayment(t, "a", "p2", "created", 0, 5)); err != nil {
				return err
			}
			due, err := tx.Payments().ExpiryDue(ctx, minutes(10), 10)
			require.NoError(t, err)
			assert.Equal(t, []string{"p2"}, ids(due), "the transaction sees its own writes")
			return boom
		})
		require.ErrorIs(t, err, boom)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			due, err := tx.Payments().ExpiryDue(ctx, minutes(10), 10)
			require.NoError(t, err)
			assert.Equal(t, []string{"p1"}, ids(due), "p1 still pending, p2 never created")
			return nil
		})
	})

	t.Run("created payments are due for a retry after the delay or at their RetryAt, oldest first, until they expire", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			backingOff := duePayment(t, "a", "c-backoff", "created", 0, 30)
			backingOff.Attempts, backingOff.LastError, backingOff.RetryAt = 1, "gateway timeout", minutes(5)
			for _, p := range []storage.Payment{
				duePayment(t, "a", "c-old", "created", 0, 30),
				duePayment(t, "a", "c-young", "created", 1, 31),
				duePayment(t, "a", "c-expired", "created", 0, 3),
				duePayment(t, "a", "c-pending", "pending", 0, 30),
				duePayment(t, "a", "c-succeeded", "succeeded", 0, 30),
				duePayment(t, "b", "c-other-tenant", "created", 0, 30),
				backingOff,
			} {
				if err := tx.Payments().Create(ctx, p); err != nil {
					return err
				}
			}
			return nil
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			due, err := tx.Payments().RetryDue(ctx, minutes(4), minutes(0), 10)
			require.NoError(t, err)
			assert.Equal(t, []string{"c-old", "c-other-tenant"}, ids(due),
				"created at 0 with no RetryAt; not the one created at 1, the one backing off until 5, the one that expired at 3, nor pending or succeeded ones")
			due, err = tx.Payments().RetryDue(ctx, minutes(5), minutes(1), 10)
			require.NoError(t, err)
			assert.Equal(t, []string{"c-backoff", "c-old", "c-other-tenant", "c-young"}, ids(due),
				"at 5 the one backing off is due; created at 0, 0, 0 (by id) and 1")
			page, err := tx.Payments().RetryDue(ctx, minutes(5), minutes(1), 2)
			require.NoError(t, err)
			assert.Equal(t, []string{"c-backoff", "c-old"}, ids(page), "a page of 2")
			for _, p := range page {
				p.Status = "pending"
				if _, err := tx.Payments().Update(ctx, p); err != nil {
					return err
				}
			}
			page, err = tx.Payments().RetryDue(ctx, minutes(5), minutes(1), 2)
			require.NoError(t, err)
			assert.Equal(t, []string{"c-other-tenant", "c-young"}, ids(page), "submitted payments leave the set: the next page")
			due, err = tx.Payments().RetryDue(ctx, minutes(31), minutes(31), 10)
			require.NoError(t, err)
			assert.Empty(t, ids(due), "at 31 every created payment has expired: expiry, not a retry, is due")
			_, err = tx.Payments().RetryDue(ctx, minutes(5), minutes(1), 1001)
			assert.ErrorIs(t, err, storage.ErrInvalidRecord)
			return nil
		})
	})
}
