// Package storage is the persistence contract of Cloudbill: the records the
// library keeps, the repositories that read and write them, and the unit of
// work that makes one billing operation atomic.
//
// A Store runs a function inside one transaction (Store.InTx). Everything the
// function writes through the Tx it receives — accounts, idempotency records,
// audit records and, as the library grows, ledger entries, payments, invoices,
// resources and outbox events — commits together or not at all.
//
// Cloudbill ships two implementations, storage/memory (the embedded default)
// and storage/postgres. A host may bring its own; storage/storagetest is the
// conformance suite every implementation must pass:
//
//	func TestMyStore(t *testing.T) {
//		storagetest.Run(t, func(t *testing.T) storage.Store { return newMyStore(t) })
//	}
//
// Repositories return copies: mutating a value read from a store, or one
// passed to it, never changes what the store holds.
package storage
