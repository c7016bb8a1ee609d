package postgres_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/postgres"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

type appliedMigration struct {
	Version   int
	Name      string
	AppliedAt time.Time
}

// wantMigrations lists the migration files shipped in ./migrations as the
// rows schema_migrations should hold.
func wantMigrations(t *testing.T) []appliedMigration {
	t.Helper()
	entries, err := os.ReadDir("migrations")
	require.NoError(t, err)
	var out []appliedMigration
	for _, e := range entries {
		base, ok := strings.CutSuffix(e.Name(), ".sql")
		require.True(t, ok, "only .sql files in migrations/: %s", e.Name())
		num, name, ok := strings.Cut(base, "_")
		require.True(t, ok, "file %s is named NNNN_name.sql", e.Name())
		v, err := strconv.Atoi(num)
		require.NoError(t, err)
		out = append(out, appliedMigration{Version: v, Name: name})
	}
	require.NotEmpty(t, out)
	return out
}

func appliedMigrations(t *testing.T, pool *pgxpool.Pool, schema string) []appliedMigration {
	t.Helper()
	rows, err := pool.Query(context.Background(),
		"SELECT version, name, applied_at FROM "+pgx.Identifier{schema, "schema_migrations"}.Sanitize()+" ORDER BY version")
	require.NoError(t, err)
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[appliedMigration])
	require.NoError(t, err)
	return got
}

func withoutTimes(ms []appliedMigration) []appliedMigration {
	out := make([]appliedMigration, len(ms))
	for i, m := range ms {
		out[i] = appliedMigration{Version: m.Version, Name: m.Name}
	}
	return out
}

func tablesIn(t *testing.T, pool *pgxpool.Pool, schema string) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(),
		"SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name", schema)
	require.NoError(t, err)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return names
}

// allTables are the tables the shipped migrations create.
var allTables = []string{
	"accounts", "actions", "audit_records", "coupons", "einvoices", "gateway_events", "idempotency_keys", "invoice_series",
	"invoices", "jobs", "ledger_balances", "ledger_entries", "ledger_postings", "linked_accounts", "orders", "outbox",
	"payment_links", "payments", "redemptions", "refunds", "resources", "schema_migrations", "usage_events", "usage_totals",
}

// allIndexes are the secondary indexes the shipped migrations create (those
// that back no primary key or unique constraint), with their WHERE clause.
var allIndexes = []string{
	"actions_account_resource_seq",
	"einvoices_account_created",
	"einvoices_documents",
	"invoices_account_resource_seq",
	"invoices_account_seq",
	"invoices_open WHERE ((kind = 'invoice'::text) AND (status = ANY (ARRAY['issued'::text, 'partially_paid'::text])))",
	"jobs_due",
	"ledger_balances_expiring WHERE ((expires_at IS NOT NULL) AND (amount > (0)::numeric))",
	"ledger_postings_account",
	"linked_accounts_account_created",
	"orders_account_status",
	"outbox_undelivered WHERE (delivered_at IS NULL)",
	"payments_account_created",
	"payments_created WHERE (status = 'created'::text)",
	"payments_open_expiry WHERE (status = ANY (ARRAY['created'::text, 'pending'::text]))",
	"redemptions_account_order",
	"redemptions_code_status",
	"refunds_payment",
	"refunds_pending WHERE (status = 'pending'::text)",
	"resources_account_order",
	"resources_account_seq",
	"resources_due WHERE (next_due_at IS NOT NULL)",
	"usage_events_account_resource_at",
}

func indexesIn(t *testing.T, pool *pgxpool.Pool, schema string) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT c.relname::text || COALESCE(' WHERE ' || pg_get_expr(i.indpred, i.indrelid), '')
		FROM pg_index i
		JOIN pg_class c ON c.oid = i.indexrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = $1 AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
		ORDER BY 1`, schema)
	require.NoError(t, err)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return names
}

func TestMigrateFromEmptyThenRerunIsANoOp(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t)
	schema := pgtest.NewSchema(t, pool)
	require.Empty(t, tablesIn(t, pool, schema), "the schema does not exist yet")

	require.NoError(t, postgres.Migrate(ctx, pool, schema))
	first := appliedMigrations(t, pool, schema)
	assert.Equal(t, wantMigrations(t), withoutTimes(first), "every shipped migration recorded once, in order")
	assert.Equal(t, allTables, tablesIn(t, pool, schema))
	assert.Equal(t, allIndexes, indexesIn(t, pool, schema), "every secondary index, partial ones with their predicate")

	for range 2 {
		require.NoError(t, postgres.Migrate(ctx, pool, schema))
	}
	assert.Equal(t, first, appliedMigrations(t, pool, schema), "re-runs apply and record nothing")
}

func TestMigrateConcurrentlyAppliesEachVersionOnce(t *testing.T) {
	dsn := pgtest.DSN(t)
	admin := pgtest.Pool(t)
	schema := pgtest.NewSchema(t, admin)
	const migrators = 8

	// Each migrator has its own pool, as separate processes would.
	pools := make([]*pgxpool.Pool, migrators)
	for i := range pools {
		p, err := pgxpool.New(context.Background(), dsn)
		require.NoError(t, err)
		t.Cleanup(p.Close)
		require.NoError(t, p.Ping(context.Background()))
		pools[i] = p
	}
	start := make(chan struct{})
	errs := make([]error, migrators)
	var wg sync.WaitGroup
	for i, p := range pools {
		wg.Go(func() {
			<-start
			errs[i] = postgres.Migrate(context.Background(), p, schema)
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		assert.NoError(t, err, "migrator %d", i)
	}
	assert.Equal(t, wantMigrations(t), withoutTimes(appliedMigrations(t, admin, schema)), "one row per version")
}

func TestAFailedMigrationLeavesNoTraceAndCanBeRetried(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t)
	schema := pgtest.NewSchema(t, pool)
	// An unrelated table squatting on a name migration 1 creates.
	squatter := pgx.Identifier{schema, "audit_records"}.Sanitize()
	_, err := pool.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()+"; CREATE TABLE "+squatter+" (x int)")
	require.NoError(t, err)

	err = postgres.Migrate(ctx, pool, schema)
	var migErr *postgres.MigrationError
	require.ErrorAs(t, err, &migErr)
	assert.Equal(t, 1, migErr.Version)
	assert.Equal(t, "foundation", migErr.Name)
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	assert.Equal(t, "42P07", pgErr.Code, "duplicate table")
	assert.Equal(t, []string{"audit_records"}, tablesIn(t, pool, schema),
		"everything the failed transaction created, schema_migrations included, was rolled back")

	_, err = pool.Exec(ctx, "DROP TABLE "+squatter)
	require.NoError(t, err)
	require.NoError(t, postgres.Migrate(ctx, pool, schema))
	assert.Equal(t, wantMigrations(t), withoutTimes(appliedMigrations(t, pool, schema)))
}

func TestMigrateIntoAPrecreatedSchema(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t)
	schema := pgtest.NewSchema(t, pool)
	_, err := pool.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize())
	require.NoError(t, err)
	require.NoError(t, postgres.Migrate(ctx, pool, schema))
	assert.Equal(t, wantMigrations(t), withoutTimes(appliedMigrations(t, pool, schema)))
}

// migrateByHand leaves schema as Migrate of an older build that shipped
// only the first upTo migrations would: each file applied, and recorded as
// applied on 1 December 2025.
// migrateBefore migrates schema by hand up to, not including, the shipped
// migration numbered version, which it fails t without, and returns that
// migration's index among the shipped ones.
func migrateBefore(t *testing.T, pool *pgxpool.Pool, schema string, version int) int {
	t.Helper()
	for i, m := range wantMigrations(t) {
		if m.Version == version {
			migrateByHand(t, pool, schema, i)
			return i
		}
	}
	t.Fatalf("migration %04d is not shipped", version)
	return -1
}

func migrateByHand(t *testing.T, pool *pgxpool.Pool, schema string, upTo int) {
	t.Helper()
	ctx := context.Background()
	quoted := pgx.Identifier{schema}.Sanitize()
	_, err := pool.Exec(ctx, "CREATE SCHEMA "+quoted+`;
		CREATE TABLE `+quoted+`.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());`)
	require.NoError(t, err)
	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	_, err = tx.Exec(ctx, "SELECT set_config('search_path', $1, true)", quoted)
	require.NoError(t, err)
	for _, m := range wantMigrations(t)[:upTo] {
		body, err := os.ReadFile(fmt.Sprintf("migrations/%04d_%s.sql", m.Version, m.Name))
		require.NoError(t, err)
		_, err = tx.Exec(ctx, string(body))
		require.NoError(t, err, "migration %d", m.Version)
	}
	_, err = tx.Exec(ctx, "UPDATE "+quoted+".schema_migrations SET applied_at = '2025-12-01T00:00:00Z'")
	require.NoError(t, err)
	require.NoError(t, tx.Commit(ctx))
}

// requireUpgrade runs Migrate on a schema left at version from and checks
// that it applies every later version and only those, that a re-run
// changes nothing, and that the schema ends like a fresh one.
func requireUpgrade(t *testing.T, pool *pgxpool.Pool, schema string, from int) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, postgres.Migrate(ctx, pool, schema))
	applied := appliedMigrations(t, pool, schema)
	want := wantMigrations(t)
	require.Equal(t, want, withoutTimes(applied), "every shipped version recorded once, in order")
	for _, m := range applied[:from] {
		assert.Equal(t, time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), m.AppliedAt.UTC(), "version %d was not re-applied", m.Version)
	}
	for _, m := range applied[from:] {
		assert.True(t, m.AppliedAt.After(time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)), "version %d was applied now", m.Version)
	}
	assert.Equal(t, allTables, tablesIn(t, pool, schema))
	assert.Equal(t, allIndexes, indexesIn(t, pool, schema))

	require.NoError(t, postgres.Migrate(ctx, pool, schema))
	assert.Equal(t, applied, appliedMigrations(t, pool, schema), "the re-run applies and records nothing")
}

// TestMigrate0002OnTopOf0001 starts from a schema an older build left at
// version 1, holding an account, and checks that Migrate applies the later
// versions only, keeps the data, and that a re-run changes nothing.
func TestMigrate0002OnTopOf0001(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t)
	schema := pgtest.NewSchema(t, pool)
	migrateByHand(t, pool, schema, 1)
	_, err := pool.Exec(ctx, "INSERT INTO "+pgx.Identifier{schema, "accounts"}.Sanitize()+
		" VALUES ('old', 'prepaid', 'VND', 'Asia/Ho_Chi_Minh', now(), now(), 3)")
	require.NoError(t, err)
	require.Equal(t, []string{"accounts", "audit_records", "idempotency_keys", "schema_migrations"}, tablesIn(t, pool, schema))

	requireUpgrade(t, pool, schema, 1)

	st, err := postgres.New(pool, postgres.Options{Schema: schema})
	require.NoError(t, err)
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		a, err := tx.Accounts().GetForUpdate(ctx, "old")
		require.NoError(t, err)
		assert.Equal(t, int64(3), a.Version, "the account written before 0002 is intact")
		_, err = tx.Ledger().Append(ctx, ledgerEntry(t, "old", "first", 100, "gateway:clearing:sim", "customer:cash"))
		return err
	})
	assert.Equal(t, map[string]string{"customer:cash": "100 VND", "gateway:clearing:sim": "-100 VND"}, balances(t, st, "old"))
}

// TestMigrate0003OnTopOf0002 starts from a schema an older build left at
// version 2, holding an account, a wallet and a payment written by that
// build's repositories, and checks that Migrate applies only version 3,
// keeps the data, that a re-run changes nothing, and that the new
// repositories work on the upgraded schema.
func TestMigrate0003OnTopOf0002(t *testing.T) {
	pool := pgtest.Pool(t)
	schema := pgtest.NewSchema(t, pool)
	migrateByHand(t, pool, schema, 2)
	require.NotContains(t, tablesIn(t, pool, schema), "resources")
	st, err := postgres.New(pool, postgres.Options{Schema: schema})
	require.NoError(t, err)
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		if err := insertOldAccount(ctx, tx, schema, "old"); err != nil {
			return err
		}
		if _, err := tx.Ledger().Append(ctx, ledgerEntry(t, "old", "fund", 181_000, "gateway:clearing:sim", "customer:cash")); err != nil {
			return err
		}
		return insertOldPayment(ctx, tx, schema, "old", "p1", "pending", epoch)
	})

	requireUpgrade(t, pool, schema, 2)

	assert.Equal(t, map[string]string{"customer:cash": "181000 VND", "gateway:clearing:sim": "-181000 VND"}, balances(t, st, "old"),
		"the wallet written before 0003 is intact")
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		p, err := tx.Payments().Get(ctx, "old", "p1")
		require.NoError(t, err)
		assert.True(t, p.Amount.Equal(vnd(t, 181_000)), "the payment written before 0003 is intact")
		require.NoError(t, tx.Resources().Create(ctx, storage.Resource{ID: "r1", AccountID: "old", Status: "active",
			NextDueAt: epoch, CreatedAt: epoch, UpdatedAt: epoch}))
		due, err := tx.Resources().Due(ctx, epoch, 10)
		require.NoError(t, err)
		require.Len(t, due, 1, "the new tables work on the upgraded schema")
		num, err := tx.Invoices().NextNumber(ctx, "INV-2026")
		require.NoError(t, err)
		assert.Equal(t, int64(1), num)
		return nil
	})
}

// TestSchemasAreIndependent: two stores on one pool with different schemas
// never see each other's records, and neither changes the pool's
// search_path.
func TestSchemasAreIndependent(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t)
	var before string
	require.NoError(t, pool.QueryRow(ctx, "SHOW search_path").Scan(&before))

	stores := make([]*postgres.Store, 2)
	for i := range stores {
		st, err := postgres.New(pool, postgres.Options{Schema: pgtest.NewSchema(t, pool)})
		require.NoError(t, err)
		require.NoError(t, st.Migrate(ctx))
		stores[i] = st
	}
	inTx(t, stores[0], func(ctx context.Context, tx storage.Tx) error { return tx.Accounts().Create(ctx, account("mine")) })
	assert.True(t, exists(t, stores[0], "mine"))
	assert.False(t, exists(t, stores[1], "mine"))

	var after string
	require.NoError(t, pool.QueryRow(ctx, "SHOW search_path").Scan(&after))
	assert.Equal(t, before, after)
	assert.NotContains(t, tablesIn(t, pool, "public"), "accounts", "nothing is created outside the configured schema")
}

// poolWithoutAdvisoryLocks opens a pool on the test database whose connections
// resolve pg_advisory_xact_lock to a function that fails with SQLSTATE
// 0A000 (feature_not_supported), as on a database without advisory locks:
// the function lives in a schema of its own, named before pg_catalog in the
// connections' search_path. The schema is dropped when the test ends.
func poolWithoutAdvisoryLocks(t *testing.T, admin *pgxpool.Pool) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	shadow := pgtest.NewSchema(t, admin)
	_, err := admin.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{shadow}.Sanitize()+"; CREATE FUNCTION "+
		pgx.Identifier{shadow, "pg_advisory_xact_lock"}.Sanitize()+`(bigint) RETURNS void LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'advisory locks are not supported' USING ERRCODE = '0A000'; END $$`)
	require.NoError(t, err)
	cfg, err := pgxpool.ParseConfig(pgtest.DSN(t))
	require.NoError(t, err)
	cfg.ConnConfig.RuntimeParams["search_path"] = pgx.Identifier{shadow}.Sanitize() + ", pg_catalog"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}

func TestMigrateWithTheLockTableNeedsNoAdvisoryLock(t *testing.T) {
	ctx := context.Background()
	admin := pgtest.Pool(t)
	pool := poolWithoutAdvisoryLocks(t, admin)

	schema := pgtest.NewSchema(t, admin)
	err := postgres.Migrate(ctx, pool, schema)
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr, "the advisory lock is refused on this pool")
	assert.Equal(t, "0A000", pgErr.Code)

	for _, iso := range []postgres.Isolation{postgres.ReadCommitted, postgres.Serializable} {
		t.Run(iso.String(), func(t *testing.T) {
			schema := pgtest.NewSchema(t, admin)
			st, err := postgres.New(pool, postgres.Options{Schema: schema, Isolation: iso, MigrationLock: postgres.LockTable})
			require.NoError(t, err)
			require.NoError(t, st.Migrate(ctx))
			first := appliedMigrations(t, admin, schema)
			assert.Equal(t, wantMigrations(t), withoutTimes(first))
			assert.Equal(t, slices.Sorted(slices.Values(append(slices.Clone(allTables), "schema_migrations_lock"))), tablesIn(t, admin, schema))
			var lastVersion int
			require.NoError(t, admin.QueryRow(ctx, "SELECT version FROM "+pgx.Identifier{schema, "schema_migrations_lock"}.Sanitize()).Scan(&lastVersion))
			assert.Equal(t, first[len(first)-1].Version, lastVersion, "the lock row records the last version applied")
			assert.Equal(t, allIndexes, indexesIn(t, admin, schema))
			require.NoError(t, st.Migrate(ctx))
			assert.Equal(t, first, appliedMigrations(t, admin, schema), "a re-run applies and records nothing")
			inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Accounts().Create(ctx, account("a")) })
		})
	}
}

// TestMigrateConcurrentlyWithTheLockTable: eight migrators, each with its own
// pool as separate processes would have and none able to take an advisory
// lock, start at once on an empty database; at either level every version
// is applied exactly once and every migrator succeeds.
func TestMigrateConcurrentlyWithTheLockTable(t *testing.T) {
	admin := pgtest.Pool(t)
	const migrators = 8
	pools := make([]*pgxpool.Pool, migrators)
	for i := range pools {
		pools[i] = poolWithoutAdvisoryLocks(t, admin)
	}
	for _, iso := range []postgres.Isolation{postgres.ReadCommitted, postgres.Serializable} {
		t.Run(iso.String(), func(t *testing.T) {
			schema := pgtest.NewSchema(t, admin)
			start := make(chan struct{})
			errs := make([]error, migrators)
			var wg sync.WaitGroup
			for i, p := range pools {
				wg.Go(func() {
					st, err := postgres.New(p, postgres.Options{Schema: schema, Isolation: iso, MigrationLock: postgres.LockTable})
					if err != nil {
						errs[i] = err
						return
					}
					<-start
					errs[i] = st.Migrate(context.Background())
				})
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				assert.NoError(t, err, "migrator %d", i)
			}
			assert.Equal(t, wantMigrations(t), withoutTimes(appliedMigrations(t, admin, schema)), "one row per version")
		})
	}
}

// TestSwitchingToTheLockTable: a schema migrated with the advisory lock is
// taken over by the lock table with nothing to apply, and a lock row deleted
// by hand is put back by the next Migrate.
func TestSwitchingToTheLockTable(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t)
	schema := pgtest.NewSchema(t, pool)
	require.NoError(t, postgres.Migrate(ctx, pool, schema))
	first := appliedMigrations(t, pool, schema)

	st, err := postgres.New(pool, postgres.Options{Schema: schema, MigrationLock: postgres.LockTable})
	require.NoError(t, err)
	require.NoError(t, st.Migrate(ctx))
	assert.Equal(t, first, appliedMigrations(t, pool, schema), "nothing re-applied")
	assert.Contains(t, tablesIn(t, pool, schema), "schema_migrations_lock")

	_, err = pool.Exec(ctx, "DELETE FROM "+pgx.Identifier{schema, "schema_migrations_lock"}.Sanitize())
	require.NoError(t, err)
	require.NoError(t, st.Migrate(ctx))
	var rows int
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{schema, "schema_migrations_lock"}.Sanitize()).Scan(&rows))
	assert.Equal(t, 1, rows)
}

// TestAMigratorWaitingForTheLockRowSeesWhatTheHolderApplied: another
// migrator holds the lock row while it applies the last migration; Migrate
// waits for it. Once the holder commits, at READ COMMITTED the waiter's next
// statements see the new version; at SERIALIZABLE the waiter is aborted
// with 40001 (its snapshot predates the holder's work) and runs its step
// again on a new snapshot. Either way it applies nothing twice and
// succeeds.
func TestAMigratorWaitingForTheLockRowSeesWhatTheHolderApplied(t *testing.T) {
	for _, tc := range []struct {
		iso        postgres.Isolation
		wantAborts int
	}{{postgres.ReadCommitted, 0}, {postgres.Serializable, 1}} {
		t.Run(tc.iso.String(), func(t *testing.T) {
			ctx := context.Background()
			pool := pgtest.Pool(t)
			schema := pgtest.NewSchema(t, pool)
			want := wantMigrations(t)
			last := want[len(want)-1]
			migrateByHand(t, pool, schema, len(want)-1)
			lockTable := pgx.Identifier{schema, "schema_migrations_lock"}.Sanitize()
			_, err := pool.Exec(ctx, "CREATE TABLE "+lockTable+" (id integer PRIMARY KEY CHECK (id = 1), version integer, applied_at timestamptz); INSERT INTO "+lockTable+" (id) VALUES (1)")
			require.NoError(t, err)

			// The holder does what a migrator's step does for the last version.
			holder, err := pool.Begin(ctx)
			require.NoError(t, err)
			defer func() { _ = holder.Rollback(ctx) }()
			_, err = holder.Exec(ctx, "SELECT id FROM "+lockTable+" WHERE id = 1 FOR UPDATE")
			require.NoError(t, err)
			body, err := os.ReadFile(fmt.Sprintf("migrations/%04d_%s.sql", last.Version, last.Name))
			require.NoError(t, err)
			_, err = holder.Exec(ctx, "SELECT set_config('search_path', $1, true)", pgx.Identifier{schema}.Sanitize())
			require.NoError(t, err)
			_, err = holder.Exec(ctx, string(body)) // records its version itself
			require.NoError(t, err)
			_, err = holder.Exec(ctx, "UPDATE "+lockTable+" SET version = $1, applied_at = now() WHERE id = 1", last.Version)
			require.NoError(t, err)

			logs := &syncBuffer{}
			st, err := postgres.New(pool, postgres.Options{Schema: schema, Isolation: tc.iso, MigrationLock: postgres.LockTable,
				Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
			require.NoError(t, err)
			done := make(chan error, 1)
			go func() { done <- st.Migrate(ctx) }()
			waitForLockWaiter(t, st)
			require.NoError(t, holder.Commit(ctx))
			require.NoError(t, <-done)

			assert.Equal(t, want, withoutTimes(appliedMigrations(t, pool, schema)), "every version recorded once")
			assert.NotContains(t, logs.String(), "migration applied", "the waiter applied nothing")
			assert.Equal(t, tc.wantAborts, strings.Count(logs.String(), "retrying aborted migration step"), logs.String())
			if tc.wantAborts > 0 {
				assert.Contains(t, logs.String(), "sqlstate=40001")
			}
		})
	}
}
