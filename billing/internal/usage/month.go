package usage

import (
	"context"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/storage"
)

// monthKey names one resource's month of one metric: what one bill line
// aggregates.
type monthKey struct {
	account, resource, metric string
	month                     time.Time // the month's start
}

// candidate is an event of a batch that passed every check but the month
// bound: its batch index, its resource's meter and the month it counts in.
type candidate struct {
	i     int
	ev    metering.Event
	meter metering.Meter
	span  period.Span
	key   monthKey
}

// monthTotal is a resource's month of a sum or unique-count metric: the
// aggregate of the stored events (for unique count, the number of events,
// which bounds the distinct values from above) and, while a batch is
// decided, of its events.
type monthTotal struct {
	stored   decimal.Decimal
	optimist decimal.Decimal // stored + every candidate
	exact    decimal.Decimal // stored + the candidates kept, retries left out
	tight    bool            // some candidate takes optimist past the bound
}

// one is a unique-count event's step.
var one = decimal.NewFromInt(1)

// boundMonths keeps, in batch order, the candidates whose month stays
// within one bill line with them (metering.Meter.CheckAggregate): an
// event that would take its resource's month of the metric past it is
// refused with metering.ReasonAggregateOutOfRange. A max or last aggregate
// is one event's quantity, so such an event is checked alone. For sum and
// unique count the month's stored total is read once (storage.UsageTotaler,
// two numbers), and every candidate counts. Only in a month that this
// would take past the bound — rare — is each candidate looked up first:
// an exact retry of a stored event is a duplicate and counts nothing, so
// that it is never refused; every other candidate (an id stored with other
// content included, which Insert then refuses as a conflict) counts in
// batch order.
func boundMonths(ctx context.Context, tx storage.Tx, cands []candidate) (keep []candidate, dups int, refused []*metering.EventError, err error) {
	totals := map[monthKey]*monthTotal{}
	// Most candidates are kept: one allocation rather than a copy of
	// every candidate kept so far each time keep grows.
	keep = make([]candidate, 0, len(cands))
	// Pass one: the optimistic totals.
	for _, c := range cands {
		it, _ := c.meter.Item(c.ev.Metric) // the meter accepted the event
		if it.Aggregation != metering.AggSum && it.Aggregation != metering.AggUniqueCount {
			continue
		}
		mt := totals[c.key]
		if mt == nil {
			stored, err := storedTotal(ctx, tx, c, it.Aggregation)
			if err != nil {
				return nil, 0, nil, err
			}
			mt = &monthTotal{stored: stored, optimist: stored, exact: stored}
			totals[c.key] = mt
		}
		mt.optimist = mt.optimist.Add(step(it.Aggregation, c.ev))
		if !mt.tight && c.meter.CheckAggregate(aggregateOf(c, it.Aggregation, mt.optimist)) != nil {
			mt.tight = true
		}
	}
	// Pass two: decide each candidate.
	for _, c := range cands {
		it, _ := c.meter.Item(c.ev.Metric)
		mt := totals[c.key]
		var q decimal.Decimal
		switch {
		case mt == nil: // max, last: the event alone
			q = c.ev.Quantity
		case !mt.tight:
			keep = append(keep, c)
			continue
		default:
			q = mt.exact.Add(step(it.Aggregation, c.ev))
		}
		bound := c.meter.CheckAggregate(aggregateOf(c, it.Aggregation, q))
		if bound == nil && mt == nil {
			keep = append(keep, c)
			continue
		}
		stored, err := UsageStored(ctx, tx, c.ev)
		if err != nil {
			return nil, 0, nil, err
		}
		switch {
		case stored:
			dups++
		case bound != nil:
			refused = append(refused, EventError(bound, c.i, c.ev.ID))
		default:
			mt.exact = q
			keep = append(keep, c)
		}
	}
	return keep, dups, refused, nil
}

// step is what one event adds to a sum or unique-count month total.
func step(agg metering.Aggregation, ev metering.Event) decimal.Decimal {
	if agg == metering.AggUniqueCount {
		return one
	}
	return ev.Quantity
}

// aggregateOf is c's month aggregate at quantity q.
func aggregateOf(c candidate, agg metering.Aggregation, q decimal.Decimal) metering.Aggregate {
	return metering.Aggregate{AccountID: c.ev.AccountID, ResourceID: c.ev.ResourceID, Metric: c.ev.Metric,
		Aggregation: agg, Period: c.span, Quantity: q}
}

// storedTotal is the stored total of c's month: the sum of the quantities,
// or for unique count the number of events, read in the store when it
// totals (storage.UsageTotaler) and from the listing otherwise.
func storedTotal(ctx context.Context, tx storage.Tx, c candidate, agg metering.Aggregation) (decimal.Decimal, error) {
	q := storage.UsageQuery{AccountID: c.ev.AccountID, ResourceID: c.ev.ResourceID, Metric: c.ev.Metric, From: c.span.Start, To: c.span.End}
	sum, n := decimal.Zero, 0
	if t, ok := tx.Usage().(storage.UsageTotaler); ok {
		var err error
		if sum, n, err = t.Total(ctx, q); err != nil {
			return decimal.Zero, err
		}
	} else if err := eachUsage(ctx, tx, q, func(e storage.UsageEvent) (bool, error) {
		sum, n = sum.Add(e.Quantity), n+1
		return false, nil
	}); err != nil {
		return decimal.Zero, err
	}
	if agg == metering.AggUniqueCount {
		return decimal.NewFromInt(int64(n)), nil
	}
	return sum, nil
}

// SameEvent reports whether b has a's content — account, resource,
// metric, quantity (by value), value and time to the microsecond (a
// database keeps no more) — so that b sent with a's id is a retry, not a
// conflict.
func SameEvent(a, b metering.Event) bool {
	d := a.At.Sub(b.At)
	return a.AccountID == b.AccountID && a.ResourceID == b.ResourceID && a.Metric == b.Metric &&
		a.Quantity.Equal(b.Quantity) && a.Value == b.Value && d < time.Microsecond && d > -time.Microsecond
}
