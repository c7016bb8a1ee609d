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
// transaction takes a lock, so processes starting at once apply every
// migration exactly once: by default pg_advisory_xact_lock on a key derived
// from the schema name; with Options.MigrationLock set to LockTable, for
// databases without advisory locks, the row of the one-row table
// <schema>.schema_migrations_lock, locked with SELECT … FOR UPDATE and
// updated by the transaction that applies a migration (see LockTable for
// why both). A migration transaction the database aborts (40001, 40P01) is
// rerun.
//
// The same files are plain SQL a deploy tool or a DBA can run instead
// (MigrationFiles returns them; the cloudbill-migrate command under cmd/
// prints or writes them and reports the status). They name no schema:
// Migrate sets the search_path to the store's schema for each migration's
// transaction, and another tool connects with search_path set to it (the
// schema must exist). They carry goose's annotations (-- +goose Up, and
// StatementBegin/End around a function body), so goose runs them as they
// are, and each ends by recording its own version in schema_migrations,
// so MigrationStatus (and a readiness check) reads the same version
// whichever tool applied them, and Migrate on a schema goose migrated
// applies nothing. goose keeps its own goose_db_version table beside
// them; a schema first migrated by Migrate is handed to goose by copying
// its versions there (INSERT INTO goose_db_version (version_id,
// is_applied) SELECT version, true FROM schema_migrations).
//
// # Tables
//
// Migration 0001 (foundation): accounts, idempotency_keys, audit_records.
// Migration 0002 (payments):
//
//	ledger_entries   one row per journal entry; seq (identity) orders the
//	                 journal, UNIQUE (account_id, id) refuses duplicates;
//	                 currency and credit_after (the running wallet balance)
//	ledger_postings  the legs of each entry, (entry_seq, idx) in the
//	                 caller's order; account_id repeated for PostingTotals
//	ledger_balances  the balance cache, one row per (account_id,
//	                 ledger_account), with the non_negative guard and the
//	                 expiry of promotional credit
//	payments         payments, versioned; keyset-paged by (created_at, id)
//	gateway_events   (gateway, event_id) of every applied callback
//	linked_accounts  stored gateway tokens, listed in creation order
//	payment_links    shareable links, keyed by their token
//
// Migration 0003 (orders):
//
//	coupons          coupon definitions, keyed by code
//	redemptions      coupon uses; status reserved, consumed or released
//	                 (CHECK); counted by (code, status)
//	orders           checkouts, counted by (account_id, status)
//	resources        purchased resources, versioned; seq (identity) is
//	                 creation order; next_due_at feeds resources_due
//	invoices         invoices and credit notes; UNIQUE (series, number),
//	                 NULL for drafts; listed newest first by seq
//	invoice_series   the last number allocated per series
//	actions          the action log, seq (identity) order, UNIQUE id
//	outbox           events to the host, seq (identity) order, UNIQUE id,
//	                 with their delivery state
//
// Migration 0005 (tenant keys) makes account_id lead the primary key of
// every table that holds one tenant's records (audit_records,
// ledger_entries, ledger_postings, payments, linked_accounts, payment_links,
// redemptions, orders, resources, invoices, actions, outbox), so a database
// that places rows by primary key keeps a tenant's rows together. Record ids
// keep a UNIQUE constraint of their own, because the storage contract makes
// them unique across tenants and some lookups name only the id: gateway
// callbacks (Payments.LookupForUpdate, LinkedAccounts.LookupForUpdate), a
// payer opening a link (PaymentLinks.GetForUpdate by token), the worker
// claiming an event (Outbox.GetForUpdate by seq). The global keys are
// accounts (the tenant), coupons (one catalog), gateway_events (the
// gateway's own event ids; Record names no tenant), invoice_series and
// UNIQUE (series, number) of invoices (numbers are gapless per series
// across the issuer), and those id constraints.
//
// The JSON documents these tables carry (coupon definitions, order,
// resource, invoice and action data, event payloads) are bytea: the store
// keeps them opaque and byte for byte, and a nil slice is NULL.
//
// Money is a NUMERIC column next to a char(3) currency: written from the
// decimal's coefficient and exponent and read back with the row's currency,
// so amounts round-trip exactly (12.345 KWD stays 12.345 KWD). A row keeps
// one currency for all its amounts; the zero money.Amount (no currency) is
// stored as NULL, and so is the zero time.Time of optional instants
// (expiries), which keeps them out of the partial indexes that find due
// expiries. Columns that are sorted or fix a lock order (tenant, ledger
// account, payment id) use COLLATE "C", so their order is Go's byte order on
// every server, whatever its locale.
//
// # The ledger
//
// Ledger.Append is one statement, so one round trip. It first checks in Go
// what the contract refuses (fewer than two postings, mixed currencies,
// postings not summing to zero, empty ids, a CreditAfter in another currency
// than the postings) and nets the postings per ledger account, sorted by
// ledger account: what is checked is each balance after the whole entry, so
// +150 and −100 to one empty guarded account is accepted as +50. The
// statement then:
//
//  1. locks the tenant's existing balances for those ledger accounts with
//     SELECT … ORDER BY ledger_account FOR UPDATE, which in READ COMMITTED
//     waits for concurrent writers and returns the latest amounts;
//  2. computes each balance after the entry and refuses, by writing
//     nothing and reporting why, a balance in another currency
//     (ErrInvalidRecord) or a guarded balance going below zero
//     (ErrNegativeBalance); an entry id already taken is ErrDuplicate
//     (INSERT … ON CONFLICT (account_id, id) DO NOTHING, which also waits
//     for a concurrent insert of the same id);
//  3. otherwise inserts the entry and its postings and upserts every
//     balance, in ledger account order: INSERT … ON CONFLICT (account_id,
//     ledger_account) DO UPDATE SET amount = amount + EXCLUDED.amount.
//
// Because refusals write nothing and raise no error, the transaction stays
// usable after any of them, as with the in-memory store. Because every
// entry locks and updates balances in ledger account order, concurrent
// entries of one tenant wait for each other in one direction and never
// deadlock; the library also locks the tenant (Accounts.GetForUpdate)
// first, which serialises wallet changes outright.
//
// A balance is guarded (non_negative) when a NonNegative posting creates or
// credits it, and stays guarded: afterwards any posting that would take it
// below zero is refused, NonNegative or not. (The in-memory store checks
// only the postings marked NonNegative; the library marks every posting to
// a customer account, so the two agree in its use.) The CHECK constraint
// ledger_balances_non_negative (NOT non_negative OR amount >= 0) is the
// backstop: it catches a guarded balance that a concurrent transaction
// created after step 1 looked, and any host SQL. Its violation, identified
// by SQLSTATE 23514 and the constraint's name, is ErrNegativeBalance; that
// one does abort the transaction. Expiry (expires_at) is recorded when a
// balance is created and never changed.
//
// The partial index that finds expiring promotional credit has amount > 0
// in its predicate, so it holds only credit that can still expire, however
// many grants a tenant has spent. The price is that PostgreSQL cannot make
// balance updates HOT (heap-only) updates, because amount is an indexed
// column; each update also writes a primary-key index entry.
//
// # Due resources
//
// Resources.Due must cost what is due, not what exists: the lifecycle clock
// asks for it on every tick, over every tenant. A resource with nothing
// scheduled has next_due_at NULL, and the partial index
//
//	resources_due ON resources (next_due_at, id) WHERE next_due_at IS NOT NULL
//
// holds the scheduled ones in the order Due returns them, so
// WHERE next_due_at <= $1 ORDER BY next_due_at, id LIMIT $2 is an index range
// scan that stops at the first resource not yet due or at the limit, for the
// planner's custom and generic plans alike (the tests check both plans).
// BenchmarkResourcesDue measures one Due(t, 1000) on 100,000 scheduled
// resources of which 1,000 are due: about 1.2 ms on a two-core server,
// mostly reading and decoding the 1,000 rows.
//
// # The outbox
//
// Events of one stream are delivered one at a time, in seq order. Deliverable
// picks the head of every stream, the oldest undelivered event, with
// SELECT DISTINCT ON (stream) … WHERE delivered_at IS NULL ORDER BY stream,
// seq, which reads the partial index outbox_undelivered (stream, seq) WHERE
// delivered_at IS NULL: delivered events leave the index, so the cost
// follows the undelivered backlog, never the delivered history. Only then
// are heads filtered by next_attempt_at <= t, so a head that is backing off
// holds back its stream, and the heads are returned in seq order.
// Deliverable takes no locks; a worker locks each event with GetForUpdate
// and checks that it is still undelivered before recording the outcome.
//
// seq is an identity, handed out at insert rather than at commit. Two
// transactions appending to one stream without a common lock could commit
// out of seq order, and a worker reading between the two commits would
// deliver the later event first; writers keep a stream in order by
// appending while they hold the row lock of what the stream is about (the
// resource or the account, via GetForUpdate).
//
// # Invoice numbers
//
// Invoices.NextNumber is one upsert,
//
//	INSERT INTO invoice_series (series, last) VALUES ($1, 1)
//	ON CONFLICT (series) DO UPDATE SET last = invoice_series.last + 1
//	RETURNING last
//
// whose row lock lasts until the transaction ends. A concurrent allocation
// of the same series waits for it, then adds one to the committed value, or,
// if the first transaction rolled back, to the value before it: numbers are
// unique and gapless, and allocations of different series never wait for
// each other. The UNIQUE (series, number) constraint of invoices is the
// backstop. Invoices.Create uses ON CONFLICT DO NOTHING with no conflict
// target, so a taken id and a taken number are both ErrDuplicate and the
// transaction stays usable; Invoices.Update checks for another holder of
// the number in the same statement. Only a holder that has not committed
// yet gets past that check, and then the update fails with 23505
// (ErrDuplicate) and aborts the transaction; numbers taken from NextNumber
// never race that way.
//
// # Transactions, locking and retries
//
// InTx runs fn in one transaction at Options.Isolation: READ COMMITTED by
// default, or SERIALIZABLE. At READ COMMITTED the store never depends on
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
//   - ledger balances change only through Ledger.Append, whose single
//     statement locks the balances it touches, checks them and upserts
//     them (see The ledger below).
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
// At SERIALIZABLE the statements are the same, and every place where READ
// COMMITTED would let a statement see a concurrent commit instead aborts
// the transaction with 40001, which InTx reruns on a fresh snapshot: a
// locking read or upsert of a row changed after the snapshot (a tenant's
// balance, an account, an invoice series), an ON CONFLICT that meets a row
// the snapshot does not show (the loser of an idempotency claim learns it
// lost on the rerun, where the claim reports ErrDuplicate as usual), and a
// read-write cycle found at commit. The outcome is what READ COMMITTED
// gives, paid for in reruns: a row that N transactions want at once costs
// the unluckiest up to N−1 of them, so the default MaxRetries there is
// DefaultMaxRetriesSerializable (50). Store.Stats counts commits, aborts by
// SQLSTATE, reruns, the calls that gave up and the most attempts one call
// needed; the tests run the whole conformance suite and the billing tests
// at both levels.
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
//	23514 on ledger_balances_non_negative    storage.ErrNegativeBalance
//	23502, 23503, 23514 (not null, foreign
//	key, check) and class 22 (data exception) storage.ErrInvalidRecord
//	no rows                                  storage.ErrNotFound
//	40001, 40P01                             retried, then returned
//
// The repositories check in Go what the constraints also enforce (id length,
// account type, currency shape, one currency per row, UTF-8 text without NUL
// bytes, JSON audit detail, page sizes of 1–1000), so bad input returns
// storage.ErrInvalidRecord without aborting the transaction; the constraints
// stay as the last line of defence. Ids that could never have been stored
// (not UTF-8, containing NUL) are "not found" without a query. A host can
// run its own SQL inside the same transaction through SQL(tx), with the same
// error mapping.
//
// # PostgreSQL features relied on
//
// PostgreSQL 10 or later (tested on 15): identity columns (audit, ledger,
// resource, invoice, action and outbox seq), INSERT … ON CONFLICT DO NOTHING
// (with and without a conflict target) and DO UPDATE … RETURNING
// (NextNumber), SELECT … FOR UPDATE, data-modifying WITH queries
// (Ledger.Append, Invoices.Update), unnest of several arrays WITH
// ORDINALITY, SELECT DISTINCT ON (Outbox.Deliverable), aggregate FILTER
// (Redemptions.Count), partial indexes, COLLATE "C", num_nulls,
// transaction-scoped advisory locks (migrations, unless MigrationLock is
// LockTable), jsonb (audit
// detail), bytea (idempotent responses and the opaque documents),
// timestamptz (all times, read back in UTC, kept to the microsecond), CHECK
// constraints, and NUMERIC with a currency column for money.
//
// # CockroachDB and YugabyteDB
//
// The store uses nothing beyond what both support for the billing path
// (ON CONFLICT, FOR UPDATE, jsonb, timestamptz, NUMERIC), and it has been
// run there only in the form PostgreSQL can stand in for: the conformance
// suite and the billing tests pass on PostgreSQL at SERIALIZABLE with
// migrations through the lock table and no advisory lock. Caveats:
//
//   - Options for those databases: Isolation Serializable (what CockroachDB
//     runs unless READ COMMITTED is enabled, from v24.1, and what a READ
//     COMMITTED request silently becomes otherwise) and MigrationLock
//     LockTable. CockroachDB's pg_advisory_* functions are no-op stubs or
//     missing in most releases (transaction-level advisory locks arrived
//     only recently); YugabyteDB has advisory locks only in recent
//     releases. Under contention both abort transactions with 40001 more
//     often than PostgreSQL: keep MaxRetries at or above the default and fn
//     free of outside effects, and watch Stats.
//   - Migrations run DDL inside a transaction with their schema_migrations
//     row. CockroachDB limits schema changes in transactions (one change
//     per transaction is its advice; the lock row is written after the
//     DDL because it refuses a schema change after a write), and
//     YugabyteDB runs each DDL statement as its own transaction unless its
//     transactional DDL (early access) is enabled, so a failed migration
//     there can leave part of itself applied. Migration 0005 changes
//     primary keys (DROP CONSTRAINT … , ADD CONSTRAINT … PRIMARY KEY in one
//     ALTER TABLE), which both rewrite the table for. None of this has been
//     run on those databases.
//   - Usage.Insert sends SAVEPOINT, COPY … FROM STDIN (FORMAT binary) and
//     RELEASE SAVEPOINT in one simple-protocol message, and after a unique
//     violation ROLLBACK TO SAVEPOINT and an INSERT … ON CONFLICT DO
//     NOTHING. Both databases document COPY FROM STDIN; whether they take
//     the binary format inside a multi-statement message has not been
//     tried.
//   - Distribution: every tenant table's primary key starts with account_id
//     (migration 0005). YugabyteDB and CockroachDB index globally, so the
//     UNIQUE constraints on record ids work there as they do here. Citus
//     requires every unique constraint of a table distributed by account_id
//     to include it, so only accounts, idempotency_keys, audit_records and
//     the ledger tables could be distributed as they are; the others would
//     need the contract's ids unique per tenant rather than per store.
//   - Ledger.Append: one statement with data-modifying WITH queries, a
//     FOR UPDATE inside one of them, and an INSERT … SELECT … ORDER BY …
//     ON CONFLICT DO UPDATE. Each table is written once per statement,
//     which CockroachDB requires unless
//     sql.multiple_modifications_of_table.enabled is set. Whether a
//     locking read inside a WITH query locks on each database, and
//     whether COLLATE "C" is accepted there (it is the default byte order
//     on CockroachDB), has not been verified against those databases:
//     run the conformance suite against them before relying on it.
//   - Sequences: depending on cluster settings, identity columns are backed
//     by unique_rowid() or by sequences whose values each node caches in
//     blocks, so audit Seq values have large gaps and are not in commit (or
//     even allocation) order across nodes. Seq then orders an account's
//     trail only roughly, and a reader paging by Seq can pass a record that
//     commits late; hosts that need an exact feed there back the column with
//     an uncached sequence (CACHE 1), at a cost in write throughput. Even on
//     PostgreSQL, Seq is allocated at insert, not at commit.
//   - The outbox is where this matters most: outbox.seq orders the events of
//     a stream, so two events appended one after the other must get
//     increasing values whichever node inserts them. There, back
//     outbox.seq with an uncached sequence; resources.seq and invoices.seq
//     (list order) and actions.seq only order listings.
//   - DISTINCT ON, partial indexes, aggregate FILTER and INSERT … ON
//     CONFLICT DO UPDATE … RETURNING exist on both; whether their planners
//     use resources_due and outbox_undelivered as PostgreSQL's does has
//     not been measured.
package postgres
