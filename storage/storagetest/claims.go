package storagetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/storage"
)

// errUndo is what the savepoint tests return to make a nested unit fail.
var errUndo = errors.New("undo this unit")

// testClaims checks Resources.ClaimDue and Tx.Savepoint, what a worker
// uses to process a page of due resources in one transaction.
func (s suite) testClaims(t *testing.T) {
	at := func(h int) time.Time { return epoch().Add(time.Duration(h) * time.Hour) }
	ids := func(rs []storage.Resource) []string {
		out := []string{}
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	seed := func(t *testing.T, st storage.Store, n int) {
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for i := range n {
				if err := tx.Resources().Create(ctx, newResource("a", fmt.Sprintf("r%d", i), at(1+i))); err != nil {
					return err
				}
			}
			return nil
		})
	}

	t.Run("ClaimDue returns what Due returns, earliest first", func(t *testing.T) {
		st := s.newStore(t)
		seed(t, st, 5)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			due, err := tx.Resources().Due(ctx, at(4), 10)
			require.NoError(t, err)
			claimed, err := tx.Resources().ClaimDue(ctx, at(4), 10)
			require.NoError(t, err)
			assert.Equal(t, []string{"r0", "r1", "r2", "r3"}, ids(claimed))
			assert.Equal(t, due, claimed)
			claimed, err = tx.Resources().ClaimDue(ctx, at(4), 2)
			require.NoError(t, err)
			assert.Equal(t, []string{"r0", "r1"}, ids(claimed))
			return nil
		})
	})

	// Two workers claim at once; each moves what it claimed out of the due
	// range, as a worker does. A store that runs transactions concurrently
	// makes the second skip the first's rows; one that runs them one after
	// the other makes the second start after the first committed. Either
	// way the pages are disjoint and together hold every due resource.
	t.Run("concurrent claims get disjoint pages", func(t *testing.T) {
		st := s.newStore(t)
		seed(t, st, 6)
		ctx := context.Background()
		claimed, secondDone := make(chan struct{}), make(chan struct{})
		var first, second []string
		errs := make(chan error, 2)
		go func() {
			errs <- st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
				page, err := tx.Resources().ClaimDue(ctx, at(10), 3)
				if err != nil {
					return err
				}
				first = ids(page)
				for _, r := range page {
					r.NextDueAt = at(100)
					if _, err := tx.Resources().Update(ctx, r); err != nil {
						return err
					}
				}
				close(claimed)
				// Hold the claim until the second worker has claimed, or
				// long enough that a store running one transaction at a
				// time is seen to do so.
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
				page, err := tx.Resources().ClaimDue(ctx, at(10), 6)
				second = ids(page)
				return err
			})
		}()
		require.NoError(t, <-errs)
		require.NoError(t, <-errs)
		assert.Len(t, first, 3)
		all := append(slices.Clone(first), second...)
		slices.Sort(all)
		assert.Equal(t, []string{"r0", "r1", "r2", "r3", "r4", "r5"}, all, "first %v, second %v", first, second)
	})

	t.Run("a failed savepoint undoes only its own writes", func(t *testing.T) {
		st := s.newStore(t)
		seed(t, st, 3)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			page, err := tx.Resources().ClaimDue(ctx, at(10), 3)
			require.NoError(t, err)
			for i, r := range page {
				err := tx.Savepoint(ctx, func(ctx context.Context, tx storage.Tx) error {
					r.NextDueAt = at(50)
					if _, err := tx.Resources().Update(ctx, r); err != nil {
						return err
					}
					if _, err := tx.Outbox().Append(ctx, storage.Event{ID: "e" + r.ID, AccountID: "a", Stream: r.ID, Kind: "test",
						Payload: []byte(`{}`), NextAttemptAt: epoch(), CreatedAt: epoch()}); err != nil {
						return err
					}
					if i == 1 {
						return errUndo
					}
					return nil
				})
				if i == 1 {
					require.ErrorIs(t, err, errUndo)
				} else {
					require.NoError(t, err)
				}
			}
			// The transaction goes on after the failed unit.
			due, err := tx.Resources().Due(ctx, at(10), 10)
			require.NoError(t, err)
			assert.Equal(t, []string{"r1"}, ids(due))
			return nil
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			due, err := tx.Resources().Due(ctx, at(10), 10)
			require.NoError(t, err)
			assert.Equal(t, []string{"r1"}, ids(due))
			r1, err := tx.Resources().Get(ctx, "a", "r1")
			require.NoError(t, err)
			assert.Equal(t, int64(1), r1.Version)
			evs, err := tx.Outbox().Deliverable(ctx, epoch().Add(time.Hour), 10)
			require.NoError(t, err)
			var got []string
			for _, e := range evs {
				got = append(got, e.ID)
			}
			assert.Equal(t, []string{"er0", "er2"}, got)
			return nil
		})
	})

	t.Run("a savepoint's writes roll back with its transaction", func(t *testing.T) {
		st := s.newStore(t)
		seed(t, st, 1)
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			require.NoError(t, tx.Savepoint(ctx, func(ctx context.Context, tx storage.Tx) error {
				r, err := tx.Resources().GetForUpdate(ctx, "a", "r0")
				if err != nil {
					return err
				}
				r.NextDueAt = at(50)
				_, err = tx.Resources().Update(ctx, r)
				return err
			}))
			return errUndo
		})
		require.ErrorIs(t, err, errUndo)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			r, err := tx.Resources().Get(ctx, "a", "r0")
			require.NoError(t, err)
			assert.Equal(t, int64(1), r.Version)
			assert.True(t, r.NextDueAt.Equal(at(1)))
			return nil
		})
	})

	s.testOutboxClaims(t)
}
