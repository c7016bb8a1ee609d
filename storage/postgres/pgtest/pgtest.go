// Package pgtest gives tests a PostgreSQL-backed Cloudbill store of their own:
// a fresh schema per store, migrated, and dropped when the test ends.
//
// Tests using it run only when the environment variable CLOUDBILL_POSTGRES_DSN
// names a database (the schemas are created inside it); otherwise they skip:
//
//	CLOUDBILL_POSTGRES_DSN=postgres://postgres@127.0.0.1:5432/test?sslmode=disable go test ./...
//
//	func TestCheckout(t *testing.T) {
//		st := pgtest.NewStore(t) // skips without the DSN
//		...
//	}
//
// Two more variables run the same tests on the store's other settings, so
// that CI can prove the path distributed SQL databases take on PostgreSQL:
//
//	CLOUDBILL_POSTGRES_ISOLATION=serializable     every store NewStore builds runs at SERIALIZABLE
//	CLOUDBILL_POSTGRES_MIGRATION_LOCK=table       and migrates with the lock table, no advisory lock
//
// A test binary killed before its cleanups run leaves its schemas behind;
// they are all named cloudbill_test_<hex> and can be dropped by hand.
package pgtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cloudbill/cloudbill/storage/postgres"
)

// EnvDSN is the environment variable holding the test database's DSN.
const EnvDSN = "CLOUDBILL_POSTGRES_DSN"

// EnvRequire, when set to a non-empty value, turns the skip for a missing
// DSN into a failure: CI sets it so that PostgreSQL tests can never
// silently not run.
const EnvRequire = "CLOUDBILL_REQUIRE_POSTGRES"

// EnvIsolation names the isolation level (see postgres.ParseIsolation) of
// the stores NewStore and NewStoreWithOptions build when the options leave
// Isolation zero; unset or empty means the store's default, READ COMMITTED.
const EnvIsolation = "CLOUDBILL_POSTGRES_ISOLATION"

// EnvMigrationLock names the migration lock (see
// postgres.ParseMigrationLock) those stores migrate with when the options
// leave MigrationLock zero; unset or empty means the store's default, the
// advisory lock.
const EnvMigrationLock = "CLOUDBILL_POSTGRES_MIGRATION_LOCK"

// SchemaPrefix starts the name of every schema NewSchema hands out.
const SchemaPrefix = "cloudbill_test_"

// minConns is the pool size Pool sets unless the DSN chooses one: enough for
// the conformance suite's races to contend on locks inside the database
// rather than for connections inside the pool.
const minConns = 16

// cleanupTimeout bounds the DROP SCHEMA run at the end of a test. Cleanups
// run after t.Context is cancelled, so they need a context of their own.
const cleanupTimeout = 30 * time.Second

// DSN returns the test database's DSN from CLOUDBILL_POSTGRES_DSN, or skips
// t when it is not set (fails it instead when CLOUDBILL_REQUIRE_POSTGRES is
// set).
func DSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvDSN)
	if dsn == "" {
		if os.Getenv(EnvRequire) != "" {
			t.Fatal("PostgreSQL tests are required (" + EnvRequire + " is set) but " + EnvDSN + " is empty")
		}
		t.Skip("PostgreSQL tests skipped: set " + EnvDSN + ", e.g. " + EnvDSN + "=postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	}
	return dsn
}

// Pool opens a pool on DSN(t), with at least 16 connections unless the DSN
// sets pool_max_conns, and closes it when the test ends. It fails t if the
// database cannot be reached.
func Pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	dsn := DSN(t)
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		t.Fatalf("pgtest: parse %s: %v", EnvDSN, err)
	}
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = max(cfg.MaxConns, minConns)
	}
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("pgtest: open pool: %v", err)
	}
	t.Cleanup(pool.Close)
	if err := pool.Ping(ctx); err != nil {
		t.Fatalf("pgtest: connect to %s: %v", EnvDSN, err)
	}
	return pool
}

// NewSchema returns a schema name no other test uses and drops that schema,
// with everything in it, when the test ends. It does not create the schema:
// Migrate does. pool must stay open until the test's cleanups run (a pool
// from Pool does: cleanups run last-registered first).
func NewSchema(t testing.TB, pool *pgxpool.Pool) string {
	t.Helper()
	name := fmt.Sprintf("%s%016x", SchemaPrefix, rand.Uint64())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
		defer cancel()
		if _, err := pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{name}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("pgtest: drop schema %s: %v", name, err)
		}
	})
	return name
}

// NewStore returns an empty, migrated store in a fresh schema on its own
// pool, both removed when the test ends, at the isolation level and with the
// migration lock CLOUDBILL_POSTGRES_ISOLATION and
// CLOUDBILL_POSTGRES_MIGRATION_LOCK name (the store's defaults when unset).
// It skips t without CLOUDBILL_POSTGRES_DSN. When the store's transactions
// were aborted and rerun, the counts are logged (go test -v shows them).
func NewStore(t testing.TB) *postgres.Store {
	t.Helper()
	return NewStoreWithOptions(t, postgres.Options{})
}

// NewStoreWithOptions is NewStore with store options; opts.Schema is replaced
// by a fresh schema, and a zero Isolation or MigrationLock by the one the
// environment names.
func NewStoreWithOptions(t testing.TB, opts postgres.Options) *postgres.Store {
	t.Helper()
	if err := FromEnv(&opts); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	pool := Pool(t)
	opts.Schema = NewSchema(t, pool)
	st, err := postgres.New(pool, opts)
	if err != nil {
		t.Fatalf("pgtest: new store: %v", err)
	}
	t.Cleanup(func() {
		if s := st.Stats(); s.SerializationFailures+s.Deadlocks > 0 {
			t.Logf("pgtest: %s store: %d committed, %d aborted (40001: %d, 40P01: %d), %d rerun, %d gave up, at most %d attempts",
				opts.Isolation, s.Committed, s.SerializationFailures+s.Deadlocks, s.SerializationFailures, s.Deadlocks, s.Retries, s.GaveUp, s.MostAttempts)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("pgtest: migrate: %v", err)
	}
	return st
}

// FromEnv sets opts.Isolation and opts.MigrationLock, where they are zero,
// from CLOUDBILL_POSTGRES_ISOLATION and CLOUDBILL_POSTGRES_MIGRATION_LOCK. A
// value the store does not know is an error that names the variable.
func FromEnv(opts *postgres.Options) error {
	if opts.Isolation == 0 {
		iso, err := postgres.ParseIsolation(os.Getenv(EnvIsolation))
		if err != nil {
			return fmt.Errorf("%s: %w", EnvIsolation, err)
		}
		opts.Isolation = iso
	}
	if opts.MigrationLock == 0 {
		lock, err := postgres.ParseMigrationLock(os.Getenv(EnvMigrationLock))
		if err != nil {
			return fmt.Errorf("%s: %w", EnvMigrationLock, err)
		}
		opts.MigrationLock = lock
	}
	return nil
}
