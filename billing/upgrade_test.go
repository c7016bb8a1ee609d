package billing_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/storage/memory"
	"github.com/cloudbill/cloudbill/storage/postgres"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

// TestUpgradeFixture proves that stores written by an older build (the
// commit testdata/upgrade/README.md names) keep working, byte for byte,
// with this one. Hosts keep their stores across upgrades, and the strings
// in them — request hashes and operation names of idempotency records,
// stored results, event, ledger entry, invoice and job ids and kinds — are
// read back and compared by the code: a refactoring that changes one
// breaks every retry, replay or job of records written before it.
//
// On the memory store it runs the scenario again and requires every call's
// result and every stored record to equal the fixture's. On PostgreSQL
// (when CLOUDBILL_POSTGRES_DSN is set; required when
// CLOUDBILL_REQUIRE_POSTGRES is) it loads the older build's rows into a
// freshly migrated schema instead. On both it then replays every keyed call
// with its recorded key and request, delivers the callback of the payment
// the scenario left pending and runs the worker through May, and requires
// the results, the events delivered and the records left to equal what
// the older build did at that point.
func TestUpgradeFixture(t *testing.T) {
	var want upgradeResults
	readUpgradeFile(t, "results.json", &want)

	t.Run("memory", func(t *testing.T) {
		st := memory.New()
		got := runUpgradeScenario(t, st)
		compareUpgradeCalls(t, "scenario", want.Calls, got.Calls)
		compareUpgradeFile(t, "results.json", got)
		compareUpgradeFile(t, "memory_store.json", upgradeSnapshot(t, st, got))
		compareUpgradeAfter(t, "after_memory.json", runUpgradeAfter(t, st, want))
	})
	t.Run("postgres", func(t *testing.T) {
		st := loadUpgradeStore(t)
		compareUpgradeAfter(t, "after_postgres.json", runUpgradeAfter(t, st, want))
	})
}

// compareUpgradeCalls compares results call by call, so that a failure
// names the call.
func compareUpgradeCalls(t *testing.T, what string, want, got []upgradeCall) {
	t.Helper()
	if os.Getenv(envAcceptUpgradeChanges) != "" {
		return // compareUpgradeFile rewrites the files
	}
	require.Len(t, got, len(want), "%s: calls", what)
	for i := range want {
		var w bytes.Buffer
		require.NoError(t, json.Compact(&w, want[i].Result))
		assert.Equal(t, want[i].Name, got[i].Name, "%s call %d", what, i)
		assert.Equal(t, w.String(), string(got[i].Result), "%s call %d (%s)", what, i, want[i].Name)
	}
}

// compareUpgradeAfter compares what happened after the scenario with a
// fixture file: the replays call by call, then the whole file.
func compareUpgradeAfter(t *testing.T, name string, got upgradeAfter) {
	t.Helper()
	var want upgradeAfter
	readUpgradeFile(t, name, &want)
	compareUpgradeCalls(t, "replay", want.Replays, got.Replays)
	compareUpgradeFile(t, name, got)
}

// envAcceptUpgradeChanges, when set, makes TestUpgradeFixture rewrite the
// JSON files it compares (never postgres_data.sql, the older build's rows)
// with what this build does: only for a deliberate change of meaning or an
// added field, listed under "Deliberate changes" in
// testdata/upgrade/README.md, and read the diff before committing it.
const envAcceptUpgradeChanges = "CLOUDBILL_ACCEPT_UPGRADE_CHANGES"

// compareUpgradeFile requires v, written as the generator writes it, to
// equal the fixture file byte for byte, and shows only the lines that
// differ (the files are thousands of lines long).
func compareUpgradeFile(t *testing.T, name string, v any) {
	t.Helper()
	want := string(readUpgradeFile(t, name, nil))
	if os.Getenv(envAcceptUpgradeChanges) != "" {
		require.NoError(t, os.WriteFile(filepath.Join(upgradeDir, name), upgradeJSON(t, v), 0o644))
		return
	}
	if got := string(upgradeJSON(t, v)); got != want {
		t.Errorf("%s differs from what the older build wrote (-fixture +now):\n%s", name, cmp.Diff(want, got))
	}
}

// loadUpgradeStore returns a store on a fresh schema, migrated by the
// current migrations, holding the rows of postgres_data.sql. It skips
// without CLOUDBILL_POSTGRES_DSN, as every PostgreSQL test does.
func loadUpgradeStore(t *testing.T) *postgres.Store {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.Pool(t)
	var opts postgres.Options
	require.NoError(t, pgtest.FromEnv(&opts))
	opts.Schema = pgtest.NewSchema(t, pool)
	st, err := postgres.New(pool, opts)
	require.NoError(t, err)
	require.NoError(t, st.Migrate(ctx))

	// The dump names its tables and sequences in upgradeSchema, and sets
	// the session's search_path: it runs on a connection of its own.
	dump := string(readUpgradeFile(t, "postgres_data.sql", nil))
	dump = strings.ReplaceAll(dump, upgradeSchema+".", pgx.Identifier{opts.Schema}.Sanitize()+".")
	conn, err := pgx.Connect(ctx, pgtest.DSN(t))
	require.NoError(t, err)
	defer func() { _ = conn.Close(ctx) }()
	_, err = conn.PgConn().Exec(ctx, dump).ReadAll()
	require.NoError(t, err, "load postgres_data.sql")
	return st
}
