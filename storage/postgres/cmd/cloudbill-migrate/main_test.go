package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

func TestSQLPrintsEveryFileOrOne(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"sql"}, &out, os.Getenv))
	assert.Equal(t, 21, strings.Count(out.String(), "-- file: "), "21 files")
	assert.Equal(t, 21, strings.Count(out.String(), "-- +goose Up"))
	assert.NotContains(t, out.String(), "{{schema}}")

	out.Reset()
	require.NoError(t, run(context.Background(), []string{"sql", "-version", "12"}, &out, os.Getenv))
	assert.True(t, strings.HasPrefix(out.String(), "-- file: 0012_outbox_claims.sql\n-- +goose Up\n"), out.String())
	assert.Contains(t, out.String(), "INSERT INTO schema_migrations (version, name) VALUES (12, 'outbox_claims');")

	err := run(context.Background(), []string{"sql", "-version", "99"}, &out, os.Getenv)
	assert.ErrorContains(t, err, "no migration 99 (this build ships 1 to 21)")
}

func TestWriteCopiesTheFiles(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"write", "-dir", dir}, &out, os.Getenv))
	assert.Equal(t, "wrote 21 migrations to "+dir+"\n", out.String())
	names, err := filepath.Glob(filepath.Join(dir, "*.sql"))
	require.NoError(t, err)
	assert.Len(t, names, 21)
	assert.Equal(t, "0001_foundation.sql", filepath.Base(names[0]))
	assert.ErrorContains(t, run(context.Background(), []string{"write"}, &out, os.Getenv), "write needs -dir")
}

func TestBadCommands(t *testing.T) {
	var out bytes.Buffer
	noenv := func(string) string { return "" }
	assert.ErrorContains(t, run(context.Background(), nil, &out, noenv), "no command")
	assert.ErrorContains(t, run(context.Background(), []string{"down"}, &out, noenv), `unknown command "down"`)
	assert.ErrorContains(t, run(context.Background(), []string{"status"}, &out, noenv), "status needs -dsn or CLOUDBILL_POSTGRES_DSN")
	assert.ErrorContains(t, run(context.Background(), []string{"up", "-dsn", "x", "-schema", "Bad"}, &out, noenv), "invalid schema name")
	assert.Empty(t, out.String())
}

// TestStatusThenUp prints the status of a schema not created yet (0 of
// 21, all pending), applies them with up, and prints it again.
func TestStatusThenUp(t *testing.T) {
	pool := pgtest.Pool(t)
	schema := pgtest.NewSchema(t, pool)
	env := func(string) string { return pgtest.DSN(t) }
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"status", "-schema", schema}, &out, env))
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 22)
	assert.Equal(t, "schema "+schema+": version 0 of 21, 21 pending", lines[0])
	assert.Equal(t, "pending 0001_foundation", lines[1])
	assert.Equal(t, "pending 0021_usage_totals", lines[21])

	out.Reset()
	require.NoError(t, run(context.Background(), []string{"up", "-schema", schema}, &out, env))
	assert.Equal(t, "schema "+schema+": version 21 of 21, current\n", out.String())
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), "SELECT count(*) FROM "+pgx.Identifier{schema, "schema_migrations"}.Sanitize()).Scan(&n))
	assert.Equal(t, 21, n)
}
