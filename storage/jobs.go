package storage

import (
	"context"
	"time"
)

// JobKind names a recurring piece of account-level work the worker does
// on a schedule (automatic invoice payment, the credit hold, an overdue
// invoice's schedule, a month's close). The names are stored, so they
// never change; new kinds are only ever added.
type JobKind string

// MaxJobKeyLen bounds Job.Key and Job.Kind, in bytes.
const MaxJobKeyLen = 200

// Job is one scheduled piece of work: what (Kind, Key) for which account,
// when it is next due, and the progress its owner keeps between runs. A
// job is identified by (AccountID, Kind, Key); Key is "" for work that
// exists once per account and kind.
type Job struct {
	// AccountID is the tenant the job works for.
	AccountID string
	// Kind says what the job does.
	Kind JobKind
	// Key tells apart several jobs of one kind for one account (an
	// invoice id); "" when there is one.
	Key string
	// DueAt is when the job is next due; the worker claims jobs by it.
	DueAt time.Time
	// Step and Since are the job's progress, owned by its kind: how many
	// steps are done, and since when (for an overdue invoice: charge
	// attempts made and when its resources were suspended; for the credit
	// hold: consecutive short days and since when).
	Step  int
	Since time.Time
	// Attempts is how many runs in a row failed; LastError is the last
	// failure's reason. A run that succeeds clears both.
	Attempts  int
	LastError string
	// CreatedAt and UpdatedAt are set by the caller from its clock.
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Jobs is the repository of scheduled account-level work.
type Jobs interface {
	// Put stores j, replacing the job with the same (AccountID, Kind, Key)
	// if there is one (its CreatedAt is kept). AccountID and Kind are
	// required, Kind and Key at most MaxJobKeyLen bytes, DueAt not zero,
	// and every text (AccountID, Kind, Key, LastError) valid UTF-8 without
	// NUL; otherwise ErrInvalidRecord, and nothing changes.
	Put(ctx context.Context, j Job) error
	// Ensure stores j only if no job with its (AccountID, Kind, Key)
	// exists, and reports whether it did. An existing job is left as it
	// is. Validation as Put.
	Ensure(ctx context.Context, j Job) (created bool, err error)
	// PutMany is Put of each job in order, and EnsureMany Ensure of each
	// (jobs that exist already are left as they are). Every job is
	// validated first (ErrInvalidRecord changes nothing); another error
	// may leave some of them stored, so a caller ends its transaction (or
	// savepoint) on any error.
	PutMany(ctx context.Context, jobs []Job) error
	EnsureMany(ctx context.Context, jobs []Job) error
	// Get returns the job, or ErrNotFound.
	Get(ctx context.Context, accountID string, kind JobKind, key string) (Job, error)
	// Delete removes the job; a missing job is not an error.
	Delete(ctx context.Context, accountID string, kind JobKind, key string) error
	// List returns the account's jobs of kind ("" for every kind),
	// ordered by (Kind, Key).
	List(ctx context.Context, accountID string, kind JobKind) ([]Job, error)
	// ClaimDue returns up to limit (1–1000) jobs of any tenant with DueAt
	// at or before t, earliest first (then by AccountID, Kind, Key), and
	// locks them until the transaction ends, skipping jobs another
	// transaction holds locked, so that workers claiming at once get
	// disjoint pages. Its cost grows with the number of due jobs, not
	// with the number of jobs (stores index DueAt).
	ClaimDue(ctx context.Context, t time.Time, limit int) ([]Job, error)
}
