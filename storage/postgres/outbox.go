package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cloudbill/cloudbill/storage"
)

// outbox is the storage.Outbox of one transaction.
type outbox struct{ t *tx }

// validDelivery checks the delivery state of e, which Append and Update
// store: a count the integer column holds and a storable error text.
func validDelivery(op string, e storage.Event) error {
	switch {
	case e.Attempts < 0 || e.Attempts > math.MaxInt32:
		return invalid(op, fmt.Sprintf("attempts %d not in 0–%d", e.Attempts, math.MaxInt32))
	case !storable(e.LastError):
		return invalid(op, "last error must be UTF-8 without NUL bytes")
	case !storable(e.ClaimToken) || e.ClaimToken == "" && !e.ClaimedUntil.IsZero():
		return invalid(op, "a claim needs a token of UTF-8 text without NUL bytes")
	}
	return nil
}

// Append inserts the event and returns it with the seq the identity column
// gave it. Seq is handed out at insert, not at commit: two transactions
// that append to one stream without a common lock can commit out of seq
// order, and a worker reading between the two commits would see the later
// event as the stream's head. Writers keep a stream in order by appending
// while they hold the row lock of what the stream is about (the resource's
// or the account's GetForUpdate), which queues their transactions.
func (r outbox) Append(ctx context.Context, e storage.Event) (storage.Event, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Event{}, err
	}
	op := fmt.Sprintf("append event %q", e.ID)
	e.ClaimToken, e.ClaimedUntil = "", time.Time{} // a new event is unclaimed
	switch {
	case e.ID == "" || e.AccountID == "" || e.Stream == "" || e.Kind == "":
		return storage.Event{}, invalid(op, "id, account, stream and kind are required")
	case !allStorable(e.ID, e.AccountID, e.Stream, e.Kind):
		return storage.Event{}, invalid(op, "text must be UTF-8 without NUL bytes")
	}
	if err := validDelivery(op, e); err != nil {
		return storage.Event{}, err
	}
	args := []any{e.ID, e.AccountID, e.Stream, e.Kind, e.Payload, e.Attempts, e.NextAttemptAt, e.LastError,
		nullTime(e.DeliveredAt), e.CreatedAt}
	var seq pgtype.Int8
	check := func(err error) error {
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return duplicate(op) // ON CONFLICT DO NOTHING returned no row
		case err != nil:
			return r.t.fail(op, err)
		}
		return nil
	}
	e.Payload = slices.Clone(e.Payload)
	args[4] = e.Payload
	if storage.WritesDeferred(ctx) {
		// Held back: the event comes back without its Seq.
		r.t.pg.queue(r.t.s.guarded.bySQL[r.t.s.q.resources.appendEvent], args, func(_ pgconn.CommandTag, err error) error {
			if guardFailed(err) {
				return duplicate(op)
			}
			return check(err)
		})
		return e, nil
	}
	if err := check(r.t.pg.QueryRow(ctx, r.t.s.q.resources.appendEvent, args...).Scan(&seq)); err != nil {
		return storage.Event{}, err
	}
	e.Seq = seq.Int64
	return e, nil
}

// Deliverable reads the heads of the undelivered streams through the
// partial index outbox_undelivered (see resourceQueries.deliverable): its
// cost follows the undelivered backlog, not the history.
func (r outbox) Deliverable(ctx context.Context, t time.Time, limit int) ([]storage.Event, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit("deliverable events", limit); err != nil {
		return nil, err
	}
	return queryAll(ctx, r.t, "list deliverable events", r.t.s.q.resources.deliverable, scanEvent, t, limit)
}

// Claim runs claimEvents: one statement that chooses, locks (SKIP LOCKED)
// and leases the events, returned in Seq order.
func (r outbox) Claim(ctx context.Context, t time.Time, token string, until time.Time, limit int) ([]storage.Event, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit("claim events", limit); err != nil {
		return nil, err
	}
	if !possibleKey(token) || !until.After(t) {
		return nil, invalid(fmt.Sprintf("claim events by %q until %s at %s", token, until, t),
			"the token must be non-empty UTF-8 text without NUL bytes and the lease must end after t")
	}
	out, err := queryAll(ctx, r.t, "claim events", r.t.s.q.resources.claimEvents, scanEvent, t, token, until, limit)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b storage.Event) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, nil
}

// GetForUpdate is not scoped by tenant: delivery workers serve every
// tenant, and seq is not something a tenant supplies.
func (r outbox) GetForUpdate(ctx context.Context, seq int64) (storage.Event, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Event{}, err
	}
	return queryOne(ctx, r.t, fmt.Sprintf("get event %d for update", seq), r.t.s.q.resources.getEventForUpdate, scanEvent, seq)
}

// Update writes only the delivery state: Attempts, NextAttemptAt,
// LastError and DeliveredAt.
func (r outbox) Update(ctx context.Context, e storage.Event) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	op := fmt.Sprintf("update event %d", e.Seq)
	if err := validDelivery(op, e); err != nil {
		return err
	}
	tag, err := r.t.pg.Exec(ctx, r.t.s.q.resources.updateEvent,
		e.Seq, e.Attempts, e.NextAttemptAt, e.LastError, nullTime(e.DeliveredAt), e.ClaimToken, nullTime(e.ClaimedUntil))
	if err != nil {
		return r.t.fail(op, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound(op)
	}
	return nil
}

func (r outbox) List(ctx context.Context, accountID string, afterSeq int64, limit int) ([]storage.Event, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit("event list", limit); err != nil {
		return nil, err
	}
	if !possibleKey(accountID) {
		return nil, nil
	}
	return queryAll(ctx, r.t, "list events", r.t.s.q.resources.listEvents, scanEvent, accountID, afterSeq, limit)
}

// scanEvent reads eventColumns.
func scanEvent(row pgx.Row) (storage.Event, error) {
	var (
		e         storage.Event
		attempts  int32
		delivered pgtype.Timestamptz
		claimed   pgtype.Timestamptz
	)
	if err := row.Scan(&e.Seq, &e.ID, &e.AccountID, &e.Stream, &e.Kind, &e.Payload, &attempts,
		&e.NextAttemptAt, &e.LastError, &delivered, &e.CreatedAt, &e.ClaimToken, &claimed); err != nil {
		return storage.Event{}, err
	}
	e.Attempts = int(attempts)
	e.DeliveredAt, e.ClaimedUntil = timeOf(delivered), timeOf(claimed)
	e.NextAttemptAt, e.CreatedAt = e.NextAttemptAt.UTC(), e.CreatedAt.UTC()
	return e, nil
}

var _ storage.OutboxBacklogger = outbox{}

// Backlog counts the undelivered events through the partial index
// outbox_undelivered, so its cost follows the backlog, not the history.
func (r outbox) Backlog(ctx context.Context) (storage.OutboxBacklog, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.OutboxBacklog{}, err
	}
	var b storage.OutboxBacklog
	var oldest pgtype.Timestamptz
	if err := r.t.pg.QueryRow(ctx, "SELECT count(*), min(created_at) FROM "+r.t.s.tables.outbox+" WHERE delivered_at IS NULL").
		Scan(&b.Undelivered, &oldest); err != nil {
		return storage.OutboxBacklog{}, r.t.fail("outbox backlog", err)
	}
	if oldest.Valid {
		b.OldestCreatedAt = oldest.Time
	}
	return b, nil
}
