package storagetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/storage"
)

func (s suite) testOrders(t *testing.T) {
	t.Run("coupons: create, get, update; duplicate code", func(t *testing.T) {
		st := s.newStore(t)
		c := richCoupon(t, "SPRING20")
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Coupons().Create(ctx, c) })
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error { return tx.Coupons().Create(ctx, c) })
		assert.ErrorIs(t, err, storage.ErrDuplicate)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.Coupons().GetForUpdate(ctx, "SPRING20")
			require.NoError(t, err)
			assertSame(t, c, got)
			got.Definition.Kind, got.Definition.Products, got.UpdatedAt = coupon.KindFixed, []string{"vcdn"}, epoch().Add(time.Hour)
			require.NoError(t, tx.Coupons().Update(ctx, got))
			_, err = tx.Coupons().Get(ctx, "NOPE")
			assert.ErrorIs(t, err, storage.ErrNotFound)
			assert.ErrorIs(t, tx.Coupons().Update(ctx, storage.CouponRecord{Code: "NOPE"}), storage.ErrNotFound)
			return nil
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.Coupons().Get(ctx, "SPRING20")
			require.NoError(t, err)
			assert.Equal(t, coupon.KindFixed, got.Definition.Kind)
			assert.Equal(t, []string{"vcdn"}, got.Definition.Products)
			assert.True(t, got.CreatedAt.Equal(epoch()))
			return nil
		})
	})

	t.Run("redemptions count reserved and consumed, in total and per account", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for i, r := range []struct {
				acct   string
				status coupon.RedemptionStatus
			}{{"a", "reserved"}, {"a", "consumed"}, {"b", "consumed"}, {"a", "released"}} {
				if err := tx.Redemptions().Create(ctx, storage.Redemption{ID: fmt.Sprintf("r%d", i), Code: "C", AccountID: r.acct,
					OrderID: fmt.Sprintf("o%d", i), Status: r.status, Amount: vnd(t, 1000), CreatedAt: epoch(), UpdatedAt: epoch()}); err != nil {
					return err
				}
			}
			return nil
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			total, mine, err := tx.Redemptions().Count(ctx, "C", "a")
			require.NoError(t, err)
			assert.Equal(t, 3, total)
			assert.Equal(t, 2, mine)
			list, err := tx.Redemptions().ListByOrder(ctx, "a", "o1")
			require.NoError(t, err)
			require.Len(t, list, 1)
			list[0].Status = "released"
			require.NoError(t, tx.Redemptions().Update(ctx, list[0]))
			total, mine, err = tx.Redemptions().Count(ctx, "C", "a")
			require.NoError(t, err)
			assert.Equal(t, 2, total)
			assert.Equal(t, 1, mine)
			none, err := tx.Redemptions().ListByOrder(ctx, "b", "o1")
			require.NoError(t, err)
			assert.Empty(t, none, "scoped by account")
			return nil
		})
	})

	t.Run("a coupon limited to 3 under N concurrent redemptions: exactly 3", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			return tx.Coupons().Create(ctx, storage.CouponRecord{Code: "LIMIT3", CreatedAt: epoch(), UpdatedAt: epoch()})
		})
		n := s.opts.Parallelism
		var won atomic.Int64
		errLimit := errors.New("limit reached")
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
					if _, err := tx.Coupons().GetForUpdate(ctx, "LIMIT3"); err != nil {
						return err
					}
					total, _, err := tx.Redemptions().Count(ctx, "LIMIT3", "")
					if err != nil {
						return err
					}
					if total >= 3 {
						return errLimit
					}
					return tx.Redemptions().Create(ctx, storage.Redemption{ID: fmt.Sprintf("r%d", i), Code: "LIMIT3", AccountID: fmt.Sprintf("acct%d", i),
						OrderID: "o", Status: "reserved", Amount: vnd(t, 1), CreatedAt: epoch(), UpdatedAt: epoch()})
				})
				if err == nil {
					won.Add(1)
				} else if !errors.Is(err, errLimit) {
					t.Errorf("unexpected: %v", err)
				}
			})
		}
		wg.Wait()
		assert.Equal(t, int64(3), won.Load())
	})

	t.Run("orders: a postpaid order billed in arrears, its quote an estimate, is stored and counted", func(t *testing.T) {
		st := s.newStore(t)
		o := richOrder(t, "a", "o1")
		o.Status, o.Total = order.StatusBilledInArrears, vnd(t, 0)
		o.Detail.Quote.Estimate = true
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Orders().Create(ctx, o) })
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.Orders().Get(ctx, "a", "o1")
			require.NoError(t, err)
			assertSame(t, o, got)
			assert.True(t, got.Detail.Quote.Estimate)
			n, err := tx.Orders().CountByAccount(ctx, "a", order.StatusBilledInArrears)
			require.NoError(t, err)
			assert.Equal(t, 1, n)
			n, err = tx.Orders().CountByAccount(ctx, "a", order.StatusPaid, order.StatusCompleted)
			require.NoError(t, err)
			assert.Equal(t, 0, n)
			return nil
		})
	})

	t.Run("orders: create, get, update, count by status, scoped", func(t *testing.T) {
		st := s.newStore(t)
		o := richOrder(t, "a", "o1")
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Orders().Create(ctx, o) })
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error { return tx.Orders().Create(ctx, o) })
		assert.ErrorIs(t, err, storage.ErrDuplicate)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.Orders().GetForUpdate(ctx, "a", "o1")
			require.NoError(t, err)
			assertSame(t, o, got)
			got.Status, got.PaymentID = order.StatusPaid, "p1"
			require.NoError(t, tx.Orders().Update(ctx, got))
			_, err = tx.Orders().Get(ctx, "b", "o1")
			assert.ErrorIs(t, err, storage.ErrNotFound)
			other := got
			other.AccountID = "b"
			assert.ErrorIs(t, tx.Orders().Update(ctx, other), storage.ErrNotFound)
			return tx.Orders().Create(ctx, storage.Order{ID: "o2", AccountID: "a", Status: order.StatusFailed, Total: vnd(t, 1), CreatedAt: epoch(), UpdatedAt: epoch()})
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			n, err := tx.Orders().CountByAccount(ctx, "a", order.StatusPaid, order.StatusCompleted)
			require.NoError(t, err)
			assert.Equal(t, 1, n)
			n, err = tx.Orders().CountByAccount(ctx, "a")
			require.NoError(t, err)
			assert.Equal(t, 2, n)
			got, err := tx.Orders().Get(ctx, "a", "o1")
			require.NoError(t, err)
			assert.Equal(t, "p1", got.PaymentID)
			return nil
		})
	})
}
