package storage

import "context"

// deferWritesKey marks a context made by DeferWrites.
type deferWritesKey struct{}

// DeferWrites returns a copy of ctx under which a Store may hold back the
// writes made with it inside a transaction and send them together with the
// transaction's next statement or its commit, to save round trips to a
// database server. The atomicity of InTx is unchanged: everything written
// commits together or not at all.
//
// What changes is when a held-back write's failure is seen: not by the
// write's own call, which returns nil once the record passed the checks made
// without the database, but by a later call of the same transaction (any
// call that reaches the database; its error then wraps the write's), by the
// Savepoint the write was made in, or by InTx itself — and the transaction
// then fails and rolls back as a whole. A held-back write that returns a
// record returns it without what only the database assigns (a ledger
// entry's Seq is 0). Use it only for writes whose failure the caller would
// not handle other than by failing the transaction, and do not change what
// such a write was given (slices, maps, documents) until the transaction
// ends. One write is the exception: a held-back Idempotency Insert that
// loses its key reports ErrDuplicate by the next call and leaves the
// transaction usable, so that the caller can then Get the record it lost
// to.
//
// Stores that apply every write at once (the memory store) ignore it.
func DeferWrites(ctx context.Context) context.Context {
	if WritesDeferred(ctx) {
		return ctx
	}
	return context.WithValue(ctx, deferWritesKey{}, true)
}

// WritesDeferred reports whether ctx was made by DeferWrites: a Store may
// then hold back a write made with it (see DeferWrites).
func WritesDeferred(ctx context.Context) bool {
	v, _ := ctx.Value(deferWritesKey{}).(bool)
	return v
}
