package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cloudbill/cloudbill/storage"
)

// rollbackTimeout bounds the rollback that runs after fn failed or ctx ended.
const rollbackTimeout = 5 * time.Second

// attempt runs fn once in its own transaction. code is the SQLSTATE when the
// database aborted the transaction in a way that makes rerunning fn safe.
// BEGIN goes out with fn's first statement and COMMIT with its last
// held-back writes (see pipe); a transaction that sent nothing ends without
// a round trip.
func (s *Store) attempt(ctx context.Context, fn func(ctx context.Context, tx storage.Tx) error) (code string, err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		err = wrapErr("begin transaction", err)
		code, _ = retryCode(err)
		return code, err
	}
	defer conn.Release()
	p := &pipe{conn: conn}
	p.begin(s.beginSQL)
	t := &tx{s: s, pg: p}
	defer func() {
		if r := recover(); r != nil {
			t.done.Store(true)
			s.rollback(ctx, p)
			panic(r)
		}
	}()

	err = fn(context.WithValue(ctx, txMarker{s}, true), t)
	t.done.Store(true)
	if p.ended {
		// Ended with its last reads, having written nothing: there is
		// nothing to commit or roll back. A write held back after them
		// could not be kept.
		if err == nil && len(p.queued) > 0 {
			err = errEnded()
		}
		p.queued = nil
		return "", err
	}
	if err != nil {
		s.rollback(ctx, p)
		if c, ok := retryCode(err); ok {
			return c, err
		}
		// fn may have swallowed the abort and failed for another reason;
		// its conclusion rested on a dead transaction, so it reruns.
		return t.abortCode, err
	}
	if err := ctx.Err(); err != nil {
		s.rollback(ctx, p)
		return "", fmt.Errorf("postgres: transaction not committed: %w", err)
	}
	if p.hasEarly() {
		// A held-back statement that only Go can check goes out before
		// COMMIT, so that its failure never lets the rest commit.
		if err := p.flush(ctx); err != nil {
			s.rollback(ctx, p)
			if c, ok := retryCode(err); ok {
				return c, err
			}
			return t.abortCode, err
		}
	}
	if p.sent && len(p.queued) == 0 {
		// Nothing held back: COMMIT alone, by the simple protocol, which
		// costs the client less than a batch of one.
		p.open = false
		tag, err := p.conn.Exec(ctx, "commit")
		if err == nil && isCommitRollback(tag) {
			err = pgx.ErrTxCommitRollback
		}
		return s.commitFailed(t, err)
	}
	held := len(p.queued) > 1 || (p.sent && len(p.queued) > 0)
	committing := false
	// A held-back write that fails is reported by its own check; COMMIT's
	// result is told apart by committing, set once the writes before it
	// passed.
	p.queue("commit", nil, func(tag pgconn.CommandTag, err error) error {
		committing = true
		if err == nil && isCommitRollback(tag) {
			return pgx.ErrTxCommitRollback
		}
		return err
	})
	if err := p.commit(ctx); err != nil {
		if !committing && held {
			// A held-back write failed: the server skipped COMMIT and the
			// transaction is aborted, as if fn had seen the failure.
			s.rollback(ctx, p)
			if c, ok := retryCode(err); ok {
				return c, err
			}
			return t.abortCode, err
		}
		return s.commitFailed(t, err)
	}
	return "", nil
}

// commitFailed classifies the failure err of t's COMMIT (nil: committed).
func (s *Store) commitFailed(t *tx, err error) (string, error) {
	if err == nil {
		return "", nil
	}
	err = wrapErr("commit", err)
	if c, ok := retryCode(err); ok {
		return c, err
	}
	if errors.Is(err, pgx.ErrTxCommitRollback) {
		// fn ignored a failed statement and returned nil; if that
		// failure was an abort, running fn again can succeed.
		return t.abortCode, err
	}
	// Any other commit failure (a lost connection) leaves the outcome
	// unknown, so it is never retried here.
	return "", err
}

// rollback ends the transaction of p when fn failed, panicked or ctx
// ended. It runs on a context that keeps ctx's values but not its
// cancellation, because a rollback started on a cancelled context would not
// reach the server and the connection would be thrown away rather than
// returned to the pool. A transaction whose BEGIN never left the client
// needs no statement.
func (s *Store) rollback(ctx context.Context, p *pipe) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
	defer cancel()
	if err := p.rollback(rctx); err != nil {
		s.cfg.log.LogAttrs(ctx, slog.LevelDebug, "postgres: rollback failed", slog.String("error", err.Error()))
	}
}

// tx is the storage.Tx handed to fn. It is used by one goroutine at a time;
// done is atomic only so that a Tx leaked to another goroutine reports
// ErrTxDone rather than racing.
type tx struct {
	s    *Store
	pg   *pipe
	done atomic.Bool
	// abortCode is the SQLSTATE of the first statement that failed because
	// the database aborted the transaction (40001, 40P01).
	abortCode string
}

// The repositories are values holding t: handing one out allocates
// nothing, and each checks t.done on every call (ErrTxDone after InTx).
func (t *tx) Accounts() storage.Accounts             { return accounts{t} }
func (t *tx) Idempotency() storage.Idempotency       { return idempotency{t} }
func (t *tx) Audit() storage.Audit                   { return audit{t} }
func (t *tx) Ledger() storage.Ledger                 { return ledger{t} }
func (t *tx) Payments() storage.Payments             { return payments{t} }
func (t *tx) GatewayEvents() storage.GatewayEvents   { return gatewayEvents{t} }
func (t *tx) LinkedAccounts() storage.LinkedAccounts { return linkedAccounts{t} }
func (t *tx) PaymentLinks() storage.PaymentLinks     { return paymentLinks{t} }
func (t *tx) Coupons() storage.Coupons               { return coupons{t} }
func (t *tx) Redemptions() storage.Redemptions       { return redemptions{t} }
func (t *tx) Orders() storage.Orders                 { return orders{t} }
func (t *tx) Resources() storage.Resources           { return resources{t} }
func (t *tx) Invoices() storage.Invoices             { return invoices{t} }
func (t *tx) Actions() storage.Actions               { return actions{t} }
func (t *tx) Outbox() storage.Outbox                 { return outbox{t} }
func (t *tx) Usage() storage.Usage                   { return usage{t} }
func (t *tx) Jobs() storage.Jobs                     { return jobs{t} }
func (t *tx) EInvoices() storage.EInvoices           { return einvoices{t} }

// Savepoint runs fn in a SAVEPOINT: a failure of fn rolls back to it,
// which undoes fn's statements and releases the row locks they took, and
// leaves the transaction usable. The SAVEPOINT is queued like a held-back
// write; fn's held-back writes are sent with the RELEASE, so that their
// failure is fn's and rolls back to the savepoint too. When nothing of fn
// reached the server, dropping what it queued is the rollback. See
// storage.Tx for the contract.
func (t *tx) Savepoint(ctx context.Context, fn func(ctx context.Context, tx storage.Tx) error) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	p := t.pg
	// An update inside the savepoint is never folded into an insert made
	// before it, nor one after it into an insert made inside it.
	p.forgetHeld()
	defer p.forgetHeld()
	p.savepoints++
	name := fmt.Sprintf("sp_%d", p.savepoints)
	mark := len(p.queued)
	p.queue("savepoint "+name, nil, plainDone)
	nested := &tx{s: t.s, pg: p}
	err := fn(ctx, nested)
	nested.done.Store(true)
	if err == nil {
		p.queue("release savepoint "+name, nil, plainDone)
		if err = p.flush(ctx); err == nil {
			return nil
		}
		err = nested.fail("release savepoint", err)
	}
	if len(p.queued) > mark && p.queued[mark].sql == "savepoint "+name {
		// The savepoint itself is still queued: nothing of fn was sent.
		p.queued = p.queued[:mark]
		return err
	}
	// fn's, never sent; what came before the savepoint went out with it.
	p.queued = p.queued[:0]
	// One message by the simple protocol: in an aborted transaction the
	// server parses nothing but the statements that end it or roll back
	// to a savepoint, so RELEASE must not be prepared before it runs.
	if _, rerr := p.conn.Exec(ctx, "rollback to savepoint "+name+"; release savepoint "+name); rerr != nil {
		// The transaction is now unusable: an abort seen inside is the
		// transaction's, so that InTx can run it again.
		if t.abortCode == "" {
			t.abortCode = nested.abortCode
		}
		return errors.Join(err, t.fail("rollback to savepoint", rerr))
	}
	return err
}

// check reports whether the transaction may still be used.
func (t *tx) check(ctx context.Context) error {
	if t.done.Load() {
		return storage.ErrTxDone
	}
	return ctx.Err()
}

// fail wraps a statement's error and remembers whether it aborted the
// transaction in a retryable way.
func (t *tx) fail(op string, err error) error {
	if c, ok := retryCode(err); ok && t.abortCode == "" {
		t.abortCode = c
	}
	return wrapErr(op, err)
}

// write runs a write whose only answer is its command tag, or holds it
// back when ctx defers writes (storage.DeferWrites): then it goes out,
// guarded (see guardOne), with the transaction's next statement or its
// COMMIT, and its error is reported there. check maps the tag and the
// server's error to the write's own error; zero is that error when a held
// back write changed too few rows.
func (t *tx) write(ctx context.Context, sql string, args []any, check func(pgconn.CommandTag, error) error, zero func() error) error {
	if storage.WritesDeferred(ctx) {
		t.pg.queue(t.s.guarded.bySQL[sql], args, func(tag pgconn.CommandTag, err error) error {
			switch {
			case guardFailed(err):
				return zero()
			case err != nil:
				return check(tag, err)
			}
			return nil // the guard passed: enough rows changed
		})
		return nil
	}
	tag, err := t.pg.Exec(ctx, sql, args...)
	return check(tag, err)
}

// create runs or holds back an insert that skips a taken key: no row is
// ErrDuplicate.
func (t *tx) create(ctx context.Context, op, sql string, args []any) error {
	return t.write(ctx, sql, args, func(tag pgconn.CommandTag, err error) error {
		if err != nil {
			return t.fail(op, err)
		}
		if tag.RowsAffected() == 0 {
			return duplicate(op)
		}
		return nil
	}, func() error { return duplicate(op) })
}

// update runs or holds back an update by key: no row is ErrNotFound.
func (t *tx) update(ctx context.Context, op, sql string, args []any) error {
	return t.write(ctx, sql, args, func(tag pgconn.CommandTag, err error) error {
		if err != nil {
			return t.fail(op, err)
		}
		if tag.RowsAffected() == 0 {
			return notFound(op)
		}
		return nil
	}, func() error { return notFound(op) })
}
