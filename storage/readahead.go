package storage

import "context"

// ReadKind is the repository method a Read names.
type ReadKind uint8

// The reads a Tx may be asked to send ahead, each named after the
// repository method it stands for.
const (
	// ReadKindAccount is Accounts().Get(ID).
	ReadKindAccount ReadKind = iota + 1
	// ReadKindAccountForUpdate is Accounts().GetForUpdate(ID).
	ReadKindAccountForUpdate
	// ReadKindOrder is Orders().Get(AccountID, ID).
	ReadKindOrder
	// ReadKindOrderForUpdate is Orders().GetForUpdate(AccountID, ID).
	ReadKindOrderForUpdate
	// ReadKindInvoiceForUpdate is Invoices().GetForUpdate(AccountID, ID).
	ReadKindInvoiceForUpdate
	// ReadKindPayment is Payments().Get(AccountID, ID).
	ReadKindPayment
	// ReadKindBalances is Ledger().Balances(AccountID).
	ReadKindBalances
	// ReadKindResourcesByOrder is Resources().ListByOrder(AccountID, ID),
	// ID being the order's.
	ReadKindResourcesByOrder
)

// Read names one read of a transaction's repositories, with its arguments,
// for ReadAhead. A Read whose Kind a store does not know is ignored.
type Read struct {
	Kind      ReadKind
	AccountID string
	ID        string
}

// ReadAccount names Accounts().Get(id), or Accounts().GetForUpdate(id)
// when forUpdate is set.
func ReadAccount(id string, forUpdate bool) Read {
	if forUpdate {
		return Read{Kind: ReadKindAccountForUpdate, ID: id}
	}
	return Read{Kind: ReadKindAccount, ID: id}
}

// ReadOrder names Orders().Get(accountID, id), or Orders().GetForUpdate
// when forUpdate is set.
func ReadOrder(accountID, id string, forUpdate bool) Read {
	if forUpdate {
		return Read{Kind: ReadKindOrderForUpdate, AccountID: accountID, ID: id}
	}
	return Read{Kind: ReadKindOrder, AccountID: accountID, ID: id}
}

// ReadInvoiceForUpdate names Invoices().GetForUpdate(accountID, id).
func ReadInvoiceForUpdate(accountID, id string) Read {
	return Read{Kind: ReadKindInvoiceForUpdate, AccountID: accountID, ID: id}
}

// ReadPayment names Payments().Get(accountID, id).
func ReadPayment(accountID, id string) Read {
	return Read{Kind: ReadKindPayment, AccountID: accountID, ID: id}
}

// ReadBalances names Ledger().Balances(accountID).
func ReadBalances(accountID string) Read {
	return Read{Kind: ReadKindBalances, AccountID: accountID}
}

// ReadResourcesByOrder names Resources().ListByOrder(accountID, orderID).
func ReadResourcesByOrder(accountID, orderID string) Read {
	return Read{Kind: ReadKindResourcesByOrder, AccountID: accountID, ID: orderID}
}

// ReadAheader is a Tx that can send reads before they are made, several in
// one round trip to its database server.
//
// ReadAhead queues reads, in the order given, to go out with the
// transaction's next statement. A later call of the transaction's
// repositories that makes one of them, with the same arguments, before the
// transaction sends any other statement or holds back any write, returns
// what was read ahead, as the server answered at that point of the
// transaction, and costs no round trip; any other call first drops what
// was read ahead and not yet used, so no read ever returns a result older
// than the transaction's own writes. A read ahead that is never used costs
// the server its work, and a locking one (GetForUpdate) still takes its
// lock. Each result is used at most once.
type ReadAheader interface {
	ReadAhead(ctx context.Context, reads ...Read)
}

// lastReadsKey marks a context made by LastReads.
type lastReadsKey struct{}

// LastReads returns a copy of ctx under which ReadAhead also says that the
// reads it names are the last statements of the transaction. A store may
// then end a transaction that has written nothing in the same round trip
// as those reads — there is nothing to commit — and after that any call
// of the transaction other than those reads fails with ErrTxDone, and
// InTx returns what its function returns. A transaction that has written
// is not ended early: it commits as usual. Use it for a read-only
// transaction whose reads are all named, or for the reads a transaction
// makes after it found it had nothing to write (an idempotent replay).
func LastReads(ctx context.Context) context.Context {
	return context.WithValue(ctx, lastReadsKey{}, true)
}

// ReadsAreLast reports whether ctx was made by LastReads.
func ReadsAreLast(ctx context.Context) bool {
	v, _ := ctx.Value(lastReadsKey{}).(bool)
	return v
}

// ReadAhead asks tx to send reads ahead (see ReadAheader), in the order
// given, when tx can; it does nothing for a Tx that reads without a round
// trip (the memory store). What any call of tx returns is the same either
// way: only the number of round trips changes.
//
// Name a locking read first (the account's GetForUpdate) when the reads
// after it must see what the lock's earlier holder committed: the reads go
// out in order, each after the one before it has run.
func ReadAhead(ctx context.Context, tx Tx, reads ...Read) {
	if ra, ok := tx.(ReadAheader); ok && len(reads) > 0 {
		ra.ReadAhead(ctx, reads...)
	}
}
