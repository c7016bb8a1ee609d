package billing

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/postpaid"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// The notices of the credit hold.
const (
	// NoticeHoldShort: the credit could not cover the day's hold for
	// metered usage; Detail names the amount to top up.
	NoticeHoldShort NoticeKind = "hold_short"
)

// RefUsageHold is the reference type of the journal entries of a prepaid
// account's credit hold for metered usage: the hold, its release and the
// payment of the usage from it.
const RefUsageHold payment.ReferenceType = "usage_hold"

// UsageStopPayload is the body of an EventUsageStop event: a prepaid
// account's credit fell short of its usage hold on StopAfterShortDays days
// in a row, so the host must stop its metered services (the resources
// listed). The usage so far was settled from the hold when the event was
// written.
type UsageStopPayload struct {
	// ResourceIDs are the account's prepaid resources with metered usage
	// this period.
	ResourceIDs []string `json:"resource_ids"`
	// ShortDays is the streak of short days that stopped the services.
	ShortDays int `json:"short_days"`
	// Shortage is what the last day's hold lacked.
	Shortage money.Amount `json:"shortage"`
}

// ensureHold schedules the account's daily credit hold at the next daily
// run, unless it is scheduled already: a prepaid account starts holding
// credit from the first day it records metered usage.
func (s *System) ensureHold(ctx context.Context, tx storage.Tx, acct Account, now time.Time) error {
	_, err := tx.Jobs().Ensure(ctx, storage.Job{AccountID: acct.ID, Kind: jobHold,
		DueAt: s.nextDaily(s.accountCalendar(acct), now), CreatedAt: now, UpdatedAt: now})
	return err
}

// holdEntryID names the hold entry made by the computation at t: one hold
// is active at a time, and the job's Since says which.
func holdEntryID(accountID string, t time.Time) string {
	return entryID(payment.EntryHold, "usage:"+accountID+":"+t.UTC().Format("20060102T150405Z"))
}

// runHold is the daily credit hold of a prepaid account's metered usage
// (Postpaid.Hold; the job's Step is the streak of short days, Since the
// time of the hold in force). A period whose month has ended is settled
// first: its usage is invoiced per resource and paid from the hold
// (released and spent in one transaction, so nothing else can take it),
// the rest released. Then the hold for the current month is computed —
// usage so far plus the estimate of the next days — and moved: held
// credit is spendable by nothing else. Short credit holds what there is
// and tells the customer what to top up; on the streak's last short day
// the host is told to stop the services (EventUsageStop) and the usage so
// far is settled at once.
func (s *System) runHold(ctx context.Context, tx storage.Tx, acct Account, j storage.Job, now time.Time, rep *TickReport) (*storage.Job, error) {
	rep.Holds++
	cal := s.accountCalendar(acct)
	if acct.Type != Prepaid {
		// Postpaid usage is billed at month close; settle what a prepaid
		// past left held and stop holding.
		return nil, s.settleHold(ctx, tx, acct, j, cal, now, now)
	}
	month := cal.MonthSpan(now)
	if !j.Since.IsZero() && j.Since.Before(month.Start) {
		if err := s.settleHold(ctx, tx, acct, j, cal, month.Start, now); err != nil {
			return nil, err
		}
		j.Since = time.Time{}
	}
	used, err := s.prepaidUsage(ctx, tx, acct, period.Span{Start: month.Start, End: now})
	if err != nil {
		return nil, err
	}
	if len(used.events) == 0 && j.Since.IsZero() {
		j.DueAt, j.Step = s.nextDaily(cal, now), 0
		return &j, nil
	}
	in, err := s.holdInput(used, cal, month.Start, now)
	if err != nil {
		return nil, err
	}
	var active payment.Entry
	if !j.Since.IsZero() {
		if active, err = findEntry(ctx, tx, acct.ID, holdEntryID(acct.ID, j.Since)); err != nil && !errors.Is(err, storage.ErrNotFound) {
			return nil, err
		}
	}
	ws, err := loadWallet(ctx, tx, acct)
	if err != nil {
		return nil, err
	}
	// Only the held credit that is still spendable counts as held: what
	// came from a promotional grant that expired meanwhile goes back to
	// the grant when the hold moves, and expires with it.
	held := heldBy(active, acct.Currency)
	live, err := liveHeld(active, ws.wallet, held, now)
	if err != nil {
		return nil, err
	}
	in.AlreadyHeld, in.Available, in.ShortDays = live, ws.wallet.Available(now), j.Step
	h, err := metering.ComputeHold(*s.cfg.Postpaid.Hold, in)
	if err != nil {
		return nil, err
	}
	if !h.Change.IsZero() || !live.Equal(held) {
		if err := s.moveHold(ctx, tx, acct, active, h.Held, now); err != nil {
			return nil, err
		}
		j.Since = now
	} else if j.Since.IsZero() {
		j.Since = now
	}
	j.Step = h.ShortDays
	if h.Short() {
		if err := s.emit(ctx, tx, acct.ID, acct.ID, EventNotice, "", NoticePayload{Notice: NoticeHoldShort,
			Detail: "top up " + h.Shortage.String() + " to cover metered usage so far and the next days (held " + h.Held.String() + " of " + h.Required.String() + ")"}); err != nil {
			return nil, err
		}
	}
	if h.Stop {
		if err := s.emit(ctx, tx, acct.ID, acct.ID, EventUsageStop, "", UsageStopPayload{ResourceIDs: used.resources,
			ShortDays: h.ShortDays, Shortage: h.Shortage}); err != nil {
			return nil, err
		}
		if err := s.settleHold(ctx, tx, acct, j, cal, now, now); err != nil {
			return nil, err
		}
		j.Since, j.Step = time.Time{}, 0
	}
	j.DueAt = s.nextDaily(cal, now)
	return &j, nil
}

// heldBy is what a hold entry holds (zero for none).
func heldBy(hold payment.Entry, currency string) money.Amount {
	for _, p := range hold.Postings {
		if p.Account.Kind == payment.AccountHeld {
			return p.Amount
		}
	}
	z, _ := money.Zero(currency) // the account's currency is valid
	return z
}

// liveHeld is the part of what hold holds (held) that is spendable
// credit at now: all of it but what it took from promotional grants
// expired at now.
func liveHeld(hold payment.Entry, w payment.Wallet, held money.Amount, now time.Time) (money.Amount, error) {
	expired := map[string]bool{}
	for _, p := range w.Promos() {
		if !p.ExpiresAt.After(now) {
			expired[p.GrantID] = true
		}
	}
	live := held
	for _, p := range hold.Postings {
		if p.Account.Kind != payment.AccountPromo || !expired[p.Account.Key] {
			continue
		}
		var err error
		if live, err = live.Add(p.Amount); err != nil { // the grant's posting is negative
			return money.Amount{}, err
		}
	}
	return live, nil
}

// moveHold replaces the active hold (if any) by one of amount: the old
// hold is released to the buckets it came from and the new one taken by
// the spending policy, both in this transaction.
func (s *System) moveHold(ctx context.Context, tx storage.Tx, acct Account, active payment.Entry, amount money.Amount, now time.Time) error {
	if err := s.releaseHold(ctx, tx, acct, active, now); err != nil {
		return err
	}
	if !amount.IsPositive() {
		return nil
	}
	ws, err := loadWallet(ctx, tx, acct)
	if err != nil {
		return err
	}
	plan, err := ws.wallet.PlanSpend(amount, now, s.cfg.SpendPolicy)
	if err != nil {
		return err
	}
	id := holdEntryID(acct.ID, now)
	e, err := payment.HoldEntry(payment.EntryMeta{ID: id, At: now, Memo: "credit held for metered usage",
		Reference: payment.Reference{Type: RefUsageHold, ID: acct.ID}}, "usage", plan)
	if err != nil {
		return err
	}
	_, err = appendEntryAfter(ctx, tx, acct, e, time.Time{}, &ws)
	return err
}

// releaseHold gives an active hold back to the buckets it came from.
func (s *System) releaseHold(ctx context.Context, tx storage.Tx, acct Account, active payment.Entry, now time.Time) error {
	if active.ID == "" {
		return nil
	}
	e, err := payment.ReleaseEntry(payment.EntryMeta{ID: entryID(payment.EntryRelease, active.ID), At: now,
		Memo: "credit hold for metered usage released", Reference: payment.Reference{Type: RefUsageHold, ID: acct.ID}}, active)
	if err != nil {
		return err
	}
	_, err = appendEntry(ctx, tx, acct, e, time.Time{})
	return err
}

// settleHold ends the hold of the period the job's hold was made in: the
// usage of the account's prepaid resources from the period's start (or
// their last settlement) to end is invoiced per resource and paid from
// the released hold, and anything it does not cover stays open for
// automatic payment. Late usage before end is refused from then on
// (ReasonPeriodClosed).
func (s *System) settleHold(ctx context.Context, tx storage.Tx, acct Account, j storage.Job, cal period.Calendar, end, now time.Time) error {
	var active payment.Entry
	var err error
	if !j.Since.IsZero() {
		if active, err = findEntry(ctx, tx, acct.ID, holdEntryID(acct.ID, j.Since)); err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
	}
	held := heldBy(active, acct.Currency)
	if err := s.releaseHold(ctx, tx, acct, active, now); err != nil {
		return err
	}
	start := cal.MonthSpan(end.Add(-time.Nanosecond)).Start
	if !j.Since.IsZero() {
		start = cal.MonthSpan(j.Since).Start
	}
	if !end.After(start) {
		return nil
	}
	used, err := s.prepaidUsage(ctx, tx, acct, period.Span{Start: start, End: end})
	if err != nil {
		return err
	}
	// What was held pays the usage, but only as far as the credit it went
	// back to can still be spent: credit held from a promotional grant
	// that expired meanwhile is gone with the grant.
	ws, err := loadWallet(ctx, tx, acct)
	if err != nil {
		return err
	}
	left := held
	if avail := ws.wallet.Available(now); !avail.IsPositive() {
		left = avail.MulInt(0)
	} else if c, _ := avail.Cmp(left); c < 0 {
		left = avail
	}
	for _, rid := range used.resources {
		r, err := tx.Resources().GetForUpdate(ctx, acct.ID, rid)
		if err != nil {
			return err
		}
		d := r.ResourceDetail
		from := start
		if d.ClosedThrough.After(from) {
			from = d.ClosedThrough
		}
		// One usage invoice per calendar month of the span: a hold that
		// was not settled for months (a worker that was down) still
		// bills each month on its own.
		for from.Before(end) {
			to := cal.NextMonthStart(from)
			if to.After(end) {
				to = end
			}
			if left, err = s.settleUsageSpan(ctx, tx, acct, &r, &d, period.Span{Start: from, End: to}, cal, now, left); err != nil {
				return err
			}
			from = to
		}
		d.ClosedThrough = end
		r.ResourceDetail = d
		if _, err := tx.Resources().Update(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

// settleUsageSpan invoices a prepaid resource's usage in span and pays
// what it can of it from left, the settled hold; it returns what is left.
func (s *System) settleUsageSpan(ctx context.Context, tx storage.Tx, acct Account, r *storage.Resource, d *resourceData,
	span period.Span, cal period.Calendar, now time.Time, left money.Amount) (money.Amount, error) {
	inv, billed, err := s.usageInvoice(ctx, tx, acct, r, d, span, cal, now)
	if err != nil || !billed || !left.IsPositive() {
		return left, err
	}
	toPay := inv.AmountDue()
	if c, _ := toPay.Cmp(left); c > 0 {
		toPay = left
	}
	if !toPay.IsPositive() {
		return left, nil
	}
	if _, err := s.payInvoiceFromCredit(ctx, tx, acct, inv.ID, toPay, "metered usage paid from the credit hold"); err != nil {
		return left, err
	}
	return left.Sub(toPay)
}

// usageInvoice issues a prepaid resource's invoice for its metered usage
// in span, unpaid, due at once; billed is false when nothing was used.
func (s *System) usageInvoice(ctx context.Context, tx storage.Tx, acct Account, r *storage.Resource, d *resourceData,
	span period.Span, cal period.Calendar, now time.Time) (invoice.Invoice, bool, error) {
	id := "usage_" + r.ID + "_" + span.End.UTC().Format("20060102T1504Z")
	if _, err := tx.Invoices().Get(ctx, acct.ID, id); err == nil {
		return invoice.Invoice{}, false, nil
	} else if !errors.Is(err, storage.ErrNotFound) {
		return invoice.Invoice{}, false, err
	}
	charges, err := s.usageCharges(ctx, tx, acct, r.ID, span)
	if err != nil || len(charges) == 0 {
		return invoice.Invoice{}, false, err
	}
	tax, err := s.taxFor(acct.Currency)
	if err != nil {
		return invoice.Invoice{}, false, err
	}
	in := postpaid.Resource{ResourceID: r.ID}
	if in.Usage, err = metered(charges, tax); err != nil {
		return invoice.Invoice{}, false, err
	}
	bill, err := postpaid.Close(span, in)
	if err != nil {
		return invoice.Invoice{}, false, err
	}
	draft, err := s.billDraft(acct, r, d, bill, id, now)
	if err != nil {
		return invoice.Invoice{}, false, err
	}
	draft.Memo = "Metered usage " + span.Start.In(cal.Location()).Format("2006-01-02 15:04") + " – " + span.End.In(cal.Location()).Format("2006-01-02 15:04")
	series, err := invoice.SeriesFor(invoice.KindInvoice, now, cal.Location())
	if err != nil {
		return invoice.Invoice{}, false, err
	}
	num, err := tx.Invoices().NextNumber(ctx, series)
	if err != nil {
		return invoice.Invoice{}, false, err
	}
	inv, err := invoice.Issue(draft, series, num, now, now)
	if err != nil {
		return invoice.Invoice{}, false, err
	}
	if err := s.storeInvoice(ctx, tx, inv, "", true); err != nil {
		return invoice.Invoice{}, false, err
	}
	if err := s.emit(ctx, tx, acct.ID, r.ID, EventInvoiceIssued, "issued:"+inv.ID, InvoicePayload{InvoiceID: inv.ID,
		Number: inv.DisplayNumber(), ResourceID: r.ID, Total: inv.Total, Status: inv.Status, DueAt: inv.DueAt}); err != nil {
		return invoice.Invoice{}, false, err
	}
	if inv.AmountDue().IsPositive() {
		if err := s.ensureCollection(ctx, tx, acct, now); err != nil {
			return invoice.Invoice{}, false, err
		}
	}
	return inv, true, nil
}

// prepaidMeteredUsage is the metered usage of an account's prepaid
// resources in a span: the events, and the resources they belong to in
// id order.
type prepaidMeteredUsage struct {
	events    []metering.Event
	resources []string
	// currency is the account's: the usage is priced in it.
	currency string
}

// prepaidUsage reads the account's usage events in span, leaving out
// postpaid resources' (which month close bills).
func (s *System) prepaidUsage(ctx context.Context, tx storage.Tx, acct Account, span period.Span) (prepaidMeteredUsage, error) {
	out := prepaidMeteredUsage{currency: acct.Currency}
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
			seen[e.ResourceID] = sk
		}
		if sk.postpaid || e.At.Before(sk.closed) {
			return false, nil
		}
		if n := len(out.resources); n == 0 || out.resources[n-1] != e.ResourceID {
			out.resources = append(out.resources, e.ResourceID)
		}
		out.events = append(out.events, meteringEvent(e))
		return false, nil
	})
	if err != nil {
		return out, err
	}
	out.resources = slices.Compact(out.resources) // listed in resource order already
	return out, nil
}

// holdInput prices the usage so far and each complete day of the period
// (local days from start to the last midnight before now) for the hold.
func (s *System) holdInput(u prepaidMeteredUsage, cal period.Calendar, start, now time.Time) (metering.HoldInput, error) {
	meter, err := s.meterFor(u.currency)
	if err != nil {
		return metering.HoldInput{}, err
	}
	price := func(span period.Span) (money.Amount, error) {
		total, err := money.Zero(u.currency)
		if err != nil {
			return money.Amount{}, err
		}
		aggs, err := meter.Aggregate(u.events, span)
		if err != nil {
			return money.Amount{}, err
		}
		var k money.Calc
		for _, a := range aggs {
			c, err := meter.Price(a)
			if err != nil {
				return money.Amount{}, err
			}
			total = k.Add(total, c.Amount)
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

// holdForNewUsage schedules the credit hold of every prepaid account that
// just recorded usage (postpaid accounts' usage goes on their month
// bills).
func (s *System) holdForNewUsage(ctx context.Context, tx storage.Tx, accounts map[string]bool, now time.Time) error {
	ids := make([]string, 0, len(accounts))
	for id := range accounts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		acct, err := getAccount(ctx, tx, id, false)
		if err != nil {
			return err
		}
		if acct.Type != Prepaid {
			continue
		}
		if err := s.ensureHold(ctx, tx, acct, now); err != nil {
			return err
		}
	}
	return nil
}
