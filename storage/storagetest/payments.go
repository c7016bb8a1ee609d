package storagetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

func newPayment(t testing.TB, acct, id string) storage.Payment {
	return storage.Payment{
		ID: id, AccountID: acct, Purpose: "order", PurposeRef: "order-" + id, Method: "top_up_and_pay",
		Status: "pending", Amount: vnd(t, 200_000), FromCredit: vnd(t, 150_000), FromGateway: vnd(t, 50_000),
		Refunded: vnd(t, 0), Gateway: "sim", GatewayRef: "ref-" + id, RedirectURL: "https://pay.example/" + id,
		Description: "vServer", ExpiresAt: epoch().Add(15 * time.Minute), CreatedAt: epoch(), UpdatedAt: epoch(),
	}
}

// cmpAmounts lets cmp.Diff compare money by value and times by instant.
func cmpAmounts() cmp.Options {
	return cmp.Options{
		cmp.Comparer(func(a, b money.Amount) bool { return a.Equal(b) }),
		cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
	}
}

func (s suite) testPayments(t *testing.T) {
	t.Run("create, get, update round trip", func(t *testing.T) {
		st := s.newStore(t)
		want := newPayment(t, "a", "p1")
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Payments().Create(ctx, want) })
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.Payments().Get(ctx, "a", "p1")
			require.NoError(t, err)
			want.Version = 1
			assert.Empty(t, cmp.Diff(want, got, cmpAmounts()))
			got, err = tx.Payments().GetForUpdate(ctx, "a", "p1")
			require.NoError(t, err)
			got.Status, got.UpdatedAt, got.CreatedAt = "succeeded", epoch().Add(time.Minute), epoch().Add(time.Hour)
			upd, err := tx.Payments().Update(ctx, got)
			require.NoError(t, err)
			assert.Equal(t, int64(2), upd.Version)
			assert.True(t, upd.CreatedAt.Equal(epoch()), "CreatedAt kept")
			return nil
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.Payments().LookupForUpdate(ctx, "p1")
			require.NoError(t, err)
			assert.Equal(t, payment.StatusSucceeded, got.Status)
			assert.Equal(t, int64(2), got.Version)
			return nil
		})
	})

	t.Run("another tenant's payment is not found", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			return tx.Payments().Create(ctx, newPayment(t, "a", "p1"))
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Payments().Get(ctx, "b", "p1")
			assert.ErrorIs(t, err, storage.ErrNotFound)
			_, err = tx.Payments().GetForUpdate(ctx, "b", "p1")
			assert.ErrorIs(t, err, storage.ErrNotFound)
			p := newPayment(t, "b", "p1")
			_, err = tx.Payments().Update(ctx, p)
			assert.ErrorIs(t, err, storage.ErrNotFound)
			_, err = tx.Payments().LookupForUpdate(ctx, "nope")
			assert.ErrorIs(t, err, storage.ErrNotFound)
			return nil
		})
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			return tx.Payments().Create(ctx, newPayment(t, "b", "p1"))
		})
		assert.ErrorIs(t, err, storage.ErrDuplicate)
	})

	t.Run("list pages newest first", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for i := range 5 {
				p := newPayment(t, "a", fmt.Sprintf("p%d", i))
				p.CreatedAt = epoch().Add(time.Duration(i) * time.Minute)
				if err := tx.Payments().Create(ctx, p); err != nil {
					return err
				}
			}
			return tx.Payments().Create(ctx, newPayment(t, "b", "other"))
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			p1, err := tx.Payments().List(ctx, "a", "", 3)
			require.NoError(t, err)
			require.Len(t, p1, 3)
			p2, err := tx.Payments().List(ctx, "a", p1[2].ID, 3)
			require.NoError(t, err)
			require.Len(t, p2, 2)
			var ids []string
			for _, p := range append(p1, p2...) {
				ids = append(ids, p.ID)
			}
			assert.Equal(t, []string{"p4", "p3", "p2", "p1", "p0"}, ids)
			_, err = tx.Payments().List(ctx, "a", "", 1001)
			assert.ErrorIs(t, err, storage.ErrInvalidRecord)
			return nil
		})
	})

	t.Run("due payments", s.testPaymentsDue)

	t.Run("a gateway event is applied once, even under a race", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			return tx.GatewayEvents().Record(ctx, "sim", "evt-1", epoch())
		})
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			return tx.GatewayEvents().Record(ctx, "sim", "evt-1", epoch())
		})
		assert.ErrorIs(t, err, storage.ErrDuplicate)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			return tx.GatewayEvents().Record(ctx, "other-gateway", "evt-1", epoch())
		})
		// Concurrent callbacks for one top-up: exactly one credits.
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Accounts().Create(ctx, newAccount("a")) })
		n := s.opts.Parallelism
		var applied atomic.Int64
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
					if err := tx.GatewayEvents().Record(ctx, "sim", "evt-race", epoch()); err != nil {
						return err
					}
					_, err := tx.Ledger().Append(ctx, transfer(t, "a", "topup-evt-race", 100_000, "gateway:clearing:sim", "customer:cash", false))
					return err
				})
				switch {
				case err == nil:
					applied.Add(1)
				case errors.Is(err, storage.ErrDuplicate):
				default:
					t.Errorf("unexpected: %v", err)
				}
			})
		}
		wg.Wait()
		assert.Equal(t, int64(1), applied.Load())
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			bals, err := tx.Ledger().Balances(ctx, "a")
			require.NoError(t, err)
			assert.Equal(t, int64(100_000), balanceOf(t, bals, "customer:cash"), "credited once")
			return nil
		})
	})

	t.Run("linked accounts: create, list live ones, update, scoped", func(t *testing.T) {
		st := s.newStore(t)
		la := func(id string) storage.LinkedAccount {
			return storage.LinkedAccount{ID: id, AccountID: "a", Gateway: "sim", Status: "active", Token: "tok_" + id + "_secret4242",
				Display: "sim •••• 4242", CreatedAt: epoch(), UpdatedAt: epoch()}
		}
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for _, id := range []string{"l1", "l2", "l3"} {
				if err := tx.LinkedAccounts().Create(ctx, la(id)); err != nil {
					return err
				}
			}
			return nil
		})
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error { return tx.LinkedAccounts().Create(ctx, la("l1")) })
		assert.ErrorIs(t, err, storage.ErrDuplicate)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			l2, err := tx.LinkedAccounts().Get(ctx, "a", "l2")
			require.NoError(t, err)
			assert.Equal(t, "tok_l2_secret4242", l2.Token)
			l2.Status, l2.Token, l2.UpdatedAt = "removed", "", epoch().Add(time.Hour)
			require.NoError(t, tx.LinkedAccounts().Update(ctx, l2))
			l3, err := tx.LinkedAccounts().LookupForUpdate(ctx, "l3")
			require.NoError(t, err)
			l3.IsDefault = true
			return tx.LinkedAccounts().Update(ctx, l3)
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			list, err := tx.LinkedAccounts().List(ctx, "a")
			require.NoError(t, err)
			require.Len(t, list, 2)
			assert.Equal(t, "l1", list[0].ID)
			assert.Equal(t, "l3", list[1].ID)
			assert.True(t, list[1].IsDefault)
			_, err = tx.LinkedAccounts().Get(ctx, "b", "l1")
			assert.ErrorIs(t, err, storage.ErrNotFound)
			other := la("l1")
			other.AccountID = "b"
			assert.ErrorIs(t, tx.LinkedAccounts().Update(ctx, other), storage.ErrNotFound)
			none, err := tx.LinkedAccounts().List(ctx, "b")
			require.NoError(t, err)
			assert.Empty(t, none)
			return nil
		})
	})

	t.Run("payment links: create, find by token, update", func(t *testing.T) {
		st := s.newStore(t)
		link := storage.PaymentLink{Token: "tkn-abc", AccountID: "a", Amount: vnd(t, 250_000), Purpose: "top_up",
			Description: "pay for me", Status: "open", ExpiresAt: epoch().Add(72 * time.Hour), CreatedAt: epoch(), UpdatedAt: epoch()}
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.PaymentLinks().Create(ctx, link) })
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error { return tx.PaymentLinks().Create(ctx, link) })
		assert.ErrorIs(t, err, storage.ErrDuplicate)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.PaymentLinks().GetForUpdate(ctx, "tkn-abc")
			require.NoError(t, err)
			assert.Empty(t, cmp.Diff(link, got, cmpAmounts()))
			got.Status, got.PaymentID = "paid", "p9"
			require.NoError(t, tx.PaymentLinks().Update(ctx, got))
			_, err = tx.PaymentLinks().GetForUpdate(ctx, "tkn-other")
			assert.ErrorIs(t, err, storage.ErrNotFound)
			return nil
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.PaymentLinks().GetForUpdate(ctx, "tkn-abc")
			require.NoError(t, err)
			assert.Equal(t, "paid", got.Status)
			assert.Equal(t, "p9", got.PaymentID)
			return nil
		})
	})
}
