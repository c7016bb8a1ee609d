package postgres

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cloudbill/cloudbill/storage"
)

// Store is a storage.Store backed by PostgreSQL through a pgx pool. It is
// safe for concurrent use by any number of goroutines and processes. Build it
// with Open or New; the zero value is not usable.
type Store struct {
	pool     *pgxpool.Pool
	ownsPool bool
	cfg      config
	beginSQL string
	tables   tables
	q        queries
	// guarded maps each statement a held-back write may send to its
	// guarded form (see guardOne); built once, never changed.
	guarded *guardSet
	stats   counters
}

var _ storage.Store = (*Store)(nil)

// Open connects to the database at dsn (a PostgreSQL URL or key=value string,
// including pgxpool settings such as pool_max_conns), checks that the server
// answers, and returns a Store that owns the pool: Close closes it. Open does
// not migrate; call Migrate once at startup.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	cfg, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	pcfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse dsn: %w", err)
	}
	if cfg.tracer != nil {
		pcfg.ConnConfig.Tracer = QueryTracer(cfg.tracer)
	}
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: create pool: %w", err)
	}
	// The pool connects lazily; ping so that a wrong address or password
	// fails here, at startup, rather than in the first billing operation.
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	return newStore(pool, true, cfg), nil
}

// New returns a Store on the host's own pool. The pool is used as is (its
// search_path and other settings are never changed) and Close leaves it
// open. New does not migrate; call Migrate once at startup.
func New(pool *pgxpool.Pool, opts Options) (*Store, error) {
	if pool == nil {
		return nil, ErrNoPool
	}
	cfg, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	return newStore(pool, false, cfg), nil
}

func newStore(pool *pgxpool.Pool, owns bool, cfg config) *Store {
	t := newTables(cfg.schema)
	q := newQueries(t)
	return &Store{pool: pool, ownsPool: owns, cfg: cfg, beginSQL: beginSQL(cfg.isolation.txOptions()), tables: t, q: q, guarded: guardedQueries(q)}
}

// Close closes the pool if Open created it; a host's pool passed to New is
// left open. Transactions still running fail once the pool is closed.
func (s *Store) Close() {
	if s.ownsPool {
		s.pool.Close()
	}
}

// Schema returns the schema holding the store's tables, so that a host can
// name them in its own SQL (see SQL).
func (s *Store) Schema() string { return s.cfg.schema }

// Migrate applies the embedded migrations the store's schema is missing. See
// the package function Migrate.
func (s *Store) Migrate(ctx context.Context) error {
	return migrate(ctx, s.pool, s.cfg)
}

// txMarker tags the contexts handed to fn, so that a nested InTx on the same
// store fails fast with storage.ErrNestedTx instead of taking a second
// connection (which can exhaust the pool and deadlock).
type txMarker struct{ s *Store }

// InTx runs fn in one transaction at Options.Isolation (READ COMMITTED by
// default) and commits if fn returns nil and ctx has not ended. It reruns fn
// from the start, after a short jittered pause, when the database aborts the
// transaction with a serialization failure (40001) or deadlock (40P01), up
// to Options.MaxRetries times; Stats counts the aborts and reruns. See
// storage.Store for the full contract.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context, tx storage.Tx) error) error {
	if ctx.Value(txMarker{s}) != nil {
		return storage.ErrNestedTx
	}
	lastCode := ""
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("postgres: transaction not started: %w", err)
		}
		if attempt > 0 {
			s.stats.retries.Add(1)
			s.cfg.metrics.retried(ctx, lastCode)
		}
		code, err := s.attempt(ctx, fn)
		lastCode = code
		s.stats.attempts(uint64(attempt + 1))
		if err == nil {
			s.stats.committed.Add(1)
			return nil
		}
		if code == "" {
			return err
		}
		s.stats.abort(code)
		if attempt >= s.cfg.maxRetries {
			s.stats.gaveUp.Add(1)
			s.cfg.log.LogAttrs(ctx, slog.LevelWarn, "postgres: transaction aborted, retries exhausted",
				slog.String("sqlstate", code), slog.Int("attempts", attempt+1))
			return fmt.Errorf("postgres: transaction aborted after %d attempts: %w", attempt+1, err)
		}
		pause := backoff(attempt)
		s.cfg.log.LogAttrs(ctx, slog.LevelDebug, "postgres: retrying aborted transaction",
			slog.String("sqlstate", code), slog.Int("attempt", attempt+1), slog.Duration("pause", pause))
		if cerr := sleep(ctx, pause); cerr != nil {
			return fmt.Errorf("postgres: transaction not retried: %w (last attempt: %w)", cerr, err)
		}
	}
}

// guardedQueries are the guarded forms of the statements a held-back write
// may send.
func guardedQueries(q queries) *guardSet {
	g := map[string]string{}
	for _, sql := range []string{q.resources.appendEvents, q.resources.createInvoices, q.resources.updateResources} {
		g[sql] = guardAll(sql)
	}
	for _, sql := range []string{q.orders.createOrder, q.orders.updateOrder, q.orders.createRedemption, q.orders.updateRedemption,
		q.resources.createResource, q.resources.updateResourceQuiet, q.resources.appendEvent, q.resources.createInvoice, q.payments.createPayment,
		q.setIdempotencyResponse} {
		g[sql] = guardOne(sql)
	}
	g[q.ledger.appendEntry] = guardEntry(q.ledger.appendEntry)
	versioned := versionedResourceInsert(q.resources.createResource)
	if versioned != "" {
		g[versioned] = guardOne(versioned)
	}
	return &guardSet{bySQL: g, versionedResourceInsert: versioned}
}

// guardSet is the guarded form of each statement a held-back write may
// send, by the statement, and the resource insert an update may be folded
// into (see fold.go). Behind a pointer in Store, so that a Store stays
// comparable.
type guardSet struct {
	bySQL                   map[string]string
	versionedResourceInsert string
}
