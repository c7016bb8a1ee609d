package usage

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/storage"
)

// Record stores the events of a batch at the indexes good (those the
// meter accepted; checked are the meter's refusals), refusing each event
// its resource cannot bill: an unknown resource, a time in a month already
// billed, a postpaid resource's time after its stop. A retried event
// already stored is a duplicate. It returns the counts, every refusal, and
// the accounts that recorded new usage (whose credit holds may change).
// The resources are locked in a fixed order inside tx.
func Record(ctx context.Context, tx storage.Tx, events []metering.Event, good []int, checked []*metering.EventError, now time.Time) (
	recorded, duplicates int, rejected []*metering.EventError, holders map[string]bool, err error) {
	// Everything below is decided from this transaction's reads, so it
	// starts afresh when the store runs fn again.
	rejected = slices.Clone(checked)
	type owner struct{ account, resource string }
	// The resources are locked, in a fixed order so that concurrent
	// batches never deadlock: a month close holds the same lock while
	// it bills, so an event is either in the month's bill or refused
	// as late, never stored uncounted.
	keys := make([]owner, 0, 4)
	seenKey := map[owner]bool{}
	for _, i := range good {
		k := owner{events[i].AccountID, events[i].ResourceID}
		if !seenKey[k] {
			seenKey[k] = true
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b owner) int {
		if c := strings.Compare(a.account, b.account); c != 0 {
			return c
		}
		return strings.Compare(a.resource, b.resource)
	})
	// closed is, per resource, the end of its last closed month: no
	// usage before it can be billed any more. The zero time for an
	// unknown resource means refused.
	type state struct {
		known   bool
		closed  time.Time
		stopped time.Time // a postpaid resource's stop
	}
	owned := make(map[owner]state, len(keys))
	for _, k := range keys {
		r, err := tx.Resources().GetForUpdate(ctx, k.account, k.resource)
		switch {
		case err == nil:
			st := state{known: true, closed: r.ClosedThrough}
			if r.Postpaid {
				st.stopped = r.StoppedAt
			}
			owned[k] = st
		case !errors.Is(err, storage.ErrNotFound):
			return 0, 0, nil, nil, err
		}
	}
	rows := make([]storage.UsageEvent, 0, len(good))
	for _, i := range good {
		ev := events[i]
		st := owned[owner{ev.AccountID, ev.ResourceID}]
		if !st.known {
			rejected = append(rejected, &metering.EventError{Index: i, EventID: ev.ID, Reason: billingtype.ReasonUnknownResource,
				Field: "ResourceID", Detail: strconv.Quote(ev.ResourceID) + " is not a resource of account " + strconv.Quote(ev.AccountID)})
			continue
		}
		var late *metering.EventError
		switch {
		case ev.At.Before(st.closed):
			late = &metering.EventError{Index: i, EventID: ev.ID, Reason: billingtype.ReasonPeriodClosed,
				Field: "At", Detail: "the resource's usage is billed through " + st.closed.UTC().Format(time.RFC3339)}
		case !st.stopped.IsZero() && !ev.At.Before(st.stopped):
			late = &metering.EventError{Index: i, EventID: ev.ID, Reason: billingtype.ReasonResourceStopped,
				Field: "At", Detail: "the resource stopped at " + st.stopped.UTC().Format(time.RFC3339)}
		}
		if late != nil {
			// A retry of an event stored before its period closed (or
			// its resource stopped) was counted: it is a duplicate,
			// not a refusal that would make the sender think it lost.
			stored, err := UsageStored(ctx, tx, ev)
			if err != nil {
				return 0, 0, nil, nil, err
			}
			if stored {
				duplicates++
			} else {
				rejected = append(rejected, late)
			}
			continue
		}
		rows = append(rows, storage.UsageEvent{ID: ev.ID, AccountID: ev.AccountID, ResourceID: ev.ResourceID,
			Metric: ev.Metric, Quantity: ev.Quantity, Value: ev.Value, At: ev.At, RecordedAt: now})
	}
	if len(rows) == 0 {
		return 0, duplicates, rejected, nil, nil
	}
	inserted, err := tx.Usage().Insert(ctx, rows)
	if err != nil {
		return 0, 0, nil, nil, err
	}
	holders = map[string]bool{}
	for i, ok := range inserted {
		if ok {
			recorded++
			holders[rows[i].AccountID] = true
		} else {
			duplicates++
		}
	}
	return recorded, duplicates, rejected, holders, nil
}
