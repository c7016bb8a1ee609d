package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/storage"
)

// Emit writes an event to the outbox inside the caller's transaction, so it
// exists if and only if the change it reports commits. An id is derived
// from key when given (an event that must exist once, e.g. one reminder),
// else random.
func Emit(ctx context.Context, s *core.Env, tx storage.Tx, accountID, stream string, kind billingtype.EventKind, key string, payload any) error {
	ev, err := OutboxEvent(s, accountID, stream, kind, key, payload)
	if err != nil {
		return err
	}
	_, err = tx.Outbox().Append(ctx, ev)
	return err
}

// OutboxEvent is the outbox record emit writes: the payload encoded, the
// id key (a fresh one when key is empty), due for delivery now. Callers
// that write many events at once (the batched month close) append what it
// returns themselves.
func OutboxEvent(s *core.Env, accountID, stream string, kind billingtype.EventKind, key string, payload any) (storage.Event, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return storage.Event{}, fmt.Errorf("billing: encode %s event: %w", kind, err)
	}
	id := key
	if id == "" {
		if id, err = s.NewID("evt"); err != nil {
			return storage.Event{}, err
		}
	}
	now := s.Now()
	return storage.Event{ID: id, AccountID: accountID, Stream: stream, Kind: string(kind), Payload: body,
		NextAttemptAt: now, CreatedAt: now}, nil
}

// maxBackoff caps the delay between delivery attempts of one event.
const maxBackoff = time.Hour

// Backoff is the delay after the n-th failed delivery: 10s, 20s, 40s, …,
// capped at an hour.
func Backoff(n int) time.Duration {
	d := 10 * time.Second
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// Zoned is payload as the account acct is shown it: the times of a
// StatePayload, NoticePayload or InvoicePayload in the account's billing
// zone (the same instants) and the zone named in TimeZone. Other payloads
// come back unchanged.
func Zoned(s *core.Env, acct storage.Account, payload any) any {
	loc := s.Zone(acct)
	switch p := payload.(type) {
	case billingtype.StatePayload:
		p.PeriodEnd, p.TimeZone = core.InZone(p.PeriodEnd, loc), core.ZoneName(loc)
		return p
	case billingtype.NoticePayload:
		p.PeriodEnd, p.TimeZone = core.InZone(p.PeriodEnd, loc), core.ZoneName(loc)
		return p
	case billingtype.InvoicePayload:
		p.DueAt, p.TimeZone = core.InZone(p.DueAt, loc), core.ZoneName(loc)
		return p
	}
	return payload
}
