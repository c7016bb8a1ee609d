package storagetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/storage"
)

func (s suite) testUsage(t *testing.T) {
	ev := func(account, id string, at time.Time) storage.UsageEvent {
		return storage.UsageEvent{ID: id, AccountID: account, ResourceID: "r1", Metric: "snapshot.gb_hours",
			Quantity: decimal.RequireFromString("1.5"), At: at, RecordedAt: epoch()}
	}
	insert := func(t *testing.T, st storage.Store, events ...storage.UsageEvent) []bool {
		t.Helper()
		var got []bool
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			var err error
			got, err = tx.Usage().Insert(ctx, events)
			return err
		})
		return got
	}
	list := func(t *testing.T, st storage.Store, q storage.UsageQuery) []storage.UsageEvent {
		t.Helper()
		var got []storage.UsageEvent
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			var err error
			got, err = tx.Usage().List(ctx, q)
			return err
		})
		return got
	}
	ids := func(events []storage.UsageEvent) []string {
		out := make([]string, len(events))
		for i, e := range events {
			out[i] = e.ID
		}
		return out
	}
	all := func(account string) storage.UsageQuery {
		return storage.UsageQuery{AccountID: account, From: epoch().Add(-time.Hour), To: epoch().Add(time.Hour), Limit: 1000}
	}

	t.Run("duplicates in one batch and across batches are stored once", func(t *testing.T) {
		st := s.newStore(t)
		first := ev("a", "e1", epoch())
		again := first
		again.Quantity = decimal.NewFromInt(99) // the first occurrence wins
		got := insert(t, st, first, ev("a", "e2", epoch()), again)
		assert.Equal(t, []bool{true, true, false}, got)
		got = insert(t, st, ev("a", "e2", epoch()), ev("a", "e3", epoch()))
		assert.Equal(t, []bool{false, true}, got)
		stored := list(t, st, all("a"))
		require.Equal(t, []string{"e1", "e2", "e3"}, ids(stored))
		assert.True(t, stored[0].Quantity.Equal(decimal.RequireFromString("1.5")), "e1 keeps its first quantity, got %s", stored[0].Quantity)
	})

	t.Run("Total sums what List selects, tenant and period bounded", func(t *testing.T) {
		st := s.newStore(t)
		other := ev("a", "e4", epoch())
		other.ResourceID, other.Quantity = "r2", decimal.NewFromInt(7)
		insert(t, st, ev("a", "e1", epoch()), ev("a", "e2", epoch().Add(time.Minute)), ev("a", "e3", epoch().Add(2*time.Hour)), other,
			ev("b", "e1", epoch()))
		total := func(q storage.UsageQuery) (string, int) {
			var sum decimal.Decimal
			var n int
			inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
				tt, ok := tx.Usage().(storage.UsageTotaler)
				require.True(t, ok, "the store totals usage")
				var err error
				sum, n, err = tt.Total(ctx, q)
				return err
			})
			return sum.String(), n
		}
		q := all("a")
		q.ResourceID = "r1"
		sum, n := total(q)
		assert.Equal(t, "3", sum, "1.5 + 1.5; e3 is outside the period, e4 another resource's, b another tenant's")
		assert.Equal(t, 2, n)
		q.ResourceID, q.Metric = "", "snapshot.gb_hours"
		sum, n = total(q)
		assert.Equal(t, "10", sum)
		assert.Equal(t, 3, n)
		q.Metric = "none"
		sum, n = total(q)
		assert.Equal(t, "0", sum)
		assert.Equal(t, 0, n)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			_, _, err := tx.Usage().(storage.UsageTotaler).Total(ctx, storage.UsageQuery{})
			assert.ErrorIs(t, err, storage.ErrInvalidRecord)
			return nil
		})
	})

	t.Run("a rolled-back insert leaves its ids unclaimed", func(t *testing.T) {
		st := s.newStore(t)
		boom := errors.New("boom")
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.Usage().Insert(ctx, []storage.UsageEvent{ev("a", "e1", epoch()), ev("a", "e2", epoch())})
			require.NoError(t, err)
			require.Equal(t, []bool{true, true}, got)
			return boom
		})
		require.ErrorIs(t, err, boom)
		assert.Empty(t, list(t, st, all("a")))
		assert.Equal(t, []bool{true, true}, insert(t, st, ev("a", "e1", epoch()), ev("a", "e2", epoch())))
	})

	t.Run("ids and listings are scoped per account", func(t *testing.T) {
		st := s.newStore(t)
		assert.Equal(t, []bool{true, true}, insert(t, st, ev("a", "same", epoch()), ev("b", "same", epoch())))
		assert.Equal(t, []string{"same"}, ids(list(t, st, all("a"))))
		for _, e := range list(t, st, all("b")) {
			assert.Equal(t, "b", e.AccountID)
		}
		assert.Empty(t, list(t, st, all("c")))
	})

	t.Run("listing takes the half-open period and pages in order", func(t *testing.T) {
		st := s.newStore(t)
		from, to := epoch(), epoch().Add(time.Hour)
		var batch []storage.UsageEvent
		for i, at := range []time.Time{from.Add(-time.Microsecond), from, from.Add(time.Minute), to.Add(-time.Microsecond), to} {
			e := ev("a", fmt.Sprintf("e%d", i), at)
			batch = append(batch, e)
			e.ID, e.ResourceID = fmt.Sprintf("x%d", i), "r0"
			batch = append(batch, e)
		}
		insert(t, st, batch...)
		q := storage.UsageQuery{AccountID: "a", From: from, To: to, Limit: 1000}
		assert.Equal(t, []string{"x1", "x2", "x3", "e1", "e2", "e3"}, ids(list(t, st, q)), "r0 before r1, each by time")
		q.ResourceID = "r1"
		assert.Equal(t, []string{"e1", "e2", "e3"}, ids(list(t, st, q)))
		q.Metric = "other"
		assert.Empty(t, list(t, st, q))

		q = storage.UsageQuery{AccountID: "a", From: from, To: to, Limit: 2}
		var pages [][]string
		for {
			page := list(t, st, q)
			pages = append(pages, ids(page))
			if len(page) < q.Limit {
				break
			}
			q.After = page[len(page)-1].Cursor()
		}
		assert.Equal(t, [][]string{{"x1", "x2"}, {"x3", "e1"}, {"e2", "e3"}, {}}, pages)
	})

	t.Run("quantities with many digits round-trip exactly", func(t *testing.T) {
		st := s.newStore(t)
		qs := []string{"0", "0.000000000000000001", "123456789012345.123456789012345678", "1000000000000000", "7.70"}
		var batch []storage.UsageEvent
		for i, q := range qs {
			e := ev("a", fmt.Sprintf("q%d", i), epoch())
			e.Quantity, e.Value = decimal.RequireFromString(q), fmt.Sprintf("välue-%d", i)
			batch = append(batch, e)
		}
		insert(t, st, batch...)
		got := list(t, st, all("a"))
		require.Len(t, got, len(qs))
		for i, e := range got {
			assert.True(t, e.Quantity.Equal(decimal.RequireFromString(qs[i])), "%s read back as %s", qs[i], e.Quantity)
			assert.Equal(t, fmt.Sprintf("välue-%d", i), e.Value)
			assert.True(t, e.At.Equal(epoch()) && e.RecordedAt.Equal(epoch()))
		}
	})

	t.Run("bad batches store nothing", func(t *testing.T) {
		st := s.newStore(t)
		bad := []storage.UsageEvent{ev("a", "", epoch()), ev("", "e", epoch()), ev("a", "e", time.Time{}), ev("a", "e\x00", epoch())}
		for i, b := range bad {
			err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
				_, err := tx.Usage().Insert(ctx, []storage.UsageEvent{ev("a", "good", epoch()), b})
				return err
			})
			assert.ErrorIs(t, err, storage.ErrInvalidRecord, "bad event %d", i)
		}
		tooMany := make([]storage.UsageEvent, storage.MaxUsageBatch+1)
		for i := range tooMany {
			tooMany[i] = ev("a", fmt.Sprint(i), epoch())
		}
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Usage().Insert(ctx, tooMany)
			return err
		})
		assert.ErrorIs(t, err, storage.ErrInvalidRecord)
		assert.Empty(t, list(t, st, all("a")))
		for _, q := range []storage.UsageQuery{{AccountID: "a", Limit: 0}, {AccountID: "a", Limit: 1001}, {Limit: 10}} {
			err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
				_, err := tx.Usage().List(ctx, q)
				return err
			})
			assert.ErrorIs(t, err, storage.ErrInvalidRecord, "listing %+v", q)
		}
	})

	t.Run("concurrent inserts of the same ids: each is new exactly once", func(t *testing.T) {
		st := s.newStore(t)
		batch := []storage.UsageEvent{ev("a", "e1", epoch()), ev("a", "e2", epoch()), ev("a", "e3", epoch())}
		var wins [3]atomic.Int32
		var wg sync.WaitGroup
		for g := range s.opts.Parallelism {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Half the goroutines send the batch reversed, so that
				// lock order is exercised too.
				mine := append([]storage.UsageEvent(nil), batch...)
				if g%2 == 1 {
					mine[0], mine[2] = mine[2], mine[0]
				}
				err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
					got, err := tx.Usage().Insert(ctx, mine)
					if err != nil {
						return err
					}
					for i, ok := range got {
						if ok {
							n := 0
							fmt.Sscanf(mine[i].ID, "e%d", &n)
							wins[n-1].Add(1)
						}
					}
					return nil
				})
				assert.NoError(t, err)
			}()
		}
		wg.Wait()
		for i := range wins {
			assert.Equal(t, int32(1), wins[i].Load(), "event e%d", i+1)
		}
		assert.Len(t, list(t, st, all("a")), 3)
	})
}
