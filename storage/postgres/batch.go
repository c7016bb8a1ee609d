package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cloudbill/cloudbill/storage"
)

// The repositories' …Many methods send many records in one round trip:
// jobs and events as one statement whose parameters are the columns as
// arrays, invoices and resources (wider rows, with numeric and JSON
// columns) as a pgx batch of one statement per record, which the server
// runs one after the other inside the transaction as if they had been
// sent alone. Each record is checked in Go before anything is sent, so a
// bad one changes nothing; a failure on the server stops the reading at
// that statement (the transaction is then the caller's to end).

// sendBatch sends b and reads its n results in order with read; the first
// error read ends it. Closing the batch reports a failure read did not.
func (t *tx) sendBatch(ctx context.Context, op string, b *pgx.Batch, read func(i int, br pgx.BatchResults) error) error {
	br := t.pg.SendBatch(ctx, b)
	for i := range b.Len() {
		if err := read(i, br); err != nil {
			cerr := br.Close()
			if cerr != nil && !errors.Is(cerr, err) {
				t.fail(op, cerr) // remember an abort the close saw
			}
			return err
		}
	}
	if err := br.Close(); err != nil {
		return t.fail(op, err)
	}
	return nil
}

// GetManyForUpdate locks the accounts in one statement, in byte order of
// their ids (see queries.getAccountsForUpdate).
func (r accounts) GetManyForUpdate(ctx context.Context, ids []string) ([]storage.Account, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	want := make([]string, 0, len(ids))
	for _, id := range ids {
		if possibleID(id) {
			want = append(want, id)
		}
	}
	if len(want) == 0 {
		return nil, nil
	}
	slices.Sort(want)
	want = slices.Compact(want)
	return queryAll(ctx, r.t, fmt.Sprintf("lock %d accounts", len(want)), r.t.s.q.getAccountsForUpdate, scanAccount, want)
}

// NextNumbers moves the series row on by n in one upsert; its lock is
// held until the transaction ends, as NextNumber's.
func (r invoices) NextNumbers(ctx context.Context, series string, n int) (int64, error) {
	if err := r.t.check(ctx); err != nil {
		return 0, err
	}
	op := fmt.Sprintf("next %d numbers of series %q", n, series)
	if !possibleKey(series) || n < 1 {
		return 0, invalid(op, "series must be non-empty UTF-8 text without NUL bytes, and n at least 1")
	}
	var last int64
	if err := r.t.pg.QueryRow(ctx, r.t.s.q.resources.nextNumbers, series, int64(n)).Scan(&last); err != nil {
		return 0, r.t.fail(op, err)
	}
	return last - int64(n) + 1, nil
}

// CreateMany queues createInvoice once per invoice; an insert that
// reports no row met a taken id or number.
func (r invoices) CreateMany(ctx context.Context, invs []storage.Invoice) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if len(invs) == 0 {
		return nil
	}
	if storage.WritesDeferred(ctx) {
		// Held back: one guarded insert per invoice, checked before any
		// is queued.
		all := make([][]any, len(invs))
		for i, inv := range invs {
			args, err := invoiceArgs(fmt.Sprintf("create invoice %q", inv.ID), inv)
			if err != nil {
				return err
			}
			all[i] = append(args, inv.CreatedAt, inv.UpdatedAt, codedReasonArg(inv.CodedReason))
		}
		for i, args := range all {
			if err := r.t.create(ctx, fmt.Sprintf("create invoice %q", invs[i].ID), r.t.s.q.resources.createInvoice, args); err != nil {
				return err
			}
		}
		return nil
	}
	b := &pgx.Batch{}
	for _, inv := range invs {
		args, err := invoiceArgs(fmt.Sprintf("create invoice %q", inv.ID), inv)
		if err != nil {
			return err
		}
		b.Queue(r.t.s.q.resources.createInvoice, append(args, inv.CreatedAt, inv.UpdatedAt, codedReasonArg(inv.CodedReason))...)
	}
	return r.t.sendBatch(ctx, "create invoices", b, func(i int, br pgx.BatchResults) error {
		op := fmt.Sprintf("create invoice %q", invs[i].ID)
		tag, err := br.Exec()
		if err != nil {
			return r.t.fail(op, err)
		}
		if tag.RowsAffected() == 0 {
			return duplicate(op)
		}
		return nil
	})
}

// AppendMany sends the events as one insert of arrays, in order (the
// identity column numbers the rows as the ordered SELECT yields them); an
// id already stored, or given twice, inserts fewer rows than events.
func (r outbox) AppendMany(ctx context.Context, events []storage.Event) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if len(events) == 0 {
		return nil
	}
	n := len(events)
	ids, accounts, streams, kinds, errs := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	payloads := make([][]byte, n)
	attempts := make([]int32, n)
	next, created := make([]time.Time, n), make([]time.Time, n)
	delivered := make([]pgtype.Timestamptz, n)
	for i, e := range events {
		op := fmt.Sprintf("append event %q", e.ID)
		e.ClaimToken, e.ClaimedUntil = "", time.Time{} // a new event is unclaimed
		switch {
		case e.ID == "" || e.AccountID == "" || e.Stream == "" || e.Kind == "":
			return invalid(op, "id, account, stream and kind are required")
		case !allStorable(e.ID, e.AccountID, e.Stream, e.Kind):
			return invalid(op, "text must be UTF-8 without NUL bytes")
		}
		if err := validDelivery(op, e); err != nil {
			return err
		}
		ids[i], accounts[i], streams[i], kinds[i], errs[i] = e.ID, e.AccountID, e.Stream, e.Kind, e.LastError
		payloads[i], attempts[i] = e.Payload, int32(e.Attempts)
		next[i], created[i], delivered[i] = e.NextAttemptAt, e.CreatedAt, nullTime(e.DeliveredAt)
	}
	op := fmt.Sprintf("append %d events", n)
	return r.t.write(ctx, r.t.s.q.resources.appendEvents,
		[]any{ids, accounts, streams, kinds, payloads, attempts, next, errs, delivered, created},
		func(tag pgconn.CommandTag, err error) error {
			if err != nil {
				return r.t.fail(op, err)
			}
			if int(tag.RowsAffected()) < n {
				return duplicate(op + ": an id is already stored or given twice")
			}
			return nil
		}, func() error { return duplicate(op + ": an id is already stored or given twice") })
}

// PutMany sends the jobs as one upsert of arrays. A key given twice is
// one row, the last job given with the CreatedAt of the first (what Put of
// each in order leaves), since one statement cannot update a row twice.
func (r jobs) PutMany(ctx context.Context, js []storage.Job) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	type key struct {
		account string
		kind    storage.JobKind
		key     string
	}
	at := make(map[key]int, len(js))
	rows := make([]storage.Job, 0, len(js))
	for _, j := range js {
		if err := validJob(fmt.Sprintf("put job %q/%q", j.Kind, j.Key), j); err != nil {
			return err
		}
		k := key{j.AccountID, j.Kind, j.Key}
		if i, ok := at[k]; ok {
			j.CreatedAt = rows[i].CreatedAt
			rows[i] = j
			continue
		}
		at[k] = len(rows)
		rows = append(rows, j)
	}
	return r.many(ctx, "put jobs", r.t.s.q.jobs.putMany, rows)
}

// EnsureMany sends the jobs as one insert of arrays that skips the keys
// already stored (and repeated ones after the first).
func (r jobs) EnsureMany(ctx context.Context, js []storage.Job) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	for _, j := range js {
		if err := validJob(fmt.Sprintf("ensure job %q/%q", j.Kind, j.Key), j); err != nil {
			return err
		}
	}
	return r.many(ctx, "ensure jobs", r.t.s.q.jobs.ensureMany, js)
}

// many runs query with the jobs' columns as arrays.
func (r jobs) many(ctx context.Context, op, query string, js []storage.Job) error {
	if len(js) == 0 {
		return nil
	}
	n := len(js)
	accounts, kinds, keys, errs := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	due, created, updated := make([]time.Time, n), make([]time.Time, n), make([]time.Time, n)
	since := make([]pgtype.Timestamptz, n)
	steps, attempts := make([]int64, n), make([]int64, n)
	for i, j := range js {
		accounts[i], kinds[i], keys[i], errs[i] = j.AccountID, string(j.Kind), j.Key, j.LastError
		due[i], created[i], updated[i], since[i] = j.DueAt, j.CreatedAt, j.UpdatedAt, nullTime(j.Since)
		steps[i], attempts[i] = int64(j.Step), int64(j.Attempts)
	}
	args := []any{accounts, kinds, keys, due, steps, since, attempts, errs, created, updated}
	if storage.WritesDeferred(ctx) {
		// Held back: it fails only on the server, which then skips
		// what follows it.
		r.t.pg.queue(query, args, func(_ pgconn.CommandTag, err error) error {
			if err != nil {
				return r.t.fail(op, err)
			}
			return nil
		})
		return nil
	}
	if _, err := r.t.pg.Exec(ctx, query, args...); err != nil {
		return r.t.fail(op, err)
	}
	return nil
}

// UpdateMany queues the update without RETURNING once per resource; an
// update of no row is a missing resource.
func (r resources) UpdateMany(ctx context.Context, rs []storage.Resource) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if len(rs) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	for _, res := range rs {
		op := fmt.Sprintf("update resource %q", res.ID)
		if !possibleKey(res.ID) || !possibleKey(res.AccountID) {
			return notFound(op)
		}
		if err := validResource(op, res); err != nil {
			return err
		}
		args, err := resourceArgs(op, res)
		if err != nil {
			return err
		}
		b.Queue(r.t.s.q.resources.updateResourceQuiet, append([]any{res.ID, res.AccountID}, args...)...)
	}
	if storage.WritesDeferred(ctx) {
		// Held back: every resource checked above, one guarded update
		// each.
		for i, q := range b.QueuedQueries {
			if err := r.t.update(ctx, fmt.Sprintf("update resource %q", rs[i].ID), q.SQL, q.Arguments); err != nil {
				return err
			}
		}
		return nil
	}
	return r.t.sendBatch(ctx, "update resources", b, func(i int, br pgx.BatchResults) error {
		op := fmt.Sprintf("update resource %q", rs[i].ID)
		tag, err := br.Exec()
		if err != nil {
			return r.t.fail(op, err)
		}
		if tag.RowsAffected() == 0 {
			return notFound(op)
		}
		return nil
	})
}
