package core

// Linked account statuses as stored.
const (
	LinkPending = "pending"
	LinkActive  = "active"
	LinkFailed  = "failed"
	LinkRemoved = "removed"
)
