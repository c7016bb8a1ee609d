package billing

import (
	"context"
	"encoding/json"
	"time"

	"github.com/cloudbill/cloudbill/storage"
)

// Event is an outbox event handed to the host's handler.
type Event struct {
	// Seq orders events; ID is unique (a handler may see an event more
	// than once and can deduplicate by it).
	Seq       int64  `json:"seq"`
	ID        string `json:"id"`
	AccountID string `json:"account_id"`
	// Stream is the resource (or account) the event is about; events of a
	// stream are delivered one at a time, in order.
	Stream string    `json:"stream"`
	Kind   EventKind `json:"kind"`
	// Payload is the event's JSON body, one of the Payload types by Kind;
	// read it with the typed accessors (Provision, State, …) or Decode.
	Payload   json.RawMessage `json:"payload"`
	Attempts  int             `json:"attempts"`
	CreatedAt time.Time       `json:"created_at"`
}

// EventHandler is the host's code for one event. Returning nil marks the
// event delivered; an error schedules a retry with backoff. Delivery is at
// least once and in order per stream (resource), so handlers deduplicate by
// Event.ID. The context carries the delivering System: SystemFromContext.
type EventHandler func(ctx context.Context, e Event) error

// DeliverEvents hands up to limit (1–1000; 0 means DefaultPageSize) due outbox events to the
// configured EventHandler, oldest first and never overtaking an earlier
// undelivered event of the same stream. A handler error keeps the event and
// schedules a retry (10s, 20s, 40s, … up to an hour); nothing is ever lost,
// and delivery state is in the store, so it survives restarts. Several
// workers may run it at once: each first claims a page of due events for 5
// minutes (a lease in the store; SKIP LOCKED on PostgreSQL), so they split
// the outbox and, with no failure, each event reaches the handler once,
// and a stream is handled by one worker at a time. Delivery is still at
// least once: a worker that dies or stalls past its lease loses its claim
// and another delivers the event again (handlers deduplicate by
// Event.ID), never out of order within a stream once delivered. It
// returns how many events were delivered.
func (s *System) DeliverEvents(ctx context.Context, limit int) (_ int, err error) {
	ctx, op := s.env.Tel.Start(ctx, "DeliverEvents")
	defer op.End(&err)
	if err := checkLimit(&limit); err != nil {
		return 0, err
	}
	if s.cfg.EventHandler == nil {
		return 0, &ConfigError{Field: "EventHandler", Reason: "is required to deliver events"}
	}
	res, err := s.deliverEvents(ctx, limit)
	return res.Done, err
}

// handleEvent hands e to the EventHandler, with the System in the context;
// an einvoice.issued event goes to the e-invoice provider first, when one
// is configured.
func (s *System) handleEvent(ctx context.Context, e storage.Event) error {
	if e.Kind == string(EventEInvoiceIssued) && s.cfg.EInvoice != nil && s.cfg.EInvoice.Provider != nil {
		if err := s.submitEInvoice(ctx, e); err != nil {
			return err
		}
	}
	return s.cfg.EventHandler(context.WithValue(ctx, systemKey{}, s), Event{Seq: e.Seq, ID: e.ID, AccountID: e.AccountID, Stream: e.Stream,
		Kind: EventKind(e.Kind), Payload: e.Payload, Attempts: e.Attempts, CreatedAt: e.CreatedAt})
}

// Events returns a page of the account's outbox events, oldest first (see
// ListRequest for paging): the portal's notices, and what tests assert on.
// Delivered events stay listed.
func (s *System) Events(ctx context.Context, req ListRequest) (_ Page[Event], err error) {
	ctx, op := s.env.Tel.Start(ctx, "Events")
	defer op.End(&err)
	if err := req.check(false); err != nil {
		return Page[Event]{}, err
	}
	after, err := seqCursor(req.After)
	if err != nil {
		return Page[Event]{}, err
	}
	var out []Event
	err = s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		list, err := tx.Outbox().List(ctx, req.AccountID, after, req.Limit)
		out = out[:0]
		for _, e := range list {
			out = append(out, Event{Seq: e.Seq, ID: e.ID, AccountID: e.AccountID, Stream: e.Stream,
				Kind: EventKind(e.Kind), Payload: e.Payload, Attempts: e.Attempts, CreatedAt: e.CreatedAt})
		}
		return err
	})
	if err != nil {
		return Page[Event]{}, err
	}
	return pageOf(out, req.Limit, func(e Event) string { return seqNext(e.Seq) }), nil
}
