package memory

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cloudbill/cloudbill/storage"
)

// jobState holds the scheduled jobs: by identity, per tenant for listing,
// and in the due index so that ClaimDue costs what is due.
type jobState struct {
	jobs      *table[jobKey, storage.Job]
	byAccount *jobSets
	// due files every job under its DueAt by dueID, whose byte order is
	// the order of (AccountID, Kind, Key), so the index's (time, id)
	// order is ClaimDue's.
	due *dueIndex
}

type jobKey struct {
	account string
	kind    storage.JobKind
	key     string
}

// dueID joins the key's parts with NUL, which validJob keeps out of all of
// them: comparing the joined strings then compares the parts in order.
func (k jobKey) dueID() string { return k.account + "\x00" + string(k.kind) + "\x00" + k.key }

func newJobState() jobState {
	return jobState{jobs: newTable[jobKey, storage.Job](), byAccount: &jobSets{m: map[string]map[jobKey]bool{}}, due: newDueIndex()}
}

type jobs struct{ t *tx }

// validJob checks j against the contract of storage.Jobs.Put, with the
// same text rules as the PostgreSQL store so both refuse the same jobs.
func validJob(j storage.Job) error {
	switch {
	case j.AccountID == "" || j.Kind == "" || j.DueAt.IsZero():
		return fmt.Errorf("memory: job: account, kind and due time are required: %w", storage.ErrInvalidRecord)
	case len(j.Kind) > storage.MaxJobKeyLen || len(j.Key) > storage.MaxJobKeyLen:
		return fmt.Errorf("memory: job: kind and key are at most %d bytes: %w", storage.MaxJobKeyLen, storage.ErrInvalidRecord)
	case !usageText(j.AccountID) || !usageText(string(j.Kind)) || !usageText(j.Key) || !usageText(j.LastError):
		return fmt.Errorf("memory: job: text must be UTF-8 without NUL bytes: %w", storage.ErrInvalidRecord)
	}
	return nil
}

// Put replaces the job wholesale but its CreatedAt, moving it in the due
// index; every write goes through the undo log.
func (r jobs) Put(ctx context.Context, j storage.Job) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if err := validJob(j); err != nil {
		return err
	}
	k := jobKey{j.AccountID, j.Kind, j.Key}
	old, existed := r.t.data.jobs.jobs.m[k]
	if existed {
		j.CreatedAt = old.CreatedAt
	}
	r.store(k, old, existed, j)
	return nil
}

// Ensure writes only when the key is free; an existing job is untouched.
func (r jobs) Ensure(ctx context.Context, j storage.Job) (bool, error) {
	if err := r.t.check(ctx); err != nil {
		return false, err
	}
	if err := validJob(j); err != nil {
		return false, err
	}
	k := jobKey{j.AccountID, j.Kind, j.Key}
	if _, existed := r.t.data.jobs.jobs.m[k]; existed {
		return false, nil
	}
	r.store(k, storage.Job{}, false, j)
	return true, nil
}

// store writes j under k, where old is the job it replaces if existed.
func (r jobs) store(k jobKey, old storage.Job, existed bool, j storage.Job) {
	s := &r.t.data.jobs
	set(r.t, s.jobs, k, j)
	if !existed {
		r.index(k, true)
	}
	r.reindex(k, old.DueAt, j.DueAt)
}

// index adds k to (or removes it from) the tenant's set, with its undo.
func (r jobs) index(k jobKey, in bool) {
	r.t.data.jobs.byAccount.change(r.t, k, in)
}

// jobSets is each tenant's set of job keys, with the log of its changes
// in the running transaction (see undo.go).
type jobSets struct {
	m   map[string]map[jobKey]bool
	log []jobSetChange
}

// jobSetChange is a key added to (in) or taken from its tenant's set.
type jobSetChange struct {
	k  jobKey
	in bool
}

// change adds k to its tenant's set (or takes it out) and logs it in t's
// undo log.
func (j *jobSets) change(t *tx, k jobKey, in bool) {
	j.apply(k, in)
	j.log = append(j.log, jobSetChange{k: k, in: in})
	t.undo = append(t.undo, undoStep{tb: j})
}

func (j *jobSets) apply(k jobKey, in bool) {
	set := j.m[k.account]
	if set == nil {
		set = map[jobKey]bool{}
		j.m[k.account] = set
	}
	if in {
		set[k] = true
	} else {
		delete(set, k)
	}
}

func (j *jobSets) undoLast() {
	c := j.log[len(j.log)-1]
	j.apply(c.k, !c.in)
	j.forgetLast()
}

func (j *jobSets) forgetLast() {
	n := len(j.log) - 1
	j.log[n] = jobSetChange{}
	j.log = j.log[:n]
	if n == 0 && cap(j.log) > maxKeptLog {
		j.log = nil
	}
}

// reindex moves a job in the due index and records the undo.
func (r jobs) reindex(k jobKey, from, to time.Time) {
	r.t.data.jobs.due.record(r.t, k.dueID(), from, to)
}

func (r jobs) Get(ctx context.Context, accountID string, kind storage.JobKind, key string) (storage.Job, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Job{}, err
	}
	j, ok := r.t.data.jobs.jobs.m[jobKey{accountID, kind, key}]
	if !ok {
		return storage.Job{}, fmt.Errorf("memory: job %q/%q: %w", kind, key, storage.ErrNotFound)
	}
	return j, nil // a Job holds no shared memory: the value is a copy
}

func (r jobs) Delete(ctx context.Context, accountID string, kind storage.JobKind, key string) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	s := &r.t.data.jobs
	k := jobKey{accountID, kind, key}
	old, ok := s.jobs.m[k]
	if !ok {
		return nil
	}
	delete(s.jobs.m, k)
	r.t.onUndo(func() { s.jobs.m[k] = old })
	r.index(k, false)
	r.reindex(k, old.DueAt, time.Time{})
	return nil
}

// List sorts the tenant's jobs on every call: a tenant has a handful.
func (r jobs) List(ctx context.Context, accountID string, kind storage.JobKind) ([]storage.Job, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	s := &r.t.data.jobs
	var out []storage.Job
	for k := range s.byAccount.m[accountID] {
		if kind == "" || k.kind == kind {
			out = append(out, s.jobs.m[k])
		}
	}
	slices.SortFunc(out, func(a, b storage.Job) int {
		if c := strings.Compare(string(a.Kind), string(b.Kind)); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out, nil
}

// ClaimDue reads the due index: transactions of this store run one after
// the other, so no other transaction can hold a due job while this one
// runs, and there is nothing to skip.
func (r jobs) ClaimDue(ctx context.Context, t time.Time, limit int) ([]storage.Job, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit(limit); err != nil {
		return nil, err
	}
	s := &r.t.data.jobs
	ids := s.due.upTo(t, limit)
	out := make([]storage.Job, 0, len(ids))
	for _, id := range ids {
		account, rest, _ := strings.Cut(id, "\x00")
		kind, key, _ := strings.Cut(rest, "\x00")
		out = append(out, s.jobs.m[jobKey{account, storage.JobKind(kind), key}])
	}
	return out, nil
}
