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
// may change), as this transaction read them. The resources are locked in a fixed order inside tx.
func Record(ctx context.Context, s *core.Env, tx storage.Tx, events []metering.Event, good []int, checked []*metering.EventError, now time.Time) (
	recorded, duplicates int, rejected []*metering.EventError, holders map[string]storage.Account, err error) {
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
	// first is the batch's first candidate of each (account, id); an
	// identical event later in the batch shares its fate (sameAs).
	type accountID struct{ account, id string }
	first := make(map[accountID]int, len(good))
	sameAs := map[int]int{}
	cands := make([]candidate, 0, len(good))
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
		if j, ok := first[accountID{ev.AccountID, ev.ID}]; ok {
			if SameEvent(events[j], ev) {
				sameAs[i] = j
			} else {
				refuse(metering.ReasonIDConflict, "ID", "is the id of event "+strconv.Itoa(j)+" of the batch, with other content")
			}
			continue
		}
		first[accountID{ev.AccountID, ev.ID}] = i
		span := st.cal.MonthSpan(ev.At)
		cands = append(cands, candidate{i: i, ev: ev, meter: st.meter, span: span,
			key: monthKey{ev.AccountID, ev.ResourceID, ev.Metric, span.Start}})
	}
	keep, dups, refused, err := boundMonths(ctx, tx, cands)
	if err != nil {
		return 0, 0, nil, nil, err
	}
	duplicates += dups
	rejected = append(rejected, refused...)
	// outcome is, per candidate's batch index, its refusal (nil: recorded
	// or a duplicate), for the identical events that share its fate.
	outcome := map[int]*metering.EventError{}
	for _, e := range refused {
		outcome[e.Index] = e
	}
	if len(keep) > 0 {
		rows := make([]storage.UsageEvent, len(keep))
		for j, c := range keep {
			ev := c.ev
			rows[j] = storage.UsageEvent{ID: ev.ID, AccountID: ev.AccountID, ResourceID: ev.ResourceID,
				Metric: ev.Metric, Quantity: ev.Quantity, Value: ev.Value, At: ev.At, RecordedAt: now}
		}
		inserted, err := tx.Usage().Insert(ctx, rows)
		if err != nil {
			return 0, 0, nil, nil, err
		}
		holders = map[string]storage.Account{}
		for j, ok := range inserted {
			if ok {
				recorded++
				holders[rows[j].AccountID] = accounts[rows[j].AccountID]
				continue
			}
			// The id is stored already: a duplicate if with this content,
			// else a conflict.
			ev := keep[j].ev
			stored, err := UsageStored(ctx, tx, ev)
			if err != nil {
				return 0, 0, nil, nil, err
			}
			if stored {
				duplicates++
				continue
			}
			e := &metering.EventError{Index: keep[j].i, EventID: ev.ID, Reason: metering.ReasonIDConflict, Field: "ID",
				Detail: "is stored with other content"}
			rejected = append(rejected, e)
			outcome[e.Index] = e
		}
	}
	for i, j := range sameAs {
		if e := outcome[j]; e != nil {
			c := *e
			c.Index = i
			rejected = append(rejected, &c)
		} else {
			duplicates++
		}
	}
	return recorded, duplicates, rejected, holders, nil
}
