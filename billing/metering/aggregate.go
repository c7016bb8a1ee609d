package metering

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
)

// Aggregate is the usage of one metric by one resource of one account in a
// period, before rounding and pricing.
type Aggregate struct {
	// AccountID, ResourceID and Metric identify what was used.
	AccountID  string `json:"account_id"`
	ResourceID string `json:"resource_id"`
	Metric     string `json:"metric"`
	// Aggregation is the item's aggregation that produced Quantity.
	Aggregation Aggregation `json:"aggregation"`
	// Period is the span the events were taken from.
	Period period.Span `json:"period"`
	// Quantity is the aggregated quantity: the sum, the largest, the
	// latest, or the number of distinct values.
	Quantity decimal.Decimal `json:"quantity"`
	// Events is how many distinct event ids were counted.
	Events int `json:"events"`
}

// Aggregate groups the events whose At lies in span (half-open: Start
// included, End not) by (account, resource, metric) and aggregates each
// group by its item's Aggregation. Events outside span are skipped. An event
// whose id was already seen in events is skipped (the first one counts), so
// a retried event is counted once. Every event in span is checked with the
// rules of Check except the future rule; the first that fails is returned
// as an *EventError with its Index, and no aggregates.
//
// The result is sorted by account, resource and metric, and does not depend
// on the order of events (except which of two events with the same id
// counts, which a store never keeps both of).
func (m Meter) Aggregate(events []Event, span period.Span) ([]Aggregate, error) {
	type key struct{ account, resource, metric string }
	type acc struct {
		agg    Aggregate
		lastAt time.Time
		lastID string
		values map[string]struct{}
	}
	groups := map[key]*acc{}
	seen := map[string]struct{}{}
	for i, ev := range events {
		if !span.Contains(ev.At) {
			continue
		}
		if err := m.checkShape(ev); err != nil {
			e := asEventError(err)
			e.Index = i
			return nil, e
		}
		if _, dup := seen[ev.ID]; dup {
			continue
		}
		seen[ev.ID] = struct{}{}
		it, _ := m.Item(ev.Metric) // checked by checkShape
		k := key{ev.AccountID, ev.ResourceID, ev.Metric}
		g, ok := groups[k]
		if !ok {
			g = &acc{agg: Aggregate{AccountID: ev.AccountID, ResourceID: ev.ResourceID, Metric: ev.Metric,
				Aggregation: it.Aggregation, Period: span, Quantity: decimal.Zero}}
			groups[k] = g
		}
		g.agg.Events++
		switch it.Aggregation {
		case AggSum:
			g.agg.Quantity = g.agg.Quantity.Add(ev.Quantity)
		case AggMax:
			if g.agg.Events == 1 || ev.Quantity.GreaterThan(g.agg.Quantity) {
				g.agg.Quantity = ev.Quantity
			}
		case AggLast:
			if g.agg.Events == 1 || ev.At.After(g.lastAt) || (ev.At.Equal(g.lastAt) && ev.ID > g.lastID) {
				g.agg.Quantity, g.lastAt, g.lastID = ev.Quantity, ev.At, ev.ID
			}
		case AggUniqueCount:
			if g.values == nil {
				g.values = map[string]struct{}{}
			}
			g.values[ev.Value] = struct{}{}
			g.agg.Quantity = decimal.NewFromInt(int64(len(g.values)))
		}
	}
	out := make([]Aggregate, 0, len(groups))
	for _, g := range groups {
		out = append(out, g.agg)
	}
	slices.SortFunc(out, func(a, b Aggregate) int {
		if c := strings.Compare(a.AccountID, b.AccountID); c != 0 {
			return c
		}
		if c := strings.Compare(a.ResourceID, b.ResourceID); c != 0 {
			return c
		}
		return strings.Compare(a.Metric, b.Metric)
	})
	return out, nil
}

// Charge is a priced aggregate: one metered line of a bill before discount,
// tax and coupons.
type Charge struct {
	// AccountID, ResourceID and Metric identify what was used.
	AccountID  string `json:"account_id"`
	ResourceID string `json:"resource_id"`
	Metric     string `json:"metric"`
	// Unit is the item's unit, for people.
	Unit string `json:"unit"`
	// Period is the aggregate's span.
	Period period.Span `json:"period"`
	// Used is the aggregated quantity as measured.
	Used decimal.Decimal `json:"used"`
	// Quantity is the billed quantity: Used rounded by the item's Rounding
	// (bandwidth 5.56 GB → 5).
	Quantity decimal.Decimal `json:"quantity"`
	// UnitPrice is the item's price of one unit, possibly with more digits
	// than the currency.
	UnitPrice money.Amount `json:"unit_price"`
	// Amount is Quantity × UnitPrice computed exactly and rounded once,
	// half-up, to the currency's digits (7.7 × 720 = 5,544 VND).
	Amount money.Amount `json:"amount"`
}

// Price prices a: the billed quantity is a.Quantity rounded by the item's
// Rounding, the amount that quantity times the item's unit price, rounded
// half-up to the currency's minor unit once, at the line. An aggregate of a
// metric the meter does not declare is an *EventError with
// ReasonUnknownMetric; a negative quantity, or one whose exponent is out of
// any real range, an *ArgumentError.
func (m Meter) Price(a Aggregate) (Charge, error) {
	it, ok := m.Item(a.Metric)
	if !ok {
		return Charge{}, &EventError{Index: -1, Reason: ReasonUnknownMetric, Field: "Metric",
			Detail: "aggregate of undeclared metric " + clip(a.Metric)}
	}
	if a.Quantity.IsNegative() {
		return Charge{}, &ArgumentError{Name: "Aggregate.Quantity", Reason: "is negative"}
	}
	if e := a.Quantity.Exponent(); e > 30 || (e < -1000 && !a.Quantity.IsZero()) {
		return Charge{}, &ArgumentError{Name: "Aggregate.Quantity", Reason: "is out of range"}
	}
	q := it.Rounding.Apply(a.Quantity)
	amount := it.UnitPrice.Mul(q)
	if amount.Currency() != it.UnitPrice.Currency() {
		return Charge{}, &ArgumentError{Name: "Aggregate.Quantity", Reason: "price × quantity is out of range", Err: money.ErrOverflow}
	}
	return Charge{
		AccountID: a.AccountID, ResourceID: a.ResourceID, Metric: a.Metric, Unit: it.Unit, Period: a.Period,
		Used: a.Quantity, Quantity: q, UnitPrice: it.UnitPrice, Amount: amount.Round(money.HalfUp),
	}, nil
}

// MaxLineAmountMinor is the largest amount, in minor units of its
// currency, one metered bill line may cost before tax: 10^15, the most one
// payment may carry. A month bill has at most invoice.MaxLines lines, so
// with tax of at most 100% its total stays far within int64 minor units.
const MaxLineAmountMinor = 1_000_000_000_000_000

// CheckAggregate returns nil when a, as one resource's month of a metric,
// fits one bill line: priced by Price, its billed quantity is at most
// MaxQuantity() (10^15, what an invoice line accepts) and its amount at
// most MaxLineAmountMinor minor units. Otherwise it returns an
// *EventError (Index -1) with ReasonAggregateOutOfRange. Hosts ingesting
// usage call it with the month's aggregate including a new event, and
// refuse the event that would not fit, so that month close never meets
// an aggregate it cannot bill: two events of 6×10^14 GB-hours make 1.2×10^15,
// and the second is refused.
func (m Meter) CheckAggregate(a Aggregate) error {
	bad := func(detail string) error {
		return &EventError{Index: -1, Reason: ReasonAggregateOutOfRange, Field: "Quantity",
			Detail: "the month's " + clip(a.Metric) + " of resource " + clip(a.ResourceID) + " " + detail}
	}
	if e := a.Quantity.Exponent(); e > 30 {
		return bad("would be " + safeDecimal(a.Quantity) + ", above 10^15")
	}
	c, err := m.Price(a)
	if err != nil {
		var ee *EventError
		if errors.As(err, &ee) {
			return err // an undeclared metric
		}
		return bad("cannot be priced: " + err.Error())
	}
	if c.Quantity.GreaterThan(MaxQuantity()) {
		return bad("would be " + safeDecimal(c.Quantity) + ", above 10^15")
	}
	minor := c.Amount.Number().Shift(c.Amount.Currency().Digits())
	if minor.GreaterThan(decimal.New(MaxLineAmountMinor, 0)) {
		return bad("would cost " + clip(c.Amount.String()) + ", above 10^15 minor units")
	}
	return nil
}
