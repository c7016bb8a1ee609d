// Package storage is the persistence contract of Cloudbill: the records the
// library keeps, the repositories that read and write them, and the unit of
// work that makes one billing operation atomic.
//
// A Store runs a function inside one transaction (Store.InTx). Everything the
// function writes through the Tx it receives — accounts, idempotency records,
// audit records, ledger entries, payments, coupons, orders, resources,
// invoices, the action log and outbox events — commits together or not at
// all.
//
// Cloudbill ships two implementations, storage/memory (the embedded default)
// and storage/postgres. A host may bring its own; storage/storagetest is the
// conformance suite every implementation must pass:
//
//	func TestMyStore(t *testing.T) {
//		storagetest.Run(t, func(t *testing.T) storage.Store { return newMyStore(t) })
//	}
//
// Records are typed: states and kinds are the domain packages' types
// (lifecycle.State, order.Status, payment.Status, invoice.Status, …), money is
// money.Amount, and configurations, terms, quote lines, invoices and actions
// are their own types. A store keeps them as it likes — the memory store as Go
// values, PostgreSQL in columns and JSONB documents — but gives back exactly
// what it was given; the conformance suite's TypedRecords tests check every
// field.
//
// Repositories return copies: mutating a value read from a store, or one
// passed to it, never changes what the store holds.
package storage
