package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/postgres"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

// waitForLockWaiter returns once a statement on st's schema is waiting for a
// lock, i.e. the second claimant is blocked behind the first.
func waitForLockWaiter(t *testing.T, st *postgres.Store) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var waiting bool
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			q, _ := postgres.SQL(tx)
			return q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
				WHERE datname = current_database() AND wait_event_type = 'Lock'
				AND position($1 in query) > 0)`, st.Schema()).Scan(&waiting)
		})
		if waiting {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the second claimant never waited for the first")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestASecondClaimWaitsForTheFirst checks the contract of Idempotency.Insert
// on a database: the second claimant of a key blocks until the first
// transaction ends, then loses (and reads the winner's result in the same
// transaction) if the first committed, or wins if it rolled back. At
// SERIALIZABLE the loss first arrives as an abort (40001: the winner's row
// is not in the loser's snapshot), and the rerun loses the claim the same
// way as at READ COMMITTED.
func TestASecondClaimWaitsForTheFirst(t *testing.T) {
	for _, tc := range []struct {
		name          string
		firstCommits  bool
		wantSecondErr error
	}{
		{"first commits: the second gets ErrDuplicate and reads the first's response", true, storage.ErrDuplicate},
		{"first rolls back: the second's claim wins", false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := pgtest.NewStore(t)
			rec := func(hash string) storage.IdempotencyRecord {
				return storage.IdempotencyRecord{AccountID: "a", Key: "pay-1", Operation: "checkout", RequestHash: hash, CreatedAt: epoch}
			}
			claimed, finish := make(chan struct{}), make(chan struct{})
			first := make(chan error, 1)
			go func() {
				first <- st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
					if err := tx.Idempotency().Insert(ctx, rec("first")); err != nil {
						return err
					}
					close(claimed)
					<-finish
					if !tc.firstCommits {
						return errAbandon
					}
					return tx.Idempotency().SetResponse(ctx, "a", "pay-1", []byte(`{"by":"first"}`))
				})
			}()
			<-claimed

			second := make(chan error, 1)
			var seen storage.IdempotencyRecord
			go func() {
				second <- st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
					err := tx.Idempotency().Insert(ctx, rec("second"))
					if err != nil && !errors.Is(err, storage.ErrDuplicate) {
						return err // an abort, rerun by InTx
					}
					if err != nil {
						var gerr error
						seen, gerr = tx.Idempotency().Get(ctx, "a", "pay-1")
						assert.NoError(t, gerr, "the transaction is usable after losing the claim")
						return err
					}
					return tx.Idempotency().SetResponse(ctx, "a", "pay-1", []byte(`{"by":"second"}`))
				})
			}()
			waitForLockWaiter(t, st)
			close(finish)

			if tc.firstCommits {
				require.NoError(t, <-first)
			} else {
				require.ErrorIs(t, <-first, errAbandon)
			}
			err := <-second
			if tc.wantSecondErr != nil {
				require.ErrorIs(t, err, tc.wantSecondErr)
				assert.Equal(t, "first", seen.RequestHash)
				assert.JSONEq(t, `{"by":"first"}`, string(seen.Response))
				return
			}
			require.NoError(t, err)
			inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
				got, err := tx.Idempotency().Get(ctx, "a", "pay-1")
				require.NoError(t, err)
				assert.Equal(t, "second", got.RequestHash)
				return nil
			})
		})
	}
}
