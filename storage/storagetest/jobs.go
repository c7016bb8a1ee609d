package storagetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/storage"
)

// The job kinds the tests use; any names do.
const (
	jobAutoPay storage.JobKind = "auto_pay"
	jobOverdue storage.JobKind = "overdue"
)

// newJob is a job of kind and key for acct, due at due, with nothing done.
func newJob(acct string, kind storage.JobKind, key string, due time.Time) storage.Job {
	return storage.Job{AccountID: acct, Kind: kind, Key: key, DueAt: due, CreatedAt: epoch(), UpdatedAt: epoch()}
}

// jobNames gives "account/kind/key" of each job, to compare orders.
func jobNames(js []storage.Job) []string {
	out := []string{}
	for _, j := range js {
		out = append(out, j.AccountID+"/"+string(j.Kind)+"/"+j.Key)
	}
	return out
}

// testJobs checks the scheduled-jobs repository: every field kept, Put
// replacing but keeping CreatedAt, Ensure creating once, tenant scoping,
// listing order, ClaimDue's range, order and limits, validation, rollback
// and disjoint claims.
func (s suite) testJobs(t *testing.T) {
	at := func(h int) time.Time { return epoch().Add(time.Duration(h) * time.Hour) }

	t.Run("Put then Get gives back every field", func(t *testing.T) {
		st := s.newStore(t)
		want := storage.Job{AccountID: "a", Kind: jobOverdue, Key: "inv-7", DueAt: at(3), Step: 2, Since: at(-48),
			Attempts: 4, LastError: "gateway down", CreatedAt: at(-72), UpdatedAt: at(-1)}
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Jobs().Put(ctx, want) })
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.Jobs().Get(ctx, "a", jobOverdue, "inv-7")
			require.NoError(t, err)
			assertSame(t, want, got)
			// Zero Since, Step, Attempts and LastError come back zero.
			bare := newJob("a", jobAutoPay, "", at(1))
			require.NoError(t, tx.Jobs().Put(ctx, bare))
			got, err = tx.Jobs().Get(ctx, "a", jobAutoPay, "")
			require.NoError(t, err)
			assertSame(t, bare, got)
			assert.True(t, got.Since.IsZero())
			return nil
		})
	})

	t.Run("Put replaces the job and keeps its CreatedAt", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			return tx.Jobs().Put(ctx, storage.Job{AccountID: "a", Kind: jobOverdue, Key: "i1", DueAt: at(1), Step: 1,
				Since: at(-2), Attempts: 2, LastError: "declined", CreatedAt: epoch(), UpdatedAt: epoch()})
		})
		next := storage.Job{AccountID: "a", Kind: jobOverdue, Key: "i1", DueAt: at(24), Step: 3,
			CreatedAt: at(5), UpdatedAt: at(5)}
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Jobs().Put(ctx, next) })
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.Jobs().Get(ctx, "a", jobOverdue, "i1")
			require.NoError(t, err)
			want := next
			want.CreatedAt = epoch()
			assertSame(t, want, got)
			list, err := tx.Jobs().List(ctx, "a", "")
			require.NoError(t, err)
			assert.Len(t, list, 1, "a replaced job is one job")
			return nil
		})
	})

	t.Run("Ensure creates once and then leaves the job as it is", func(t *testing.T) {
		st := s.newStore(t)
		first := newJob("a", jobAutoPay, "", at(1))
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			created, err := tx.Jobs().Ensure(ctx, first)
			require.NoError(t, err)
			assert.True(t, created)
			return nil
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			again := first
			again.DueAt, again.Step, again.LastError, again.CreatedAt = at(9), 5, "other", at(9)
			created, err := tx.Jobs().Ensure(ctx, again)
			require.NoError(t, err)
			assert.False(t, created)
			got, err := tx.Jobs().Get(ctx, "a", jobAutoPay, "")
			require.NoError(t, err)
			assertSame(t, first, got)
			// The same kind and key of another tenant is another job.
			created, err = tx.Jobs().Ensure(ctx, newJob("b", jobAutoPay, "", at(2)))
			require.NoError(t, err)
			assert.True(t, created)
			return nil
		})
	})

	t.Run("Get and Delete are scoped to the tenant", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			require.NoError(t, tx.Jobs().Put(ctx, newJob("a", jobOverdue, "i1", at(1))))
			for _, k := range []struct {
				acct string
				kind storage.JobKind
				key  string
			}{{"b", jobOverdue, "i1"}, {"a", jobOverdue, "i2"}, {"a", jobAutoPay, "i1"}, {"a", jobOverdue, ""}, {"", jobOverdue, "i1"}} {
				_, err := tx.Jobs().Get(ctx, k.acct, k.kind, k.key)
				assert.ErrorIs(t, err, storage.ErrNotFound, "%+v", k)
			}
			// Deleting what is missing, or another tenant's, is not an
			// error and removes nothing.
			require.NoError(t, tx.Jobs().Delete(ctx, "b", jobOverdue, "i1"))
			require.NoError(t, tx.Jobs().Delete(ctx, "a", jobOverdue, "nope"))
			_, err := tx.Jobs().Get(ctx, "a", jobOverdue, "i1")
			require.NoError(t, err)
			return nil
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			require.NoError(t, tx.Jobs().Delete(ctx, "a", jobOverdue, "i1"))
			_, err := tx.Jobs().Get(ctx, "a", jobOverdue, "i1")
			assert.ErrorIs(t, err, storage.ErrNotFound)
			due, err := tx.Jobs().ClaimDue(ctx, at(10), 10)
			require.NoError(t, err)
			assert.Empty(t, due, "a deleted job is never claimed")
			return nil
		})
	})

	t.Run("List gives the tenant's jobs by kind and key", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for _, j := range []storage.Job{
				newJob("a", jobOverdue, "i2", at(1)), newJob("a", jobAutoPay, "", at(5)), newJob("b", jobOverdue, "i0", at(1)),
				newJob("a", jobOverdue, "i1", at(9)), newJob("a", "close", "2026-01", at(2)),
			} {
				if err := tx.Jobs().Put(ctx, j); err != nil {
					return err
				}
			}
			return nil
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			all, err := tx.Jobs().List(ctx, "a", "")
			require.NoError(t, err)
			assert.Equal(t, []string{"a/auto_pay/", "a/close/2026-01", "a/overdue/i1", "a/overdue/i2"}, jobNames(all))
			overdue, err := tx.Jobs().List(ctx, "a", jobOverdue)
			require.NoError(t, err)
			assert.Equal(t, []string{"a/overdue/i1", "a/overdue/i2"}, jobNames(overdue))
			none, err := tx.Jobs().List(ctx, "c", "")
			require.NoError(t, err)
			assert.Empty(t, none)
			none, err = tx.Jobs().List(ctx, "a", "unknown")
			require.NoError(t, err)
			assert.Empty(t, none)
			return nil
		})
	})

	t.Run("ClaimDue returns due jobs of every tenant, earliest first, up to the limit", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for _, j := range []storage.Job{
				newJob("b", jobOverdue, "i1", at(2)), newJob("a", jobOverdue, "i9", at(2)), newJob("a", jobAutoPay, "", at(2)),
				newJob("a", jobOverdue, "i1", at(2)), newJob("c", jobAutoPay, "", at(1)), newJob("a", "close", "", at(4)),
				newJob("b", jobAutoPay, "", at(3)),
			} {
				if err := tx.Jobs().Put(ctx, j); err != nil {
					return err
				}
			}
			return nil
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			due, err := tx.Jobs().ClaimDue(ctx, at(3), 10)
			require.NoError(t, err)
			assert.Equal(t, []string{"c/auto_pay/", "a/auto_pay/", "a/overdue/i1", "a/overdue/i9", "b/overdue/i1", "b/auto_pay/"},
				jobNames(due), "by DueAt, then account, kind and key; the job due after t is left")
			assertSame(t, newJob("c", jobAutoPay, "", at(1)), due[0])
			page, err := tx.Jobs().ClaimDue(ctx, at(3), 2)
			require.NoError(t, err)
			assert.Equal(t, []string{"c/auto_pay/", "a/auto_pay/"}, jobNames(page))
			none, err := tx.Jobs().ClaimDue(ctx, at(0), 10)
			require.NoError(t, err)
			assert.Empty(t, none)
			for _, limit := range []int{0, -1, 1001} {
				_, err := tx.Jobs().ClaimDue(ctx, at(3), limit)
				assert.ErrorIs(t, err, storage.ErrInvalidRecord, "limit %d", limit)
			}
			_, err = tx.Jobs().ClaimDue(ctx, at(3), 1000)
			require.NoError(t, err)
			// A job put later is claimed by its new due time.
			require.NoError(t, tx.Jobs().Put(ctx, newJob("c", jobAutoPay, "", at(50))))
			due, err = tx.Jobs().ClaimDue(ctx, at(3), 10)
			require.NoError(t, err)
			assert.NotContains(t, jobNames(due), "c/auto_pay/")
			return nil
		})
	})

	t.Run("invalid jobs are refused and nothing is stored", func(t *testing.T) {
		st := s.newStore(t)
		long := strings.Repeat("k", storage.MaxJobKeyLen+1)
		bad := map[string]storage.Job{
			"no account":       newJob("", jobAutoPay, "", at(1)),
			"no kind":          newJob("a", "", "k", at(1)),
			"no due time":      newJob("a", jobAutoPay, "", time.Time{}),
			"kind too long":    newJob("a", storage.JobKind(long), "", at(1)),
			"key too long":     newJob("a", jobAutoPay, long, at(1)),
			"NUL in key":       newJob("a", jobAutoPay, "a\x00b", at(1)),
			"NUL in kind":      newJob("a", "auto\x00pay", "", at(1)),
			"NUL in account":   newJob("a\x00", jobAutoPay, "", at(1)),
			"invalid UTF-8":    newJob("a", jobAutoPay, "\xff", at(1)),
			"NUL in LastError": {AccountID: "a", Kind: jobAutoPay, DueAt: at(1), LastError: "x\x00"},
		}
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for name, j := range bad {
				assert.ErrorIs(t, tx.Jobs().Put(ctx, j), storage.ErrInvalidRecord, "Put: %s", name)
				_, err := tx.Jobs().Ensure(ctx, j)
				assert.ErrorIs(t, err, storage.ErrInvalidRecord, "Ensure: %s", name)
			}
			// The longest kind and key are accepted, and the transaction
			// is still usable after the refusals.
			longest := strings.Repeat("k", storage.MaxJobKeyLen)
			return tx.Jobs().Put(ctx, newJob("a", storage.JobKind(longest), longest, at(1)))
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			list, err := tx.Jobs().List(ctx, "a", "")
			require.NoError(t, err)
			assert.Len(t, list, 1)
			return nil
		})
	})

	t.Run("writes roll back with the transaction and a failed savepoint", func(t *testing.T) {
		st := s.newStore(t)
		keep := newJob("a", jobOverdue, "i1", at(1))
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			if err := tx.Jobs().Put(ctx, keep); err != nil {
				return err
			}
			return tx.Jobs().Put(ctx, newJob("a", jobOverdue, "i2", at(2)))
		})
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			moved := keep
			moved.DueAt, moved.Step = at(40), 7
			require.NoError(t, tx.Jobs().Put(ctx, moved))
			require.NoError(t, tx.Jobs().Delete(ctx, "a", jobOverdue, "i2"))
			created, err := tx.Jobs().Ensure(ctx, newJob("a", jobAutoPay, "", at(0)))
			require.NoError(t, err)
			require.True(t, created)
			return errUndo
		})
		require.ErrorIs(t, err, errUndo)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			err := tx.Savepoint(ctx, func(ctx context.Context, tx storage.Tx) error {
				require.NoError(t, tx.Jobs().Delete(ctx, "a", jobOverdue, "i1"))
				require.NoError(t, tx.Jobs().Put(ctx, newJob("a", "close", "", at(0))))
				return errUndo
			})
			require.ErrorIs(t, err, errUndo)
			return nil
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.Jobs().Get(ctx, "a", jobOverdue, "i1")
			require.NoError(t, err)
			assertSame(t, keep, got)
			list, err := tx.Jobs().List(ctx, "a", "")
			require.NoError(t, err)
			assert.Equal(t, []string{"a/overdue/i1", "a/overdue/i2"}, jobNames(list))
			due, err := tx.Jobs().ClaimDue(ctx, at(10), 10)
			require.NoError(t, err)
			assert.Equal(t, []string{"a/overdue/i1", "a/overdue/i2"}, jobNames(due), "the due times are the committed ones")
			// Ensure can create what the rolled-back Ensure did not.
			created, err := tx.Jobs().Ensure(ctx, newJob("a", jobAutoPay, "", at(0)))
			require.NoError(t, err)
			assert.True(t, created)
			return nil
		})
	})

	// As for resources (see testClaims): the first worker claims three jobs
	// and reschedules them, holding its transaction until the second has
	// claimed; a concurrent store makes the second skip the held rows, a
	// serial one makes it start after the first committed.
	t.Run("concurrent claims get disjoint pages", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for i := range 6 {
				if err := tx.Jobs().Put(ctx, newJob("a", jobOverdue, fmt.Sprintf("i%d", i), at(1+i))); err != nil {
					return err
				}
			}
			return nil
		})
		keys := func(js []storage.Job) []string {
			out := []string{}
			for _, j := range js {
				out = append(out, j.Key)
			}
			return out
		}
		ctx := context.Background()
		claimed, secondDone := make(chan struct{}), make(chan struct{})
		var first, second []string
		errs := make(chan error, 2)
		var release sync.Once // the second worker starts even if the first fails
		go func() {
			defer release.Do(func() { close(claimed) })
			errs <- st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				page, err := tx.Jobs().ClaimDue(ctx, at(10), 3)
				if err != nil {
					return err
				}
				first = keys(page)
				for _, j := range page {
					j.DueAt = at(100)
					if err := tx.Jobs().Put(ctx, j); err != nil {
						return err
					}
				}
				release.Do(func() { close(claimed) })
				select {
				case <-secondDone:
				case <-time.After(300 * time.Millisecond):
				}
				return nil
			})
		}()
		go func() {
			defer close(secondDone)
			<-claimed
			errs <- st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				page, err := tx.Jobs().ClaimDue(ctx, at(10), 6)
				second = keys(page)
				return err
			})
		}()
		require.NoError(t, <-errs)
		require.NoError(t, <-errs)
		assert.Equal(t, []string{"i0", "i1", "i2"}, first)
		all := append(slices.Clone(first), second...)
		slices.Sort(all)
		assert.Equal(t, []string{"i0", "i1", "i2", "i3", "i4", "i5"}, all, "first %v, second %v", first, second)
	})
}
