package storagetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/storage"
)

// ReadAhead tests storage.ReadAhead and storage.LastReads: whatever a
// store does with the reads named (the memory store nothing, a database
// store sends them in one round trip), every call returns what it would
// have returned without them — the same records, the same ErrNotFound,
// the transaction's own writes made after them, the first result of a lost
// held-back claim — a transaction that never uses them commits as usual,
// and one that wrote commits its writes even when its last reads are
// named.
func ReadAhead(t *testing.T, newStore NewStore, opts Options) {
	newSuite(newStore, opts).testReadAhead(t)
}

func (s suite) testReadAhead(t *testing.T) {
	// seed stores account a with order o1, its resources r1 and r2, a
	// payment, an invoice and two ledger entries, and returns the store.
	seed := func(t *testing.T) storage.Store {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			if err := tx.Accounts().Create(ctx, newAccount("a")); err != nil {
				return err
			}
			if err := tx.Orders().Create(ctx, richOrder(t, "a", "o1")); err != nil {
				return err
			}
			r1 := richResource(t, "a", "r1")
			r1.OrderID = "o1"
			r2 := newResource("a", "r2", time.Time{})
			for _, r := range []storage.Resource{r1, r2} {
				if err := tx.Resources().Create(ctx, r); err != nil {
					return err
				}
			}
			if err := tx.Payments().Create(ctx, newPayment(t, "a", "p1")); err != nil {
				return err
			}
			if err := tx.Invoices().Create(ctx, invoiceRecord(t, "a", "i1", "r1", invoice.StatusIssued, 187_000, epoch())); err != nil {
				return err
			}
			if _, err := tx.Ledger().Append(ctx, transfer(t, "a", "e1", 100_000, "gateway:clearing:sim", "customer:cash", false)); err != nil {
				return err
			}
			_, err := tx.Ledger().Append(ctx, transfer(t, "a", "e2", 30_000, "customer:cash", "revenue:sales", true))
			return err
		})
		return st
	}
	every := []storage.Read{
		storage.ReadAccount("a", true), storage.ReadAccount("a", false),
		storage.ReadOrder("a", "o1", true), storage.ReadOrder("a", "o1", false),
		storage.ReadInvoiceForUpdate("a", "i1"), storage.ReadPayment("a", "p1"),
		storage.ReadBalances("a"), storage.ReadResourcesByOrder("a", "o1"),
	}
	// readAll makes every read of every, in order, and returns the results.
	readAll := func(ctx context.Context, tx storage.Tx) ([]any, error) {
		var out []any
		add := func(v any, err error) error {
			out = append(out, v)
			return err
		}
		return out, errors.Join(
			add(tx.Accounts().GetForUpdate(ctx, "a")), add(tx.Accounts().Get(ctx, "a")),
			add(tx.Orders().GetForUpdate(ctx, "a", "o1")), add(tx.Orders().Get(ctx, "a", "o1")),
			add(tx.Invoices().GetForUpdate(ctx, "a", "i1")), add(tx.Payments().Get(ctx, "a", "p1")),
			add(tx.Ledger().Balances(ctx, "a")), add(tx.Resources().ListByOrder(ctx, "a", "o1")))
	}

	t.Run("every read returns what it returns without reading ahead", func(t *testing.T) {
		st := seed(t)
		var plain, ahead []any
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			var err error
			plain, err = readAll(ctx, tx)
			return err
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			storage.ReadAhead(ctx, tx, every...)
			var err error
			ahead, err = readAll(ctx, tx)
			return err
		})
		require.Len(t, ahead, len(plain))
		for i := range plain {
			assertSame(t, plain[i], ahead[i])
		}
		rs := ahead[len(ahead)-1].([]storage.Resource)
		require.Len(t, rs, 2, "o1 has two resources")
		assert.ElementsMatch(t, []string{"r1", "r2"}, []string{rs[0].ID, rs[1].ID})
	})

	t.Run("reads in another order, or twice, return the same", func(t *testing.T) {
		st := seed(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			storage.ReadAhead(ctx, tx, storage.ReadAccount("a", true), storage.ReadOrder("a", "o1", true), storage.ReadBalances("a"))
			bals, err := tx.Ledger().Balances(ctx, "a")
			require.NoError(t, err)
			assert.Equal(t, int64(70_000), balanceOf(t, bals, "customer:cash"))
			for range 2 {
				o, err := tx.Orders().GetForUpdate(ctx, "a", "o1")
				require.NoError(t, err)
				assertSame(t, richOrder(t, "a", "o1"), o)
			}
			a, err := tx.Accounts().GetForUpdate(ctx, "a")
			require.NoError(t, err)
			assert.Equal(t, "a", a.ID)
			return nil
		})
	})

	t.Run("what is missing is ErrNotFound, and a nil list", func(t *testing.T) {
		st := seed(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			storage.ReadAhead(ctx, tx, storage.ReadAccount("nobody", true), storage.ReadOrder("a", "o9", true),
				storage.ReadPayment("a", "p9"), storage.ReadInvoiceForUpdate("a", "i9"), storage.ReadResourcesByOrder("a", "o9"),
				storage.ReadOrder("b", "o1", false), storage.ReadAccount("", false), storage.Read{})
			_, err := tx.Accounts().GetForUpdate(ctx, "nobody")
			assert.ErrorIs(t, err, storage.ErrNotFound)
			_, err = tx.Orders().GetForUpdate(ctx, "a", "o9")
			assert.ErrorIs(t, err, storage.ErrNotFound)
			_, err = tx.Payments().Get(ctx, "a", "p9")
			assert.ErrorIs(t, err, storage.ErrNotFound)
			_, err = tx.Invoices().GetForUpdate(ctx, "a", "i9")
			assert.ErrorIs(t, err, storage.ErrNotFound)
			rs, err := tx.Resources().ListByOrder(ctx, "a", "o9")
			require.NoError(t, err)
			assert.Empty(t, rs)
			_, err = tx.Orders().Get(ctx, "b", "o1")
			assert.ErrorIs(t, err, storage.ErrNotFound, "another tenant's order")
			return nil
		})
	})

	t.Run("a write after the reads ahead is seen by the read", func(t *testing.T) {
		// Each write alone, then the read it changes, first: a store must
		// not answer it with what it read ahead before the write.
		reads := []storage.Read{storage.ReadOrder("a", "o1", true), storage.ReadBalances("a"),
			storage.ReadResourcesByOrder("a", "o1"), storage.ReadPayment("a", "p1")}
		writes := []struct {
			name  string
			write func(ctx context.Context, tx storage.Tx) error
			check func(ctx context.Context, tx storage.Tx)
		}{
			{"order update", func(ctx context.Context, tx storage.Tx) error {
				o := richOrder(t, "a", "o1")
				o.Status, o.UpdatedAt = "paid", epoch().Add(time.Hour)
				return tx.Orders().Update(ctx, o)
			}, func(ctx context.Context, tx storage.Tx) {
				got, err := tx.Orders().GetForUpdate(ctx, "a", "o1")
				require.NoError(t, err)
				assert.Equal(t, "paid", string(got.Status))
			}},
			{"ledger entry", func(ctx context.Context, tx storage.Tx) error {
				_, err := tx.Ledger().Append(ctx, transfer(t, "a", "e3", 5_000, "customer:cash", "revenue:sales", true))
				return err
			}, func(ctx context.Context, tx storage.Tx) {
				bals, err := tx.Ledger().Balances(ctx, "a")
				require.NoError(t, err)
				assert.Equal(t, int64(65_000), balanceOf(t, bals, "customer:cash"))
			}},
			{"resource update", func(ctx context.Context, tx storage.Tx) error {
				r2 := newResource("a", "r2", time.Time{})
				r2.Version, r2.Status = 1, "suspended"
				_, err := tx.Resources().Update(ctx, r2)
				return err
			}, func(ctx context.Context, tx storage.Tx) {
				rs, err := tx.Resources().ListByOrder(ctx, "a", "o1")
				require.NoError(t, err)
				require.Len(t, rs, 2)
				for _, r := range rs {
					if r.ID == "r2" {
						assert.Equal(t, "suspended", string(r.Status))
					}
				}
			}},
			{"payment update", func(ctx context.Context, tx storage.Tx) error {
				p := newPayment(t, "a", "p1")
				p.Status, p.Version = "failed", 1
				_, err := tx.Payments().Update(ctx, p)
				return err
			}, func(ctx context.Context, tx storage.Tx) {
				p, err := tx.Payments().Get(ctx, "a", "p1")
				require.NoError(t, err)
				assert.Equal(t, "failed", string(p.Status))
			}},
		}
		for _, w := range writes {
			for _, deferred := range []bool{false, true} {
				st := seed(t)
				t.Logf("%s, held back: %v", w.name, deferred)
				inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
					storage.ReadAhead(ctx, tx, reads...)
					wctx := ctx
					if deferred {
						wctx = storage.DeferWrites(ctx)
					}
					require.NoError(t, w.write(wctx, tx))
					w.check(ctx, tx)
					return nil
				})
			}
		}
	})

	t.Run("reads ahead after a lost held-back claim: the claim's error, then every read", func(t *testing.T) {
		st := seed(t)
		claimFirst(t, st)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			require.ErrorIs(t, loseClaim(ctx, tx, storage.ReadOrder("a", "o1", false)), storage.ErrDuplicate)
			first, err := tx.Idempotency().Get(ctx, "a", "k")
			require.NoError(t, err)
			assert.JSONEq(t, `"first"`, string(first.Response))
			a, err := tx.Accounts().GetForUpdate(ctx, "a")
			require.NoError(t, err)
			assert.Equal(t, "a", a.ID)
			o, err := tx.Orders().Get(ctx, "a", "o1")
			require.NoError(t, err)
			assertSame(t, richOrder(t, "a", "o1"), o)
			return nil
		})
	})

	t.Run("reads ahead never used: the transaction commits its writes", func(t *testing.T) {
		st := seed(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			storage.ReadAhead(ctx, tx, every...)
			return tx.Orders().Create(storage.DeferWrites(ctx), richOrder(t, "a", "o2"))
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			storage.ReadAhead(ctx, tx, every...)
			return nil
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Orders().Get(ctx, "a", "o2")
			return err
		})
	})

	t.Run("reads ahead in a savepoint that fails, then read outside it", func(t *testing.T) {
		st := seed(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			boom := errors.New("boom")
			err := tx.Savepoint(ctx, func(ctx context.Context, tx storage.Tx) error {
				storage.ReadAhead(ctx, tx, storage.ReadOrder("a", "o1", true), storage.ReadBalances("a"))
				o := richOrder(t, "a", "o1")
				o.Status = "cancelled"
				if err := tx.Orders().Update(ctx, o); err != nil {
					return err
				}
				return boom
			})
			require.ErrorIs(t, err, boom)
			storage.ReadAhead(ctx, tx, storage.ReadOrder("a", "o1", false))
			o, err := tx.Orders().Get(ctx, "a", "o1")
			require.NoError(t, err)
			assertSame(t, richOrder(t, "a", "o1"), o)
			return nil
		})
	})

	t.Run("last reads of a transaction that wrote nothing: the answers, and InTx's own result", func(t *testing.T) {
		st := seed(t)
		var plain []any
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			var err error
			plain, err = readAll(ctx, tx)
			return err
		})
		var ahead []any
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			storage.ReadAhead(storage.LastReads(ctx), tx, every...)
			var err error
			ahead, err = readAll(ctx, tx)
			return err
		})
		for i := range plain {
			assertSame(t, plain[i], ahead[i])
		}
		boom := errors.New("boom")
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			storage.ReadAhead(storage.LastReads(ctx), tx, storage.ReadOrder("a", "o1", false))
			if _, err := tx.Orders().Get(ctx, "a", "o1"); err != nil {
				return err
			}
			return boom
		})
		assert.ErrorIs(t, err, boom, "InTx returns the function's error")
	})

	t.Run("a call after the last reads is refused with ErrTxDone or answered as usual", func(t *testing.T) {
		st := seed(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			storage.ReadAhead(storage.LastReads(ctx), tx, storage.ReadOrder("a", "o1", false))
			if _, err := tx.Orders().Get(ctx, "a", "o1"); err != nil {
				return err
			}
			p, err := tx.Payments().Get(ctx, "a", "p1")
			if errors.Is(err, storage.ErrTxDone) {
				return nil // the store ended the transaction with its last reads
			}
			require.NoError(t, err)
			assert.Equal(t, "p1", p.ID)
			return nil
		})
	})

	t.Run("last reads of a transaction that wrote: its writes commit", func(t *testing.T) {
		for _, deferred := range []bool{false, true} {
			st := seed(t)
			inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
				wctx := ctx
				if deferred {
					wctx = storage.DeferWrites(ctx)
				}
				require.NoError(t, tx.Orders().Create(wctx, richOrder(t, "a", "o2")))
				storage.ReadAhead(storage.LastReads(ctx), tx, storage.ReadOrder("a", "o2", false), storage.ReadBalances("a"))
				o, err := tx.Orders().Get(ctx, "a", "o2")
				require.NoError(t, err, "held back: %v", deferred)
				assert.Equal(t, "o2", o.ID)
				_, err = tx.Ledger().Balances(ctx, "a")
				return err
			})
			inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
				_, err := tx.Orders().Get(ctx, "a", "o2")
				assert.NoError(t, err, "held back: %v: the order was committed", deferred)
				return nil
			})
		}
	})

	t.Run("last reads after a lost held-back claim: the reads, then InTx succeeds", func(t *testing.T) {
		st := seed(t)
		claimFirst(t, st)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			require.ErrorIs(t, loseClaim(ctx, tx), storage.ErrDuplicate)
			_, err := tx.Idempotency().Get(ctx, "a", "k")
			require.NoError(t, err)
			storage.ReadAhead(storage.LastReads(ctx), tx, storage.ReadPayment("a", "p1"), storage.ReadOrder("a", "o1", false))
			p, err := tx.Payments().Get(ctx, "a", "p1")
			require.NoError(t, err)
			assert.Equal(t, "p1", p.ID)
			o, err := tx.Orders().Get(ctx, "a", "o1")
			require.NoError(t, err)
			assertSame(t, richOrder(t, "a", "o1"), o)
			return nil
		})
	})

	t.Run("after the transaction, reading ahead does nothing and calls fail with ErrTxDone", func(t *testing.T) {
		st := seed(t)
		var leaked storage.Tx
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			leaked = tx
			return nil
		})
		ctx := context.Background()
		storage.ReadAhead(ctx, leaked, every...)
		_, err := leaked.Orders().Get(ctx, "a", "o1")
		assert.ErrorIs(t, err, storage.ErrTxDone)
	})
}

// claimFirst stores the first call's record of key "k" of account "a".
func claimFirst(t *testing.T, st storage.Store) {
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		return tx.Idempotency().Insert(ctx, storage.IdempotencyRecord{AccountID: "a", Key: "k", Operation: "op",
			RequestHash: "h", Response: []byte(`"first"`), CreatedAt: epoch()})
	})
}

// loseClaim claims key "k" of account "a" again, held back, and returns
// the claim's error: from the insert itself in a store that writes at
// once, else from the account's lock that follows it, read ahead
// together with reads.
func loseClaim(ctx context.Context, tx storage.Tx, reads ...storage.Read) error {
	err := tx.Idempotency().Insert(storage.DeferWrites(ctx), storage.IdempotencyRecord{AccountID: "a", Key: "k",
		Operation: "op", RequestHash: "h", CreatedAt: epoch()})
	if err != nil {
		return err
	}
	storage.ReadAhead(ctx, tx, append([]storage.Read{storage.ReadAccount("a", true)}, reads...)...)
	_, err = tx.Accounts().GetForUpdate(ctx, "a")
	return err
}
