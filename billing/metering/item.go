package metering

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
)

// Aggregation says how the events of one (resource, metric) in a period
// become one billed quantity. The zero value is not an aggregation, so an
// item left unset fails validation instead of billing nothing.
type Aggregation int

const (
	// AggSum adds the quantities: GB-hours of snapshot storage recorded
	// hourly, bytes transferred.
	AggSum Aggregation = iota + 1
	// AggMax takes the largest quantity: peak nodes of a cluster.
	AggMax
	// AggLast takes the quantity of the latest event (by At; equal times by
	// the greater event id, so the result does not depend on the order the
	// events are read in): a gauge such as the size of a bucket.
	AggLast
	// AggUniqueCount counts the distinct Values of the events: active
	// users, images pulled. The Quantity of such events is not used.
	AggUniqueCount
)

// String returns the stored name: "sum", "max", "last" or "unique_count",
// or "Aggregation(n)" for an undeclared value.
func (a Aggregation) String() string {
	switch a {
	case AggSum:
		return "sum"
	case AggMax:
		return "max"
	case AggLast:
		return "last"
	case AggUniqueCount:
		return "unique_count"
	}
	return "Aggregation(" + strconv.Itoa(int(a)) + ")"
}

// Valid reports whether a is one of the declared aggregations.
func (a Aggregation) Valid() bool { return a >= AggSum && a <= AggUniqueCount }

// ParseAggregation returns the aggregation whose stored name is s; any other
// text is an *ItemError matching ErrInvalidItem.
func ParseAggregation(s string) (Aggregation, error) {
	for a := AggSum; a <= AggUniqueCount; a++ {
		if a.String() == s {
			return a, nil
		}
	}
	return 0, &ItemError{Field: "Aggregation", Reason: fmt.Sprintf("%q is not sum, max, last or unique_count", clip(s))}
}

// MarshalText returns the stored name; an undeclared value is an error.
func (a Aggregation) MarshalText() ([]byte, error) {
	if !a.Valid() {
		return nil, &ItemError{Field: "Aggregation", Reason: a.String() + " is not declared"}
	}
	return []byte(a.String()), nil
}

// UnmarshalText parses a stored name with ParseAggregation.
func (a *Aggregation) UnmarshalText(text []byte) error {
	v, err := ParseAggregation(string(text))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// QuantityRounding says how an aggregated quantity becomes the billed
// quantity, before it is multiplied by the unit price. The zero value,
// QuantityExact, bills the aggregate as it is.
type QuantityRounding int

const (
	// QuantityExact bills the aggregated quantity unchanged (720.5 GB-hours
	// are billed as 720.5).
	QuantityExact QuantityRounding = iota
	// QuantityFloor bills whole units, rounded down: a started unit is not
	// billed. Bandwidth: 5.56 GB is billed as 5 GB.
	QuantityFloor
	// QuantityCeil bills whole units, rounded up: a started unit is billed
	// in full (5.01 becomes 6).
	QuantityCeil
)

// String returns "exact", "floor", "ceil" or "QuantityRounding(n)".
func (r QuantityRounding) String() string {
	switch r {
	case QuantityExact:
		return "exact"
	case QuantityFloor:
		return "floor"
	case QuantityCeil:
		return "ceil"
	}
	return "QuantityRounding(" + strconv.Itoa(int(r)) + ")"
}

// Valid reports whether r is one of the declared roundings.
func (r QuantityRounding) Valid() bool { return r >= QuantityExact && r <= QuantityCeil }

// Apply returns q rounded by r; an undeclared r leaves q unchanged.
// Aggregated quantities are never negative, so floor is toward zero.
func (r QuantityRounding) Apply(q decimal.Decimal) decimal.Decimal {
	switch r {
	case QuantityFloor:
		return q.Floor()
	case QuantityCeil:
		return q.Ceil()
	}
	return q
}

// Item declares one metered thing a product bills by usage: snapshot storage
// in GB-hours at 7.7 VND, bandwidth in GB rounded down. It is a plain value a
// host may load from its configuration; NewMeter validates it.
type Item struct {
	// Metric is the name usage events carry ("snapshot.gb_hours"): 1 to
	// MaxMetricLen bytes of valid UTF-8 without control characters, unique
	// within a Meter.
	Metric string `json:"metric"`
	// Unit is what one unit of quantity is, for people ("GB-hour", "GB").
	// Required, same text rules as Metric.
	Unit string `json:"unit"`
	// Aggregation says how a period's events become one quantity.
	Aggregation Aggregation `json:"aggregation"`
	// UnitPrice is the price of one billed unit. It must have a currency
	// and be non-negative, and may carry more digits than the currency
	// (7.7 VND per GB-hour): the line is rounded, never the price.
	UnitPrice money.Amount `json:"unit_price"`
	// Rounding turns the aggregate into the billed quantity.
	Rounding QuantityRounding `json:"rounding"`
}

// Limits on items and events. They are far above real usage and keep the
// arithmetic on hostile input cheap.
const (
	// MaxMetricLen is the longest metric name, unit or resource id, in bytes.
	MaxMetricLen = 128
	// MaxValueLen is the longest Value of a unique-count event, in bytes.
	MaxValueLen = 256
	// MaxQuantityPlaces is the most decimal places an event's quantity may
	// have (the same bound as an invoice line's quantity).
	MaxQuantityPlaces = 18
	// MaxItems is the most items one Meter may declare.
	MaxItems = 1000
)

// MaxQuantity is the largest quantity one event may carry, 10^15 (the
// largest quantity an invoice line accepts).
func MaxQuantity() decimal.Decimal { return decimal.New(1, 15) }

// validate checks it and returns an *ItemError for the first broken rule.
func (it Item) validate() error {
	bad := func(field, reason string, err error) error {
		return &ItemError{Metric: it.Metric, Field: field, Reason: reason, Err: err}
	}
	if p := textProblem(it.Metric, MaxMetricLen); p != "" {
		return bad("Metric", p, nil)
	}
	if p := textProblem(it.Unit, MaxMetricLen); p != "" {
		return bad("Unit", p, nil)
	}
	if !it.Aggregation.Valid() {
		return bad("Aggregation", it.Aggregation.String()+" is not declared", nil)
	}
	if !it.Rounding.Valid() {
		return bad("Rounding", it.Rounding.String()+" is not declared", nil)
	}
	switch {
	case it.UnitPrice.Currency().IsZero():
		return bad("UnitPrice", "has no currency", nil)
	case it.UnitPrice.IsNegative():
		return bad("UnitPrice", it.UnitPrice.String()+" is negative", nil)
	case it.UnitPrice.Number().Exponent() < -MaxQuantityPlaces:
		return bad("UnitPrice", "has more than 18 decimal places", nil)
	}
	return nil
}

// Policy is how strictly a Meter checks events. Zero fields take the
// documented defaults, so Policy{} is the default policy.
type Policy struct {
	// FutureTolerance is how far past now an event's time may be, to allow
	// for clocks that run a little fast. Zero means
	// DefaultFutureTolerance; negative is invalid.
	FutureTolerance time.Duration
	// MaxIDLen is the longest event id in bytes. Zero means
	// DefaultMaxIDLen; at most 1024.
	MaxIDLen int
}

// Defaults of Policy.
const (
	// DefaultFutureTolerance is Policy.FutureTolerance when zero: 5 minutes.
	DefaultFutureTolerance = 5 * time.Minute
	// DefaultMaxIDLen is Policy.MaxIDLen when zero: 128 bytes.
	DefaultMaxIDLen = 128
)

// resolved returns p with its zero fields set to the defaults.
func (p Policy) resolved() Policy {
	if p.FutureTolerance == 0 {
		p.FutureTolerance = DefaultFutureTolerance
	}
	if p.MaxIDLen == 0 {
		p.MaxIDLen = DefaultMaxIDLen
	}
	return p
}

// Validate returns a *PolicyError (ErrInvalidPolicy) for the first broken
// rule of p's fields, or nil.
func (p Policy) Validate() error {
	if p.FutureTolerance < 0 {
		return &PolicyError{Field: "FutureTolerance", Reason: "is negative"}
	}
	if p.MaxIDLen < 0 || p.MaxIDLen > 1024 {
		return &PolicyError{Field: "MaxIDLen", Reason: "is " + strconv.Itoa(p.MaxIDLen) + ", must be 0..1024"}
	}
	return nil
}

// Meter is the set of metered items of a product (or of a host's whole
// catalog: metrics are unique within it) with the policy that checks their
// events. It is an immutable value, safe for concurrent use; the zero Meter
// knows no metric.
type Meter struct {
	items  []Item // sorted by Metric
	policy Policy
}

// NewMeter returns a Meter of items under p. Errors: a *PolicyError for a
// bad policy; an *ItemError (ErrInvalidItem) for the first bad item, for a
// metric declared twice, for items priced in different currencies, or for
// more than MaxItems items. The items are copied.
func NewMeter(p Policy, items ...Item) (Meter, error) {
	if err := p.Validate(); err != nil {
		return Meter{}, err
	}
	if len(items) > MaxItems {
		return Meter{}, &ItemError{Field: "items", Reason: fmt.Sprintf("%d items, at most %d", len(items), MaxItems)}
	}
	sorted := slices.Clone(items)
	for _, it := range sorted {
		if err := it.validate(); err != nil {
			return Meter{}, err
		}
		if it.UnitPrice.Currency() != sorted[0].UnitPrice.Currency() {
			return Meter{}, &ItemError{Metric: it.Metric, Field: "UnitPrice", Reason: "is not in " + sorted[0].UnitPrice.Currency().Code(),
				Err: &money.CurrencyMismatchError{A: sorted[0].UnitPrice.Currency().Code(), B: it.UnitPrice.Currency().Code()}}
		}
	}
	slices.SortFunc(sorted, func(a, b Item) int { return compareStrings(a.Metric, b.Metric) })
	for i := 1; i < len(sorted); i++ {
		if sorted[i].Metric == sorted[i-1].Metric {
			return Meter{}, &ItemError{Metric: sorted[i].Metric, Field: "Metric", Reason: "is declared twice"}
		}
	}
	return Meter{items: sorted, policy: p.resolved()}, nil
}

// Item returns the item of metric and true, or the zero Item and false.
func (m Meter) Item(metric string) (Item, bool) {
	i, ok := slices.BinarySearchFunc(m.items, metric, func(it Item, s string) int { return compareStrings(it.Metric, s) })
	if !ok {
		return Item{}, false
	}
	return m.items[i], true
}

// Items returns a copy of the declared items, sorted by metric.
func (m Meter) Items() []Item { return slices.Clone(m.items) }

// Policy returns the meter's policy with defaults filled in.
func (m Meter) Policy() Policy { return m.policy.resolved() }

// compareStrings orders strings bytewise.
func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
