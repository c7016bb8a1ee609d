package usage

import (
	"context"
	"errors"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/storage"
)

// EventError returns err, which Meter.Check returned, as an *EventError at
// index i of the batch.
func EventError(err error, i int, id string) *metering.EventError {
	var e *metering.EventError
	if !errors.As(err, &e) {
		// Check returns nothing else; keep the rejection typed anyway.
		e = &metering.EventError{EventID: id, Reason: metering.ReasonMissingField, Detail: err.Error()}
	}
	out := *e // a copy: the Index set here is this batch's
	out.Index = i
	return &out
}

// UsageStored reports whether ev is stored already, with its content
// (SameEvent), for its account and resource, at its time: the events listed at that instant (a
// millisecond either side, whatever precision the store keeps) are few.
func UsageStored(ctx context.Context, tx storage.Tx, ev metering.Event) (bool, error) {
	q := storage.UsageQuery{AccountID: ev.AccountID, ResourceID: ev.ResourceID, From: ev.At.Add(-time.Millisecond),
		To: ev.At.Add(time.Millisecond)}
	stored := false
	err := eachUsage(ctx, tx, q, func(e storage.UsageEvent) (bool, error) {
		stored = e.ID == ev.ID && SameEvent(meteringEvent(e), ev)
		return e.ID == ev.ID, nil
	})
	return stored, err
}

// eachUsage calls fn with every stored event q matches, in the store's
// order, reading MaxUsageBatch at a time; fn returns true to stop early.
func eachUsage(ctx context.Context, tx storage.Tx, q storage.UsageQuery, fn func(storage.UsageEvent) (stop bool, err error)) error {
	q.Limit = billingtype.MaxUsageBatch
	for {
		page, err := tx.Usage().List(ctx, q)
		if err != nil {
			return err
		}
		for _, e := range page {
			if stop, err := fn(e); err != nil || stop {
				return err
			}
		}
		if len(page) < q.Limit {
			return nil
		}
		q.After = page[len(page)-1].Cursor()
	}
}

// meteringEvent is a stored usage event as the meter reads it.
func meteringEvent(e storage.UsageEvent) metering.Event {
	return metering.Event{ID: e.ID, AccountID: e.AccountID, ResourceID: e.ResourceID, Metric: e.Metric,
		Quantity: e.Quantity, Value: e.Value, At: e.At}
}
