package storagetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

func newResource(acct, id string, due time.Time) storage.Resource {
	return storage.Resource{ID: id, AccountID: acct, OrderID: "o1", ProductID: "vserver", Status: "active",
		PeriodStart: epoch(), PeriodEnd: epoch().Add(30 * 24 * time.Hour), NextDueAt: due, ResourceDetail: storage.ResourceDetail{Configuration: pricing.Configuration{Plan: "s2"}},
		CreatedAt: epoch(), UpdatedAt: epoch()}
}

func (s suite) testResources(t *testing.T) {
	t.Run("create, get, update, list, scoped", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for i := range 4 {
				if err := tx.Resources().Create(ctx, newResource("a", fmt.Sprintf("r%d", i), time.Time{})); err != nil {
					return err
				}
			}
			return tx.Resources().Create(ctx, newResource("b", "rb", time.Time{}))
		})
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			return tx.Resources().Create(ctx, newResource("b", "r1", time.Time{}))
		})
		assert.ErrorIs(t, err, storage.ErrDuplicate)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			r, err := tx.Resources().GetForUpdate(ctx, "a", "r1")
			require.NoError(t, err)
			assert.Equal(t, int64(1), r.Version)
			assert.Equal(t, "s2", r.Configuration.Plan)
			assert.True(t, r.PeriodEnd.Equal(epoch().Add(30*24*time.Hour)))
			r.Status, r.Configuration.Plan = lifecycle.StateGrace, "s4"
			up, err := tx.Resources().Update(ctx, r)
			require.NoError(t, err)
			assert.Equal(t, int64(2), up.Version)
			_, err = tx.Resources().Get(ctx, "b", "r1")
			assert.ErrorIs(t, err, storage.ErrNotFound, "another tenant's resource")
			p1, err := tx.Resources().List(ctx, "a", "", 3)
			require.NoError(t, err)
			require.Len(t, p1, 3)
			p2, err := tx.Resources().List(ctx, "a", p1[2].ID, 3)
			require.NoError(t, err)
			require.Len(t, p2, 1)
			assert.Equal(t, []string{"r0", "r1", "r2", "r3"}, []string{p1[0].ID, p1[1].ID, p1[2].ID, p2[0].ID})
			byOrder, err := tx.Resources().ListByOrder(ctx, "a", "o1")
			require.NoError(t, err)
			assert.Len(t, byOrder, 4)
			return nil
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			r, err := tx.Resources().Get(ctx, "a", "r1")
			require.NoError(t, err)
			assert.Equal(t, lifecycle.StateGrace, r.Status)
			assert.Equal(t, "s4", r.Configuration.Plan)
			return nil
		})
	})

	t.Run("a resource keeps its name through create, update and UpdateMany; none reads as empty", func(t *testing.T) {
		st := s.newStore(t)
		named := newResource("a", "r1", time.Time{})
		named.Name = "web-1 — Hà Nội"
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			if err := tx.Resources().Create(ctx, named); err != nil {
				return err
			}
			return tx.Resources().Create(ctx, newResource("a", "r2", time.Time{}))
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			r1, err := tx.Resources().Get(ctx, "a", "r1")
			require.NoError(t, err)
			assert.Equal(t, "web-1 — Hà Nội", r1.Name)
			r2, err := tx.Resources().Get(ctx, "a", "r2")
			require.NoError(t, err)
			assert.Equal(t, "", r2.Name, "a resource stored without a name has none")
			r1.Name = "web-renamed"
			up, err := tx.Resources().Update(ctx, r1)
			require.NoError(t, err)
			assert.Equal(t, "web-renamed", up.Name)
			r2.Name = "db"
			up.Name = ""
			return tx.Resources().UpdateMany(ctx, []storage.Resource{up, r2})
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			list, err := tx.Resources().List(ctx, "a", "", 10)
			require.NoError(t, err)
			require.Len(t, list, 2)
			assert.Equal(t, []string{"", "db"}, []string{list[0].Name, list[1].Name})
			return nil
		})
	})

	t.Run("due resources are found by NextDueAt, earliest first, and follow updates and rollbacks", func(t *testing.T) {
		st := s.newStore(t)
		at := func(h int) time.Time { return epoch().Add(time.Duration(h) * time.Hour) }
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for i, h := range []int{5, 1, 3, 0, 9} {
				due := time.Time{}
				if h > 0 {
					due = at(h)
				}
				if err := tx.Resources().Create(ctx, newResource("a", fmt.Sprintf("r%d", i), due)); err != nil {
					return err
				}
			}
			return nil
		})
		ids := func(rs []storage.Resource) []string {
			var out []string
			for _, r := range rs {
				out = append(out, r.ID)
			}
			return out
		}
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			due, err := tx.Resources().Due(ctx, at(5), 10)
			require.NoError(t, err)
			assert.Equal(t, []string{"r1", "r2", "r0"}, ids(due))
			due, err = tx.Resources().Due(ctx, at(5), 2)
			require.NoError(t, err)
			assert.Equal(t, []string{"r1", "r2"}, ids(due))
			// Moving r1 later takes it out of the window.
			r1, err := tx.Resources().GetForUpdate(ctx, "a", "r1")
			require.NoError(t, err)
			r1.NextDueAt = at(8)
			_, err = tx.Resources().Update(ctx, r1)
			require.NoError(t, err)
			due, err = tx.Resources().Due(ctx, at(5), 10)
			require.NoError(t, err)
			assert.Equal(t, []string{"r2", "r0"}, ids(due))
			return nil
		})
		boom := fmt.Errorf("boom")
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			r2, err := tx.Resources().GetForUpdate(ctx, "a", "r2")
			require.NoError(t, err)
			r2.NextDueAt = time.Time{}
			_, err = tx.Resources().Update(ctx, r2)
			require.NoError(t, err)
			return boom
		})
		require.ErrorIs(t, err, boom)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			due, err := tx.Resources().Due(ctx, at(9), 10)
			require.NoError(t, err)
			assert.Equal(t, []string{"r2", "r0", "r1", "r4"}, ids(due), "the rolled-back change left r2 due")
			return nil
		})
	})

	t.Run("invoices: numbers are gapless and unique per series under concurrency", func(t *testing.T) {
		st := s.newStore(t)
		n := s.opts.Parallelism
		got := make([]int64, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
					num, err := tx.Invoices().NextNumber(ctx, "INV-2026")
					if err != nil {
						return err
					}
					got[i] = num
					inv := invoiceRecord(t, "a", fmt.Sprintf("inv%d", i), "r1", invoice.StatusPaid, 1000, epoch())
					inv.Series, inv.Number, inv.IssuedAt = "INV-2026", num, epoch()
					return tx.Invoices().Create(ctx, inv)
				})
				assert.NoError(t, err)
			})
		}
		wg.Wait()
		seen := map[int64]bool{}
		for _, num := range got {
			seen[num] = true
		}
		for k := int64(1); k <= int64(n); k++ {
			assert.True(t, seen[k], "number %d allocated", k)
		}
		// A rolled-back allocation gives its number back.
		_ = st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Invoices().NextNumber(ctx, "INV-2026")
			require.NoError(t, err)
			return fmt.Errorf("abort")
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			num, err := tx.Invoices().NextNumber(ctx, "INV-2026")
			require.NoError(t, err)
			assert.Equal(t, int64(n+1), num, "gapless")
			other, err := tx.Invoices().NextNumber(ctx, "CN-2026")
			require.NoError(t, err)
			assert.Equal(t, int64(1), other, "series are independent")
			return nil
		})
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			inv := invoiceRecord(t, "a", "dup", "r1", invoice.StatusPaid, 1, epoch())
			inv.Series, inv.Number, inv.IssuedAt = "INV-2026", 1, epoch()
			return tx.Invoices().Create(ctx, inv)
		})
		assert.ErrorIs(t, err, storage.ErrDuplicate, "a number is never used twice")
	})

	t.Run("invoices: get, update, list newest first, by resource, scoped", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for i := range 3 {
				res := "r1"
				if i == 1 {
					res = "r2"
				}
				if err := tx.Invoices().Create(ctx, invoiceRecord(t, "a", fmt.Sprintf("i%d", i), res, invoice.StatusDraft,
					int64(1000*(i+1)), epoch().Add(time.Duration(i)*time.Minute))); err != nil {
					return err
				}
			}
			return nil
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			inv, err := tx.Invoices().GetForUpdate(ctx, "a", "i0")
			require.NoError(t, err)
			inv.Status, inv.Series, inv.Number, inv.IssuedAt = invoice.StatusPaid, "INV-2026", 7, epoch()
			require.NoError(t, tx.Invoices().Update(ctx, inv))
			all, err := tx.Invoices().List(ctx, "a", "", "", 10)
			require.NoError(t, err)
			require.Len(t, all, 3)
			assert.Equal(t, "i2", all[0].ID)
			r1, err := tx.Invoices().List(ctx, "a", "r1", "", 10)
			require.NoError(t, err)
			assert.Len(t, r1, 2)
			page2, err := tx.Invoices().List(ctx, "a", "", "i2", 10)
			require.NoError(t, err)
			assert.Len(t, page2, 2)
			_, err = tx.Invoices().Get(ctx, "b", "i0")
			assert.ErrorIs(t, err, storage.ErrNotFound)
			return nil
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			inv, err := tx.Invoices().Get(ctx, "a", "i0")
			require.NoError(t, err)
			assert.Equal(t, invoice.StatusPaid, inv.Status)
			assert.Equal(t, int64(7), inv.Number)
			assert.Len(t, inv.Lines, 1)
			return nil
		})
	})

	t.Run("invoices: Open lists what the tenant still owes, oldest first", s.testOpenInvoices)

	t.Run("actions: append and list per account and resource", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for i, res := range []string{"r1", "r2", "r1"} {
				if _, err := tx.Actions().Append(ctx, actionRecord("a", fmt.Sprintf("a%d", i), res, invoice.ActionCreate, epoch())); err != nil {
					return err
				}
			}
			_, err := tx.Actions().Append(ctx, actionRecord("a", "a0", "", invoice.ActionCreate, epoch()))
			assert.ErrorIs(t, err, storage.ErrDuplicate)
			return nil
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			all, err := tx.Actions().List(ctx, "a", "", 0, 10)
			require.NoError(t, err)
			assert.Len(t, all, 3)
			r1, err := tx.Actions().List(ctx, "a", "r1", 0, 10)
			require.NoError(t, err)
			require.Len(t, r1, 2)
			rest, err := tx.Actions().List(ctx, "a", "r1", r1[0].Seq, 10)
			require.NoError(t, err)
			assert.Len(t, rest, 1)
			none, err := tx.Actions().List(ctx, "b", "", 0, 10)
			require.NoError(t, err)
			assert.Empty(t, none)
			return nil
		})
	})

	t.Run("outbox: deliverable in order per stream, retries, delivery state survives", func(t *testing.T) {
		st := s.newStore(t)
		ev := func(id, stream string) storage.Event {
			return storage.Event{ID: id, AccountID: "a", Stream: stream, Kind: "resource.provision", Payload: []byte(`{"id":"` + id + `"}`),
				NextAttemptAt: epoch(), CreatedAt: epoch()}
		}
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for _, e := range []storage.Event{ev("e1", "r1"), ev("e2", "r1"), ev("e3", "r2")} {
				if _, err := tx.Outbox().Append(ctx, e); err != nil {
					return err
				}
			}
			_, err := tx.Outbox().Append(ctx, ev("e1", "r9"))
			assert.ErrorIs(t, err, storage.ErrDuplicate, "each event id once")
			return nil
		})
		var first []storage.Event
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			var err error
			first, err = tx.Outbox().Deliverable(ctx, epoch(), 10)
			require.NoError(t, err)
			require.Len(t, first, 2, "e2 waits behind e1 of the same stream")
			assert.Equal(t, "e1", first[0].ID)
			assert.Equal(t, "e3", first[1].ID)
			// e1's handler fails: retry in a minute.
			e1, err := tx.Outbox().GetForUpdate(ctx, first[0].Seq)
			require.NoError(t, err)
			e1.Attempts, e1.LastError, e1.NextAttemptAt = 1, "host down", epoch().Add(time.Minute)
			require.NoError(t, tx.Outbox().Update(ctx, e1))
			e3, err := tx.Outbox().GetForUpdate(ctx, first[1].Seq)
			require.NoError(t, err)
			e3.DeliveredAt = epoch()
			return tx.Outbox().Update(ctx, e3)
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			now, err := tx.Outbox().Deliverable(ctx, epoch(), 10)
			require.NoError(t, err)
			assert.Empty(t, now, "e1 backs off; e2 still waits; e3 delivered")
			later, err := tx.Outbox().Deliverable(ctx, epoch().Add(time.Minute), 10)
			require.NoError(t, err)
			require.Len(t, later, 1)
			assert.Equal(t, "e1", later[0].ID)
			assert.Equal(t, 1, later[0].Attempts)
			assert.Equal(t, "host down", later[0].LastError)
			e1 := later[0]
			e1.DeliveredAt = epoch().Add(time.Minute)
			return tx.Outbox().Update(ctx, e1)
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			next, err := tx.Outbox().Deliverable(ctx, epoch().Add(time.Minute), 10)
			require.NoError(t, err)
			require.Len(t, next, 1)
			assert.Equal(t, "e2", next[0].ID)
			all, err := tx.Outbox().List(ctx, "a", 0, 10)
			require.NoError(t, err)
			require.Len(t, all, 3)
			assert.JSONEq(t, `{"id":"e1"}`, string(all[0].Payload))
			assert.False(t, all[0].DeliveredAt.IsZero())
			_, err = tx.Outbox().GetForUpdate(ctx, 999999)
			assert.ErrorIs(t, err, storage.ErrNotFound)
			return nil
		})
	})
}
