package postgres_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/postgres"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

// raise makes the server fail the current statement with SQLSTATE code,
// exactly as a real serialization failure or deadlock would.
func raise(ctx context.Context, tx storage.Tx, code string) error {
	q, _ := postgres.SQL(tx)
	_, err := q.Exec(ctx, fmt.Sprintf(`DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = '%s'; END $$`, code))
	return err
}

// syncBuffer collects log output written from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRetryPolicy(t *testing.T) {
	for _, tc := range []struct {
		name       string
		isolation  postgres.Isolation
		maxRetries int
		// failures is how many attempts raise code before one succeeds.
		failures     int
		code         string
		swallow      bool // fn ignores the failed statement and returns nil
		wantAttempts int
		wantErr      bool
	}{
		{"a serialization failure (40001) on attempt 1 commits on attempt 2", 0, 0, 1, "40001", false, 2, false},
		{"a deadlock (40P01) on attempt 1 commits on attempt 2", 0, 0, 1, "40P01", false, 2, false},
		{"a 40001 that fn swallows still reruns fn and commits on attempt 2", 0, 0, 1, "40001", true, 2, false},
		{"a unique violation (23505) is not retried: 1 attempt", 0, 0, 1, "23505", false, 1, true},
		{"a check violation (23514) that fn swallows is not retried: 1 attempt", 0, 0, 1, "23514", true, 1, true},
		{"40001 on every attempt with MaxRetries 3 gives up after 4 attempts", 0, 3, 100, "40001", false, 4, true},
		{"the default MaxRetries at READ COMMITTED, 5, gives up after 6 attempts", postgres.ReadCommitted, 0, 100, "40P01", false, 6, true},
		{"MaxRetries -1 disables retries: 1 attempt", 0, -1, 1, "40001", false, 1, true},
		{"the default MaxRetries at SERIALIZABLE, 50, gives up after 51 attempts", postgres.Serializable, 0, 100, "40001", false, 51, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := pgtest.NewStoreWithOptions(t, postgres.Options{MaxRetries: tc.maxRetries, Isolation: tc.isolation})
			attempts := 0
			err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
				attempts++
				// Created on every attempt: a duplicate would show that an
				// aborted attempt's write survived.
				if err := tx.Accounts().Create(ctx, account("r")); err != nil {
					return err
				}
				if attempts <= tc.failures {
					err := raise(ctx, tx, tc.code)
					require.Error(t, err)
					if !tc.swallow {
						return err
					}
				}
				return nil
			})
			assert.Equal(t, tc.wantAttempts, attempts)
			if !tc.wantErr {
				require.NoError(t, err)
				assert.True(t, exists(t, st, "r"))
				return
			}
			require.Error(t, err)
			assert.False(t, exists(t, st, "r"), "nothing of a failed transaction is visible")
			var pgErr *pgconn.PgError
			if !tc.swallow {
				require.ErrorAs(t, err, &pgErr, "the last attempt's cause is kept")
				assert.Equal(t, tc.code, pgErr.Code)
			}
		})
	}
}

func TestContextCancelledDuringBackoffStopsRetrying(t *testing.T) {
	st := pgtest.NewStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	attempts := 0
	err := st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		attempts++
		err := raise(ctx, tx, "40001")
		cancel()
		return err
	})
	assert.Equal(t, 1, attempts)
	assert.ErrorIs(t, err, context.Canceled)
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr, "the abort that was not retried is reported too")
	assert.Equal(t, "40001", pgErr.Code)
}

// TestDeadlockIsRetried provokes a real deadlock: two transactions lock two
// accounts in opposite order. PostgreSQL aborts one of them with 40P01 (after
// deadlock_timeout, 1s by default); InTx reruns it and both commit. It runs
// at READ COMMITTED whatever the environment says: at SERIALIZABLE the rerun
// may also be aborted (40001) if it starts before the survivor commits,
// which would make the attempt counts depend on timing.
func TestDeadlockIsRetried(t *testing.T) {
	logs := &syncBuffer{}
	reader := sdkmetric.NewManualReader()
	st := pgtest.NewStoreWithOptions(t, postgres.Options{
		MeterProvider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)),
		Isolation:     postgres.ReadCommitted,
		Logger:        slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		if err := tx.Accounts().Create(ctx, account("A")); err != nil {
			return err
		}
		return tx.Accounts().Create(ctx, account("B"))
	})

	// Each transaction waits here, on its first attempt only, until both
	// hold their first lock, so the second locks must cross.
	var bothLocked sync.WaitGroup
	bothLocked.Add(2)
	run := func(first, second string) (int, error) {
		attempts := 0
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			attempts++
			for i, id := range []string{first, second} {
				a, err := tx.Accounts().GetForUpdate(ctx, id)
				if err != nil {
					return err
				}
				if i == 0 && attempts == 1 {
					bothLocked.Done()
					bothLocked.Wait()
				}
				a.TimeZone += "+" + first
				if _, err := tx.Accounts().Update(ctx, a); err != nil {
					return err
				}
			}
			return nil
		})
		return attempts, err
	}
	var wg sync.WaitGroup
	var attemptsAB, attemptsBA int
	var errAB, errBA error
	wg.Go(func() { attemptsAB, errAB = run("A", "B") })
	wg.Go(func() { attemptsBA, errBA = run("B", "A") })
	wg.Wait()

	require.NoError(t, errAB)
	require.NoError(t, errBA)
	assert.Equal(t, 3, attemptsAB+attemptsBA, "exactly one transaction ran twice")
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		for _, id := range []string{"A", "B"} {
			a, err := tx.Accounts().Get(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, int64(3), a.Version, "%s: created, then updated once by each transaction", id)
		}
		return nil
	})
	assert.Contains(t, logs.String(), "sqlstate=40P01", "the retry is logged with its SQLSTATE")
	s := st.Stats()
	assert.Equal(t, uint64(1), s.Deadlocks, "Stats counts the deadlock")
	assert.Equal(t, uint64(1), s.Retries, "and the rerun")
	assert.Equal(t, map[string]int64{"40P01": 1}, retriesMetric(t, reader), "the metric counts the rerun by SQLSTATE")
}

// TestCancelWhileWaitingForALockCommitsNothing cancels a transaction while it
// waits for a row lock another transaction holds: the wait ends, the writes
// made before it are rolled back, and the pool stays usable.
func TestCancelWhileWaitingForALockCommitsNothing(t *testing.T) {
	st := pgtest.NewStore(t)
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Accounts().Create(ctx, account("hot")) })

	locked, release := make(chan struct{}), make(chan struct{})
	holder := make(chan error, 1)
	go func() {
		holder <- st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			if _, err := tx.Accounts().GetForUpdate(ctx, "hot"); err != nil {
				return err
			}
			close(locked)
			<-release
			return nil
		})
	}()
	<-locked

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err := st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		if err := tx.Accounts().Create(ctx, account("waiter")); err != nil {
			return err
		}
		_, err := tx.Accounts().GetForUpdate(ctx, "hot") // blocks until ctx ends
		return err
	})
	close(release)
	require.NoError(t, <-holder)
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled), "error %v reports the context", err)
	assert.False(t, exists(t, st, "waiter"), "the cancelled transaction's write is gone")

	// Every connection of the pool is still good: run more transactions
	// than the pool has connections.
	for i := range 20 {
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			return tx.Accounts().Create(ctx, account(fmt.Sprintf("after-%d", i)))
		})
	}
}
