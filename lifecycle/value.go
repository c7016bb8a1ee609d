package lifecycle

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
)

// ValueSegment is money actually paid for a stretch of a resource's time:
// Value covers the time from From to End and is consumed linearly, minute
// by minute. List is what the same time cost at list price (tax included,
// before coupons and term discounts), so Value ÷ List is the share of the
// list price the customer paid. A renewal bought before the current term
// ends is a segment whose From lies in the future.
type ValueSegment struct {
	From  time.Time    `json:"from"`
	End   time.Time    `json:"end"`
	Value money.Amount `json:"value"`
	List  money.Amount `json:"list"`
}

// Unused returns what of the segment's Value is not consumed at t.
func (s ValueSegment) Unused(t time.Time) (money.Amount, error) {
	return prorateAt(s.Value, s.From, s.End, t)
}

// UnusedList returns what of the segment's List is not consumed at t.
func (s ValueSegment) UnusedList(t time.Time) (money.Amount, error) {
	return prorateAt(s.List, s.From, s.End, t)
}

// prorateAt returns what of amount, spread over from–end, is left at t: all
// of it up to from, nothing from end on, and in between
// amount × minutes(t, end) ÷ minutes(from, end), counted in whole minutes
// and rounded half-up to the currency's digits.
func prorateAt(amount money.Amount, from, end, t time.Time) (money.Amount, error) {
	switch {
	case !t.After(from):
		return amount, nil
	case !t.Before(end):
		return amount.MulInt(0), nil
	}
	whole := period.Span{Start: from, End: end}.Minutes()
	if whole <= 0 {
		return amount.MulInt(0), nil
	}
	left := period.Span{Start: t, End: end}.Minutes()
	return amount.MulInt(left).Div(decimal.NewFromInt(whole), amount.Currency().Digits(), money.HalfUp)
}

// PaidValue is a resource's refundable value: the segments of what the
// customer actually paid for its current and future time, after coupons,
// term discounts and tax as charged. Every refund of the resource's value
// (a downgrade, a delete, a manual refund) is taken from it, so all refunds
// of a resource together never exceed what was paid for it, in whatever
// order they happen. The zero PaidValue holds nothing.
type PaidValue struct {
	Segments []ValueSegment `json:"segments,omitempty"`
}

// Unused returns the sum of every segment's unused value at t, in cur (the
// zero amount of cur when there are no segments).
func (v PaidValue) Unused(cur string, t time.Time) (money.Amount, error) {
	return v.sum(cur, func(s ValueSegment) (money.Amount, error) { return s.Unused(t) })
}

// UnusedList returns the sum of every segment's unused list value at t.
func (v PaidValue) UnusedList(cur string, t time.Time) (money.Amount, error) {
	return v.sum(cur, func(s ValueSegment) (money.Amount, error) { return s.UnusedList(t) })
}

func (v PaidValue) sum(cur string, part func(ValueSegment) (money.Amount, error)) (money.Amount, error) {
	total, err := money.Zero(cur)
	if err != nil {
		return money.Amount{}, err
	}
	for _, s := range v.Segments {
		u, err := part(s)
		if err != nil {
			return money.Amount{}, err
		}
		if total, err = total.Add(u); err != nil {
			return money.Amount{}, err
		}
	}
	return total, nil
}

// Append returns v with a segment for [from, end) worth value, at list
// price list, added (a term starting or a renewal paid). A zero-length or
// negative segment, or a negative amount, is an ErrInvalidArgument.
func (v PaidValue) Append(from, end time.Time, value, list money.Amount) (PaidValue, error) {
	if !from.Before(end) || value.IsNegative() || list.IsNegative() {
		return v, fmt.Errorf("%w: value segment %s to %s of %s (list %s)", ErrInvalidArgument,
			from.Format(time.RFC3339), end.Format(time.RFC3339), value, list)
	}
	out := PaidValue{Segments: make([]ValueSegment, 0, len(v.Segments)+1)}
	out.Segments = append(out.Segments, v.Segments...)
	out.Segments = append(out.Segments, ValueSegment{From: from, End: end, Value: value, List: list})
	return out, nil
}

// Rebase returns the value that remains after a change at t: one segment
// from t to end worth value at list price list (the unused value left
// after a refund, or after a resize, which reprices the whole rest of the
// term). A segment worth nothing is kept while its list price is not, so
// time the customer got free still counts against the share of the list
// price paid. Nothing remains when t is not before end or both are zero.
func Rebase(t, end time.Time, value, list money.Amount) (PaidValue, error) {
	if value.IsNegative() || list.IsNegative() {
		return PaidValue{}, fmt.Errorf("%w: remaining value %s (list %s) is negative", ErrInvalidArgument, value, list)
	}
	if !t.Before(end) || (value.IsZero() && list.IsZero()) {
		return PaidValue{}, nil
	}
	return PaidValue{Segments: []ValueSegment{{From: t, End: end, Value: value, List: list}}}, nil
}

// DowngradeRefund returns the refund of a downgrade whose list totals for
// the rest of the term are oldList (the current configuration) and newList
// (the new one), for a customer whose unused paid value is unused and
// whose unused time was worth unusedList at list price: the list
// difference scaled by the share of the list price the customer actually
// paid, round_half_up((oldList − newList) × unused ÷ unusedList), never
// more than unused and never negative. Without discounts unused equals
// unusedList and the refund is exactly the list difference (520,000 →
// 181,000 with 20 days left: 226,000); bought at 50% off it is half of
// that.
func DowngradeRefund(unused, unusedList, oldList, newList money.Amount) (money.Amount, error) {
	zero := unused.MulInt(0)
	diff, err := oldList.Sub(newList)
	if err != nil {
		return money.Amount{}, err
	}
	if !diff.IsPositive() || !unused.IsPositive() {
		return zero, nil
	}
	refund := diff
	if c, err := unused.Cmp(unusedList); err != nil {
		return money.Amount{}, err
	} else if c < 0 {
		if refund, err = diff.Mul(unused.Number()).Div(unusedList.Number(), unused.Currency().Digits(), money.HalfUp); err != nil {
			return money.Amount{}, err
		}
	}
	if c, err := refund.Cmp(unused); err != nil {
		return money.Amount{}, err
	} else if c > 0 {
		return unused, nil
	}
	return refund, nil
}
