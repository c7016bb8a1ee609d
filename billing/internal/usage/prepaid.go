package usage

import (
	"context"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/storage"
)

// prepaidMeteredUsage is the metered usage of an account's prepaid
// resources in a span: the events, and the resources they belong to in
// id order.
type prepaidMeteredUsage struct {
	Events    []metering.Event
	Resources []string
	// rates are the resources' postpaid discounts (DiscountRate), by id;
	// the hold estimates usage at them, as the usage invoice bills it.
	rates map[string]decimal.Decimal
	// currency is the account's: the usage is priced in it.
	currency string
}

// PrepaidUsage reads the account's usage events in span, leaving out
// postpaid resources' (which month close bills).
func PrepaidUsage(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, span period.Span) (prepaidMeteredUsage, error) {
	out := prepaidMeteredUsage{currency: acct.Currency, rates: map[string]decimal.Decimal{}}
	if !span.End.After(span.Start) {
		return out, nil
	}
	// skip is, per resource, whether it is postpaid and until when its
	// usage was settled already.
	type skip struct {
		postpaid bool
		closed   time.Time
	}
	seen := map[string]skip{}
	q := storage.UsageQuery{AccountID: acct.ID, From: span.Start, To: span.End}
	err := eachUsage(ctx, tx, q, func(e storage.UsageEvent) (bool, error) {
		sk, ok := seen[e.ResourceID]
		if !ok {
			r, err := tx.Resources().Get(ctx, acct.ID, e.ResourceID)
			if err != nil {
				return true, err
			}
			sk = skip{postpaid: r.Postpaid, closed: r.ClosedThrough}
			if rate := DiscountRate(s, acct, r.ProductID, r.Configuration); !rate.IsZero() {
				out.rates[r.ID] = rate
			}
			seen[e.ResourceID] = sk
		}
		if sk.postpaid || e.At.Before(sk.closed) {
			return false, nil
		}
		if n := len(out.Resources); n == 0 || out.Resources[n-1] != e.ResourceID {
			out.Resources = append(out.Resources, e.ResourceID)
		}
		out.Events = append(out.Events, meteringEvent(e))
		return false, nil
	})
	if err != nil {
		return out, err
	}
	out.Resources = slices.Compact(out.Resources) // listed in resource order already
	return out, nil
}

// HoldInput prices the usage so far and each complete day of the period
// (local days from start to the last midnight before now) for the hold.
func HoldInput(s *core.Env, u prepaidMeteredUsage, cal period.Calendar, start, now time.Time) (metering.HoldInput, error) {
	meter, err := s.MeterFor(u.currency)
	if err != nil {
		return metering.HoldInput{}, err
	}
	price := func(span period.Span) (money.Amount, error) {
		total, err := money.Zero(u.currency)
		if err != nil {
			return money.Amount{}, err
		}
		aggs, err := meter.Aggregate(u.Events, span)
		if err != nil {
			return money.Amount{}, err
		}
		var k money.Calc
		for _, a := range aggs {
			c, err := meter.Price(a)
			if err != nil {
				return money.Amount{}, err
			}
			total = k.Add(total, discounted(c, u.rates[a.ResourceID]))
		}
		return total, k.Err()
	}
	soFar, err := price(period.Span{Start: start, End: now})
	if err != nil {
		return metering.HoldInput{}, err
	}
	in := metering.HoldInput{UsageSoFar: soFar, ElapsedMinutes: period.Span{Start: start, End: now}.Minutes()}
	for day := start; ; {
		next := cal.AddDays(day, 1)
		if next.After(now) {
			break
		}
		p, err := price(period.Span{Start: day, End: next})
		if err != nil {
			return metering.HoldInput{}, err
		}
		in.CompleteDays = append(in.CompleteDays, p)
		day = next
	}
	// The estimate averages the days since usage began: the days of the
	// period before it are not usage of zero, and counting them would
	// hold too little in a service's first week.
	for len(in.CompleteDays) > 0 && in.CompleteDays[0].IsZero() {
		in.CompleteDays = in.CompleteDays[1:]
	}
	return in, nil
}
