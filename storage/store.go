package storage

import "context"

// Store is the unit of work: the only way to read or write billing records.
//
// Implementations must be safe for concurrent use by any number of goroutines
// (and, for shared databases, processes).
type Store interface {
	// InTx runs fn inside one transaction and commits if fn returns nil.
	//
	// Contract:
	//   - Everything written through tx commits atomically when fn returns nil;
	//     if fn returns an error (or panics, or ctx ends before commit), nothing
	//     written through tx is visible to anyone, and InTx returns that error
	//     (the panic is re-raised after rollback).
	//   - Reads through tx see tx's own writes.
	//   - Methods named ...ForUpdate lock the record until the transaction
	//     ends, so that read-modify-write cycles on it are never lost.
	//   - fn may run more than once when the store retries a transaction the
	//     database aborted (serialization failure, deadlock); fn must therefore
	//     have no effects outside tx. Calling a payment gateway or a host hook
	//     from inside fn is a bug.
	//   - tx must not be used after InTx returns (ErrTxDone), nor shared with
	//     other goroutines, and InTx must not be called from inside fn
	//     (ErrNestedTx where the store can detect it).
	InTx(ctx context.Context, fn func(ctx context.Context, tx Tx) error) error
}

// Tx gives access to the repositories inside one transaction. Each later
// capability of the library adds its repository here, and every Store must
// implement all of them (the conformance suite checks each).
type Tx interface {
	// Accounts stores billing accounts.
	Accounts() Accounts
	// Idempotency stores the first result of each idempotent operation.
	Idempotency() Idempotency
	// Audit stores the append-only audit trail of operator actions.
	Audit() Audit
	// Ledger stores the double-entry journal and the balance cache.
	Ledger() Ledger
	// Payments stores payments.
	Payments() Payments
	// GatewayEvents deduplicates applied gateway callbacks.
	GatewayEvents() GatewayEvents
	// LinkedAccounts stores customers' linked payment methods.
	LinkedAccounts() LinkedAccounts
	// PaymentLinks stores shareable payment links.
	PaymentLinks() PaymentLinks
	// Coupons stores coupon definitions.
	Coupons() Coupons
	// Redemptions stores coupon redemptions.
	Redemptions() Redemptions
	// Orders stores checkouts.
	Orders() Orders
	// Resources stores purchased resources, indexed by next due time.
	Resources() Resources
	// Invoices stores invoices and credit notes and allocates their numbers.
	Invoices() Invoices
	// Actions stores the action log.
	Actions() Actions
	// Outbox stores events to the host until they are delivered.
	Outbox() Outbox
	// Savepoint runs fn as a nested unit of the transaction, so that one
	// item of a batch can fail without failing the others. fn gets a Tx
	// on the same transaction (it sees everything written before). When
	// fn returns nil, its writes stay in the transaction and commit or
	// roll back with it. When fn returns an error, everything written
	// through the nested Tx is undone (locks it took may be released)
	// and the transaction goes on as if fn had not run; Savepoint then
	// returns fn's error, joined with the store's when the undo itself
	// failed — after which the transaction can no longer commit, and
	// InTx reports that. The nested Tx must not be used after fn
	// returns (ErrTxDone where the store can detect it); a panic in fn
	// rolls back the whole transaction, as InTx does.
	Savepoint(ctx context.Context, fn func(ctx context.Context, tx Tx) error) error

	// Usage stores metered usage events, each id claimed once per account
	// in the same transaction as its write.
	Usage() Usage

	// EInvoices stores legal e-invoices and their submission status.
	EInvoices() EInvoices
	// Jobs stores scheduled account-level work, claimed by due time.
	Jobs() Jobs
}
