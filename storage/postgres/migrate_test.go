package postgres_test

import (
	"context"
	"os"
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

func TestMigrateFromEmptyThenRerunIsANoOp(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t)
	schema := pgtest.NewSchema(t, pool)
	require.Empty(t, tablesIn(t, pool, schema), "the schema does not exist yet")

	require.NoError(t, postgres.Migrate(ctx, pool, schema))
	first := appliedMigrations(t, pool, schema)
	assert.Equal(t, wantMigrations(t), withoutTimes(first), "every shipped migration recorded once, in order")
	assert.Equal(t, []string{"accounts", "audit_records", "idempotency_keys", "schema_migrations"}, tablesIn(t, pool, schema))

	var indexed bool
	require.NoError(t, pool.QueryRow(ctx,
		"SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE schemaname = $1 AND indexname = 'audit_records_account_seq')", schema).Scan(&indexed))
	assert.True(t, indexed, "audit records are indexed by (account_id, seq)")

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
