package faultstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/memory"
	"github.com/cloudbill/cloudbill/storage/storagetest/faultstore"
)

// TestEveryRefundsCallCanFail: a wrapped store that keeps refunds hands
// out a Tx that keeps them too, and each of the seven Refunds methods is
// counted under its own name and fails with ErrInjected at the second
// call, without reaching the wrapped store.
func TestEveryRefundsCallCanFail(t *testing.T) {
	amt, err := money.New("150000", "VND")
	require.NoError(t, err)
	r := storage.Refund{ID: "rf1", AccountID: "a", PaymentID: "p1", Gateway: "sim", Amount: amt, Status: payment.RefundPending,
		CreatedAt: epoch, UpdatedAt: epoch}
	calls := map[string]func(ctx context.Context, rs storage.Refunds) error{
		"Refunds.Create": func(ctx context.Context, rs storage.Refunds) error { return rs.Create(ctx, r) },
		"Refunds.Get": func(ctx context.Context, rs storage.Refunds) error {
			_, err := rs.Get(ctx, "a", "rf1")
			return err
		},
		"Refunds.GetForUpdate": func(ctx context.Context, rs storage.Refunds) error {
			_, err := rs.GetForUpdate(ctx, "a", "rf1")
			return err
		},
		"Refunds.LookupForUpdate": func(ctx context.Context, rs storage.Refunds) error {
			_, err := rs.LookupForUpdate(ctx, "rf1")
			return err
		},
		"Refunds.Update": func(ctx context.Context, rs storage.Refunds) error {
			upd := r
			upd.Attempts = 1
			_, err := rs.Update(ctx, upd)
			return err
		},
		"Refunds.ListByPayment": func(ctx context.Context, rs storage.Refunds) error {
			_, err := rs.ListByPayment(ctx, "a", "p1")
			return err
		},
		"Refunds.PendingDue": func(ctx context.Context, rs storage.Refunds) error {
			_, err := rs.PendingDue(ctx, epoch.Add(time.Hour), epoch.Add(time.Hour), 10)
			return err
		},
	}
	refundsOf := func(t *testing.T, tx storage.Tx) storage.Refunds {
		rs, ok := tx.(storage.RefundStore)
		require.True(t, ok, "the memory store keeps refunds, so the wrapper's Tx does")
		return rs.Refunds()
	}
	for op, call := range calls {
		t.Run(op, func(t *testing.T) {
			inner := memory.New()
			if op != "Refunds.Create" {
				require.NoError(t, inner.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
					return tx.(storage.RefundStore).Refunds().Create(ctx, r)
				}))
			}
			fs := faultstore.New(inner)
			fs.FailAt(2)
			err := fs.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
				return call(ctx, refundsOf(t, tx))
			})
			require.ErrorIs(t, err, faultstore.ErrInjected)
			f, ok := fs.Injected()
			require.True(t, ok)
			assert.Equal(t, faultstore.Fault{Call: 2, Op: op, Nth: 1, Mode: faultstore.Fail}, f)
			require.NoError(t, fs.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
				return call(ctx, refundsOf(t, tx))
			}), "disarmed, the call goes through")
		})
	}
}
