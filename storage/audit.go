package storage

import (
	"context"
	"time"
)

// AuditRecord is one entry of an account's append-only audit trail: who did
// what to the account, when, and with what details.
type AuditRecord struct {
	// Seq is assigned by the store on Append: increasing per store, so that
	// it orders an account's records and serves as a pagination cursor.
	Seq       int64  `json:"seq"`
	AccountID string `json:"account_id"`
	// Actor identifies who acted (an operator, "system", a host user id).
	Actor string `json:"actor"`
	// Action names what happened ("account.type_changed", …).
	Action string `json:"action"`
	// Detail holds the action's data (old and new values) as JSON.
	Detail []byte    `json:"detail,omitempty"`
	At     time.Time `json:"at"`
}

// Audit is the repository of audit records.
type Audit interface {
	// Append stores r and returns it with Seq assigned. Records are never
	// updated or deleted.
	Append(ctx context.Context, r AuditRecord) (AuditRecord, error)
	// List returns up to limit of the account's records with Seq > afterSeq,
	// in increasing Seq order. limit must be 1–1000 (ErrInvalidRecord).
	List(ctx context.Context, accountID string, afterSeq int64, limit int) ([]AuditRecord, error)
}
