package storagetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

// testBatches checks the methods that write or lock many records in one
// call: each does what the single-record method does for every record,
// checks every record before writing any, and reports a duplicate or a
// missing record by its error.
func (s suite) testBatches(t *testing.T) {
	t.Run("GetManyForUpdate returns the existing accounts once each, in id order", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for _, id := range []string{"b", "a", "c"} {
				require.NoError(t, tx.Accounts().Create(ctx, newAccount(id)))
			}
			return nil
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.Accounts().GetManyForUpdate(ctx, []string{"c", "missing", "a", "c", ""})
			require.NoError(t, err)
			require.Len(t, got, 2, "c and a, c once; missing and empty ids left out")
			assert.Equal(t, "a", got[0].ID)
			assert.Equal(t, "c", got[1].ID)
			assertSame(t, newAccount("a"), withVersion(got[0], 0))
			none, err := tx.Accounts().GetManyForUpdate(ctx, nil)
			require.NoError(t, err)
			assert.Empty(t, none)
			return nil
		})
	})

	t.Run("GetManyForUpdate locks: 8 workers adding 1 to 3 shared accounts lose no update", func(t *testing.T) {
		st := s.newStore(t)
		accts := []string{"x", "y", "z"}
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for _, id := range accts {
				require.NoError(t, tx.Accounts().Create(ctx, newAccount(id)))
			}
			return nil
		})
		const workers = 8
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				// Each asks in another order; the locks are taken in id order.
				ask := []string{accts[w%3], accts[(w+1)%3], accts[(w+2)%3]}
				err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
					got, err := tx.Accounts().GetManyForUpdate(ctx, ask)
					if err != nil {
						return err
					}
					for _, a := range got {
						if _, err := tx.Accounts().Update(ctx, a); err != nil {
							return err
						}
					}
					return nil
				})
				assert.NoError(t, err)
			})
		}
		wg.Wait()
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for _, id := range accts {
				a, err := tx.Accounts().Get(ctx, id)
				require.NoError(t, err)
				assert.Equal(t, int64(1+workers), a.Version, "account %s updated by every worker", id)
			}
			return nil
		})
	})

	t.Run("NextNumbers takes n consecutive numbers, gapless with NextNumber and after a rollback", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			first, err := tx.Invoices().NextNumbers(ctx, "INV-2026", 5)
			require.NoError(t, err)
			assert.Equal(t, int64(1), first, "a new series starts at 1: 1–5 taken")
			one, err := tx.Invoices().NextNumber(ctx, "INV-2026")
			require.NoError(t, err)
			assert.Equal(t, int64(6), one)
			first, err = tx.Invoices().NextNumbers(ctx, "INV-2026", 3)
			require.NoError(t, err)
			assert.Equal(t, int64(7), first, "7–9 taken")
			return nil
		})
		_ = st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Invoices().NextNumbers(ctx, "INV-2026", 100)
			require.NoError(t, err)
			return fmt.Errorf("abort")
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			first, err := tx.Invoices().NextNumbers(ctx, "INV-2026", 2)
			require.NoError(t, err)
			assert.Equal(t, int64(10), first, "the rolled-back 100 numbers were given back")
			_, err = tx.Invoices().NextNumbers(ctx, "INV-2026", 0)
			assert.ErrorIs(t, err, storage.ErrInvalidRecord, "n = 0")
			_, err = tx.Invoices().NextNumbers(ctx, "", 1)
			assert.ErrorIs(t, err, storage.ErrInvalidRecord, "empty series")
			return nil
		})
	})

	t.Run("NextNumbers under concurrency: 16 workers × 3 numbers are 1–48, each once", func(t *testing.T) {
		st := s.newStore(t)
		const workers, each = 16, 3
		firsts := make([]int64, workers)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
					var err error
					firsts[w], err = tx.Invoices().NextNumbers(ctx, "INV-2026", each)
					return err
				})
				assert.NoError(t, err)
			})
		}
		wg.Wait()
		seen := map[int64]int{}
		for _, f := range firsts {
			for k := range int64(each) {
				seen[f+k]++
			}
		}
		for k := int64(1); k <= workers*each; k++ {
			assert.Equal(t, 1, seen[k], "number %d", k)
		}
	})

	t.Run("CreateMany stores every invoice; a taken id or number is ErrDuplicate", func(t *testing.T) {
		st := s.newStore(t)
		issued := func(id string, num int64) storage.Invoice {
			inv := invoiceRecord(t, "a", id, "r1", invoice.StatusIssued, 1000+num, epoch())
			inv.Series, inv.Number, inv.IssuedAt = "INV-2026", num, epoch()
			return inv
		}
		batch := []storage.Invoice{issued("i1", 1), issued("i2", 2), issued("i3", 3)}
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Invoices().CreateMany(ctx, batch) })
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for _, want := range batch {
				got, err := tx.Invoices().Get(ctx, "a", want.ID)
				require.NoError(t, err)
				assertSame(t, want, got)
			}
			return tx.Invoices().CreateMany(ctx, nil)
		})
		for name, bad := range map[string][]storage.Invoice{
			"taken id":     {issued("i4", 4), issued("i2", 5)},
			"taken number": {issued("i4", 4), issued("i5", 3)},
		} {
			err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
				return tx.Invoices().CreateMany(ctx, bad)
			})
			assert.ErrorIs(t, err, storage.ErrDuplicate, name)
		}
		missing := issued("i6", 6)
		missing.Status = ""
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			err := tx.Invoices().CreateMany(ctx, []storage.Invoice{issued("i7", 7), missing})
			assert.ErrorIs(t, err, storage.ErrInvalidRecord)
			_, gerr := tx.Invoices().Get(ctx, "a", "i7")
			assert.ErrorIs(t, gerr, storage.ErrNotFound, "a bad invoice stores none of the batch")
			return nil
		})
		require.NoError(t, err)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			list, err := tx.Invoices().List(ctx, "a", "", "", 100)
			require.NoError(t, err)
			assert.Len(t, list, 3, "the failed batches left nothing")
			return nil
		})
	})

	t.Run("AppendMany stores events in order with increasing Seq; a taken id is ErrDuplicate", func(t *testing.T) {
		st := s.newStore(t)
		ev := func(id, stream string) storage.Event {
			return storage.Event{ID: id, AccountID: "a", Stream: stream, Kind: "invoice.issued", Payload: []byte(`{"n":"` + id + `"}`),
				NextAttemptAt: epoch(), CreatedAt: epoch()}
		}
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			if _, err := tx.Outbox().Append(ctx, ev("e0", "r1")); err != nil {
				return err
			}
			return tx.Outbox().AppendMany(ctx, []storage.Event{ev("e1", "r1"), ev("e2", "r2"), ev("e3", "r1")})
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.Outbox().List(ctx, "a", 0, 10)
			require.NoError(t, err)
			require.Len(t, got, 4)
			for i, e := range got {
				assert.Equal(t, fmt.Sprintf("e%d", i), e.ID, "Seq order is append order")
				assert.Equal(t, `{"n":"`+e.ID+`"}`, string(e.Payload))
				if i > 0 {
					assert.Greater(t, e.Seq, got[i-1].Seq)
				}
			}
			return nil
		})
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			return tx.Outbox().AppendMany(ctx, []storage.Event{ev("e4", "r1"), ev("e2", "r2")})
		})
		assert.ErrorIs(t, err, storage.ErrDuplicate)
		err = st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			return tx.Outbox().AppendMany(ctx, []storage.Event{ev("e7", "r1"), ev("e7", "r2")})
		})
		assert.ErrorIs(t, err, storage.ErrDuplicate, "an id given twice")
		err = st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			return tx.Outbox().AppendMany(ctx, []storage.Event{ev("e5", "r1"), ev("e6", "")})
		})
		assert.ErrorIs(t, err, storage.ErrInvalidRecord, "an event without a stream")
	})

	t.Run("PutMany and EnsureMany: Put and Ensure of each job", func(t *testing.T) {
		st := s.newStore(t)
		at := func(h int) time.Time { return epoch().Add(time.Duration(h) * time.Hour) }
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			return tx.Jobs().Put(ctx, newJob("a", jobAutoPay, "", at(5)))
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			// a's job exists (kept at 5 h); b's and c's are new.
			require.NoError(t, tx.Jobs().EnsureMany(ctx, []storage.Job{newJob("a", jobAutoPay, "", at(1)),
				newJob("b", jobAutoPay, "", at(2)), newJob("c", jobAutoPay, "", at(3)), newJob("b", jobAutoPay, "", at(9))}))
			// i1 twice: the later one stands, as after Put of each in order.
			return tx.Jobs().PutMany(ctx, []storage.Job{newJob("a", jobOverdue, "i1", at(20)), newJob("a", jobOverdue, "i2", at(48)),
				newJob("a", jobAutoPay, "", at(7)), newJob("a", jobOverdue, "i1", at(24))})
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for _, want := range []struct {
				acct string
				kind storage.JobKind
				key  string
				due  time.Time
			}{{"a", jobAutoPay, "", at(7)}, {"b", jobAutoPay, "", at(2)}, {"c", jobAutoPay, "", at(3)},
				{"a", jobOverdue, "i1", at(24)}, {"a", jobOverdue, "i2", at(48)}} {
				got, err := tx.Jobs().Get(ctx, want.acct, want.kind, want.key)
				require.NoError(t, err)
				assert.True(t, want.due.Equal(got.DueAt), "%s/%s/%s due %v, got %v", want.acct, want.kind, want.key, want.due, got.DueAt)
			}
			return nil
		})
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			err := tx.Jobs().PutMany(ctx, []storage.Job{newJob("d", jobAutoPay, "", at(1)), newJob("d", "", "", at(1))})
			assert.ErrorIs(t, err, storage.ErrInvalidRecord)
			err = tx.Jobs().EnsureMany(ctx, []storage.Job{newJob("d", jobAutoPay, "", at(1)), newJob("d", jobAutoPay, "k", time.Time{})})
			assert.ErrorIs(t, err, storage.ErrInvalidRecord)
			_, gerr := tx.Jobs().Get(ctx, "d", jobAutoPay, "")
			assert.ErrorIs(t, gerr, storage.ErrNotFound, "a bad job stores none of the batch")
			return nil
		})
		require.NoError(t, err)
	})

	t.Run("UpdateMany updates each resource and its Version; a missing one is ErrNotFound", func(t *testing.T) {
		st := s.newStore(t)
		at := func(h int) time.Time { return epoch().Add(time.Duration(h) * time.Hour) }
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for i := range 3 {
				require.NoError(t, tx.Resources().Create(ctx, newResource("a", fmt.Sprintf("r%d", i), at(1))))
			}
			return nil
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			var batch []storage.Resource
			for i := range 3 {
				r, err := tx.Resources().Get(ctx, "a", fmt.Sprintf("r%d", i))
				require.NoError(t, err)
				r.NextDueAt, r.Status, r.UpdatedAt = at(10+i), "suspended", at(2)
				r.InvoiceIDs = []string{fmt.Sprintf("bill%d", i)}
				batch = append(batch, r)
			}
			batch[2].NextDueAt = time.Time{} // nothing scheduled
			return tx.Resources().UpdateMany(ctx, batch)
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for i := range 3 {
				r, err := tx.Resources().Get(ctx, "a", fmt.Sprintf("r%d", i))
				require.NoError(t, err)
				assert.Equal(t, int64(2), r.Version)
				assert.Equal(t, "suspended", string(r.Status))
				assert.Equal(t, []string{fmt.Sprintf("bill%d", i)}, r.InvoiceIDs)
				assert.True(t, r.CreatedAt.Equal(epoch()), "CreatedAt kept")
			}
			due, err := tx.Resources().Due(ctx, at(100), 10)
			require.NoError(t, err)
			var dueIDs []string
			for _, r := range due {
				dueIDs = append(dueIDs, r.ID)
			}
			assert.Equal(t, []string{"r0", "r1"}, dueIDs, "the due index follows NextDueAt")
			return nil
		})
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			return tx.Resources().UpdateMany(ctx, []storage.Resource{newResource("a", "r0", at(1)), newResource("a", "nope", at(1))})
		})
		assert.ErrorIs(t, err, storage.ErrNotFound)
		err = st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			return tx.Resources().UpdateMany(ctx, []storage.Resource{newResource("b", "r1", at(1))})
		})
		assert.ErrorIs(t, err, storage.ErrNotFound, "another tenant's resource")
		err = st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			bad := newResource("a", "r1", at(1))
			bad.Status = ""
			err := tx.Resources().UpdateMany(ctx, []storage.Resource{newResource("a", "r0", at(50)), bad})
			assert.ErrorIs(t, err, storage.ErrInvalidRecord)
			r, gerr := tx.Resources().Get(ctx, "a", "r0")
			require.NoError(t, gerr)
			assert.Equal(t, int64(2), r.Version, "a bad resource updates none of the batch")
			return nil
		})
		require.NoError(t, err)
	})

	t.Run("CreateMany and UpdateMany keep every field, held back or not; a resource given twice ends as the last, Version moved on twice", func(t *testing.T) {
		st := s.newStore(t)
		for _, held := range []bool{false, true} {
			name := func(id string) string { return fmt.Sprintf("%s-%v", id, held) }
			rich := invoiceRecord(t, "a", name("i1"), name("r1"), invoice.StatusIssued, 187_000, epoch())
			rich.OrderID, rich.Series, rich.Number, rich.IssuedAt = "o1", name("INV"), 7, epoch().Add(time.Minute)
			rich.DueAt, rich.PaidAt, rich.VoidedAt, rich.Memo = epoch().Add(24*time.Hour), epoch().Add(2*time.Minute), epoch().Add(3*time.Minute), "m"
			rich.VoidReason, rich.CreditedInvoiceID = "typo", "i0"
			rich.Seller = &invoice.Party{Name: "Công ty Cổ phần Mây Việt", TaxCode: "0101234567"}
			rich.Buyer = &invoice.Party{Name: "Công ty TNHH An Bình", BuyerName: "Nguyễn Văn An"}
			rich.CodedReason = invoice.CreditReason{Code: invoice.CreditResize, Note: "s2 → s4"}
			bare := storage.Invoice{Invoice: invoice.Invoice{ID: name("i2"), AccountID: "b", Kind: invoice.KindInvoice,
				Status: invoice.StatusDraft, CreatedAt: epoch()}, UpdatedAt: epoch()}
			first, second := richResource(t, "a", name("r1")), richResource(t, "b", name("r2"))
			inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
				if err := tx.Resources().Create(ctx, first); err != nil {
					return err
				}
				return tx.Resources().Create(ctx, second)
			})
			// r1 twice: its second copy stands; r2 with its detail emptied.
			again := first
			again.ResourceDetail = first.ResourceDetail.Clone()
			again.Status, again.InvoiceIDs, again.UpdatedAt = lifecycle.StateSuspended, []string{"inv1", "cn1", "inv2"}, epoch().Add(time.Hour)
			emptied := second
			emptied.ResourceDetail = storage.ResourceDetail{PricePer30Days: vnd(t, 5)}
			inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
				wctx := ctx
				if held {
					wctx = storage.DeferWrites(ctx)
				}
				if err := tx.Invoices().CreateMany(wctx, []storage.Invoice{rich, bare}); err != nil {
					return err
				}
				return tx.Resources().UpdateMany(wctx, []storage.Resource{first, emptied, again})
			})
			inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
				for _, want := range []storage.Invoice{rich, bare} {
					got, err := tx.Invoices().Get(ctx, want.AccountID, want.ID)
					require.NoError(t, err)
					assertSame(t, want, got)
				}
				got, err := tx.Resources().Get(ctx, "a", name("r1"))
				require.NoError(t, err)
				again.Version = 3
				assertSame(t, again, got)
				got, err = tx.Resources().Get(ctx, "b", name("r2"))
				require.NoError(t, err)
				emptied.Version = 2
				assertSame(t, emptied, got)
				return nil
			})
		}
	})
}

// withVersion returns a with Version set to v, to compare the rest.
func withVersion(a storage.Account, v int64) storage.Account {
	a.Version = v
	return a
}
