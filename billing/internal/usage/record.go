package usage

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/storage"
)

// Record stores the events of a batch at the indexes good (those the
// meter accepted; checked are the meter's refusals), refusing each event
// its resource cannot bill, so that every event recorded is on a bill:
// an unknown resource (ReasonUnknownResource), a time before the
// postpaid resource's start, where its first bill starts (ReasonBeforeStart), in a month
// already billed (ReasonPeriodClosed), after a postpaid resource's stop
// (ReasonResourceStopped), an id of the account reused with other content
// (metering.ReasonIDConflict), and an event that would push its
// resource's month aggregate of the metric past one bill line
// (metering.ReasonAggregateOutOfRange). A retried event already stored
// with the same content is a duplicate. It returns the counts, every
// refusal, and the accounts that recorded new usage (whose credit holds
// may change). The resources are locked in a fixed order inside tx.
func Record(ctx context.Context, s *core.Env, tx storage.Tx, events []metering.Event, good []int, checked []*metering.EventError, now time.Time) (
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
		known    bool
		postpaid bool
		start    time.Time // a postpaid resource's first billable instant; zero: not started
		closed   time.Time
		stopped  time.Time // a postpaid resource's stop
		meter    metering.Meter
		cal      period.Calendar
	}
	owned := make(map[owner]state, len(keys))
	accounts := map[string]storage.Account{}
	for _, k := range keys {
		r, err := tx.Resources().GetForUpdate(ctx, k.account, k.resource)
		switch {
		case err == nil:
			acct, ok := accounts[k.account]
			if !ok {
				if acct, err = core.GetAccount(ctx, tx, k.account, false); err != nil {
					return 0, 0, nil, nil, err
				}
				accounts[k.account] = acct
			}
			st := state{known: true, closed: r.ClosedThrough, cal: s.Rules(acct, r.ProductID).Calendar()}
			if st.meter, err = s.MeterFor(acct.Currency); err != nil {
				return 0, 0, nil, nil, err
			}
			if r.Postpaid {
				st.postpaid, st.stopped, st.start = true, r.StoppedAt, r.PeriodStart
			}
			owned[k] = st
		case !errors.Is(err, storage.ErrNotFound):
			return 0, 0, nil, nil, err
		}
	}
	// months holds, per resource, metric and month, the aggregate so far
	// (stored, then this batch's accepted events) and the ids stored.
	months := map[monthKey]*monthUsage{}
	// first is the batch's first accepted event of each (account, id).
	type accountID struct{ account, id string }
	first := map[accountID]metering.Event{}
	rows := make([]storage.UsageEvent, 0, len(good))
	at := make([]int, 0, len(good)) // the batch index of each row
	for _, i := range good {
		ev := events[i]
		st := owned[owner{ev.AccountID, ev.ResourceID}]
		refuse := func(r metering.Reason, field, detail string) {
			rejected = append(rejected, &metering.EventError{Index: i, EventID: ev.ID, Reason: r, Field: field, Detail: detail})
		}
		if !st.known {
			refuse(billingtype.ReasonUnknownResource, "ResourceID", strconv.Quote(ev.ResourceID)+" is not a resource of account "+strconv.Quote(ev.AccountID))
			continue
		}
		var late *metering.EventError
		switch {
		case st.postpaid && (st.start.IsZero() || ev.At.Before(st.start)):
			detail := "the resource has not started"
			if !st.start.IsZero() {
				detail = "the resource's usage is billable from " + st.start.UTC().Format(time.RFC3339Nano)
			}
			late = &metering.EventError{Index: i, EventID: ev.ID, Reason: billingtype.ReasonBeforeStart, Field: "At", Detail: detail}
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
		if prev, ok := first[accountID{ev.AccountID, ev.ID}]; ok {
			if SameEvent(prev, ev) {
				duplicates++
			} else {
				refuse(metering.ReasonIDConflict, "ID", "is the id of event "+strconv.Quote(clip(prev.ID))+" earlier in the batch, with other content")
			}
			continue
		}
		mu, err := monthOf(ctx, tx, months, st.meter, st.cal, ev)
		if err != nil {
			return 0, 0, nil, nil, err
		}
		if prev, ok := mu.stored[ev.ID]; ok {
			if SameEvent(prev, ev) {
				duplicates++
			} else {
				refuse(metering.ReasonIDConflict, "ID", "is stored with other content")
			}
			continue
		}
		if err := mu.add(st.meter, ev, true); err != nil {
			rejected = append(rejected, EventError(err, i, ev.ID))
			continue
		}
		first[accountID{ev.AccountID, ev.ID}] = ev
		rows = append(rows, storage.UsageEvent{ID: ev.ID, AccountID: ev.AccountID, ResourceID: ev.ResourceID,
			Metric: ev.Metric, Quantity: ev.Quantity, Value: ev.Value, At: ev.At, RecordedAt: now})
		at = append(at, i)
	}
	if len(rows) == 0 {
		return 0, duplicates, rejected, nil, nil
	}
	inserted, err := tx.Usage().Insert(ctx, rows)
	if err != nil {
		return 0, 0, nil, nil, err
	}
	holders = map[string]bool{}
	for j, ok := range inserted {
		if ok {
			recorded++
			holders[rows[j].AccountID] = true
			continue
		}
		// The id is stored already, not in this resource's month of the
		// metric (or the month's listing would have found it): another
		// resource, metric or month, so other content.
		ev := events[at[j]]
		stored, err := UsageStored(ctx, tx, ev)
		if err != nil {
			return 0, 0, nil, nil, err
		}
		if stored {
			duplicates++
			continue
		}
		rejected = append(rejected, &metering.EventError{Index: at[j], EventID: ev.ID, Reason: metering.ReasonIDConflict, Field: "ID",
			Detail: "is stored with other content"})
	}
	return recorded, duplicates, rejected, holders, nil
}

// clip shortens an id for a message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
