package billing

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cloudbill/cloudbill/storage"
)

// ErrNotReady is what Check returns, wrapped with the reasons, when the
// System cannot serve: its store unreachable or its schema behind the
// build.
var ErrNotReady = errors.New("billing: not ready")

// Readiness is what Check found, for a readiness probe and a dashboard.
type Readiness struct {
	// StoreReachable is true when a transaction on the store committed.
	StoreReachable bool
	// StoreError says why it did not (empty when it did).
	StoreError string
	// Migrations is the schema's status when the store's schema is
	// versioned (storage.MigrationReporter: storage/postgres); nil for a
	// store without one (storage/memory) or one that cannot say.
	Migrations *storage.MigrationStatus
	// MigrationsCurrent is true when every migration the build ships is
	// applied, or the store has no schema to migrate.
	MigrationsCurrent bool
	// OutboxMeasured is true when the store's outbox reports its backlog
	// (storage.OutboxBacklogger; both stores of this module do), and the
	// two fields after it are then filled.
	OutboxMeasured bool
	// UndeliveredEvents counts the outbox events not delivered yet.
	UndeliveredEvents int64
	// OldestUndeliveredAge is how long the oldest undelivered event has
	// waited, by Config.Clock; 0 when every event is delivered. A rising
	// age means no worker delivers, or the EventHandler keeps failing.
	OldestUndeliveredAge time.Duration
	// CheckedAt is when Check ran, by Config.Clock.
	CheckedAt time.Time
}

// Ready reports whether the System can serve: its store reachable and its
// schema current. The outbox's age is for alerting, never for readiness:
// a backlog is work for the worker, not a reason to stop serving.
func (r Readiness) Ready() bool { return r.StoreReachable && r.MigrationsCurrent }

// Check is a readiness check: it runs one short transaction on the store
// (reading the outbox's backlog when the store can measure it), reads the
// schema's migration status when the store has one, and returns what it
// found. The error is nil exactly when Ready; otherwise it wraps
// ErrNotReady with the reasons (the store's error, the pending
// migrations). A canceled ctx is reported as an unreachable store. Check
// writes nothing and takes no lock, so a probe may call it every few
// seconds.
func (s *System) Check(ctx context.Context) (_ Readiness, err error) {
	ctx, op := s.env.Tel.Start(ctx, "Check")
	defer op.End(&err)
	r := Readiness{CheckedAt: s.env.Now(), MigrationsCurrent: true}
	var reasons []string
	var cause error // the store's error, kept in the chain
	var backlog storage.OutboxBacklog
	err = s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		b, ok := tx.Outbox().(storage.OutboxBacklogger)
		if !ok {
			return nil
		}
		var err error
		backlog, err = b.Backlog(ctx)
		r.OutboxMeasured = err == nil
		return err
	})
	if err != nil {
		r.StoreError = err.Error()
		r.OutboxMeasured = false
		cause = err
		reasons = append(reasons, "store unreachable")
	} else {
		r.StoreReachable = true
	}
	if r.OutboxMeasured {
		s.env.Tel.OutboxBacklog(ctx, backlog, r.CheckedAt)
		r.UndeliveredEvents = backlog.Undelivered
		if !backlog.OldestCreatedAt.IsZero() {
			r.OldestUndeliveredAge = max(0, r.CheckedAt.Sub(backlog.OldestCreatedAt))
		}
	}
	if m, ok := s.env.Store.(storage.MigrationReporter); ok && r.StoreReachable {
		st, err := m.MigrationStatus(ctx)
		switch {
		case err != nil:
			r.MigrationsCurrent = false
			reasons = append(reasons, "migration status unknown: "+err.Error())
		default:
			r.Migrations = &st
			r.MigrationsCurrent = st.Current()
			if !st.Current() {
				reasons = append(reasons, fmt.Sprintf("schema at version %d, %d migrations pending (latest %d)", st.Version, len(st.Pending), st.Latest))
			}
		}
	}
	if !r.StoreReachable {
		r.MigrationsCurrent = false
	}
	if len(reasons) > 0 {
		if cause != nil {
			return r, fmt.Errorf("%w: %s: %w", ErrNotReady, strings.Join(reasons, "; "), cause)
		}
		return r, fmt.Errorf("%w: %s", ErrNotReady, strings.Join(reasons, "; "))
	}
	return r, nil
}
