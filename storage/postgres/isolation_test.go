package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/postgres"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

func TestParseIsolation(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want postgres.Isolation
	}{
		{"", postgres.ReadCommitted},
		{"read committed", postgres.ReadCommitted},
		{"READ_COMMITTED", postgres.ReadCommitted},
		{"read-committed", postgres.ReadCommitted},
		{"  Read   Committed ", postgres.ReadCommitted},
		{"serializable", postgres.Serializable},
		{"SERIALIZABLE", postgres.Serializable},
	} {
		got, err := postgres.ParseIsolation(tc.in)
		require.NoError(t, err, "%q", tc.in)
		assert.Equal(t, tc.want, got, "%q", tc.in)
	}
	for _, in := range []string{"repeatable read", "snapshot", "serialisable", "read uncommitted", "1"} {
		_, err := postgres.ParseIsolation(in)
		assert.ErrorIs(t, err, postgres.ErrInvalidOption, "%q is refused", in)
	}
	assert.Equal(t, "read committed", postgres.ReadCommitted.String())
	assert.Equal(t, "serializable", postgres.Serializable.String())
	assert.Equal(t, "read committed", postgres.Isolation(0).String(), "zero means the default")
}

func TestParseMigrationLock(t *testing.T) {
	for in, want := range map[string]postgres.MigrationLock{
		"": postgres.AdvisoryLock, "advisory": postgres.AdvisoryLock, "Advisory_Lock": postgres.AdvisoryLock,
		"table": postgres.LockTable, "lock table": postgres.LockTable, "LOCK-TABLE": postgres.LockTable,
	} {
		got, err := postgres.ParseMigrationLock(in)
		require.NoError(t, err, "%q", in)
		assert.Equal(t, want, got, "%q", in)
	}
	_, err := postgres.ParseMigrationLock("none")
	assert.ErrorIs(t, err, postgres.ErrInvalidOption)
	assert.Equal(t, "lock table", postgres.LockTable.String())
}

func TestUnknownOptionValuesAreRefused(t *testing.T) {
	pool := pgtest.Pool(t)
	for name, opts := range map[string]postgres.Options{
		"isolation 3":      {Isolation: 3},
		"isolation -1":     {Isolation: -1},
		"migration lock 3": {MigrationLock: 3},
	} {
		_, err := postgres.New(pool, opts)
		assert.ErrorIs(t, err, postgres.ErrInvalidOption, name)
	}
}

// levelOf returns the isolation level the server reports inside one of the
// store's transactions.
func levelOf(t *testing.T, st *postgres.Store) string {
	t.Helper()
	var level string
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		q, _ := postgres.SQL(tx)
		return q.QueryRow(ctx, "SHOW transaction_isolation").Scan(&level)
	})
	return level
}

func TestEveryTransactionRunsAtTheConfiguredLevel(t *testing.T) {
	pool := pgtest.Pool(t)
	for _, tc := range []struct {
		iso  postgres.Isolation
		want string
	}{
		{0, "read committed"},
		{postgres.ReadCommitted, "read committed"},
		{postgres.Serializable, "serializable"},
	} {
		st, err := postgres.New(pool, postgres.Options{Schema: pgtest.NewSchema(t, pool), Isolation: tc.iso})
		require.NoError(t, err)
		require.NoError(t, st.Migrate(context.Background()))
		assert.Equal(t, tc.want, levelOf(t, st), "Options.Isolation %d", tc.iso)
	}
}

// newStoreAt returns a migrated store in a fresh schema at level iso,
// whatever the environment says.
func newStoreAt(t *testing.T, iso postgres.Isolation) *postgres.Store {
	t.Helper()
	return pgtest.NewStoreWithOptions(t, postgres.Options{Isolation: iso})
}

// overtaken runs body in a transaction of st whose snapshot is taken (by a
// first statement) before rival runs and commits in a transaction of its
// own, so that on its first attempt body works on a snapshot older than
// rival's commit. It returns how many attempts InTx made and InTx's error.
func overtaken(t *testing.T, st *postgres.Store, rival, body func(ctx context.Context, tx storage.Tx) error) (int, error) {
	t.Helper()
	attempts := 0
	err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
		attempts++
		q, _ := postgres.SQL(tx)
		if _, err := q.Exec(ctx, "SELECT 1"); err != nil {
			return err
		}
		if attempts == 1 {
			require.NoError(t, st.InTx(context.WithoutCancel(context.Background()), rival))
		}
		return body(ctx, tx)
	})
	return attempts, err
}

// TestSerializableAbortsAreRerun shows, for each way the store's statements
// can meet a concurrent commit, what each level does: at READ COMMITTED the
// statement sees the commit and carries on; at SERIALIZABLE the database
// aborts the transaction with 40001, InTx reruns it on a new snapshot, and
// the outcome is the same. Stats counts the abort and the rerun.
func TestSerializableAbortsAreRerun(t *testing.T) {
	type step = func(ctx context.Context, tx storage.Tx) error
	debit := func(id string, n int64) step {
		return func(ctx context.Context, tx storage.Tx) error {
			if _, err := tx.Accounts().GetForUpdate(ctx, "w"); err != nil {
				return err
			}
			_, err := tx.Ledger().Append(ctx, ledgerEntry(t, "w", id, n, "customer:cash", "revenue"))
			return err
		}
	}
	for _, tc := range []struct {
		name  string
		setup step
		// rival commits after body's snapshot; body then meets its commit.
		rival, body step
		check       func(t *testing.T, st *postgres.Store)
	}{
		{
			name: "a wallet debit after a concurrent debit: locking read of a changed balance",
			setup: func(ctx context.Context, tx storage.Tx) error {
				if err := tx.Accounts().Create(ctx, account("w")); err != nil {
					return err
				}
				_, err := tx.Ledger().Append(ctx, ledgerEntry(t, "w", "fund", 100_000, "gateway:clearing:sim", "customer:cash"))
				return err
			},
			rival: debit("d1", 30_000),
			body:  debit("d2", 50_000),
			check: func(t *testing.T, st *postgres.Store) {
				assert.Equal(t, map[string]string{"customer:cash": "20000 VND", "gateway:clearing:sim": "-100000 VND", "revenue": "80000 VND"},
					balances(t, st, "w"), "both debits applied once")
			},
		},
		{
			name: "an account update after a concurrent update: locking read of a changed row",
			setup: func(ctx context.Context, tx storage.Tx) error {
				return tx.Accounts().Create(ctx, account("a"))
			},
			rival: func(ctx context.Context, tx storage.Tx) error {
				a, err := tx.Accounts().GetForUpdate(ctx, "a")
				if err != nil {
					return err
				}
				a.TimeZone = "UTC"
				_, err = tx.Accounts().Update(ctx, a)
				return err
			},
			body: func(ctx context.Context, tx storage.Tx) error {
				a, err := tx.Accounts().GetForUpdate(ctx, "a")
				if err != nil {
					return err
				}
				a.Type = storage.Postpaid
				_, err = tx.Accounts().Update(ctx, a)
				return err
			},
			check: func(t *testing.T, st *postgres.Store) {
				inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
					a, err := tx.Accounts().Get(ctx, "a")
					require.NoError(t, err)
					assert.Equal(t, int64(3), a.Version, "created, then updated once by each")
					assert.Equal(t, "UTC", a.TimeZone, "the rival's change is kept")
					assert.Equal(t, storage.Postpaid, a.Type, "the rerun's change is applied")
					return nil
				})
			},
		},
		{
			name: "an idempotency claim after a concurrent claim of the key: ON CONFLICT meets an unseen row",
			rival: func(ctx context.Context, tx storage.Tx) error {
				return tx.Idempotency().Insert(ctx, storage.IdempotencyRecord{
					AccountID: "k", Key: "pay-1", Operation: "pay", RequestHash: "h1", Response: []byte("first"), CreatedAt: epoch})
			},
			body: func(ctx context.Context, tx storage.Tx) error {
				err := tx.Idempotency().Insert(ctx, storage.IdempotencyRecord{
					AccountID: "k", Key: "pay-1", Operation: "pay", RequestHash: "h1", CreatedAt: epoch})
				if !errors.Is(err, storage.ErrDuplicate) {
					return fmt.Errorf("the second claim must lose, got %w", err)
				}
				r, err := tx.Idempotency().Get(ctx, "k", "pay-1")
				if err != nil {
					return err
				}
				if string(r.Response) != "first" {
					return fmt.Errorf("the loser reads the winner's result, got %q", r.Response)
				}
				return nil
			},
			check: func(*testing.T, *postgres.Store) {},
		},
		{
			name: "an invoice number after a concurrent allocation: upsert of a changed row",
			rival: func(ctx context.Context, tx storage.Tx) error {
				_, err := tx.Invoices().NextNumber(ctx, "INV-2026")
				return err
			},
			body: func(ctx context.Context, tx storage.Tx) error {
				n, err := tx.Invoices().NextNumber(ctx, "INV-2026")
				if err != nil {
					return err
				}
				if n != 2 {
					return fmt.Errorf("the second allocation must get 2, got %d", n)
				}
				return nil
			},
			check: func(*testing.T, *postgres.Store) {},
		},
	} {
		for _, level := range []struct {
			iso          postgres.Isolation
			wantAttempts int
		}{{postgres.ReadCommitted, 1}, {postgres.Serializable, 2}} {
			t.Run(tc.name+"/"+level.iso.String(), func(t *testing.T) {
				st := newStoreAt(t, level.iso)
				if tc.setup != nil {
					inTx(t, st, tc.setup)
				}
				before := st.Stats()
				attempts, err := overtaken(t, st, tc.rival, tc.body)
				require.NoError(t, err)
				assert.Equal(t, level.wantAttempts, attempts)
				tc.check(t, st)

				after := st.Stats()
				reruns := uint64(level.wantAttempts - 1)
				assert.Equal(t, reruns, after.SerializationFailures-before.SerializationFailures, "40001 aborts")
				assert.Equal(t, reruns, after.Retries-before.Retries, "reruns")
				assert.Zero(t, after.Deadlocks-before.Deadlocks)
				assert.Zero(t, after.GaveUp)
				assert.Equal(t, uint64(level.wantAttempts), after.MostAttempts)
			})
		}
	}
}

// TestSerializableRacesStayExact: sixteen goroutines debit one wallet that
// holds enough for ten debits, at SERIALIZABLE. Exactly ten succeed, the rest
// are refused for want of credit, nothing is lost or applied twice, and
// every abort along the way was rerun (none gave up).
func TestSerializableRacesStayExact(t *testing.T) {
	st := newStoreAt(t, postgres.Serializable)
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		if err := tx.Accounts().Create(ctx, account("w")); err != nil {
			return err
		}
		_, err := tx.Ledger().Append(ctx, ledgerEntry(t, "w", "fund", 100_000, "gateway:clearing:sim", "customer:cash"))
		return err
	})
	const racers = 16
	start := make(chan struct{})
	errs := make([]error, racers)
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() {
			<-start
			errs[i] = st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
				if _, err := tx.Accounts().GetForUpdate(ctx, "w"); err != nil {
					return err
				}
				_, err := tx.Ledger().Append(ctx, ledgerEntry(t, "w", fmt.Sprintf("d%d", i), 10_000, "customer:cash", "revenue"))
				return err
			})
		})
	}
	close(start)
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
			continue
		}
		require.ErrorIs(t, err, storage.ErrNegativeBalance)
	}
	assert.Equal(t, 10, won)
	assert.Equal(t, map[string]string{"customer:cash": "0 VND", "gateway:clearing:sim": "-100000 VND", "revenue": "100000 VND"},
		balances(t, st, "w"))
	s := st.Stats()
	assert.Zero(t, s.GaveUp)
	assert.Equal(t, s.SerializationFailures+s.Deadlocks, s.Retries, "every abort was rerun")
	t.Logf("%d racers: %d aborts (40001), %d reruns, at most %d attempts for one transaction",
		racers, s.SerializationFailures, s.Retries, s.MostAttempts)
}
