package usage

import (
	"context"
	"time"

	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/shopspring/decimal"
)

// one is a unique-count aggregate's step.
var one = decimal.NewFromInt(1)

// monthKey names one resource's month of one metric: what one bill line
// aggregates.
type monthKey struct {
	account, resource, metric string
	month                     time.Time // the month's start
}

// monthUsage is a resource's month of a metric while a batch is recorded:
// the aggregate of the stored events and of the batch's accepted ones, and
// the stored events by id. It is read from the store only for the
// aggregations whose total grows with every event (sum, unique count);
// a max or last aggregate is one event's quantity, checked alone.
type monthUsage struct {
	agg    metering.Aggregate
	values map[string]struct{} // unique count: the distinct values
	stored map[string]metering.Event
}

// monthOf returns the month usage of ev's resource and metric, reading
// the stored events of that month on first use.
func monthOf(ctx context.Context, tx storage.Tx, months map[monthKey]*monthUsage, meter metering.Meter, cal period.Calendar,
	ev metering.Event) (*monthUsage, error) {
	span := cal.MonthSpan(ev.At)
	k := monthKey{ev.AccountID, ev.ResourceID, ev.Metric, span.Start}
	if mu, ok := months[k]; ok {
		return mu, nil
	}
	it, _ := meter.Item(ev.Metric) // the meter accepted the event
	mu := &monthUsage{agg: metering.Aggregate{AccountID: ev.AccountID, ResourceID: ev.ResourceID, Metric: ev.Metric,
		Aggregation: it.Aggregation, Period: span}, stored: map[string]metering.Event{}}
	months[k] = mu
	if it.Aggregation != metering.AggSum && it.Aggregation != metering.AggUniqueCount {
		return mu, nil
	}
	q := storage.UsageQuery{AccountID: ev.AccountID, ResourceID: ev.ResourceID, Metric: ev.Metric, From: span.Start, To: span.End}
	err := eachUsage(ctx, tx, q, func(e storage.UsageEvent) (bool, error) {
		se := meteringEvent(e)
		mu.stored[se.ID] = se
		return false, mu.add(meter, se, false)
	})
	return mu, err
}

// add counts ev in the month; with check set it first refuses, with the
// meter's *metering.EventError (ReasonAggregateOutOfRange), an event that
// would take the aggregate past one bill line, and counts nothing then.
// Stored events are counted without the check: they were accepted.
func (mu *monthUsage) add(meter metering.Meter, ev metering.Event, check bool) error {
	next := mu.agg
	next.Events++
	var value bool
	switch next.Aggregation {
	case metering.AggSum:
		next.Quantity = next.Quantity.Add(ev.Quantity)
	case metering.AggUniqueCount:
		if _, seen := mu.values[ev.Value]; !seen {
			value = true
			next.Quantity = next.Quantity.Add(one)
		}
	default: // max, last: the aggregate is one event's quantity
		next.Quantity = ev.Quantity
	}
	if check {
		if err := meter.CheckAggregate(next); err != nil {
			return err
		}
	}
	if value {
		if mu.values == nil {
			mu.values = map[string]struct{}{}
		}
		mu.values[ev.Value] = struct{}{}
	}
	mu.agg = next
	return nil
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
