package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/cloudbill/cloudbill/storage"
)

// The repositories' …Many methods queue one statement per record in a pgx
// batch and send it in one round trip: the server runs the statements
// one after the other inside the transaction, as if they had been sent
// alone, and the client waits once. Each record is checked in Go before
// anything is sent, so a bad one changes nothing; a failure on the
// server stops the reading at that statement (the transaction is then
// the caller's to end).

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
	b := &pgx.Batch{}
	for _, inv := range invs {
		args, err := invoiceArgs(fmt.Sprintf("create invoice %q", inv.ID), inv)
		if err != nil {
			return err
		}
		b.Queue(r.t.s.q.resources.createInvoice, append(args, inv.CreatedAt, inv.UpdatedAt)...)
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

// AppendMany queues appendEvent once per event; Seq comes from the
// identity column in queue order.
func (r outbox) AppendMany(ctx context.Context, events []storage.Event) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if len(events) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	for _, e := range events {
		op := fmt.Sprintf("append event %q", e.ID)
		switch {
		case e.ID == "" || e.AccountID == "" || e.Stream == "" || e.Kind == "":
			return invalid(op, "id, account, stream and kind are required")
		case !allStorable(e.ID, e.AccountID, e.Stream, e.Kind):
			return invalid(op, "text must be UTF-8 without NUL bytes")
		}
		if err := validDelivery(op, e); err != nil {
			return err
		}
		b.Queue(r.t.s.q.resources.appendEvent, e.ID, e.AccountID, e.Stream, e.Kind, e.Payload, e.Attempts,
			e.NextAttemptAt, e.LastError, nullTime(e.DeliveredAt), e.CreatedAt)
	}
	return r.t.sendBatch(ctx, "append events", b, func(i int, br pgx.BatchResults) error {
		op := fmt.Sprintf("append event %q", events[i].ID)
		tag, err := br.Exec()
		if err != nil {
			return r.t.fail(op, err)
		}
		if tag.RowsAffected() == 0 {
			return duplicate(op) // ON CONFLICT DO NOTHING inserted nothing
		}
		return nil
	})
}

// PutMany queues the put upsert once per job.
func (r jobs) PutMany(ctx context.Context, js []storage.Job) error {
	return r.many(ctx, "put", r.t.s.q.jobs.put, js)
}

// EnsureMany queues the ensure insert once per job.
func (r jobs) EnsureMany(ctx context.Context, js []storage.Job) error {
	return r.many(ctx, "ensure", r.t.s.q.jobs.ensure, js)
}

func (r jobs) many(ctx context.Context, verb, query string, js []storage.Job) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if len(js) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	for _, j := range js {
		if err := validJob(fmt.Sprintf("%s job %q/%q", verb, j.Kind, j.Key), j); err != nil {
			return err
		}
		b.Queue(query, jobArgs(j)...)
	}
	return r.t.sendBatch(ctx, verb+" jobs", b, func(i int, br pgx.BatchResults) error {
		if _, err := br.Exec(); err != nil {
			return r.t.fail(fmt.Sprintf("%s job %q/%q", verb, js[i].Kind, js[i].Key), err)
		}
		return nil
	})
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
