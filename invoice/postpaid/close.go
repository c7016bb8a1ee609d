package postpaid

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
)

// Interval is one configuration of a resource and the time it was in
// force, [From, To).
type Interval struct {
	// From is when the configuration took effect (creation or a resize).
	From time.Time
	// To is when it stopped (the next resize); the zero time means it is
	// still in force.
	To time.Time
	// Item describes the configuration for people ("vServer 2 vCPU / 4 GB
	// / 40 GB").
	Item string
	// UnitPrice is the price per 30 days of one unit; it may carry more
	// digits than the currency. Non-negative.
	UnitPrice money.Amount
	// Quantity is the number of units; non-negative.
	Quantity decimal.Decimal
	// DiscountRate is the fraction taken off before tax, 0..1 (0.2 is 20%).
	DiscountRate decimal.Decimal
	// TaxRate is the tax rate on the discounted amount, 0..1.
	TaxRate decimal.Decimal
}

// Metered is a metered item's charge for the month with its discount and
// tax.
type Metered struct {
	// Charge is the priced usage (metering.Meter.Price).
	Charge metering.Charge
	// DiscountRate is the fraction taken off before tax, 0..1.
	DiscountRate decimal.Decimal
	// TaxRate is the tax rate on the discounted amount, 0..1.
	TaxRate decimal.Decimal
}

// Coupon is a fixed amount off the resource's month, taken after tax.
type Coupon struct {
	// Code is the coupon's code, shown on the lines it was split over.
	Code string
	// Amount is the coupon's value: non-negative whole minor units of the
	// bill's currency.
	Amount money.Amount
}

// Resource is what Close needs of one postpaid resource for one month.
type Resource struct {
	// ResourceID identifies the resource.
	ResourceID string
	// Intervals are its configurations, in order of From, not overlapping
	// (each From at or after the previous To; only the last may be open).
	// Intervals outside the month are ignored.
	Intervals []Interval
	// StoppedAt is when the resource was deleted; the zero time if it was
	// not. Nothing after it is billed.
	StoppedAt time.Time
	// Usage are its metered charges of the month.
	Usage []Metered
	// Coupons are applied in order.
	Coupons []Coupon
}

// LineKind says what a Line bills.
type LineKind string

// Line kinds; stable names.
const (
	// LineConfiguration bills a configuration interval by the minute.
	LineConfiguration LineKind = "configuration"
	// LineUsage bills a metered item.
	LineUsage LineKind = "usage"
)

// CouponShare is the part of one coupon taken off one line.
type CouponShare struct {
	Code   string
	Amount money.Amount
}

// Line is one row of a postpaid bill. Exactly: Total = PreTax + Tax −
// Coupon, and Coupon is the sum of Coupons' amounts.
type Line struct {
	// Kind says what the line bills.
	Kind LineKind
	// Item is the interval's Item, or the metric of a usage line.
	Item string
	// Unit is the unit of Quantity: "30 days" for a configuration line,
	// the metered item's unit for a usage line.
	Unit string
	// Period is the reconciliation period: the part of the month at one
	// configuration (the month itself for usage lines).
	Period period.Span
	// Minutes is the minutes billed (configuration lines only).
	Minutes int64
	// UnitPrice is the price per 30 days (configuration) or per unit
	// (usage), possibly with more digits than the currency.
	UnitPrice money.Amount
	// Quantity is the number of units.
	Quantity decimal.Decimal
	// DiscountRate and TaxRate are the line's rates, as fractions.
	DiscountRate decimal.Decimal
	TaxRate      decimal.Decimal
	// PreTax, Tax, Coupon and Total are the line's amounts.
	PreTax money.Amount
	Tax    money.Amount
	Coupon money.Amount
	Total  money.Amount
	// Coupons are the coupons' shares in this line, in coupon order; only
	// non-zero shares are listed.
	Coupons []CouponShare
	// Breakdown says, for people, what was multiplied by what.
	Breakdown []string
	// Explain is Breakdown as numbers (invoice.Detail), one for each of
	// its texts, which a document writes in its reader's language.
	Explain []invoice.Detail
}

// CouponUse says how much of a coupon the bill used.
type CouponUse struct {
	Code string
	// Requested is the coupon's amount; Applied what was taken off, at
	// most what was left of the bill.
	Requested, Applied money.Amount
}

// Bill is a resource's month: its lines and their sums.
type Bill struct {
	// ResourceID is the resource billed.
	ResourceID string
	// Month is the month closed.
	Month period.Span
	// Lines are the configuration lines in interval order, then the usage
	// lines in the order given. Empty when nothing fell in the month.
	Lines []Line
	// PreTax, Tax, Coupon and Total are the sums of the lines'.
	PreTax money.Amount
	Tax    money.Amount
	Coupon money.Amount
	Total  money.Amount
	// Coupons are the uses of the resource's coupons, in order.
	Coupons []CouponUse
}

// Close bills resource r for month, the half-open span of one calendar
// month in the account's zone (period.Calendar.MonthSpan). It returns the
// lines and totals described in the package documentation; an interval
// that has no whole minute in the month (after clipping to StoppedAt)
// gives no line.
//
// Errors, all *InputError (ErrInvalidInput): a month that is empty or
// longer than pricing.MaxPostpaidMinutes; an interval with a zero From, a
// To not after From, out of order or overlapping, or that
// pricing.PostpaidCharge refuses (its error is the cause); a metered charge
// or coupon that is negative, unrounded, or in another currency; a coupon
// without a code; amounts in more than one currency; no intervals and no
// usage at all.
func Close(month period.Span, r Resource) (Bill, error) {
	if month.Empty() {
		return Bill{}, &InputError{Field: "Month", Reason: "is empty"}
	}
	if m := month.Minutes(); m > pricing.MaxPostpaidMinutes {
		return Bill{}, &InputError{Field: "Month", Reason: fmt.Sprintf("is %d minutes, more than a month", m)}
	}
	cur, err := billCurrency(r)
	if err != nil {
		return Bill{}, err
	}
	if err := checkIntervals(r.Intervals); err != nil {
		return Bill{}, err
	}
	end := month.End
	if !r.StoppedAt.IsZero() && r.StoppedAt.Before(end) {
		end = r.StoppedAt
	}
	offset := func(t time.Time) int64 { return period.Span{Start: month.Start, End: t}.Minutes() }

	var lines []Line
	for i, iv := range r.Intervals {
		from, to := iv.From, iv.To
		if from.Before(month.Start) {
			from = month.Start
		}
		if to.IsZero() || to.After(end) {
			to = end
		}
		if !from.Before(to) {
			continue
		}
		minutes := offset(to) - offset(from)
		if minutes <= 0 {
			continue
		}
		l, err := configurationLine(iv, period.Span{Start: from, End: to}, minutes)
		if err != nil {
			return Bill{}, &InputError{Field: fmt.Sprintf("Intervals[%d]", i), Reason: "cannot be priced", Err: err}
		}
		lines = append(lines, l)
	}
	for i, u := range r.Usage {
		l, err := usageLine(u, month, cur)
		if err != nil {
			return Bill{}, err.withField(fmt.Sprintf("Usage[%d]", i))
		}
		lines = append(lines, l)
	}
	uses, err := applyCoupons(lines, r.Coupons, cur)
	if err != nil {
		return Bill{}, err
	}
	for i := range lines {
		if lines[i].Kind == LineConfiguration {
			if !lines[i].Coupon.IsPositive() {
				continue // configurationLine's total and breakdown stand
			}
			// Price the line again with its coupon, so the total is
			// PostpaidCharge's own.
			iv := intervalOf(lines[i])
			b, err := pricing.PostpaidCharge(pricing.PostpaidUsage{UnitPrice: iv.UnitPrice, Quantity: iv.Quantity, Minutes: lines[i].Minutes,
				DiscountRate: iv.DiscountRate, TaxRate: iv.TaxRate, Coupon: lines[i].Coupon})
			if err != nil {
				return Bill{}, &InputError{Field: "Intervals", Reason: "cannot be priced with its coupon", Err: err}
			}
			lines[i].Total, lines[i].Breakdown, lines[i].Explain = b.Total, b.Breakdown, b.Explain
			continue
		}
		var k money.Calc
		lines[i].Total = k.Sub(k.Add(lines[i].PreTax, lines[i].Tax), lines[i].Coupon)
		if lines[i].Coupon.IsPositive() {
			lines[i].Breakdown = append(lines[i].Breakdown, "coupon: −"+lines[i].Coupon.Number().String())
			lines[i].Explain = append(lines[i].Explain, invoice.Detail{Kind: invoice.DetailCoupon, Amount: lines[i].Coupon.Number()})
		}
		if k.Err() != nil {
			return Bill{}, k.Err()
		}
	}
	bill := Bill{ResourceID: r.ResourceID, Month: month, Lines: lines, Coupons: uses}
	var k money.Calc
	bill.PreTax, bill.Tax, bill.Coupon, bill.Total = zero(cur), zero(cur), zero(cur), zero(cur)
	for _, l := range lines {
		bill.PreTax = k.Add(bill.PreTax, l.PreTax)
		bill.Tax = k.Add(bill.Tax, l.Tax)
		bill.Coupon = k.Add(bill.Coupon, l.Coupon)
		bill.Total = k.Add(bill.Total, l.Total)
	}
	if k.Err() != nil {
		return Bill{}, k.Err()
	}
	return bill, nil
}

// intervalOf recovers the pricing inputs of a configuration line.
func intervalOf(l Line) Interval {
	return Interval{UnitPrice: l.UnitPrice, Quantity: l.Quantity, DiscountRate: l.DiscountRate, TaxRate: l.TaxRate}
}

// configurationLine prices one clipped interval without coupons.
func configurationLine(iv Interval, span period.Span, minutes int64) (Line, error) {
	b, err := pricing.PostpaidCharge(pricing.PostpaidUsage{UnitPrice: iv.UnitPrice, Quantity: iv.Quantity, Minutes: minutes,
		DiscountRate: iv.DiscountRate, TaxRate: iv.TaxRate})
	if err != nil {
		return Line{}, err
	}
	return Line{Kind: LineConfiguration, Item: iv.Item, Unit: "30 days", Period: span, Minutes: minutes,
		UnitPrice: iv.UnitPrice, Quantity: iv.Quantity, DiscountRate: iv.DiscountRate, TaxRate: iv.TaxRate,
		PreTax: b.PreTax, Tax: b.Tax, Coupon: b.Coupon, Total: b.Total, Breakdown: b.Breakdown, Explain: b.Explain}, nil
}

// usageLine prices one metered charge without coupons.
func usageLine(u Metered, month period.Span, cur money.Currency) (Line, *InputError) {
	c := u.Charge
	one := decimal.NewFromInt(1)
	for _, r := range []struct {
		name string
		v    decimal.Decimal
	}{{"DiscountRate", u.DiscountRate}, {"TaxRate", u.TaxRate}} {
		if r.v.IsNegative() || r.v.GreaterThan(one) {
			return Line{}, &InputError{Reason: fmt.Sprintf("%s %s is not in [0, 1]", r.name, r.v), Err: pricing.ErrInvalidRate}
		}
	}
	switch {
	case c.UnitPrice.Currency() != cur:
		return Line{}, &InputError{Reason: "unit price is not in " + cur.Code(),
			Err: &money.CurrencyMismatchError{A: cur.Code(), B: c.UnitPrice.Currency().Code()}}
	case c.UnitPrice.IsNegative():
		return Line{}, &InputError{Reason: "unit price is negative", Err: pricing.ErrInvalidPrice}
	case c.Quantity.IsNegative():
		return Line{}, &InputError{Reason: "quantity is negative", Err: pricing.ErrInvalidQuantity}
	case c.Quantity.Exponent() > 30 || c.Quantity.Exponent() < -1000:
		return Line{}, &InputError{Reason: "quantity is out of range", Err: pricing.ErrInvalidQuantity}
	}
	gross := c.UnitPrice.Mul(c.Quantity).Mul(one.Sub(u.DiscountRate))
	if gross.Currency() != cur {
		return Line{}, &InputError{Reason: "price × quantity is out of range", Err: money.ErrOverflow}
	}
	preTax := gross.Round(money.HalfUp)
	tax := preTax.Mul(u.TaxRate).Round(money.HalfUp)
	span := c.Period
	if span.Empty() {
		span = month
	}
	detail := c.Quantity.String() + " " + c.Unit + " × " + c.UnitPrice.Number().String()
	if !u.DiscountRate.IsZero() {
		detail += " × (1 − " + u.DiscountRate.Shift(2).String() + "%)"
	}
	detail += " = " + preTax.Number().String()
	return Line{Kind: LineUsage, Item: c.Metric, Unit: c.Unit, Period: span, UnitPrice: c.UnitPrice, Quantity: c.Quantity,
		DiscountRate: u.DiscountRate, TaxRate: u.TaxRate, PreTax: preTax, Tax: tax, Coupon: zero(cur),
		Breakdown: []string{detail, "tax " + u.TaxRate.Shift(2).String() + "% of " + preTax.Number().String() + ": " + tax.Number().String()},
		Explain: []invoice.Detail{{Kind: invoice.DetailUsage, Quantity: c.Quantity, Unit: c.Unit, Price: c.UnitPrice.Number(),
			Rate: u.DiscountRate, Amount: preTax.Number()}, {Kind: invoice.DetailTax, Rate: u.TaxRate, Base: preTax.Number(), Amount: tax.Number()}}}, nil
}

// withField sets the error's field and returns it as an error.
func (e *InputError) withField(f string) error {
	if e.Field == "" {
		e.Field = f
	} else {
		e.Field = f + "." + e.Field
	}
	return e
}

// applyCoupons splits each coupon over what is left of the lines, in
// order, and records each line's share.
func applyCoupons(lines []Line, coupons []Coupon, cur money.Currency) ([]CouponUse, error) {
	left := make([]money.Amount, len(lines))
	var k money.Calc
	for i, l := range lines {
		left[i] = k.Add(l.PreTax, l.Tax)
		lines[i].Coupon = zero(cur)
	}
	var uses []CouponUse
	for ci, c := range coupons {
		field := fmt.Sprintf("Coupons[%d]", ci)
		switch {
		case c.Code == "":
			return nil, &InputError{Field: field + ".Code", Reason: "is empty"}
		case c.Amount.Currency() != cur:
			return nil, &InputError{Field: field + ".Amount", Reason: "is not in " + cur.Code(),
				Err: &money.CurrencyMismatchError{A: cur.Code(), B: c.Amount.Currency().Code()}}
		case c.Amount.IsNegative():
			return nil, &InputError{Field: field + ".Amount", Reason: "is negative"}
		case !c.Amount.IsRounded():
			return nil, &InputError{Field: field + ".Amount", Reason: "is not whole minor units", Err: money.ErrNotRounded}
		}
		total := zero(cur)
		weights := make([]decimal.Decimal, len(left))
		for i, l := range left {
			total = k.Add(total, l)
			weights[i] = l.Number()
		}
		applied := c.Amount
		if k.Cmp(applied, total) > 0 {
			applied = total
		}
		uses = append(uses, CouponUse{Code: c.Code, Requested: c.Amount, Applied: applied})
		if !applied.IsPositive() {
			continue
		}
		shares, err := applied.AllocateWeights(weights...)
		if err != nil {
			return nil, &InputError{Field: field, Reason: "cannot be split", Err: err}
		}
		for i, s := range shares {
			if !s.IsPositive() {
				continue
			}
			left[i] = k.Sub(left[i], s)
			lines[i].Coupon = k.Add(lines[i].Coupon, s)
			lines[i].Coupons = append(lines[i].Coupons, CouponShare{Code: c.Code, Amount: s})
		}
	}
	if k.Err() != nil {
		return nil, k.Err()
	}
	return uses, nil
}

// billCurrency returns the one currency of r's prices.
func billCurrency(r Resource) (money.Currency, error) {
	var cur money.Currency
	check := func(field string, c money.Currency) error {
		switch {
		case c.IsZero():
			return &InputError{Field: field, Reason: "has no currency", Err: pricing.ErrInvalidPrice}
		case cur.IsZero():
			cur = c
		case c != cur:
			return &InputError{Field: field, Reason: "is not in " + cur.Code(), Err: &money.CurrencyMismatchError{A: cur.Code(), B: c.Code()}}
		}
		return nil
	}
	for i, iv := range r.Intervals {
		if err := check(fmt.Sprintf("Intervals[%d].UnitPrice", i), iv.UnitPrice.Currency()); err != nil {
			return money.Currency{}, err
		}
	}
	for i, u := range r.Usage {
		if err := check(fmt.Sprintf("Usage[%d].Charge.UnitPrice", i), u.Charge.UnitPrice.Currency()); err != nil {
			return money.Currency{}, err
		}
	}
	if cur.IsZero() {
		return money.Currency{}, &InputError{Field: "Resource", Reason: "has no intervals and no usage"}
	}
	return cur, nil
}

// checkIntervals checks the order rules of Resource.Intervals.
func checkIntervals(ivs []Interval) error {
	for i, iv := range ivs {
		field := fmt.Sprintf("Intervals[%d]", i)
		switch {
		case iv.From.IsZero():
			return &InputError{Field: field + ".From", Reason: "is the zero time"}
		case !iv.To.IsZero() && !iv.To.After(iv.From):
			return &InputError{Field: field + ".To", Reason: "is not after From"}
		case i > 0 && ivs[i-1].To.IsZero():
			return &InputError{Field: fmt.Sprintf("Intervals[%d].To", i-1), Reason: "is open, but a later interval follows"}
		case i > 0 && iv.From.Before(ivs[i-1].To):
			return &InputError{Field: field + ".From", Reason: "is before the previous interval's To: intervals overlap or are out of order"}
		}
	}
	return nil
}

// zero returns zero in cur, a real currency.
func zero(cur money.Currency) money.Amount {
	z, _ := money.Zero(cur.Code()) // cannot fail: cur came from a valid amount
	return z
}
