package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cloudbill/cloudbill/storage"
)

// jobQueries are the statements of the jobs repository.
type jobQueries struct {
	put, ensure, get, del string
	// putMany and ensureMany are put and ensure of many jobs in one
	// statement, the columns as arrays.
	putMany, ensureMany string
	// list is indexed by [narrowed to one kind].
	list     [2]string
	claimDue string
}

const jobColumns = "account_id, kind, key, due_at, step, since, attempts, last_error, created_at, updated_at"

func newJobQueries(t tables) jobQueries {
	r := strings.NewReplacer("{jobs}", t.jobs, "{cols}", jobColumns)
	const rows = `SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::bigint[],
		$6::timestamptz[], $7::bigint[], $8::text[], $9::timestamptz[], $10::timestamptz[])`
	const replace = ` ON CONFLICT (account_id, kind, key) DO UPDATE SET due_at = EXCLUDED.due_at, step = EXCLUDED.step,
				since = EXCLUDED.since, attempts = EXCLUDED.attempts, last_error = EXCLUDED.last_error,
				updated_at = EXCLUDED.updated_at`
	return jobQueries{
		putMany:    r.Replace(`INSERT INTO {jobs} ({cols}) ` + rows + replace),
		ensureMany: r.Replace(`INSERT INTO {jobs} ({cols}) ` + rows + ` ON CONFLICT (account_id, kind, key) DO NOTHING`),
		// created_at is not in the SET list, so a replaced job keeps it.
		put: r.Replace(`INSERT INTO {jobs} ({cols}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (account_id, kind, key) DO UPDATE SET due_at = EXCLUDED.due_at, step = EXCLUDED.step,
				since = EXCLUDED.since, attempts = EXCLUDED.attempts, last_error = EXCLUDED.last_error,
				updated_at = EXCLUDED.updated_at`),
		// DO NOTHING leaves an existing job as it is (and waits for a
		// concurrent insert of the same key); RETURNING names a new row.
		ensure: r.Replace(`INSERT INTO {jobs} ({cols}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (account_id, kind, key) DO NOTHING RETURNING true`),
		get: r.Replace(`SELECT {cols} FROM {jobs} WHERE account_id = $1 AND kind = $2 AND key = $3`),
		del: r.Replace(`DELETE FROM {jobs} WHERE account_id = $1 AND kind = $2 AND key = $3`),
		// Both read the primary key in order; two statements rather than
		// "$2 = '' OR kind = $2" so a generic plan keeps the kind in the
		// index condition.
		list: [2]string{
			r.Replace(`SELECT {cols} FROM {jobs} WHERE account_id = $1 AND $2::text IS NOT NULL ORDER BY kind, key`),
			r.Replace(`SELECT {cols} FROM {jobs} WHERE account_id = $1 AND kind = $2 ORDER BY kind, key`),
		},
		// The range scan of jobs_due, locking what it returns; SKIP LOCKED
		// passes over jobs another worker claimed instead of waiting for
		// its transaction, so concurrent workers split the due jobs.
		claimDue: r.Replace(`SELECT {cols} FROM {jobs} WHERE due_at <= $1
			ORDER BY due_at, account_id, kind, key LIMIT $2
			FOR UPDATE SKIP LOCKED`),
	}
}

// jobs is the storage.Jobs of one transaction.
type jobs struct{ t *tx }

// validJob checks in Go what the table's constraints also enforce, so a bad
// job leaves the transaction usable.
func validJob(op string, j storage.Job) error {
	switch {
	case j.AccountID == "" || j.Kind == "" || j.DueAt.IsZero():
		return invalid(op, "account, kind and due time are required")
	case len(j.Kind) > storage.MaxJobKeyLen || len(j.Key) > storage.MaxJobKeyLen:
		return invalid(op, fmt.Sprintf("kind and key are at most %d bytes", storage.MaxJobKeyLen))
	case !allStorable(j.AccountID, string(j.Kind), j.Key, j.LastError):
		return invalid(op, "text must be UTF-8 without NUL bytes")
	}
	return nil
}

// jobArgs are the values of jobColumns.
func jobArgs(j storage.Job) []any {
	return []any{j.AccountID, string(j.Kind), j.Key, j.DueAt, j.Step, nullTime(j.Since), j.Attempts, j.LastError,
		j.CreatedAt, j.UpdatedAt}
}

// Put is one upsert, which also locks the row until the transaction ends.
func (r jobs) Put(ctx context.Context, j storage.Job) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	op := fmt.Sprintf("put job %q/%q", j.Kind, j.Key)
	if err := validJob(op, j); err != nil {
		return err
	}
	if _, err := r.t.pg.Exec(ctx, r.t.s.q.jobs.put, jobArgs(j)...); err != nil {
		return r.t.fail(op, err)
	}
	return nil
}

// Ensure reports created when the insert returned its row.
func (r jobs) Ensure(ctx context.Context, j storage.Job) (bool, error) {
	if err := r.t.check(ctx); err != nil {
		return false, err
	}
	op := fmt.Sprintf("ensure job %q/%q", j.Kind, j.Key)
	if err := validJob(op, j); err != nil {
		return false, err
	}
	rows, err := queryAll(ctx, r.t, op, r.t.s.q.jobs.ensure, func(row pgx.Row) (bool, error) {
		var created bool
		return created, row.Scan(&created)
	}, jobArgs(j)...)
	if err != nil {
		return false, err
	}
	return len(rows) == 1, nil
}

func (r jobs) Get(ctx context.Context, accountID string, kind storage.JobKind, key string) (storage.Job, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Job{}, err
	}
	op := fmt.Sprintf("get job %q/%q", kind, key)
	if !possibleKey(accountID) || !possibleKey(string(kind)) || !storable(key) {
		return storage.Job{}, notFound(op)
	}
	return queryOne(ctx, r.t, op, r.t.s.q.jobs.get, scanJob, accountID, string(kind), key)
}

// Delete of a key no job could have is a no-op without a round trip.
func (r jobs) Delete(ctx context.Context, accountID string, kind storage.JobKind, key string) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if !possibleKey(accountID) || !possibleKey(string(kind)) || !storable(key) {
		return nil
	}
	if _, err := r.t.pg.Exec(ctx, r.t.s.q.jobs.del, accountID, string(kind), key); err != nil {
		return r.t.fail(fmt.Sprintf("delete job %q/%q", kind, key), err)
	}
	return nil
}

func (r jobs) List(ctx context.Context, accountID string, kind storage.JobKind) ([]storage.Job, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if !possibleKey(accountID) || !storable(string(kind)) {
		return nil, nil // text no stored job can hold matches nothing
	}
	byKind := 0
	if kind != "" {
		byKind = 1
	}
	return queryAll(ctx, r.t, "list jobs", r.t.s.q.jobs.list[byKind], scanJob, accountID, string(kind))
}

// ClaimDue reads jobs_due from its start up to t with FOR UPDATE SKIP
// LOCKED, locking each job it returns.
func (r jobs) ClaimDue(ctx context.Context, t time.Time, limit int) ([]storage.Job, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit("claim due jobs", limit); err != nil {
		return nil, err
	}
	return queryAll(ctx, r.t, "claim due jobs", r.t.s.q.jobs.claimDue, scanJob, t, limit)
}

// scanJob reads jobColumns; a NULL since is the zero time.
func scanJob(row pgx.Row) (storage.Job, error) {
	var (
		j     storage.Job
		kind  string
		since pgtype.Timestamptz
	)
	if err := row.Scan(&j.AccountID, &kind, &j.Key, &j.DueAt, &j.Step, &since, &j.Attempts, &j.LastError,
		&j.CreatedAt, &j.UpdatedAt); err != nil {
		return storage.Job{}, err
	}
	j.Kind, j.Since = storage.JobKind(kind), timeOf(since)
	j.DueAt, j.CreatedAt, j.UpdatedAt = j.DueAt.UTC(), j.CreatedAt.UTC(), j.UpdatedAt.UTC()
	return j, nil
}
