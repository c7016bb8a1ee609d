package postgres

import (
	"fmt"
	"log/slog"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// DefaultSchema is the schema the store's tables live in when Options.Schema
// is empty.
const DefaultSchema = "cloudbill"

// DefaultMaxRetries is how many times InTx reruns a transaction the database
// aborted when Options.MaxRetries is zero and Options.Isolation is
// ReadCommitted, where the aborts are deadlocks.
const DefaultMaxRetries = 5

// DefaultMaxRetriesSerializable is how many times InTx reruns a transaction
// the database aborted when Options.MaxRetries is zero and Options.Isolation
// is Serializable. There every transaction that waited for a row another one
// changed is aborted, so a row that N transactions want at once costs up to
// N−1 reruns to the unluckiest, and more when they keep coming; the
// jittered pauses (at most 100 ms each) spread them out. On a two-core
// PostgreSQL server, 32 transactions racing once for one row needed at most
// 9 attempts each, and 16 writers appending to the same two balances
// without pause needed up to 28.
const DefaultMaxRetriesSerializable = 50

// maxIdentifierLen is PostgreSQL's NAMEDATALEN-1: longer names are silently
// truncated by the server, so two long names could collide.
const maxIdentifierLen = 63

// Options configures a Store. The zero value is valid and means the defaults.
type Options struct {
	// Schema is the PostgreSQL schema holding every Cloudbill table; empty
	// means DefaultSchema. It must satisfy ValidateSchema. Several stores with
	// different schemas can share one database.
	Schema string
	// MaxRetries is how many times InTx reruns fn after a serialization
	// failure (SQLSTATE 40001) or deadlock (40P01); 0 means
	// DefaultMaxRetries, or DefaultMaxRetriesSerializable at Serializable,
	// and a negative value disables retries.
	MaxRetries int
	// Isolation is the isolation level of every transaction InTx opens,
	// and of Migrate's transactions with MigrationLock LockTable; zero
	// means ReadCommitted. Serializable is for databases that run only
	// SERIALIZABLE (CockroachDB before v24.1 or with READ COMMITTED
	// disabled) or for hosts that want it; see Isolation.
	Isolation Isolation
	// MigrationLock is how Migrate serialises concurrent migrators of the
	// schema; zero means AdvisoryLock. LockTable needs no advisory locks,
	// for CockroachDB and YugabyteDB; see MigrationLock.
	MigrationLock MigrationLock
	// Logger receives retry and migration events; nil discards them. No
	// record contents are logged.
	Logger *slog.Logger
	// TracerProvider, when set, makes Open trace every statement run under
	// a context that carries a span (a billing operation's, with
	// billing.Config.TracerProvider), as a child span: see QueryTracer.
	// New cannot change a host's pool: set QueryTracer on its config.
	// Default: none.
	TracerProvider trace.TracerProvider
	// MeterProvider, when set, receives the count of transactions InTx
	// ran again after an abort (cloudbill.store.retries, by SQLSTATE),
	// the metric behind Stats.Retries. Default: none.
	MeterProvider metric.MeterProvider
}

// config is Options with the defaults applied and validated.
type config struct {
	schema        string
	maxRetries    int
	isolation     Isolation
	migrationLock MigrationLock
	log           *slog.Logger
	tracer        trace.TracerProvider
	metrics       *storeMetrics
}

func (o Options) resolve() (config, error) {
	c := config{schema: o.Schema, maxRetries: o.MaxRetries, isolation: o.Isolation, migrationLock: o.MigrationLock, log: o.Logger}
	switch c.isolation {
	case 0:
		c.isolation = ReadCommitted
	case ReadCommitted, Serializable:
	default:
		return config{}, fmt.Errorf("%w: Isolation %d is neither ReadCommitted nor Serializable", ErrInvalidOption, int(c.isolation))
	}
	switch c.migrationLock {
	case 0:
		c.migrationLock = AdvisoryLock
	case AdvisoryLock, LockTable:
	default:
		return config{}, fmt.Errorf("%w: MigrationLock %d is neither AdvisoryLock nor LockTable", ErrInvalidOption, int(c.migrationLock))
	}
	if c.schema == "" {
		c.schema = DefaultSchema
	}
	if err := ValidateSchema(c.schema); err != nil {
		return config{}, err
	}
	switch {
	case c.maxRetries == 0 && c.isolation == Serializable:
		c.maxRetries = DefaultMaxRetriesSerializable
	case c.maxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	case c.maxRetries < 0:
		c.maxRetries = 0
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.tracer = o.TracerProvider
	m, err := newStoreMetrics(o.MeterProvider)
	if err != nil {
		return config{}, fmt.Errorf("%w: MeterProvider: %w", ErrInvalidOption, err)
	}
	c.metrics = m
	return c, nil
}

// SchemaNameError reports a schema name ValidateSchema rejects.
type SchemaNameError struct {
	// Name is the rejected name.
	Name string
	// Reason says which rule it breaks.
	Reason string
}

// Error names the rejected schema and the rule it breaks.
func (e *SchemaNameError) Error() string {
	return fmt.Sprintf("postgres: invalid schema name %q: %s", e.Name, e.Reason)
}

// ValidateSchema reports whether name can be used as Options.Schema, returning
// a *SchemaNameError if not. Accepted names are 1–63 bytes of lower-case ASCII
// letters, digits and underscores, starting with a letter or underscore, and
// not starting with "pg_" (reserved by PostgreSQL) or being
// "information_schema". The names are quoted in every statement anyway; the
// rules keep them identical to the unquoted spelling an operator types in psql,
// where upper case would be folded to lower case.
func ValidateSchema(name string) error {
	fail := func(reason string) error { return &SchemaNameError{Name: name, Reason: reason} }
	switch {
	case name == "":
		return fail("empty")
	case len(name) > maxIdentifierLen:
		return fail(fmt.Sprintf("longer than %d bytes", maxIdentifierLen))
	case len(name) >= 3 && name[:3] == "pg_":
		return fail(`the "pg_" prefix is reserved for system schemas`)
	case name == "information_schema":
		return fail("reserved for the system catalog")
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c == '_':
		case c >= '0' && c <= '9':
			if i == 0 {
				return fail("must start with a letter or underscore")
			}
		default:
			return fail(fmt.Sprintf("byte %d (%q) is not a lower-case letter, digit or underscore", i, c))
		}
	}
	return nil
}
