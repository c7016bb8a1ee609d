package billing

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/postpaid"
	"github.com/cloudbill/cloudbill/billing/internal/usage"
	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/storage"
)

// RecordUsageRequest is a batch of usage events sent by a product service.
type RecordUsageRequest struct {
	// Events are the usage records, at most MaxUsageBatch. Each names its
	// account, so one batch may carry several accounts' usage. Each
	// event's ID is its idempotency key within its account — not its
	// resource: two resources of one account may not share an id (the
	// second is refused metering.ReasonIDConflict).
	Events []metering.Event `json:"events"`
}

// UsageResult says what became of each event of a RecordUsage batch.
// Recorded + Duplicates + len(Rejected) is the batch's length.
type UsageResult struct {
	// Recorded is how many events were stored by this call.
	Recorded int `json:"recorded"`
	// Duplicates is how many events were already stored (by an earlier
	// call, or earlier in the same batch) and were counted no second time.
	Duplicates int `json:"duplicates"`
	// Rejected are the refused events in batch order, each with its Index
	// in the batch, its id and a stable Reason: one of metering's
	// (negative_quantity, unknown_metric, future, …) or
	// ReasonUnknownResource. Each matches metering.ErrInvalidEvent with
	// errors.Is.
	Rejected []*metering.EventError `json:"rejected,omitempty"`
}

// RecordUsage stores a batch of usage events.
//
// Each event is checked on its own, and a bad event is refused without
// stopping the rest: first by the System's meter (Config.Metering) at the
// clock's now — id, text, a declared metric, a quantity within
// metering's bounds, a value only on unique-count events, a time no later
// than now plus MeteringPolicy.FutureTolerance — then against storage: its
// resource must be one of its account's (ReasonUnknownResource otherwise).
// The events that pass are stored together, in one transaction.
//
// Idempotency: the event id is the idempotency key, per account; there is
// no separate key. An id is claimed by the write that stores the event, in
// the same transaction, so an event is counted exactly once: an event sent
// again (a retry, a second worker, the same id twice in a batch) is a
// duplicate and counts no second time, and an event whose call failed was
// not stored and its id not claimed, so sending it again records it —
// never zero times. A retry should send the same batch again.
//
// Late events: an event counts in the month its time falls in, in the
// account's zone. A month is open for usage until its resource's month is
// closed — Config.Postpaid.CloseDelay (default 1 hour) after the month
// ends — and an event timed before the end of the resource's last closed
// month is refused with ReasonPeriodClosed, never carried silently into
// another month. The check and the close take the same resource lock, so
// an event is either on the month's bill or refused. A late event whose id
// was stored before (a retry of one counted in time) is a duplicate, not a
// refusal.
//
// A resource deleted or released keeps accepting usage timed before its
// stop, which product services often report late; a postpaid resource's
// usage timed at or after its stop is refused with ReasonResourceStopped
// (its last bill ends at the stop), and one timed before a postpaid
// resource started, or sent before it started, with ReasonBeforeStart.
// An event that would take its resource's month aggregate of the metric
// past one bill line (metering.Meter.CheckAggregate: 10^15 billed units or
// 10^15 minor units) is refused metering.ReasonAggregateOutOfRange, so
// month close never fails on accepted usage. An id the account stored
// (or sent earlier in the batch) with another resource, metric, time,
// quantity or value is refused metering.ReasonIDConflict; the same
// content is a duplicate.
//
// Errors: a batch longer than MaxUsageBatch is a *RequestError
// (ErrInvalidRequest) and stores nothing; a storage failure stores nothing
// and returns the error, and the batch may be sent again as it was.
func (s *System) RecordUsage(ctx context.Context, req RecordUsageRequest) (_ UsageResult, err error) {
	ctx, op := s.env.Tel.Start(ctx, "RecordUsage")
	defer op.End(&err)
	if n := len(req.Events); n > MaxUsageBatch {
		return UsageResult{}, &RequestError{Field: "Events", Reason: fmt.Sprintf("has %d events, at most %d", n, MaxUsageBatch)}
	}
	now := s.env.Now()
	var checked []*metering.EventError
	good := make([]int, 0, len(req.Events))
	for i, ev := range req.Events {
		if err := s.env.Meter.Check(ev, now); err != nil {
			checked = append(checked, usage.EventError(err, i, ev.ID))
			continue
		}
		good = append(good, i)
	}
	if len(good) == 0 {
		return UsageResult{Rejected: checked}, nil
	}

	var res UsageResult
	err = s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		var holders map[string]storage.Account
		var err error
		res = UsageResult{}
		res.Recorded, res.Duplicates, res.Rejected, holders, err = usage.Record(ctx, s.env, tx, req.Events, good, checked, now)
		if err != nil {
			return err
		}
		return postpaid.HoldForNewUsage(ctx, s.env, tx, holders, now)
	})
	if err != nil {
		return UsageResult{}, err
	}
	slices.SortFunc(res.Rejected, func(a, b *metering.EventError) int { return a.Index - b.Index })
	return res, nil
}

// UsageRequest asks for an account's priced usage over a period.
type UsageRequest struct {
	AccountID string `json:"account_id"`
	// ResourceID narrows it to one resource when not empty.
	ResourceID string `json:"resource_id,omitempty"`
	// From and To bound the period, half-open: usage timed in [From, To).
	// Both are required and To may not be before From.
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// UsageSoFar returns the account's usage with time in [From, To), per
// resource and metric, aggregated by each item's aggregation and priced by
// its unit price in the account's currency (Config.Metering's, or the
// currency's CurrencyConfig.MeteredPrices; metering.Meter.Aggregate and
// Price: the billed quantity rounded by the item's rule, the amount
// rounded half-up to the currency once per line). ResourceID narrows it to one resource when not empty.
// The charges are sorted by resource and metric; a period without usage
// gives none. It is what the portal shows as "usage so far"; month close
// bills from the same aggregation. The charges are one per (resource,
// metric), so the answer is whole, not paged.
//
// Errors: ErrAccountNotFound; a *RequestError naming From or To when one
// is missing or To is before From; a *metering.EventError when a stored
// event names a metric that Config.Metering no longer declares (removing
// an item that has usage is a configuration mistake this makes visible
// rather than hides).
func (s *System) UsageSoFar(ctx context.Context, req UsageRequest) (_ []metering.Charge, err error) {
	ctx, op := s.env.Tel.Start(ctx, "UsageSoFar")
	defer op.End(&err)
	var c requestCheck
	c.accountID("AccountID", req.AccountID)
	c.ref("ResourceID", req.ResourceID, false)
	if req.From.IsZero() {
		c.fail("From", "is required")
	}
	if req.To.IsZero() {
		c.fail("To", "is required")
	}
	if c.err != nil {
		return nil, c.err
	}
	span, err := period.NewSpan(req.From, req.To)
	if err != nil {
		return nil, &RequestError{Field: "To", Reason: err.Error(), Err: err}
	}
	var charges []metering.Charge
	err = s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		acct, err := core.GetAccount(ctx, tx, req.AccountID, false)
		if err != nil {
			return err
		}
		charges, err = usage.UsageCharges(ctx, s.env, tx, acct, req.ResourceID, span)
		return err
	})
	if err != nil {
		return nil, err
	}
	return charges, nil
}
