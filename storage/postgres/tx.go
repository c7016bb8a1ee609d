package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cloudbill/cloudbill/storage"
)

// rollbackTimeout bounds the rollback that runs after fn failed or ctx ended.
const rollbackTimeout = 5 * time.Second

// attempt runs fn once in its own transaction. code is the SQLSTATE when the
// database aborted the transaction in a way that makes rerunning fn safe.
func (s *Store) attempt(ctx context.Context, fn func(ctx context.Context, tx storage.Tx) error) (code string, err error) {
	ptx, err := s.pool.BeginTx(ctx, s.txOptions)
	if err != nil {
		err = wrapErr("begin transaction", err)
		code, _ = retryCode(err)
		return code, err
	}
	t := &tx{s: s, pg: ptx}
	defer func() {
		if p := recover(); p != nil {
			t.done.Store(true)
			s.rollback(ctx, ptx)
			panic(p)
		}
	}()

	err = fn(context.WithValue(ctx, txMarker{s}, true), t)
	t.done.Store(true)
	if err != nil {
		s.rollback(ctx, ptx)
		if c, ok := retryCode(err); ok {
			return c, err
		}
		// fn may have swallowed the abort and failed for another reason;
		// its conclusion rested on a dead transaction, so it reruns.
		return t.abortCode, err
	}
	if err := ctx.Err(); err != nil {
		s.rollback(ctx, ptx)
		return "", fmt.Errorf("postgres: transaction not committed: %w", err)
	}
	if err := ptx.Commit(ctx); err != nil {
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
	return "", nil
}

// rollback ends ptx when fn failed, panicked or ctx ended. It runs on a
// context that keeps ctx's values but not its cancellation, because a
// rollback started on a cancelled context would not reach the server and the
// connection would be thrown away rather than returned to the pool.
func (s *Store) rollback(ctx context.Context, ptx pgx.Tx) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
	defer cancel()
	if err := ptx.Rollback(rctx); err != nil && !errors.Is(err, pgx.ErrTxClosed) {
		s.cfg.log.LogAttrs(ctx, slog.LevelDebug, "postgres: rollback failed", slog.String("error", err.Error()))
	}
}

// tx is the storage.Tx handed to fn. It is used by one goroutine at a time;
// done is atomic only so that a Tx leaked to another goroutine reports
// ErrTxDone rather than racing.
type tx struct {
	s    *Store
	pg   pgx.Tx
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

// Savepoint runs fn in a SAVEPOINT (pgx's Begin on a transaction): a
// failure of fn rolls back to it, which undoes fn's statements and
// releases the row locks they took, and leaves the transaction usable.
// See storage.Tx for the contract.
func (t *tx) Savepoint(ctx context.Context, fn func(ctx context.Context, tx storage.Tx) error) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	sp, err := t.pg.Begin(ctx)
	if err != nil {
		return t.fail("savepoint", err)
	}
	nested := &tx{s: t.s, pg: sp}
	err = fn(ctx, nested)
	nested.done.Store(true)
	if err != nil {
		if rerr := sp.Rollback(ctx); rerr != nil {
			// The transaction is now unusable: an abort seen inside is the
			// transaction's, so that InTx can run it again.
			if t.abortCode == "" {
				t.abortCode = nested.abortCode
			}
			return errors.Join(err, t.fail("rollback to savepoint", rerr))
		}
		return err
	}
	if err := sp.Commit(ctx); err != nil {
		if t.abortCode == "" {
			t.abortCode = nested.abortCode
		}
		return t.fail("release savepoint", err)
	}
	return nil
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
