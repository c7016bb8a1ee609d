package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrationFiles are the schema changes, one file per version, named
// NNNN_description.sql. A released file is never edited in meaning; changes
// are new files.
//
// Each file is plain SQL any deploy tool can run: it names no schema (the
// schema is the first of the search_path, which Migrate sets for each
// migration), it carries goose's annotations (-- +goose Up, and
// StatementBegin/End around a function body), and its last statement
// records its own version in schema_migrations, so the schema says its
// version whichever tool applied it.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// gooseUp is the annotation each migration file starts with.
const gooseUp = "-- +goose Up\n"

// migration is one parsed migration file.
type migration struct {
	version int
	name    string
	sql     string
}

// MigrationFiles returns the migrations this build ships as plain SQL
// files, NNNN_name.sql at the root of the returned file system, for a
// deploy tool (goose reads them as they are; others take the same
// statements in order) or a review. Each file names no schema: run it with
// the search_path set to the store's schema, which must exist, and one
// transaction per file. Each file records its own version in the schema's
// schema_migrations table, which MigrationStatus and Migrate read, so the
// schema's version is the same whichever tool applied it.
func MigrationFiles() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil { // cannot happen: "migrations" is a valid, embedded path
		return migrationFiles
	}
	return sub
}

// MigrationError reports a migration that could not be applied; nothing of it
// was applied, and the versions before it stay recorded.
type MigrationError struct {
	// Version and Name identify the migration ("0001_foundation.sql" is
	// version 1, name "foundation"); Version is 0 when the failure came
	// before any migration ran (locking, reading the applied versions).
	Version int
	Name    string
	// Err is the cause.
	Err error
}

// Error names the migration and the cause.
func (e *MigrationError) Error() string {
	if e.Version == 0 {
		return fmt.Sprintf("postgres: migrate: %v", e.Err)
	}
	return fmt.Sprintf("postgres: migration %04d_%s: %v", e.Version, e.Name, e.Err)
}

// Unwrap returns the cause, so errors.As reaches a *pgconn.PgError.
func (e *MigrationError) Unwrap() error { return e.Err }

// recordStatement is the statement that ends migration version v called
// name, recording it in schema_migrations.
func recordStatement(v int, name string) string {
	return fmt.Sprintf("INSERT INTO schema_migrations (version, name) VALUES (%d, '%s');", v, name)
}

// loadMigrations parses the embedded files in version order. Versions must
// run 1, 2, 3, … without gaps, so that a missing file is caught by the tests
// rather than skipped in production; each file must start with goose's Up
// annotation and end by recording its own version.
func loadMigrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, p := range names {
		base := strings.TrimSuffix(path.Base(p), ".sql")
		num, name, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v < 1 || name == "" || strings.ContainsAny(name, "'\\") {
			return nil, fmt.Errorf("migration file %q is not named NNNN_name.sql", p)
		}
		body, err := migrationFiles.ReadFile(p)
		if err != nil {
			return nil, err
		}
		sql := string(body)
		if !strings.HasPrefix(sql, gooseUp) {
			return nil, fmt.Errorf("migration file %q does not start with %q", p, strings.TrimSpace(gooseUp))
		}
		if !strings.HasSuffix(strings.TrimSpace(sql), recordStatement(v, name)) {
			return nil, fmt.Errorf("migration file %q does not end with %q", p, recordStatement(v, name))
		}
		ms = append(ms, migration{version: v, name: name, sql: sql})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.version - b.version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration versions must run 1, 2, 3, …: found %d at position %d", m.version, i+1)
		}
	}
	return ms, nil
}

// Migrate brings schema (empty means DefaultSchema) up to date with the
// migrations embedded in this package, creating the schema if it does not
// exist. It is safe to call on every start, from any number of processes at
// once:
//
//   - applied versions are recorded in schema_migrations inside the schema,
//     so a re-run applies nothing;
//   - each migration runs in its own transaction together with its record,
//     so a failure leaves the schema at the previous version;
//   - every transaction first takes a transaction-scoped advisory lock
//     (pg_advisory_xact_lock) keyed on the schema name, then reads the
//     applied versions, so concurrent callers apply each migration once.
//
// Advisory locks are PostgreSQL's; for databases that lack them, migrate
// through a Store built with Options.MigrationLock set to LockTable
// (Store.Migrate). Migrate returns a *MigrationError. It needs the CREATE
// privilege on the database only if the schema does not exist yet.
func Migrate(ctx context.Context, pool *pgxpool.Pool, schema string) error {
	if pool == nil {
		return ErrNoPool
	}
	cfg, err := Options{Schema: schema}.resolve()
	if err != nil {
		return err
	}
	return migrate(ctx, pool, cfg)
}

func migrate(ctx context.Context, pool *pgxpool.Pool, cfg config) error {
	ms, err := loadMigrations()
	if err != nil {
		return &MigrationError{Err: err}
	}
	t := newTables(cfg.schema)
	m := migrator{
		pool:      pool,
		schema:    cfg.schema,
		quoted:    pgx.Identifier{cfg.schema}.Sanitize(),
		table:     t.migrations,
		lockTable: t.migrationsLock,
		lock:      cfg.migrationLock,
		txOptions: pgx.TxOptions{IsoLevel: pgx.ReadCommitted},
		lockKey:   lockKey(cfg.schema),
		log:       cfg.log,
	}
	if m.lock == LockTable {
		m.txOptions = cfg.isolation.txOptions()
		if err := m.bootstrap(ctx); err != nil {
			return &MigrationError{Err: err}
		}
	}
	// One migration per transaction; each step re-reads the applied
	// versions under the lock, so a concurrent migrator's work is seen. A
	// step the database aborts (40001, 40P01) runs again: at SERIALIZABLE
	// that is how a migrator that waited for the lock row gets a snapshot
	// that shows what the holder applied, and each such abort means another
	// migrator committed a step, so the retries end.
	aborts := 0
	for {
		done, err := m.step(ctx, ms)
		if err == nil {
			if done {
				return nil
			}
			aborts = 0
			continue
		}
		code, ok := retryCode(err)
		if !ok {
			return err
		}
		pause := backoff(aborts)
		aborts++
		m.log.LogAttrs(ctx, slog.LevelDebug, "postgres: retrying aborted migration step",
			slog.String("schema", m.schema), slog.String("sqlstate", code), slog.Int("attempt", aborts), slog.Duration("pause", pause))
		if cerr := sleep(ctx, pause); cerr != nil {
			return &MigrationError{Err: fmt.Errorf("not retried: %w (last attempt: %w)", cerr, err)}
		}
	}
}

// lockKey derives the advisory lock key from the schema name, so migrators of
// different schemas in one database do not wait for each other. FNV-1a is
// computed here rather than by a server hash function so that the key does
// not depend on the server's version.
func lockKey(schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("cloudbill.migrate:" + schema))
	return int64(h.Sum64())
}

type migrator struct {
	pool      *pgxpool.Pool
	schema    string
	quoted    string // the schema as a quoted identifier
	table     string // the quoted schema_migrations table
	lockTable string // the quoted schema_migrations_lock table
	lock      MigrationLock
	txOptions pgx.TxOptions
	lockKey   int64
	log       *slog.Logger
}

// migrationsTableDDL creates schema_migrations; %s is the quoted table.
const migrationsTableDDL = `CREATE TABLE IF NOT EXISTS %s (
	version    integer     PRIMARY KEY,
	name       text        NOT NULL,
	applied_at timestamptz NOT NULL DEFAULT now()
)`

// lockTableDDL creates schema_migrations_lock, which holds exactly one row
// (id 1): every step locks it, and a step that applies a migration records
// the version there last; %s is the quoted table.
const lockTableDDL = `CREATE TABLE IF NOT EXISTS %s (
	id         integer     PRIMARY KEY CHECK (id = 1),
	version    integer,
	applied_at timestamptz
)`

// bootstrapAttempts bounds the reruns of bootstrap when concurrent
// migrators race to create the same objects: after one such failure the
// objects exist, so the next run finds them.
const bootstrapAttempts = 5

// bootstrap creates what LockTable needs before any lock can be taken: the
// schema, schema_migrations and the lock table with its row. Every statement
// is idempotent and runs on its own. Without a lock, two migrators can both
// find an object missing and both create it; PostgreSQL then fails the
// second with a duplicate object or a unique violation in its catalog, and
// bootstrap runs again.
func (m migrator) bootstrap(ctx context.Context) error {
	for attempt := 0; ; attempt++ {
		err := m.createLockTable(ctx)
		if err == nil || !isCreateRace(err) || attempt+1 >= bootstrapAttempts {
			return err
		}
		if cerr := sleep(ctx, backoff(attempt)); cerr != nil {
			return fmt.Errorf("%w (last attempt: %w)", cerr, err)
		}
	}
}

func (m migrator) createLockTable(ctx context.Context) error {
	if err := m.createSchema(ctx, m.pool); err != nil {
		return err
	}
	if _, err := m.pool.Exec(ctx, fmt.Sprintf(migrationsTableDDL, m.table)); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	if _, err := m.pool.Exec(ctx, fmt.Sprintf(lockTableDDL, m.lockTable)); err != nil {
		return fmt.Errorf("create schema_migrations_lock: %w", err)
	}
	// The row is inserted only when it is missing: an INSERT … ON CONFLICT
	// that meets the row while another migrator holds its lock would wait
	// for that migrator here, outside the step that is meant to wait.
	if _, err := m.pool.Exec(ctx, "INSERT INTO "+m.lockTable+" (id) SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM "+
		m.lockTable+" WHERE id = 1) ON CONFLICT (id) DO NOTHING"); err != nil {
		return fmt.Errorf("insert the lock row: %w", err)
	}
	return nil
}

// isCreateRace reports whether err is what PostgreSQL (or a distributed
// database) reports when a concurrent transaction created the same object
// first: duplicate schema or table, a unique violation in the catalog, or
// an aborted transaction.
func isCreateRace(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	switch pgErr.Code {
	case codeDuplicateSchema, codeDuplicateTable, codeDuplicateObject, codeUniqueViolation,
		codeSerializationFailure, codeDeadlockDetected:
		return true
	}
	return false
}

// execer is what createSchema needs of a pool or a transaction.
type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// createSchema creates the schema when it is missing. Creating only when
// missing means a host that pre-created the schema does not need the CREATE
// privilege on the whole database.
func (m migrator) createSchema(ctx context.Context, db execer) error {
	var exists bool
	if err := db.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1)", m.schema).Scan(&exists); err != nil {
		return fmt.Errorf("look up schema: %w", err)
	}
	if !exists {
		if _, err := db.Exec(ctx, "CREATE SCHEMA "+m.quoted); err != nil {
			return fmt.Errorf("create schema: %w", err)
		}
	}
	return nil
}

// lockStep takes the migration lock for the transaction tx: the advisory
// lock, or the lock row's row lock. The row is only locked here, with a
// locking read, and written by markApplied after the migration's own
// statements: CockroachDB refuses a schema change that follows a write in
// the same transaction.
func (m migrator) lockStep(ctx context.Context, tx pgx.Tx) error {
	if m.lock != LockTable {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", m.lockKey); err != nil {
			return fmt.Errorf("advisory lock: %w", err)
		}
		return nil
	}
	tag, err := tx.Exec(ctx, "SELECT id FROM "+m.lockTable+" WHERE id = 1 FOR UPDATE")
	if err != nil {
		return fmt.Errorf("lock table: %w", err)
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("lock table: %s has no row 1 (deleted by hand?); run Migrate again to recreate it", m.lockTable)
	}
	return nil
}

// markApplied writes the lock row in the transaction that applied version,
// with LockTable. A migrator waiting for the row lock then finds a newer
// version of the row: at READ COMMITTED its locking read returns it and
// its next statements see the applied version; at SERIALIZABLE the
// database aborts it with 40001, and its rerun starts from a snapshot that
// includes this migration. A lock that left no newer row version behind
// would let a SERIALIZABLE waiter carry on with a snapshot that misses it
// and apply it a second time.
func (m migrator) markApplied(ctx context.Context, tx pgx.Tx, version int) error {
	if m.lock != LockTable {
		return nil
	}
	if _, err := tx.Exec(ctx, "UPDATE "+m.lockTable+" SET version = $1, applied_at = now() WHERE id = 1", version); err != nil {
		return fmt.Errorf("lock table: %w", err)
	}
	return nil
}

// step applies the first pending migration in one transaction and reports
// done when there was none.
func (m migrator) step(ctx context.Context, ms []migration) (done bool, err error) {
	tx, err := m.pool.BeginTx(ctx, m.txOptions)
	if err != nil {
		return false, &MigrationError{Err: fmt.Errorf("begin: %w", err)}
	}
	defer func() {
		if err != nil {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
			defer cancel()
			_ = tx.Rollback(rctx) // the cause is err; a failed rollback adds nothing
		}
	}()
	if err := m.lockStep(ctx, tx); err != nil {
		return false, &MigrationError{Err: err}
	}
	applied, err := m.applied(ctx, tx)
	if err != nil {
		return false, &MigrationError{Err: err}
	}
	var next *migration
	for i := range ms {
		if !applied[ms[i].version] {
			next = &ms[i]
			break
		}
	}
	if next == nil {
		newest := 0
		for v := range applied {
			newest = max(newest, v)
		}
		// A newer build migrated the schema; this build keeps working as
		// long as migrations stay additive, so it only warns.
		if newest > len(ms) {
			m.log.LogAttrs(ctx, slog.LevelWarn, "postgres: schema is newer than this build",
				slog.String("schema", m.schema), slog.Int("applied", newest), slog.Int("known", len(ms)))
		}
		if err := tx.Commit(ctx); err != nil {
			return false, &MigrationError{Err: fmt.Errorf("commit: %w", err)}
		}
		return true, nil
	}
	fail := func(err error) (bool, error) {
		return false, &MigrationError{Version: next.version, Name: next.name, Err: err}
	}
	// The file names no schema: the search_path, for this transaction
	// only, makes the store's schema the one its names resolve to and new
	// objects go to. The file records its own version last.
	if _, err := tx.Exec(ctx, "SELECT pg_catalog.set_config('search_path', $1, true)", m.quoted); err != nil {
		return fail(fmt.Errorf("set search_path: %w", err))
	}
	if _, err := tx.Exec(ctx, next.sql); err != nil {
		return fail(err)
	}
	if err := m.markApplied(ctx, tx, next.version); err != nil {
		return fail(err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fail(fmt.Errorf("commit: %w", err))
	}
	m.log.LogAttrs(ctx, slog.LevelInfo, "postgres: migration applied",
		slog.String("schema", m.schema), slog.Int("version", next.version), slog.String("name", next.name))
	return false, nil
}

// applied returns the recorded versions. With AdvisoryLock it first
// creates the schema and the schema_migrations table when missing; the
// caller holds the lock, so the existence check and the creation cannot race
// with another migrator. With LockTable, bootstrap created them.
func (m migrator) applied(ctx context.Context, tx pgx.Tx) (map[int]bool, error) {
	if m.lock != LockTable {
		if err := m.createSchema(ctx, tx); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, fmt.Sprintf(migrationsTableDDL, m.table)); err != nil {
			return nil, fmt.Errorf("create schema_migrations: %w", err)
		}
	}
	rows, err := tx.Query(ctx, "SELECT version FROM "+m.table)
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	applied := make(map[int]bool, len(versions))
	for _, v := range versions {
		applied[v] = true
	}
	return applied, nil
}
