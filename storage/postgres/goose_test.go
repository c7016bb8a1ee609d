package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/postgres"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

// gooseDB opens a database/sql handle whose connections have schema as
// their search_path, the way a deploy tool is pointed at the store's
// schema.
func gooseDB(t *testing.T, schema string) *sql.DB {
	t.Helper()
	cfg, err := pgx.ParseConfig(pgtest.DSN(t))
	require.NoError(t, err)
	cfg.RuntimeParams["search_path"] = pgx.Identifier{schema}.Sanitize()
	db := stdlib.OpenDB(*cfg)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// schemaShape describes everything a migration leaves in a schema, with
// the schema's name replaced by "S": per table its columns, constraints
// and indexes, the functions and sequences left behind, and the versions
// recorded in schema_migrations.
type schemaShape struct {
	Tables     map[string][]string
	Functions  []string
	Sequences  []string
	Migrations []string
}

func shapeOf(t *testing.T, pool *pgxpool.Pool, schema string, skip ...string) schemaShape {
	t.Helper()
	ctx := context.Background()
	anon := func(s string) string {
		s = strings.ReplaceAll(s, pgx.Identifier{schema}.Sanitize(), "S")
		return strings.ReplaceAll(s, schema, "S")
	}
	rowsOf := func(query string, args ...any) [][2]string {
		rows, err := pool.Query(ctx, query, args...)
		require.NoError(t, err)
		out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([2]string, error) {
			var a, b string
			err := r.Scan(&a, &b)
			return [2]string{a, anon(b)}, err
		})
		require.NoError(t, err)
		return out
	}
	sh := schemaShape{Tables: map[string][]string{}}
	skipped := map[string]bool{}
	for _, s := range skip {
		skipped[s] = true
	}
	for _, r := range rowsOf(`SELECT table_name::text, 'table' FROM information_schema.tables WHERE table_schema = $1`, schema) {
		if !skipped[r[0]] {
			sh.Tables[r[0]] = nil
		}
	}
	add := func(rows [][2]string) {
		for _, r := range rows {
			if _, ok := sh.Tables[r[0]]; ok {
				sh.Tables[r[0]] = append(sh.Tables[r[0]], r[1])
			}
		}
	}
	add(rowsOf(`SELECT table_name::text, format('column %s %s %s %s nullable=%s default=%s identity=%s %s',
			ordinal_position, column_name, data_type, udt_name, is_nullable, coalesce(column_default, '-'), is_identity,
			concat_ws(',', character_maximum_length, numeric_precision, numeric_scale))
		FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position`, schema))
	add(rowsOf(`SELECT c.relname::text, format('constraint %s %s', k.conname, pg_get_constraintdef(k.oid))
		FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = $1 ORDER BY c.relname, k.conname`, schema))
	add(rowsOf(`SELECT tablename::text, 'index ' || indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY tablename, indexname`, schema))
	for _, r := range rowsOf(`SELECT p.proname::text, pg_get_function_identity_arguments(p.oid) FROM pg_proc p
		JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 ORDER BY 1, 2`, schema) {
		sh.Functions = append(sh.Functions, r[0]+"("+r[1]+")")
	}
	for _, r := range rowsOf(`SELECT sequencename::text, data_type::text FROM pg_sequences WHERE schemaname = $1 ORDER BY 1`, schema) {
		if !skipped[strings.TrimSuffix(r[0], "_id_seq")] {
			sh.Sequences = append(sh.Sequences, r[0]+" "+r[1])
		}
	}
	for _, r := range rowsOf(`SELECT format('%s', version), name FROM ` + pgx.Identifier{schema, "schema_migrations"}.Sanitize() + ` ORDER BY version`) {
		sh.Migrations = append(sh.Migrations, r[0]+" "+r[1])
	}
	return sh
}

// TestGooseAppliesTheFilesAsMigrateDoes runs the shipped files with goose,
// used as a library, on one schema and Migrate on another, and requires
// the two schemas to be the same table by table (columns, constraints,
// indexes), with the same functions and sequences left and the same 21
// versions recorded; then Migrate on the goose schema applies nothing, and
// MigrationStatus reads both as current.
func TestGooseAppliesTheFilesAsMigrateDoes(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t)
	shipped, err := postgres.Migrations()
	require.NoError(t, err)
	require.Len(t, shipped, 21, "0001–0021 are shipped")

	byGoose := pgtest.NewSchema(t, pool)
	_, err = pool.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{byGoose}.Sanitize())
	require.NoError(t, err)
	p, err := goose.NewProvider(goose.DialectPostgres, gooseDB(t, byGoose), postgres.MigrationFiles())
	require.NoError(t, err)
	results, err := p.Up(ctx)
	require.NoError(t, err)
	require.Len(t, results, 21, "goose applied every file")
	for i, r := range results {
		assert.Equal(t, int64(i+1), r.Source.Version)
		assert.NoError(t, r.Error)
	}

	byMigrate := pgtest.NewSchema(t, pool)
	require.NoError(t, postgres.Migrate(ctx, pool, byMigrate))

	want := shapeOf(t, pool, byMigrate)
	got := shapeOf(t, pool, byGoose, "goose_db_version")
	require.Len(t, want.Tables, len(allTables), "Migrate created every table")
	for table, w := range want.Tables {
		assert.Empty(t, cmp.Diff(w, got.Tables[table]), "table %s (-Migrate +goose)", table)
	}
	assert.Equal(t, sortedKeys(want.Tables), sortedKeys(got.Tables), "the same tables")
	assert.Equal(t, []string{"usage_totals_apply()"}, want.Functions, "the one function a migration leaves: 0021's trigger function")
	assert.Equal(t, want.Functions, got.Functions)
	assert.Equal(t, want.Sequences, got.Sequences)
	require.Len(t, want.Migrations, 21)
	assert.Equal(t, "1 foundation", want.Migrations[0])
	assert.Equal(t, "21 usage_totals", want.Migrations[20])
	assert.Equal(t, want.Migrations, got.Migrations, "each file recorded its own version")

	for _, schema := range []string{byGoose, byMigrate} {
		st, err := postgres.MigrationStatus(ctx, pool, schema)
		require.NoError(t, err)
		assert.Equal(t, storage.MigrationStatus{Version: 21, Latest: 21}, st)
		assert.True(t, st.Current())
	}
	before := appliedMigrations(t, pool, byGoose)
	require.NoError(t, postgres.Migrate(ctx, pool, byGoose))
	assert.Equal(t, before, appliedMigrations(t, pool, byGoose), "Migrate after goose applies nothing")

	// goose, on the other side, sees its own table only: a schema migrated
	// by Migrate is given to goose by recording the versions there.
	status, err := p.GetDBVersion(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(21), status)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestMigrationStatusSaysWhatIsPending reads the status of a schema not
// created yet (version 0, all 21 pending), of one an older build left at
// 18 (19 to 21 pending), and of one a newer build left at 22 (current,
// with 22 unknown).
func TestMigrationStatusSaysWhatIsPending(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t)
	shipped, err := postgres.Migrations()
	require.NoError(t, err)

	empty := pgtest.NewSchema(t, pool)
	st, err := postgres.MigrationStatus(ctx, pool, empty)
	require.NoError(t, err)
	assert.Equal(t, storage.MigrationStatus{Version: 0, Latest: 21, Pending: shipped}, st)
	assert.False(t, st.Current())

	older := pgtest.NewSchema(t, pool)
	migrateByHand(t, pool, older, 18)
	store, err := postgres.New(pool, postgres.Options{Schema: older})
	require.NoError(t, err)
	st, err = store.MigrationStatus(ctx)
	require.NoError(t, err)
	assert.Equal(t, storage.MigrationStatus{Version: 18, Latest: 21, Pending: []storage.Migration{{Version: 19, Name: "credit_reason"}, {Version: 20, Name: "gateway_refunds"},
		{Version: 21, Name: "usage_totals"}}}, st)
	require.NoError(t, store.Migrate(ctx))
	st, err = store.MigrationStatus(ctx)
	require.NoError(t, err)
	assert.True(t, st.Current(), "%+v", st)
	assert.Equal(t, 21, st.Version)

	_, err = pool.Exec(ctx, fmt.Sprintf("INSERT INTO %s (version, name) VALUES (22, 'from_a_newer_build')", pgx.Identifier{older, "schema_migrations"}.Sanitize()))
	require.NoError(t, err)
	st, err = store.MigrationStatus(ctx)
	require.NoError(t, err)
	assert.Equal(t, storage.MigrationStatus{Version: 22, Latest: 21, Unknown: []int{22}}, st)
	assert.True(t, st.Current())

	_, err = postgres.MigrationStatus(ctx, pool, "Not-A-Schema")
	var nameErr *postgres.SchemaNameError
	assert.ErrorAs(t, err, &nameErr)
	_, err = postgres.MigrationStatus(ctx, nil, "")
	assert.ErrorIs(t, err, postgres.ErrNoPool)
}
