// Package memory is Cloudbill's embedded store: every billing record in
// process memory, behind the storage contract.
//
// It is the default for tests, examples and single-process hosts. It is safe
// for concurrent use; transactions are serialised by one lock (so every
// transaction is trivially serialisable and ...ForUpdate needs no extra
// locking), writes are undone on error, and values are copied in and out so
// callers never share memory with the store. Nothing survives the process.
package memory

import (
	"context"
	"fmt"
	"sync"

	"github.com/cloudbill/cloudbill/storage"
)

// Store is an in-memory storage.Store. The zero value is not usable; call New.
type Store struct {
	mu   sync.Mutex
	data *state
}

// state is everything the store holds. It is only touched with Store.mu held.
type state struct {
	// steps is the undo stack the last transaction left empty, kept for
	// the next (in state, not Store, so that Store stays comparable).
	steps     []undoStep
	accounts  *table[string, storage.Account]
	idem      *table[idemKey, storage.IdempotencyRecord]
	audit     map[string][]storage.AuditRecord // per account, in Seq order
	auditSeq  int64
	ledger    ledgerState
	payments  paymentState
	refunds   refundState
	orders    orderState
	resources resourceState
	usage     usageState
	jobs      jobState
	einvoices einvoiceState
}

type idemKey struct{ account, key string }

var _ storage.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	return &Store{data: &state{
		accounts:  newTable[string, storage.Account](),
		idem:      newTable[idemKey, storage.IdempotencyRecord](),
		audit:     map[string][]storage.AuditRecord{},
		ledger:    newLedgerState(),
		payments:  newPaymentState(),
		refunds:   newRefundState(),
		orders:    newOrderState(),
		resources: newResourceState(),
		usage:     newUsageState(),
		jobs:      newJobState(),
		einvoices: newEInvoiceState(),
	}}
}

// txMarker tags contexts that are inside one of this store's transactions, so
// a nested InTx fails fast with storage.ErrNestedTx instead of deadlocking.
type txMarker struct{ s *Store }

// InTx runs fn under the store's lock and undoes its writes if fn fails,
// panics, or ctx ends before it returns. See storage.Store for the contract.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context, tx storage.Tx) error) (err error) {
	if ctx.Value(txMarker{s}) != nil {
		return storage.ErrNestedTx
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := &tx{data: s.data, undo: s.data.steps[:0]}
	defer func() {
		if p := recover(); p != nil {
			t.rollback()
			s.keep(t)
			panic(p)
		}
	}()
	if err := fn(context.WithValue(ctx, txMarker{s}, true), t); err != nil {
		t.rollback()
		s.keep(t)
		return err
	}
	if err := ctx.Err(); err != nil {
		t.rollback()
		s.keep(t)
		return fmt.Errorf("memory: transaction not committed: %w", err)
	}
	t.commit()
	s.keep(t)
	return nil
}

// keep takes back the undo stack of the ended transaction t, emptied, for
// the next one.
func (s *Store) keep(t *tx) {
	if cap(t.steps) <= 16*maxKeptLog {
		s.data.steps = t.steps[:0]
	} else {
		s.data.steps = nil
	}
	t.steps = nil
}

// tx records an undo step for every write, so rollback restores the state
// exactly as it was when the transaction began.
type tx struct {
	data *state
	undo []undoStep
	// steps is undo's array once the transaction has ended, for the
	// store to keep.
	steps []undoStep
	done  bool
}

// rollback takes back every write, newest first, and ends t.
func (t *tx) rollback() {
	t.undoTo(0)
	t.end()
}

// commit keeps every write, emptying the tables' logs, and ends t.
func (t *tx) commit() {
	for i := len(t.undo) - 1; i >= 0; i-- {
		if tb := t.undo[i].tb; tb != nil {
			tb.forgetLast()
		}
	}
	clear(t.undo)
	t.end()
}

// undoTo takes back the writes logged after the first mark steps, newest
// first.
func (t *tx) undoTo(mark int) {
	for i := len(t.undo) - 1; i >= mark; i-- {
		if st := t.undo[i]; st.tb != nil {
			st.tb.undoLast()
		} else {
			st.fn()
		}
		t.undo[i] = undoStep{}
	}
	t.undo = t.undo[:mark]
}

// end marks t done and hands its (empty) undo stack over for reuse.
func (t *tx) end() {
	if !t.done {
		t.steps, t.undo = t.undo[:0], nil
	}
	t.done = true
}

// Savepoint runs fn on the same transaction and, when fn fails, undoes
// the steps recorded since it began: the undo log is a stack, so its tail
// is exactly what fn wrote. See storage.Tx for the contract.
func (t *tx) Savepoint(ctx context.Context, fn func(ctx context.Context, tx storage.Tx) error) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	mark := len(t.undo)
	if err := fn(ctx, t); err != nil {
		t.undoTo(mark)
		return err
	}
	return nil
}

// check reports whether the transaction may still be used.
func (t *tx) check(ctx context.Context) error {
	if t.done {
		return storage.ErrTxDone
	}
	return ctx.Err()
}

func (t *tx) Accounts() storage.Accounts       { return accounts{t} }
func (t *tx) Idempotency() storage.Idempotency { return idempotency{t} }
func (t *tx) Audit() storage.Audit             { return audit{t} }
func (t *tx) Ledger() storage.Ledger           { return ledger{t} }
func (t *tx) Payments() storage.Payments       { return payments{t} }
func (t *tx) GatewayEvents() storage.GatewayEvents {
	return gatewayEvents{t}
}
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
