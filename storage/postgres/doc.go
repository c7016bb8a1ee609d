// Package postgres is Cloudbill's PostgreSQL store: the storage contract
// (storage.Store) on a pgx v5 connection pool, with embedded, versioned
// migrations.
//
// # Construction
//
// Open creates and owns a pool from a DSN; New wraps a pool the host already
// has (Close then leaves it open). Neither changes the schema: call Migrate
// once at startup, from every process if convenient.
//
//	st, err := postgres.Open(ctx, dsn, postgres.Options{Schema: "billing"})
//	if err != nil { ... }
//	defer st.Close()
//	if err := st.Migrate(ctx); err != nil { ... }
//
// Options.Schema (default "cloudbill") names the schema that holds every
// table, so several Cloudbill instances, or Cloudbill and the host's own
// tables, share one database. Names are checked by ValidateSchema. Every
// statement names its tables schema-qualified and quoted, built once at
// construction; the store never sets search_path, so a host's pool is used
// as it is. Pool size and other pgx settings come from the DSN
// (pool_max_conns=…) or the host's pool.
//
// # Migrations
//
// The files in migrations/ (0001_foundation.sql, …) are embedded in the
// binary. Migrate applies the missing ones in version order, each in its own
// transaction together with its row in <schema>.schema_migrations, so a
// re-run is a no-op and a failure leaves the schema at the previous version
// (reported as a *MigrationError). Before reading the applied versions each
// transaction takes pg_advisory_xact_lock on a key derived from the schema
// name, so processes starting at once apply every migration exactly once.
//
// # Transactions, locking and retries
//
// InTx runs fn in one READ COMMITTED transaction. The store never depends on
// snapshot isolation for correctness:
//
//   - read-modify-write cycles lock their rows with SELECT … FOR UPDATE
//     (Accounts.GetForUpdate), so concurrent cycles on one row queue up;
//   - claims (creating an account, an idempotency key) rely on unique
//     constraints through INSERT … ON CONFLICT DO NOTHING, which waits for a
//     concurrent uncommitted claim and then reports "0 rows" instead of
//     raising an error, so the transaction stays usable and the loser can
//     read the winner's result — each statement of a READ COMMITTED
//     transaction sees what others have committed;
//   - balances, when they are added, are to change through conditional
//     updates (UPDATE … WHERE balance >= $amount) checked by rows affected.
//
// READ COMMITTED also aborts far fewer transactions than SERIALIZABLE would.
// Deadlocks remain possible when operations lock rows in different orders;
// InTx reruns fn from the start, after a short jittered pause that honours
// ctx, when a statement or the commit fails with SQLSTATE 40001
// (serialization_failure) or 40P01 (deadlock_detected), up to
// Options.MaxRetries times (default 5). That is why fn must have no effects
// outside its transaction. No other error is retried: in particular a failed
// COMMIT whose outcome is unknown (a lost connection) is returned, not rerun.
//
// InTx checks ctx before it begins and again before it commits, and rolls
// back if ctx has ended; a panic in fn rolls back and is re-raised. An InTx
// called from inside fn of the same store fails with storage.ErrNestedTx
// (detected through a marker in fn's context) instead of waiting for a
// second connection, and a Tx used after its InTx returned fails with
// storage.ErrTxDone.
//
// # Errors
//
// Database errors are classified by SQLSTATE, never by message text, and
// wrapped so that both the storage sentinel (errors.Is) and the driver's
// *pgconn.PgError (errors.As) stay reachable:
//
//	23505 unique_violation                   storage.ErrDuplicate
//	23502, 23503, 23514 (not null, foreign
//	key, check) and class 22 (data exception) storage.ErrInvalidRecord
//	no rows                                  storage.ErrNotFound
//	40001, 40P01                             retried, then returned
//
// The repositories check in Go what the constraints also enforce (id length,
// account type, currency shape, UTF-8 text without NUL bytes, JSON audit
// detail), so bad input returns storage.ErrInvalidRecord without aborting the
// transaction; the constraints stay as the last line of defence. A host can
// run its own SQL inside the same transaction through SQL(tx), with the same
// error mapping.
//
// # PostgreSQL features relied on
//
// PostgreSQL 10 or later (tested on 15): identity columns (audit seq), INSERT … ON CONFLICT
// DO NOTHING, SELECT … FOR UPDATE, transaction-scoped advisory locks
// (migrations only), jsonb (audit detail), bytea (idempotent responses),
// timestamptz (all times, read back in UTC, kept to the microsecond), CHECK
// constraints, and NUMERIC with a currency column for money as it is added.
//
// # CockroachDB and YugabyteDB
//
// The store uses nothing beyond what both support for the billing path
// (ON CONFLICT, FOR UPDATE, jsonb, timestamptz, NUMERIC), with these caveats:
//
//   - Advisory locks: CockroachDB releases before its recent transaction-level
//     advisory locks either lack pg_advisory_xact_lock or implement it as a
//     no-op, and YugabyteDB has them only in recent releases. There, run
//     Migrate from a single process (a deploy step), or serialise migrators
//     with a lock row: a one-row table created ahead of time and locked with
//     SELECT … FOR UPDATE at the start of each migration transaction.
//   - Isolation: CockroachDB defaults to SERIALIZABLE. The store asks for
//     READ COMMITTED, which CockroachDB honours from v24.1 (cluster setting
//     sql.txn.read_committed_isolation.enabled, on by default) and otherwise
//     silently upgrades to SERIALIZABLE. Under SERIALIZABLE, and for
//     contention conflicts on both CockroachDB and YugabyteDB, transactions
//     abort with 40001 far more often than on PostgreSQL, so retries are
//     routine there: keep MaxRetries at or above the default and fn free of
//     outside effects.
//   - Sequences: depending on cluster settings, identity columns are backed
//     by unique_rowid() or by sequences whose values each node caches in
//     blocks, so audit Seq values have large gaps and are not in commit (or
//     even allocation) order across nodes. Seq then orders an account's
//     trail only roughly, and a reader paging by Seq can pass a record that
//     commits late; hosts that need an exact feed there back the column with
//     an uncached sequence (CACHE 1), at a cost in write throughput. Even on
//     PostgreSQL, Seq is allocated at insert, not at commit.
package postgres
