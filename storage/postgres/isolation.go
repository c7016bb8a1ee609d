package postgres

import (
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Isolation is the isolation level of the transactions a Store opens. The
// zero value means ReadCommitted.
type Isolation int

const (
	// ReadCommitted runs every transaction at READ COMMITTED, the default.
	// Correctness rests on row locks (SELECT … FOR UPDATE) and unique
	// constraints (INSERT … ON CONFLICT DO NOTHING), never on snapshot
	// isolation, and each statement sees what other transactions have
	// committed, so a transaction that waited for a lock carries on with the
	// latest data. Aborts (40001, 40P01) are rare: deadlocks only.
	ReadCommitted Isolation = iota + 1
	// Serializable runs every transaction at SERIALIZABLE, the level
	// CockroachDB runs by default and the only one some distributed
	// databases offer. The store's statements are the same; what changes is
	// that a transaction whose snapshot is older than a concurrent commit
	// it conflicts with is aborted with SQLSTATE 40001 instead of carrying
	// on: a locking read or update of a row another transaction changed
	// after the snapshot, an ON CONFLICT that meets a row the snapshot does
	// not see, or a read-write dependency cycle found at commit. InTx reruns
	// fn from the start on each of them (Options.MaxRetries), so callers see
	// the same results as at ReadCommitted, at the cost of reruns under
	// contention; Store.Stats counts them.
	Serializable
)

// String returns the level's SQL name ("read committed", "serializable").
func (i Isolation) String() string {
	switch i {
	case 0, ReadCommitted:
		return "read committed"
	case Serializable:
		return "serializable"
	}
	return fmt.Sprintf("Isolation(%d)", int(i))
}

// ParseIsolation reads a level by its SQL name, ignoring case and treating
// '_' and '-' as spaces: "read committed", "READ_COMMITTED", "serializable".
// An empty string is ReadCommitted. Anything else is an error naming the
// accepted values, wrapping ErrInvalidOption. It lets hosts take the level from their configuration.
func ParseIsolation(s string) (Isolation, error) {
	norm := strings.Join(strings.Fields(strings.NewReplacer("_", " ", "-", " ").Replace(strings.ToLower(s))), " ")
	switch norm {
	case "", "read committed":
		return ReadCommitted, nil
	case "serializable":
		return Serializable, nil
	}
	return 0, fmt.Errorf("%w: isolation level %q: want \"read committed\" or \"serializable\"", ErrInvalidOption, s)
}

// txOptions returns the pgx options of a transaction at level i.
func (i Isolation) txOptions() pgx.TxOptions {
	if i == Serializable {
		return pgx.TxOptions{IsoLevel: pgx.Serializable}
	}
	return pgx.TxOptions{IsoLevel: pgx.ReadCommitted}
}

// MigrationLock is how Migrate keeps migrators of one schema that start at
// the same time from applying a migration twice. The zero value means
// AdvisoryLock. Every process migrating one schema must use the same kind.
type MigrationLock int

const (
	// AdvisoryLock takes pg_advisory_xact_lock on a key derived from the
	// schema name at the start of each migration transaction. It needs
	// nothing in the database beforehand, but needs PostgreSQL's advisory
	// locks, which CockroachDB lacks or makes a no-op in older releases and
	// YugabyteDB has only in recent ones. The migration transactions run at
	// READ COMMITTED whatever Options.Isolation says: the lock is taken by
	// the transaction's first statement, which at SERIALIZABLE would also
	// fix the snapshot before the wait, so the migrator would not see the
	// versions the previous holder applied.
	AdvisoryLock MigrationLock = iota + 1
	// LockTable uses no advisory lock. Migrate first creates, if missing,
	// the schema, <schema>.schema_migrations and a one-row table
	// <schema>.schema_migrations_lock (each an idempotent statement of its
	// own, rerun when a concurrent migrator creates the same object
	// first). Each migration transaction then starts by locking that row
	// (SELECT … FOR UPDATE), which it holds until commit, and a transaction
	// that applies a migration ends by updating the row (the version it
	// applied). A concurrent migrator's locking read waits for the holder;
	// if the holder applied a migration, the waiter at READ COMMITTED reads
	// the new row and then the new version, and at SERIALIZABLE is aborted
	// with 40001 and runs again on a new snapshot. The update is what makes
	// the SERIALIZABLE case safe: a lock alone leaves no newer row version,
	// so the waiter would carry on with a snapshot that misses the
	// migration. It comes after the migration's own statements because
	// CockroachDB refuses a schema change that follows a write in the same
	// transaction. Migration transactions run at Options.Isolation and are
	// rerun on 40001 and 40P01 until ctx ends.
	LockTable
)

// String names the kind ("advisory lock", "lock table").
func (m MigrationLock) String() string {
	switch m {
	case 0, AdvisoryLock:
		return "advisory lock"
	case LockTable:
		return "lock table"
	}
	return fmt.Sprintf("MigrationLock(%d)", int(m))
}

// ParseMigrationLock reads a kind by name, ignoring case and treating '_'
// and '-' as spaces: "advisory", "advisory lock", "table", "lock table". An
// empty string is AdvisoryLock. Anything else is an error naming the
// accepted values, wrapping ErrInvalidOption.
func ParseMigrationLock(s string) (MigrationLock, error) {
	norm := strings.Join(strings.Fields(strings.NewReplacer("_", " ", "-", " ").Replace(strings.ToLower(s))), " ")
	switch norm {
	case "", "advisory", "advisory lock":
		return AdvisoryLock, nil
	case "table", "lock table":
		return LockTable, nil
	}
	return 0, fmt.Errorf("%w: migration lock %q: want \"advisory\" or \"table\"", ErrInvalidOption, s)
}
