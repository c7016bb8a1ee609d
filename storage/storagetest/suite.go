// Package storagetest is the conformance suite for storage.Store
// implementations. Every store Cloudbill ships runs it, and a host that
// brings its own store runs it too:
//
//	func TestConformance(t *testing.T) {
//		storagetest.Run(t, func(t *testing.T) storage.Store { return mystore.New(t) })
//	}
//
// Each part of the contract is also its own exported test (Tx, Accounts,
// Ledger, …, listed by Areas), so a host can run and read one area at a
// time while building its store.
//
// newStore must return an empty, independent store each time it is called
// (a fresh schema or database for stores backed by a server).
package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/cloudbill/cloudbill/storage"
)

// NewStore returns a fresh, empty store for one test. It may register
// cleanups with t.Cleanup.
type NewStore func(t *testing.T) storage.Store

// Options tunes the suite for a store.
type Options struct {
	// Parallelism is the number of goroutines the race tests start
	// (default 16). Stores backed by a server raise it to stress locking.
	Parallelism int
}

// Run runs every behaviour of the storage contract as subtests of t.
func Run(t *testing.T, newStore NewStore) { RunWithOptions(t, newStore, Options{}) }

// RunWithOptions is Run with tuning options.
func RunWithOptions(t *testing.T, newStore NewStore, opts Options) {
	for _, area := range Areas() {
		t.Run(area.Name, func(t *testing.T) { area.Test(t, newStore, opts) })
	}
}

// Area is one part of the storage contract with the test of every
// behaviour in it. A host implementing the contract step by step runs the
// areas it has, one at a time:
//
//	func TestLedger(t *testing.T) { storagetest.Ledger(t, newMyStore, storagetest.Options{}) }
type Area struct {
	// Name is the subtest name Run gives the area.
	Name string
	// Test runs the area's behaviours as subtests of t.
	Test func(t *testing.T, newStore NewStore, opts Options)
}

// Areas lists the parts of the contract in the order Run tests them.
func Areas() []Area {
	return []Area{
		{"Tx", Tx}, {"Accounts", Accounts}, {"Idempotency", Idempotency}, {"Audit", Audit},
		{"Ledger", Ledger}, {"Payments", Payments}, {"Orders", Orders}, {"Resources", Resources},
		{"Claims", Claims}, {"TypedRecords", TypedRecords}, {"Usage", Usage}, {"Jobs", Jobs},
		{"Batches", Batches}, {"EInvoices", EInvoices}, {"Refunds", Refunds}, {"DeferredWrites", DeferredWrites},
		{"ReadAhead", ReadAhead},
	}
}

// newSuite fills in the defaults of opts.
func newSuite(newStore NewStore, opts Options) suite {
	if opts.Parallelism <= 0 {
		opts.Parallelism = 16
	}
	return suite{newStore: newStore, opts: opts}
}

// Tx tests the unit of work: a failed or panicking transaction undoes all
// its writes, a cancelled context commits nothing, a Tx cannot be used
// after its transaction, and reads see the transaction's own writes.
func Tx(t *testing.T, newStore NewStore, opts Options) { newSuite(newStore, opts).testTx(t) }

// Accounts tests creating, reading and updating accounts, and that
// concurrent read-modify-write cycles are never lost.
func Accounts(t *testing.T, newStore NewStore, opts Options) {
	newSuite(newStore, opts).testAccounts(t)
}

// Idempotency tests claiming keys per account (exactly one of racing
// claims wins), storing and reading the first result, and copies.
func Idempotency(t *testing.T, newStore NewStore, opts Options) {
	newSuite(newStore, opts).testIdempotency(t)
}

// Audit tests the append-only audit log and its paging.
func Audit(t *testing.T, newStore NewStore, opts Options) { newSuite(newStore, opts).testAudit(t) }

// Ledger tests journal entries, balances, the non-negative rule under
// racing spenders, and that the cached balances agree with the postings.
func Ledger(t *testing.T, newStore NewStore, opts Options) { newSuite(newStore, opts).testLedger(t) }

// Payments tests payments, gateway events, linked accounts, payment links
// and the worker's due-payment queries.
func Payments(t *testing.T, newStore NewStore, opts Options) {
	newSuite(newStore, opts).testPayments(t)
}

// Orders tests coupons, redemptions (limits under racing checkouts) and
// orders.
func Orders(t *testing.T, newStore NewStore, opts Options) { newSuite(newStore, opts).testOrders(t) }

// Resources tests resources and the due index, invoices and gapless
// numbering, the action log and the outbox.
func Resources(t *testing.T, newStore NewStore, opts Options) {
	newSuite(newStore, opts).testResources(t)
}

// Claims tests what a worker needs to split due resources and isolate a
// failing one: ClaimDue gives concurrent claimers disjoint pages, and a
// failed Savepoint undoes only its own writes.
func Claims(t *testing.T, newStore NewStore, opts Options) { newSuite(newStore, opts).testClaims(t) }

// Usage tests the usage-event repository: each event id counted once per
// account across batches and racing senders, never claimed by a rolled-back
// insert, and listed by period with paging.
func Usage(t *testing.T, newStore NewStore, opts Options) { newSuite(newStore, opts).testUsage(t) }

// Jobs tests the scheduled-jobs repository: every field kept, Put
// replacing a job but its CreatedAt, Ensure creating once, tenant scoping,
// listing order, ClaimDue's due range, order and limits (and disjoint pages
// for concurrent claimers), validation, and rollback.
func Jobs(t *testing.T, newStore NewStore, opts Options) { newSuite(newStore, opts).testJobs(t) }

// EInvoices tests the e-invoice repository: every field kept and read back
// as a copy, the lookups by source and by document (oldest first), Update
// changing only what may change after issue, paging newest first, the
// three unique keys (id, source per account, number per series across
// accounts), validation, tenant scoping, racing creates and updates, and
// rollback.
func EInvoices(t *testing.T, newStore NewStore, opts Options) {
	newSuite(newStore, opts).testEInvoices(t)
}

// Batches tests the calls that lock or write many records at once
// (GetManyForUpdate, NextNumbers, CreateMany, AppendMany, PutMany,
// EnsureMany, UpdateMany): each does what its single-record call does for
// every record, checks them all before writing any, and reports a
// duplicate or missing record; locks and numbers hold under concurrency.
func Batches(t *testing.T, newStore NewStore, opts Options) { newSuite(newStore, opts).testBatches(t) }

// TypedRecords tests that every typed field of a resource, order, invoice,
// action and coupon comes back exactly as stored, and that reads are copies.
func TypedRecords(t *testing.T, newStore NewStore, opts Options) {
	newSuite(newStore, opts).testTypedRecords(t)
}

type suite struct {
	newStore NewStore
	opts     Options
}

// epoch is a fixed instant, truncated to microseconds because that is what
// SQL timestamps keep.
func epoch() time.Time { return time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC) }

// inTx runs fn in one transaction and fails the test on error.
func inTx(t *testing.T, s storage.Store, fn func(ctx context.Context, tx storage.Tx) error) {
	t.Helper()
	if err := s.InTx(context.Background(), fn); err != nil {
		t.Fatalf("InTx: %v", err)
	}
}

func newAccount(id string) storage.Account {
	return storage.Account{
		ID: id, Type: storage.Prepaid, Currency: "VND", TimeZone: "Asia/Ho_Chi_Minh",
		CreatedAt: epoch(), UpdatedAt: epoch(),
	}
}
