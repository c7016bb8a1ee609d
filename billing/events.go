package billing

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cloudbill/cloudbill/storage"
)

// EventKind names an event the host must act on. The values are stored and
// never change.
type EventKind string

// The events written to the outbox.
const (
	// EventProvision: create the resource; report the outcome with
	// ProvisioningSucceeded or ProvisioningFailed.
	EventProvision EventKind = "resource.provision"
	// EventRestrict: the term ended; the resource keeps running, restricted.
	EventRestrict EventKind = "resource.restrict"
	// EventUnrestrict: a restricted resource was renewed.
	EventUnrestrict EventKind = "resource.unrestrict"
	// EventSuspend: stop the resource; keep its data.
	EventSuspend EventKind = "resource.suspend"
	// EventResume: start a suspended resource again.
	EventResume EventKind = "resource.resume"
	// EventRelease: delete the resource and its data.
	EventRelease EventKind = "resource.release"
	// EventResize: apply the resource's new configuration.
	EventResize EventKind = "resource.resize"
	// EventPaymentSucceeded and EventPaymentFailed report a payment's
	// outcome (for receipts and notices).
	EventPaymentSucceeded EventKind = "payment.succeeded"
	EventPaymentFailed    EventKind = "payment.failed"
	// EventPaymentCredited: money arrived for something no longer payable
	// (an order paid meanwhile another way, a payment that had already
	// failed or expired, a link paid twice) and went to the account's cash
	// credit; the payload is a PaymentCreditedPayload.
	EventPaymentCredited EventKind = "payment.credited"
	// EventInvoiceIssued: an invoice or credit note was issued.
	EventInvoiceIssued EventKind = "invoice.issued"
	// EventNotice: send the customer a notice (reminder, renewal result).
	EventNotice EventKind = "notice"
	// EventCollection: automatic invoice payment paid open invoices from
	// the account's credit (CollectionPayload), for the host's e-mail.
	EventCollection EventKind = "invoice.collected"
	// EventUsageStop: a prepaid account's credit fell short of its usage
	// hold too many days in a row; the host must stop its metered services
	// (UsageStopPayload).
	EventUsageStop EventKind = "usage.stop"
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

// emit writes an event to the outbox inside the caller's transaction, so it
// exists if and only if the change it reports commits. An id is derived
// from key when given (an event that must exist once, e.g. one reminder),
// else random.
func (s *System) emit(ctx context.Context, tx storage.Tx, accountID, stream string, kind EventKind, key string, payload any) error {
	ev, err := s.outboxEvent(accountID, stream, kind, key, payload)
	if err != nil {
		return err
	}
	_, err = tx.Outbox().Append(ctx, ev)
	return err
}

// outboxEvent is the outbox record emit writes: the payload encoded, the
// id key (a fresh one when key is empty), due for delivery now. Callers
// that write many events at once (the batched month close) append what it
// returns themselves.
func (s *System) outboxEvent(accountID, stream string, kind EventKind, key string, payload any) (storage.Event, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return storage.Event{}, fmt.Errorf("billing: encode %s event: %w", kind, err)
	}
	id := key
	if id == "" {
		if id, err = s.newID("evt"); err != nil {
			return storage.Event{}, err
		}
	}
	now := s.now()
	return storage.Event{ID: id, AccountID: accountID, Stream: stream, Kind: string(kind), Payload: body,
		NextAttemptAt: now, CreatedAt: now}, nil
}

// maxBackoff caps the delay between delivery attempts of one event.
const maxBackoff = time.Hour

// backoff is the delay after the n-th failed delivery: 10s, 20s, 40s, …,
// capped at an hour.
func backoff(n int) time.Duration {
	d := 10 * time.Second
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// DeliverEvents hands up to limit (1–1000; 0 means DefaultPageSize) due outbox events to the
// configured EventHandler, oldest first and never overtaking an earlier
// undelivered event of the same stream. A handler error keeps the event and
// schedules a retry (10s, 20s, 40s, … up to an hour); nothing is ever lost,
// and delivery state is in the store, so it survives restarts. Several
// workers may run it at once; an event may then reach the handler more than
// once (handlers deduplicate by Event.ID), never out of order within a
// stream once delivered. It returns how many events were delivered.
func (s *System) DeliverEvents(ctx context.Context, limit int) (int, error) {
	if err := checkLimit(&limit); err != nil {
		return 0, err
	}
	if s.cfg.EventHandler == nil {
		return 0, &ConfigError{Field: "EventHandler", Reason: "is required to deliver events"}
	}
	res, err := s.deliverEvents(ctx, limit)
	return res.done, err
}

// deliver hands one event to the handler and records the outcome; it
// reports whether the handler accepted it.
func (s *System) deliver(ctx context.Context, e storage.Event) (bool, error) {
	herr := s.cfg.EventHandler(context.WithValue(ctx, systemKey{}, s), Event{Seq: e.Seq, ID: e.ID, AccountID: e.AccountID, Stream: e.Stream,
		Kind: EventKind(e.Kind), Payload: e.Payload, Attempts: e.Attempts, CreatedAt: e.CreatedAt})
	if herr != nil && ctx.Err() != nil {
		return false, ctx.Err()
	}
	err := s.store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		cur, err := tx.Outbox().GetForUpdate(ctx, e.Seq)
		if err != nil || !cur.DeliveredAt.IsZero() {
			return err // another worker recorded it first
		}
		now := s.now()
		if herr == nil {
			cur.DeliveredAt = now
		} else {
			cur.Attempts++
			cur.LastError = truncate(herr.Error(), 500)
			cur.NextAttemptAt = now.Add(backoff(cur.Attempts))
		}
		return tx.Outbox().Update(ctx, cur)
	})
	if err != nil {
		return false, err
	}
	if herr != nil {
		s.log.WarnContext(ctx, "event handler failed; will retry", "event", e.ID, "kind", e.Kind, "attempt", e.Attempts+1, "error", herr)
	}
	return herr == nil, nil
}

// Events returns a page of the account's outbox events, oldest first (see
// ListRequest for paging): the portal's notices, and what tests assert on.
// Delivered events stay listed.
func (s *System) Events(ctx context.Context, req ListRequest) (Page[Event], error) {
	if err := req.check(false); err != nil {
		return Page[Event]{}, err
	}
	after, err := seqCursor(req.After)
	if err != nil {
		return Page[Event]{}, err
	}
	var out []Event
	err = s.store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
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

// truncate keeps at most n bytes of s, cut at a character boundary, with
// NUL bytes and invalid UTF-8 removed: stores keep text columns as valid
// UTF-8.
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
