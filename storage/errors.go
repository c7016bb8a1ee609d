package storage

import "errors"

// Sentinel errors every Store implementation returns, wrapped or not, so that
// callers can match them with errors.Is whatever the backing database.
var (
	// ErrNotFound reports that the record does not exist, or belongs to
	// another account: tenants never learn about each other's records.
	ErrNotFound = errors.New("storage: not found")
	// ErrDuplicate reports that a record with the same unique key already
	// exists, including one committed by a concurrent transaction.
	ErrDuplicate = errors.New("storage: duplicate key")
	// ErrTxDone reports use of a Tx after its InTx call returned.
	ErrTxDone = errors.New("storage: transaction already finished")
	// ErrNestedTx reports an InTx call made from inside another InTx of the
	// same store; operations compose by passing the Tx along instead.
	ErrNestedTx = errors.New("storage: nested transaction")
	// ErrInvalidRecord reports a record that breaks a rule the store enforces
	// (an empty id, an unknown enum value, a negative limit).
	ErrInvalidRecord = errors.New("storage: invalid record")
)
