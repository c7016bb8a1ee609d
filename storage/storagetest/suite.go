// Package storagetest is the conformance suite for storage.Store
// implementations. Every store Cloudbill ships runs it, and a host that
// brings its own store runs it too:
//
//	func TestConformance(t *testing.T) {
//		storagetest.Run(t, func(t *testing.T) storage.Store { return mystore.New(t) })
//	}
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
	if opts.Parallelism <= 0 {
		opts.Parallelism = 16
	}
	s := suite{newStore: newStore, opts: opts}
	t.Run("Tx", s.testTx)
	t.Run("Accounts", s.testAccounts)
	t.Run("Idempotency", s.testIdempotency)
	t.Run("Audit", s.testAudit)
	t.Run("Ledger", s.testLedger)
	t.Run("Payments", s.testPayments)
	t.Run("Orders", s.testOrders)
	t.Run("Resources", s.testResources)
	t.Run("TypedRecords", s.testTypedRecords)
	t.Run("Usage", s.testUsage)
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
