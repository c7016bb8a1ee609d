// Package faultstore wraps any storage.Store so that one chosen storage call
// fails: the k-th call returns an injected error, or has its context
// cancelled, and every other call goes through unchanged.
//
// Calls are counted at two levels: every Store.InTx, and every repository
// method called through a Tx the wrapper hands out (tx.Orders().Create,
// tx.Ledger().Append, …). Accessors such as tx.Orders() are not calls.
//
// Running an operation once for every k from 1 until it no longer reaches
// k puts a fault at every storage step it takes, which is how a caller
// proves that the operation is never left half-done and that a retry
// completes it exactly once:
//
//	fs := faultstore.New(memory.New())
//	// … set up through fs …
//	fs.FailAt(k)
//	_, err := op(ctx)
//	f, fired := fs.Injected() // fired is false once k is past the last call
//	fs.Reset()
//
// A host testing its own store can wrap it the same way. A Store is safe for
// concurrent use; with several goroutines calling at once, which call is the
// k-th is decided by the order in which they reach the wrapper.
package faultstore

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/cloudbill/cloudbill/storage"
)

// ErrInjected is the error a Store armed with FailAt returns from the faulted
// call (wrapped with the call's number and name; match it with errors.Is).
var ErrInjected = errors.New("faultstore: injected fault")

// Mode says what a Store does at the faulted call.
type Mode int

const (
	// Fail returns ErrInjected without calling the wrapped store.
	Fail Mode = iota + 1
	// Cancel cancels the context of the faulted call — that of its
	// transaction, and the caller's when CancelAt was given its cancel
	// function — and returns the context's error without calling the
	// wrapped store.
	Cancel
)

// String names the mode ("fail", "cancel").
func (m Mode) String() string {
	switch m {
	case Fail:
		return "fail"
	case Cancel:
		return "cancel"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// Fault describes a fault a Store injected.
type Fault struct {
	// Call is the number of the faulted call, counted from the arming.
	Call int
	// Op names it: "InTx" or "Repository.Method" ("Orders.Create").
	Op string
	// Nth says which call of Op it was since the arming: 1 for the first.
	Nth int
	// Mode is what was done to it.
	Mode Mode
}

// String describes the fault ("fail at call 7 (Orders.Create)").
func (f Fault) String() string { return fmt.Sprintf("%s at call %d (%s)", f.Mode, f.Call, f.Op) }

// Store is a storage.Store that forwards to another one and injects at most
// one fault per arming. The zero value is not usable; call New.
type Store struct {
	inner storage.Store

	mu       sync.Mutex
	calls    int                // calls since the last arming or Reset
	byOp     map[string]int     // the same, by operation name
	at       int                // the call to fault; 0 when disarmed
	mode     Mode               // what to do at call at
	cancel   context.CancelFunc // the caller's cancel function (Cancel mode)
	injected Fault              // the fault injected since the arming
	fired    bool
}

var _ storage.Store = (*Store)(nil)

// New returns a disarmed Store forwarding to inner: until FailAt or CancelAt
// it only counts calls.
func New(inner storage.Store) *Store { return &Store{inner: inner} }

// Unwrap returns the wrapped store, for reads that must neither be counted
// nor faulted.
func (s *Store) Unwrap() storage.Store { return s.inner }

// FailAt restarts counting and arms the store to return ErrInjected from the
// k-th call from now (k ≥ 1; a smaller k disarms it). Later calls behave
// normally.
func (s *Store) FailAt(k int) { s.arm(k, Fail, nil) }

// CancelAt restarts counting and arms the store to cancel the context of the
// k-th call from now (k ≥ 1; a smaller k disarms it) and return the
// context's error. The wrapper can only cancel contexts it derived itself
// (the transaction's, which every repository call of it inherits); pass the
// cancel function of the caller's context as cancel to cancel that one as
// well, as when the client of a request goes away: the rest of the caller's
// work then sees a cancelled context too. cancel may be nil. Later calls are
// forwarded normally (and fail on their own if their context is done).
func (s *Store) CancelAt(k int, cancel context.CancelFunc) { s.arm(k, Cancel, cancel) }

// Reset disarms the store and restarts counting.
func (s *Store) Reset() { s.arm(0, 0, nil) }

func (s *Store) arm(k int, mode Mode, cancel context.CancelFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls, s.at, s.mode, s.cancel = 0, max(k, 0), mode, cancel
	clear(s.byOp)
	s.injected, s.fired = Fault{}, false
}

// Calls returns how many calls were made since the last arming or Reset.
func (s *Store) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// Injected returns the fault injected since the last arming, and false when
// none was (the armed call was not reached, or the store is disarmed).
func (s *Store) Injected() (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.injected, s.fired
}

// step counts one call named op with context ctx and returns the error to
// inject, or nil to let the call through. cancelTx cancels the
// transaction the call belongs to (nil for InTx itself).
func (s *Store) step(ctx context.Context, op string, cancelTx context.CancelFunc) error {
	s.mu.Lock()
	s.calls++
	if s.byOp == nil {
		s.byOp = map[string]int{}
	}
	s.byOp[op]++
	hit := s.at > 0 && s.calls == s.at
	if !hit {
		s.mu.Unlock()
		return nil
	}
	f := Fault{Call: s.calls, Op: op, Nth: s.byOp[op], Mode: s.mode}
	cancel := s.cancel
	s.injected, s.fired, s.at, s.cancel = f, true, 0, nil
	s.mu.Unlock()

	if f.Mode == Fail {
		return fmt.Errorf("%w: call %d (%s)", ErrInjected, f.Call, f.Op)
	}
	if cancel != nil {
		cancel()
	}
	if cancelTx != nil {
		cancelTx()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// ctx is not one the wrapper or the caller could cancel (a
	// context.Background passed straight in): report what a cancelled one
	// would have.
	return context.Canceled
}

// InTx counts itself as one call, then runs fn in a transaction of the
// wrapped store with a Tx whose repository calls are counted too. The
// context fn receives is derived from one the wrapper can cancel.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context, tx storage.Tx) error) error {
	if err := s.step(ctx, "InTx", nil); err != nil {
		return err
	}
	txCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	return s.inner.InTx(txCtx, func(ctx context.Context, inner storage.Tx) error {
		return fn(ctx, wrapTx(&tx{s: s, inner: inner, cancel: cancel}))
	})
}

// tx wraps one transaction of the wrapped store.
type tx struct {
	s      *Store
	inner  storage.Tx
	cancel context.CancelFunc
}

// Savepoint counts itself as one call, then runs fn in a savepoint of the
// wrapped transaction with a Tx whose calls are counted too.
func (t *tx) Savepoint(ctx context.Context, fn func(ctx context.Context, tx storage.Tx) error) error {
	if err := t.step(ctx, "Savepoint"); err != nil {
		return err
	}
	return t.inner.Savepoint(ctx, func(ctx context.Context, inner storage.Tx) error {
		return fn(ctx, wrapTx(&tx{s: t.s, inner: inner, cancel: t.cancel}))
	})
}

// ReadAhead passes the reads on to the wrapped transaction
// (storage.ReadAhead). It changes no call's result, so it is not a step
// where a fault can fire; a fault at a later call leaves the reads unused,
// which the wrapped store handles.
func (t *tx) ReadAhead(ctx context.Context, reads ...storage.Read) {
	storage.ReadAhead(ctx, t.inner, reads...)
}

// step counts a repository call of the transaction.
func (t *tx) step(ctx context.Context, op string) error { return t.s.step(ctx, op, t.cancel) }

func (t *tx) Accounts() storage.Accounts           { return accounts{t, t.inner.Accounts()} }
func (t *tx) Idempotency() storage.Idempotency     { return idempotency{t, t.inner.Idempotency()} }
func (t *tx) Audit() storage.Audit                 { return audit{t, t.inner.Audit()} }
func (t *tx) Ledger() storage.Ledger               { return ledger{t, t.inner.Ledger()} }
func (t *tx) Payments() storage.Payments           { return payments{t, t.inner.Payments()} }
func (t *tx) GatewayEvents() storage.GatewayEvents { return gatewayEvents{t, t.inner.GatewayEvents()} }
func (t *tx) LinkedAccounts() storage.LinkedAccounts {
	return linkedAccounts{t, t.inner.LinkedAccounts()}
}
func (t *tx) PaymentLinks() storage.PaymentLinks { return paymentLinks{t, t.inner.PaymentLinks()} }
func (t *tx) Coupons() storage.Coupons           { return coupons{t, t.inner.Coupons()} }
func (t *tx) Redemptions() storage.Redemptions   { return redemptions{t, t.inner.Redemptions()} }
func (t *tx) Orders() storage.Orders             { return orders{t, t.inner.Orders()} }
func (t *tx) Resources() storage.Resources       { return resources{t, t.inner.Resources()} }
func (t *tx) Invoices() storage.Invoices         { return invoices{t, t.inner.Invoices()} }
func (t *tx) Actions() storage.Actions           { return actions{t, t.inner.Actions()} }
func (t *tx) Outbox() storage.Outbox             { return outbox{t, t.inner.Outbox()} }
func (t *tx) Usage() storage.Usage               { return usage{t, t.inner.Usage()} }
func (t *tx) Jobs() storage.Jobs                 { return jobs{t, t.inner.Jobs()} }
func (t *tx) EInvoices() storage.EInvoices       { return einvoices{t, t.inner.EInvoices()} }
