package storage

import (
	"context"
	"time"
)

// IdempotencyRecord remembers the first request made with an idempotency key
// and, once it finished, its result. It is written in the same transaction as
// the operation's effect, so the two can never disagree.
type IdempotencyRecord struct {
	// AccountID and Key identify the record: keys are scoped per account.
	AccountID string
	Key       string
	// Operation names the library call ("account.create", …).
	Operation string
	// RequestHash is a digest of the canonical request; a second call with
	// the same key but a different hash is a conflict.
	RequestHash string
	// Response is the first result, encoded by the caller; nil until set.
	Response  []byte
	CreatedAt time.Time
}

// Idempotency is the repository of idempotency records.
type Idempotency interface {
	// Insert claims (AccountID, Key). If the pair exists — committed, or being
	// written by a concurrent transaction that later commits — Insert returns
	// ErrDuplicate: two transactions can never both claim one key. Stores
	// backed by a database block the second claimant until the first
	// finishes, so the loser can read the winner's result.
	Insert(ctx context.Context, r IdempotencyRecord) error
	// Get returns the record, or ErrNotFound.
	Get(ctx context.Context, accountID, key string) (IdempotencyRecord, error)
	// SetResponse stores the result of the operation that claimed the key.
	// Unknown pair returns ErrNotFound.
	SetResponse(ctx context.Context, accountID, key string, response []byte) error
}
