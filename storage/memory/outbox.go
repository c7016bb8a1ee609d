package memory

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cloudbill/cloudbill/storage"
)

type outbox struct{ t *tx }

func cloneEvent(e storage.Event) storage.Event {
	e.Payload = slices.Clone(e.Payload)
	return e
}

func (r outbox) Append(ctx context.Context, e storage.Event) (storage.Event, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Event{}, err
	}
	stored, err := r.append(e)
	if err != nil {
		return storage.Event{}, err
	}
	return cloneEvent(stored), nil
}

// append stores a copy of e and returns the stored value itself (Append
// clones it before handing it out; AppendMany hands nothing out).
func (r outbox) append(e storage.Event) (storage.Event, error) {
	if e.ID == "" || e.AccountID == "" || e.Stream == "" || e.Kind == "" {
		return storage.Event{}, fmt.Errorf("memory: event without id, account, stream or kind: %w", storage.ErrInvalidRecord)
	}
	s := &r.t.data.resources
	if s.eventIDs.m[e.ID] {
		return storage.Event{}, fmt.Errorf("memory: event %q: %w", e.ID, storage.ErrDuplicate)
	}
	set(r.t, s.eventIDs, e.ID, true)
	e = cloneEvent(e)
	e.ClaimToken, e.ClaimedUntil = "", time.Time{} // a new event is unclaimed
	e.Seq = int64(len(s.events)) + 1
	s.events = append(s.events, e)
	r.t.undo = append(r.t.undo, undoStep{tb: (*eventAppends)(s)})
	return e, nil
}

// eventAppends is resourceState seen as the undo of appends to its
// outbox: the newest event goes; there is no log to keep.
type eventAppends resourceState

func (s *eventAppends) undoLast()   { s.events = s.events[:len(s.events)-1] }
func (s *eventAppends) forgetLast() {}

// Deliverable scans undelivered events in Seq order, starting at the first
// undelivered one, so delivered history costs nothing.
func (r outbox) Deliverable(ctx context.Context, t time.Time, limit int) ([]storage.Event, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit(limit); err != nil {
		return nil, err
	}
	s := &r.t.data.resources
	for s.pending < len(s.events) && !s.events[s.pending].DeliveredAt.IsZero() {
		s.pending++
	}
	blocked := map[string]bool{}
	var out []storage.Event
	for _, e := range s.events[s.pending:] {
		if !e.DeliveredAt.IsZero() || blocked[e.Stream] {
			continue
		}
		blocked[e.Stream] = true // later events of the stream wait for this one
		if !e.NextAttemptAt.After(t) {
			out = append(out, cloneEvent(e))
			if len(out) == limit {
				break
			}
		}
	}
	return out, nil
}

// claimed reports whether e is held at t by a running claim of a token
// other than token.
func claimed(e storage.Event, t time.Time, token string) bool {
	return e.ClaimToken != "" && e.ClaimToken != token && e.ClaimedUntil.After(t)
}

// priorClaim is the claim an event had before Claim replaced it, which a
// rollback restores.
type priorClaim struct {
	i     int
	token string
	until time.Time
}

// Claim chooses as Deliverable does, passing over the heads that another
// token's running claim holds, and writes the lease on what it returns.
// Transactions of this store run one at a time, so two claims never see
// the same unclaimed head.
func (r outbox) Claim(ctx context.Context, t time.Time, token string, until time.Time, limit int) ([]storage.Event, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit(limit); err != nil {
		return nil, err
	}
	if token == "" || !usageText(token) || !until.After(t) {
		return nil, fmt.Errorf("memory: claim of events by %q until %s at %s: the token must be non-empty UTF-8 text without NUL bytes and the lease must end after t: %w",
			token, until, t, storage.ErrInvalidRecord)
	}
	s := &r.t.data.resources
	for s.pending < len(s.events) && !s.events[s.pending].DeliveredAt.IsZero() {
		s.pending++
	}
	blocked := map[string]bool{}
	var out []storage.Event
	var prev []priorClaim
	for i := s.pending; i < len(s.events); i++ {
		e := s.events[i]
		if !e.DeliveredAt.IsZero() || blocked[e.Stream] {
			continue
		}
		blocked[e.Stream] = true // later events of the stream wait for this one
		if e.NextAttemptAt.After(t) || claimed(e, t, token) {
			continue
		}
		prev = append(prev, priorClaim{i, e.ClaimToken, e.ClaimedUntil})
		e.ClaimToken, e.ClaimedUntil = token, until
		s.events[i].ClaimToken, s.events[i].ClaimedUntil = token, until
		out = append(out, cloneEvent(e))
		if len(out) == limit {
			break
		}
	}
	if len(prev) > 0 {
		// One undo step for the page: the claims it replaced.
		r.t.onUndo(func() {
			for _, p := range prev {
				s.events[p.i].ClaimToken, s.events[p.i].ClaimedUntil = p.token, p.until
			}
		})
	}
	return out, nil
}

func (r outbox) GetForUpdate(ctx context.Context, seq int64) (storage.Event, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Event{}, err
	}
	s := &r.t.data.resources
	if seq < 1 || seq > int64(len(s.events)) {
		return storage.Event{}, fmt.Errorf("memory: event %d: %w", seq, storage.ErrNotFound)
	}
	return cloneEvent(s.events[seq-1]), nil
}

func (r outbox) Update(ctx context.Context, e storage.Event) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	s := &r.t.data.resources
	if e.Seq < 1 || e.Seq > int64(len(s.events)) {
		return fmt.Errorf("memory: event %d: %w", e.Seq, storage.ErrNotFound)
	}
	if e.Attempts < 0 {
		return fmt.Errorf("memory: event %d with %d attempts: %w", e.Seq, e.Attempts, storage.ErrInvalidRecord)
	}
	if !usageText(e.ClaimToken) || e.ClaimToken == "" && !e.ClaimedUntil.IsZero() {
		return fmt.Errorf("memory: event %d claimed by %q until %s: %w", e.Seq, e.ClaimToken, e.ClaimedUntil, storage.ErrInvalidRecord)
	}
	i := e.Seq - 1
	old := s.events[i]
	next := old
	next.Attempts, next.NextAttemptAt, next.LastError, next.DeliveredAt = e.Attempts, e.NextAttemptAt, e.LastError, e.DeliveredAt
	next.ClaimToken, next.ClaimedUntil = e.ClaimToken, e.ClaimedUntil
	s.events[i] = next
	r.t.onUndo(func() {
		s.events[i] = old
		s.pending = min(s.pending, int(i))
	})
	return nil
}

func (r outbox) List(ctx context.Context, accountID string, afterSeq int64, limit int) ([]storage.Event, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit(limit); err != nil {
		return nil, err
	}
	s := &r.t.data.resources
	var out []storage.Event
	for i := max(afterSeq, 0); i < int64(len(s.events)) && len(out) < limit; i++ {
		if e := s.events[i]; e.AccountID == accountID {
			out = append(out, cloneEvent(e))
		}
	}
	return out, nil
}

var _ storage.OutboxBacklogger = outbox{}

// Backlog scans the events from the first undelivered one, as Deliverable
// does.
func (r outbox) Backlog(ctx context.Context) (storage.OutboxBacklog, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.OutboxBacklog{}, err
	}
	var b storage.OutboxBacklog
	s := &r.t.data.resources
	for _, e := range s.events[min(s.pending, len(s.events)):] {
		if !e.DeliveredAt.IsZero() {
			continue
		}
		if b.Undelivered == 0 || e.CreatedAt.Before(b.OldestCreatedAt) {
			b.OldestCreatedAt = e.CreatedAt
		}
		b.Undelivered++
	}
	return b, nil
}
