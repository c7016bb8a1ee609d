package postpaid

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/invoicing"
	"github.com/cloudbill/cloudbill/billing/internal/ledger"
	"github.com/cloudbill/cloudbill/billing/internal/monthclose"
	"github.com/cloudbill/cloudbill/billing/internal/outbox"
	"github.com/cloudbill/cloudbill/billing/internal/pay"
	"github.com/cloudbill/cloudbill/billing/internal/usage"
	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/postpaid"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// holdJob is the account's daily credit hold, first due at the next daily
// run; ensured (created unless scheduled already), it makes a prepaid
// account hold credit from the first day it records metered usage.
func holdJob(s *core.Env, acct storage.Account, now time.Time) storage.Job {
	return storage.Job{AccountID: acct.ID, Kind: core.JobHold,
		DueAt: monthclose.NextDaily(s, monthclose.AccountCalendar(s, acct), now), CreatedAt: now, UpdatedAt: now}
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
func runHold(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, j storage.Job, now time.Time, rep *billingtype.TickReport) (*storage.Job, error) {
	rep.Holds++
	cal := monthclose.AccountCalendar(s, acct)
	if acct.Type != storage.Prepaid {
		// Postpaid usage is billed at month close; settle what a prepaid
		// past left held and stop holding.
		return nil, settleHold(ctx, s, tx, acct, j, cal, now, now)
	}
	month := cal.MonthSpan(now)
	if !j.Since.IsZero() && j.Since.Before(month.Start) {
		if err := settleHold(ctx, s, tx, acct, j, cal, month.Start, now); err != nil {
			return nil, err
		}
		j.Since = time.Time{}
	}
	used, err := usage.PrepaidUsage(ctx, s, tx, acct, period.Span{Start: month.Start, End: now})
	if err != nil {
		return nil, err
	}
	if len(used.Events) == 0 && j.Since.IsZero() {
		j.DueAt, j.Step = monthclose.NextDaily(s, cal, now), 0
		return &j, nil
	}
	in, err := usage.HoldInput(s, used, cal, month.Start, now)
	if err != nil {
		return nil, err
	}
	var active payment.Entry
	if !j.Since.IsZero() {
		if active, err = ledger.FindEntry(ctx, tx, acct.ID, ledger.HoldEntryID(acct.ID, j.Since)); err != nil && !errors.Is(err, storage.ErrNotFound) {
			return nil, err
		}
	}
	ws, err := ledger.LoadWallet(ctx, tx, acct)
	if err != nil {
		return nil, err
	}
	// Only the held credit that is still spendable counts as held: what
	// came from a promotional grant that expired meanwhile goes back to
	// the grant when the hold moves, and expires with it.
	held := HeldBy(active, acct.Currency)
	live, err := liveHeld(active, ws.Wallet, held, now)
	if err != nil {
		return nil, err
	}
	in.AlreadyHeld, in.Available, in.ShortDays = live, ws.Wallet.Available(now), j.Step
	h, err := metering.ComputeHold(*s.Cfg.Postpaid.Hold, in)
	if err != nil {
		return nil, err
	}
	if !h.Change.IsZero() || !live.Equal(held) {
		if err := moveHold(ctx, s, tx, acct, active, h.Held, now); err != nil {
			return nil, err
		}
		j.Since = now
	} else if j.Since.IsZero() {
		j.Since = now
	}
	j.Step = h.ShortDays
	if h.Short() {
		if err := outbox.Emit(ctx, s, tx, acct.ID, acct.ID, billingtype.EventNotice, "", outbox.Zoned(s, acct, billingtype.NoticePayload{Notice: billingtype.NoticeHoldShort,
			Detail: "top up " + h.Shortage.String() + " to cover metered usage so far and the next days (held " + h.Held.String() + " of " + h.Required.String() + ")"})); err != nil {
			return nil, err
		}
	}
	if h.Stop {
		if err := outbox.Emit(ctx, s, tx, acct.ID, acct.ID, billingtype.EventUsageStop, "", billingtype.UsageStopPayload{ResourceIDs: used.Resources,
			ShortDays: h.ShortDays, Shortage: h.Shortage}); err != nil {
			return nil, err
		}
		if err := settleHold(ctx, s, tx, acct, j, cal, now, now); err != nil {
			return nil, err
		}
		j.Since, j.Step = time.Time{}, 0
	}
	j.DueAt = monthclose.NextDaily(s, cal, now)
	return &j, nil
}

// HeldBy is what a hold entry holds (zero for none).
func HeldBy(hold payment.Entry, currency string) money.Amount {
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
func moveHold(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, active payment.Entry, amount money.Amount, now time.Time) error {
	if err := releaseHold(ctx, s, tx, acct, active, now); err != nil {
		return err
	}
	if !amount.IsPositive() {
		return nil
	}
	ws, err := ledger.LoadWallet(ctx, tx, acct)
	if err != nil {
		return err
	}
	plan, err := ws.Wallet.PlanSpend(amount, now, s.Cfg.SpendPolicy)
	if err != nil {
		return err
	}
	id := ledger.HoldEntryID(acct.ID, now)
	e, err := payment.HoldEntry(payment.EntryMeta{ID: id, At: now, Memo: "credit held for metered usage",
		Reference: payment.Reference{Type: billingtype.RefUsageHold, ID: acct.ID}}, "usage", plan)
	if err != nil {
		return err
	}
	_, err = ledger.AppendEntryAfter(ctx, tx, acct, e, time.Time{}, &ws)
	return err
}

// releaseHold gives an active hold back to the buckets it came from.
func releaseHold(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, active payment.Entry, now time.Time) error {
	if active.ID == "" {
		return nil
	}
	e, err := payment.ReleaseEntry(payment.EntryMeta{ID: ledger.EntryID(payment.EntryRelease, active.ID), At: now,
		Memo: "credit hold for metered usage released", Reference: payment.Reference{Type: billingtype.RefUsageHold, ID: acct.ID}}, active)
	if err != nil {
		return err
	}
	_, err = ledger.AppendEntry(ctx, tx, acct, e, time.Time{})
	return err
}

// settleHold ends the hold of the period the job's hold was made in: the
// usage of the account's prepaid resources from the period's start (or
// their last settlement) to end is invoiced per resource and paid from
// the released hold, and anything it does not cover stays open for
// automatic payment. Late usage before end is refused from then on
// (ReasonPeriodClosed).
func settleHold(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, j storage.Job, cal period.Calendar, end, now time.Time) error {
	var active payment.Entry
	var err error
	if !j.Since.IsZero() {
		if active, err = ledger.FindEntry(ctx, tx, acct.ID, ledger.HoldEntryID(acct.ID, j.Since)); err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
	}
	held := HeldBy(active, acct.Currency)
	if err := releaseHold(ctx, s, tx, acct, active, now); err != nil {
		return err
	}
	start := cal.MonthSpan(end.Add(-time.Nanosecond)).Start
	if !j.Since.IsZero() {
		start = cal.MonthSpan(j.Since).Start
	}
	if !end.After(start) {
		return nil
	}
	used, err := usage.PrepaidUsage(ctx, s, tx, acct, period.Span{Start: start, End: end})
	if err != nil {
		return err
	}
	// What was held pays the usage, but only as far as the credit it went
	// back to can still be spent: credit held from a promotional grant
	// that expired meanwhile is gone with the grant.
	ws, err := ledger.LoadWallet(ctx, tx, acct)
	if err != nil {
		return err
	}
	left := held
	if avail := ws.Wallet.Available(now); !avail.IsPositive() {
		left = avail.MulInt(0)
	} else if c, _ := avail.Cmp(left); c < 0 {
		left = avail
	}
	for _, rid := range used.Resources {
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
			if left, err = settleUsageSpan(ctx, s, tx, acct, &r, &d, period.Span{Start: from, End: to}, cal, now, left); err != nil {
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
func settleUsageSpan(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, d *storage.ResourceDetail,
	span period.Span, cal period.Calendar, now time.Time, left money.Amount) (money.Amount, error) {
	inv, billed, err := usageInvoice(ctx, s, tx, acct, r, d, span, cal, now)
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
	if _, err := pay.PayInvoiceFromCredit(ctx, s, tx, acct, inv.ID, toPay, "metered usage paid from the credit hold"); err != nil {
		return left, err
	}
	return left.Sub(toPay)
}

// usageInvoice issues a prepaid resource's invoice for its metered usage
// in span, unpaid, due at once; billed is false when nothing was used.
func usageInvoice(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, d *storage.ResourceDetail,
	span period.Span, cal period.Calendar, now time.Time) (invoice.Invoice, bool, error) {
	id := "usage_" + r.ID + "_" + span.End.UTC().Format("20060102T1504Z")
	if _, err := tx.Invoices().Get(ctx, acct.ID, id); err == nil {
		return invoice.Invoice{}, false, nil
	} else if !errors.Is(err, storage.ErrNotFound) {
		return invoice.Invoice{}, false, err
	}
	charges, err := usage.UsageCharges(ctx, s, tx, acct, r.ID, span)
	if err != nil || len(charges) == 0 {
		return invoice.Invoice{}, false, err
	}
	tax, err := s.PriceTax(acct.Currency, r.ProductID)
	if err != nil {
		return invoice.Invoice{}, false, err
	}
	in := postpaid.Resource{ResourceID: r.ID}
	if in.Usage, err = usage.Metered(charges, tax); err != nil {
		return invoice.Invoice{}, false, err
	}
	monthclose.WithAccountTax(&in, acct)
	rate := usage.DiscountRate(s, acct, r.ProductID, d.Configuration)
	for i := range in.Usage {
		in.Usage[i].DiscountRate = rate
	}
	bill, err := postpaid.Close(span, in)
	if err != nil {
		return invoice.Invoice{}, false, err
	}
	draft, err := monthclose.BillDraft(s, acct, r, d, bill, id, now)
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
	if err := invoicing.StoreInvoice(ctx, s, tx, inv, "", true); err != nil {
		return invoice.Invoice{}, false, err
	}
	if err := invoicing.EInvoiceIssued(ctx, s, tx, inv, ""); err != nil {
		return invoice.Invoice{}, false, err
	}
	if err := outbox.Emit(ctx, s, tx, acct.ID, r.ID, billingtype.EventInvoiceIssued, "issued:"+inv.ID, outbox.Zoned(s, acct, billingtype.InvoicePayload{InvoiceID: inv.ID,
		Number: inv.DisplayNumber(), ResourceID: r.ID, Total: inv.Total, Status: inv.Status, DueAt: inv.DueAt})); err != nil {
		return invoice.Invoice{}, false, err
	}
	if inv.AmountDue().IsPositive() {
		if err := monthclose.EnsureCollection(ctx, s, tx, acct, now); err != nil {
			return invoice.Invoice{}, false, err
		}
	}
	return inv, true, nil
}

// HoldForNewUsage schedules the credit hold of every prepaid account that
// just recorded usage (postpaid accounts' usage goes on their month
// bills), from the accounts as the recording read them. The jobs are
// ensured in one call, held back: nothing reads them in this transaction,
// so they go with its COMMIT instead of a round trip of their own.
func HoldForNewUsage(ctx context.Context, s *core.Env, tx storage.Tx, accounts map[string]storage.Account, now time.Time) error {
	ids := make([]string, 0, len(accounts))
	for id, acct := range accounts {
		if acct.Type == storage.Prepaid {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	jobs := make([]storage.Job, 0, len(ids))
	for _, id := range ids {
		jobs = append(jobs, holdJob(s, accounts[id], now))
	}
	return tx.Jobs().EnsureMany(storage.DeferWrites(ctx), jobs)
}
