package billing_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/storage/memory"
	"github.com/cloudbill/cloudbill/storage/postgres"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

// envWriteUpgradeFixture, set to 1, makes TestWriteUpgradeFixture write the
// upgrade fixture.
const envWriteUpgradeFixture = "CLOUDBILL_WRITE_UPGRADE_FIXTURE"

// upgradeSchema is the schema the fixture's PostgreSQL store is written
// in; postgres_data.sql names its tables in it.
const upgradeSchema = "cloudbill_upgrade"

// TestWriteUpgradeFixture writes testdata/upgrade/ from the code it is
// compiled with: run it on the commit whose stores must keep working (see
// testdata/upgrade/README.md), never to make TestUpgradeFixture pass. It
// runs the scenario on the memory store (results.json, memory_store.json)
// and on PostgreSQL, whose data it dumps with pg_dump
// (postgres_data.sql), checks that both stores gave the same results, and
// then does on both what TestUpgradeFixture does with a store the scenario
// left (after_memory.json, after_postgres.json). It needs
// CLOUDBILL_POSTGRES_DSN and pg_dump.
func TestWriteUpgradeFixture(t *testing.T) {
	if os.Getenv(envWriteUpgradeFixture) != "1" {
		t.Skip("set " + envWriteUpgradeFixture + "=1 to write " + upgradeDir)
	}
	dsn := os.Getenv(pgtest.EnvDSN)
	if dsn == "" {
		t.Fatal("writing the upgrade fixture needs PostgreSQL: set " + pgtest.EnvDSN)
	}
	ctx := context.Background()

	mem := memory.New()
	res := runUpgradeScenario(t, mem)
	memStore := upgradeSnapshot(t, mem, res)

	pool := pgtest.Pool(t)
	quoted := pgx.Identifier{upgradeSchema}.Sanitize()
	_, err := pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+quoted+" CASCADE")
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = pool.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+quoted+" CASCADE") })
	pg, err := postgres.New(pool, postgres.Options{Schema: upgradeSchema})
	require.NoError(t, err)
	require.NoError(t, pg.Migrate(ctx))
	pgRes := runUpgradeScenario(t, pg)
	require.Equal(t, string(upgradeJSON(t, res)), string(upgradeJSON(t, pgRes)), "the scenario's results on memory and on PostgreSQL")
	dump := pgDump(t, dsn)

	// What happens next differs by store in the times it shows (memory
	// keeps an account's zone, PostgreSQL gives back UTC) and in the key
	// order of JSON it stores as jsonb, so each store has its own file.
	memAfter := runUpgradeAfter(t, mem, res)
	pgAfter := runUpgradeAfter(t, pg, res)

	require.NoError(t, os.MkdirAll(upgradeDir, 0o755))
	for name, body := range map[string][]byte{
		"results.json":        upgradeJSON(t, res),
		"memory_store.json":   upgradeJSON(t, memStore),
		"after_memory.json":   upgradeJSON(t, memAfter),
		"after_postgres.json": upgradeJSON(t, pgAfter),
		"postgres_data.sql":   dump,
	} {
		require.NoError(t, os.WriteFile(filepath.Join(upgradeDir, name), body, 0o644))
	}
}

// pgDump dumps the rows of upgradeSchema's tables as INSERT statements
// naming their columns, without the migration bookkeeping (a fresh schema
// has its own), and without pg_dump's \restrict lines: they are psql
// commands with a random key, and the file is meant for any client.
func pgDump(t *testing.T, dsn string) []byte {
	t.Helper()
	cmd := exec.Command("pg_dump", "--data-only", "--column-inserts", "--no-owner", "--no-privileges",
		"--schema="+upgradeSchema,
		"--exclude-table="+upgradeSchema+".schema_migrations",
		"--exclude-table="+upgradeSchema+".schema_migrations_lock",
		"--dbname="+dsn)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "pg_dump: %s", stderr.String())
	var kept []string
	for line := range strings.SplitAfterSeq(string(out), "\n") {
		if strings.HasPrefix(line, `\restrict`) || strings.HasPrefix(line, `\unrestrict`) {
			continue
		}
		kept = append(kept, line)
	}
	return []byte(strings.Join(kept, ""))
}
