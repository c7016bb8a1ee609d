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

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/storage"
)

// vnd builds a VND amount for tests; the suite only uses valid literals.
func vnd(t testing.TB, n int64) money.Amount {
	t.Helper()
	a, err := money.FromMinor(n, "VND")
	require.NoError(t, err)
	return a
}

// transfer is a balanced two-leg entry moving n from → to.
func transfer(t testing.TB, acct, id string, n int64, from, to string, guardFrom bool) storage.LedgerEntry {
	return storage.LedgerEntry{
		ID: id, AccountID: acct, Kind: "test", RefType: "payment", RefID: "p-" + id, At: epoch(),
		Postings: []storage.LedgerPosting{
			{LedgerAccount: from, Amount: vnd(t, -n), NonNegative: guardFrom},
			{LedgerAccount: to, Amount: vnd(t, n), NonNegative: true},
		},
		CreditAfter: vnd(t, 0),
	}
}

func balanceOf(t *testing.T, bals []storage.LedgerBalance, ledgerAccount string) int64 {
	t.Helper()
	for _, b := range bals {
		if b.LedgerAccount == ledgerAccount {
			n, err := b.Amount.MinorUnits()
			require.NoError(t, err)
			return n
		}
	}
	return 0
}

// assertCacheAgrees checks the balance cache against the postings.
func assertCacheAgrees(t *testing.T, st storage.Store, acct string) {
	t.Helper()
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		cached, err := tx.Ledger().Balances(ctx, acct)
		require.NoError(t, err)
		derived, err := tx.Ledger().PostingTotals(ctx, acct)
		require.NoError(t, err)
		require.Len(t, cached, len(derived))
		var total int64
		for i := range cached {
			assert.Equal(t, derived[i].LedgerAccount, cached[i].LedgerAccount)
			assert.True(t, derived[i].Amount.Equal(cached[i].Amount), "%s: cache %s, postings %s", cached[i].LedgerAccount, cached[i].Amount, derived[i].Amount)
			total += balanceOf(t, derived, derived[i].LedgerAccount)
		}
		assert.Zero(t, total, "the ledger sums to zero")
		return nil
	})
}

func (s suite) testLedger(t *testing.T) {
	t.Run("append applies postings to balances; cache agrees with postings", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			e, err := tx.Ledger().Append(ctx, transfer(t, "a", "e1", 100_000, "gateway:clearing:sim", "customer:cash", false))
			require.NoError(t, err)
			assert.Positive(t, e.Seq)
			_, err = tx.Ledger().Append(ctx, transfer(t, "a", "e2", 30_000, "customer:cash", "revenue:sales", true))
			return err
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			bals, err := tx.Ledger().Balances(ctx, "a")
			require.NoError(t, err)
			assert.Equal(t, int64(70_000), balanceOf(t, bals, "customer:cash"))
			assert.Equal(t, int64(30_000), balanceOf(t, bals, "revenue:sales"))
			assert.Equal(t, int64(-100_000), balanceOf(t, bals, "gateway:clearing:sim"))
			other, err := tx.Ledger().Balances(ctx, "b")
			require.NoError(t, err)
			assert.Empty(t, other, "balances are scoped per tenant")
			return nil
		})
		assertCacheAgrees(t, st, "a")
	})

	t.Run("entries read back whole, paged, scoped", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for i := range 5 {
				e := transfer(t, "a", fmt.Sprintf("e%d", i), int64(1000*(i+1)), "gateway:clearing:sim", "customer:cash", false)
				e.Memo = fmt.Sprintf("top-up %d", i)
				e.CreditAfter = vnd(t, int64(1000*(i+1)))
				if _, err := tx.Ledger().Append(ctx, e); err != nil {
					return err
				}
			}
			_, err := tx.Ledger().Append(ctx, transfer(t, "b", "e0", 1, "gateway:clearing:sim", "customer:cash", false))
			return err
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			p1, err := tx.Ledger().Entries(ctx, "a", 0, 3)
			require.NoError(t, err)
			require.Len(t, p1, 3)
			p2, err := tx.Ledger().Entries(ctx, "a", p1[2].Seq, 3)
			require.NoError(t, err)
			require.Len(t, p2, 2)
			for i, e := range append(p1, p2...) {
				assert.Equal(t, fmt.Sprintf("e%d", i), e.ID)
				assert.Equal(t, fmt.Sprintf("top-up %d", i), e.Memo)
				assert.Equal(t, "payment", e.RefType)
				assert.True(t, e.CreditAfter.Equal(vnd(t, int64(1000*(i+1)))))
				require.Len(t, e.Postings, 2)
				assert.Equal(t, "customer:cash", e.Postings[1].LedgerAccount)
				assert.True(t, e.Postings[1].Amount.Equal(vnd(t, int64(1000*(i+1)))))
				assert.True(t, e.At.Equal(epoch()))
			}
			got, err := tx.Ledger().Entry(ctx, "a", "e3")
			require.NoError(t, err)
			assert.Equal(t, "top-up 3", got.Memo)
			_, err = tx.Ledger().Entry(ctx, "b", "e3")
			assert.ErrorIs(t, err, storage.ErrNotFound, "another tenant's entry is not found")
			_, err = tx.Ledger().Entries(ctx, "a", 0, 0)
			assert.ErrorIs(t, err, storage.ErrInvalidRecord)
			return nil
		})
	})

	t.Run("unbalanced, one-legged, mixed-currency and duplicate entries are refused", func(t *testing.T) {
		st := s.newStore(t)
		usd, err := money.FromMinor(100, "USD")
		require.NoError(t, err)
		bad := map[string]storage.LedgerEntry{
			"unbalanced": {ID: "u", AccountID: "a", Kind: "test", At: epoch(), Postings: []storage.LedgerPosting{
				{LedgerAccount: "x", Amount: vnd(t, 10)}, {LedgerAccount: "y", Amount: vnd(t, -9)}}},
			"one leg": {ID: "o", AccountID: "a", Kind: "test", At: epoch(), Postings: []storage.LedgerPosting{
				{LedgerAccount: "x", Amount: vnd(t, 0)}}},
			"mixed currencies": {ID: "m", AccountID: "a", Kind: "test", At: epoch(), Postings: []storage.LedgerPosting{
				{LedgerAccount: "x", Amount: vnd(t, 100)}, {LedgerAccount: "y", Amount: usd.Neg()}}},
		}
		for name, e := range bad {
			t.Run(name, func(t *testing.T) {
				err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
					_, err := tx.Ledger().Append(ctx, e)
					return err
				})
				assert.ErrorIs(t, err, storage.ErrInvalidRecord)
			})
		}
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Ledger().Append(ctx, transfer(t, "a", "d", 5, "x", "y", false))
			return err
		})
		err = st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Ledger().Append(ctx, transfer(t, "a", "d", 7, "x", "y", false))
			return err
		})
		assert.ErrorIs(t, err, storage.ErrDuplicate)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			bals, err := tx.Ledger().Balances(ctx, "a")
			require.NoError(t, err)
			assert.Equal(t, int64(5), balanceOf(t, bals, "y"), "refused entries changed nothing")
			return nil
		})
		assertCacheAgrees(t, st, "a")
	})

	t.Run("a NonNegative balance never goes below zero", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Ledger().Append(ctx, transfer(t, "a", "fund", 50_000, "gateway:clearing:sim", "customer:cash", false))
			return err
		})
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Ledger().Append(ctx, transfer(t, "a", "over", 50_001, "customer:cash", "revenue:sales", true))
			return err
		})
		require.ErrorIs(t, err, storage.ErrNegativeBalance)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			bals, err := tx.Ledger().Balances(ctx, "a")
			require.NoError(t, err)
			assert.Equal(t, int64(50_000), balanceOf(t, bals, "customer:cash"))
			assert.Equal(t, int64(0), balanceOf(t, bals, "revenue:sales"))
			_, err = tx.Ledger().Entry(ctx, "a", "over")
			assert.ErrorIs(t, err, storage.ErrNotFound)
			return nil
		})
	})

	t.Run("concurrent debits of one wallet: exactly the affordable number succeed", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			if err := tx.Accounts().Create(ctx, newAccount("w")); err != nil {
				return err
			}
			_, err := tx.Ledger().Append(ctx, transfer(t, "w", "fund", 100_000, "gateway:clearing:sim", "customer:cash", false))
			return err
		})
		n := s.opts.Parallelism
		var ok, short atomic.Int64
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
					// The library's discipline: lock the tenant, then
					// spend. The store's NonNegative guard backs it up.
					if _, err := tx.Accounts().GetForUpdate(ctx, "w"); err != nil {
						return err
					}
					_, err := tx.Ledger().Append(ctx, transfer(t, "w", fmt.Sprintf("spend-%d", i), 30_000, "customer:cash", "revenue:sales", true))
					return err
				})
				switch {
				case err == nil:
					ok.Add(1)
				case errors.Is(err, storage.ErrNegativeBalance):
					short.Add(1)
				default:
					t.Errorf("unexpected: %v", err)
				}
			})
		}
		wg.Wait()
		assert.Equal(t, int64(3), ok.Load(), "100,000 affords three debits of 30,000")
		assert.Equal(t, int64(n-3), short.Load())
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			bals, err := tx.Ledger().Balances(ctx, "w")
			require.NoError(t, err)
			assert.Equal(t, int64(10_000), balanceOf(t, bals, "customer:cash"))
			return nil
		})
		assertCacheAgrees(t, st, "w")
	})

	t.Run("concurrent credits are never lost", func(t *testing.T) {
		st := s.newStore(t)
		n := s.opts.Parallelism
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
					_, err := tx.Ledger().Append(ctx, transfer(t, "c", fmt.Sprintf("top-%d", i), 1_000, "gateway:clearing:sim", "customer:cash", false))
					return err
				})
				assert.NoError(t, err)
			})
		}
		wg.Wait()
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			bals, err := tx.Ledger().Balances(ctx, "c")
			require.NoError(t, err)
			assert.Equal(t, int64(1_000*n), balanceOf(t, bals, "customer:cash"))
			return nil
		})
		assertCacheAgrees(t, st, "c")
	})

	t.Run("expiring balances are found by expiry, oldest first", func(t *testing.T) {
		st := s.newStore(t)
		grant := func(acct, id string, n int64, exp time.Time) storage.LedgerEntry {
			e := transfer(t, acct, id, n, "expense:promotions", "customer:promo:"+id, false)
			e.Postings[1].ExpiresAt = exp
			return e
		}
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for _, e := range []storage.LedgerEntry{
				grant("a", "g1", 3_500_000, epoch().Add(30*24*time.Hour)),
				grant("b", "g2", 100_000, epoch().Add(5*24*time.Hour)),
				grant("a", "g3", 50_000, epoch().Add(60*24*time.Hour)),
			} {
				if _, err := tx.Ledger().Append(ctx, e); err != nil {
					return err
				}
			}
			// Spending all of g2 leaves nothing to expire.
			_, err := tx.Ledger().Append(ctx, transfer(t, "b", "spend", 100_000, "customer:promo:g2", "revenue:sales", true))
			return err
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			due, err := tx.Ledger().Expiring(ctx, epoch().Add(45*24*time.Hour), 10)
			require.NoError(t, err)
			require.Len(t, due, 1)
			assert.Equal(t, "a", due[0].AccountID)
			assert.Equal(t, "customer:promo:g1", due[0].LedgerAccount)
			assert.True(t, due[0].ExpiresAt.Equal(epoch().Add(30*24*time.Hour)))
			assert.Equal(t, int64(3_500_000), balanceOf(t, due, "customer:promo:g1"))
			due, err = tx.Ledger().Expiring(ctx, epoch().Add(90*24*time.Hour), 10)
			require.NoError(t, err)
			require.Len(t, due, 2)
			assert.Equal(t, "customer:promo:g1", due[0].LedgerAccount)
			assert.Equal(t, "customer:promo:g3", due[1].LedgerAccount)
			bals, err := tx.Ledger().Balances(ctx, "a")
			require.NoError(t, err)
			for _, b := range bals {
				if b.LedgerAccount == "customer:promo:g3" {
					assert.True(t, b.ExpiresAt.Equal(epoch().Add(60*24*time.Hour)), "expiry recorded on the balance")
				}
			}
			return nil
		})
	})
}
