package monthclose

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/invoicing"
	"github.com/cloudbill/cloudbill/billing/internal/outbox"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/storage"
)

// PageItem is what processing one claimed resource inside a page left
// behind: its counters and renewal payment when it succeeded, its error
// when its savepoint was rolled back.
type PageItem struct {
	AccountID, Id string
	Local         billingtype.TickReport
	PaymentID     string
	Err           error
}

// ClosePage is the month close of a page's claimed postpaid resources, all
// together, in a fixed number of round trips whatever the page's size: the
// accounts locked in one call, each resource's months planned in Go from
// the row the claim locked and returned (no second read), the page's
// invoice numbers taken per series in one call (gapless: all are issued
// in this transaction, or none is kept), then the bills, their
// invoice.issued events, the accounts' collection jobs (once per
// account), the bills' overdue schedules and the resources each written
// in one call. It does what tickResourceIn does for each resource, except
// that it does not look for bills issued already: a month whose bill
// exists fails the write with storage.ErrDuplicate, and the caller then
// runs the page again one resource at a time, which finds it. The
// resources of due are changed in place (they become what is stored).
func ClosePage(ctx context.Context, s *core.Env, tx storage.Tx, due []storage.Resource) ([]PageItem, error) {
	if len(due) == 0 {
		return nil, nil
	}
	ids := make([]string, len(due))
	for i, r := range due {
		ids[i] = r.AccountID
	}
	locked, err := tx.Accounts().GetManyForUpdate(ctx, ids)
	if err != nil {
		return nil, err
	}
	// The page's bills point at the locked accounts rather than each
	// holding a copy.
	accts := make(map[string]*storage.Account, len(locked))
	for i := range locked {
		accts[locked[i].ID] = &locked[i]
	}
	now := s.Now()
	// bills[i] is how to issue invs[i], drafted here and issued in place
	// below: a bill's document is not copied from one slice to another.
	type drafted struct {
		acct   *storage.Account
		cal    period.Calendar
		series string
	}
	bills := make([]drafted, 0, len(due))
	invs := make([]storage.Invoice, 0, len(due))
	items := make([]PageItem, 0, len(due))
	for i := range due {
		r := &due[i] // closing's own copy, updated in place
		acctp, ok := accts[r.AccountID]
		if !ok {
			return nil, fmt.Errorf("%w: %q", billingtype.ErrAccountNotFound, r.AccountID)
		}
		acct := *acctp
		d := r.ResourceDetail // the claim's copy is this call's own
		d.TickAttempts, d.TickError, d.TickRetryAt = 0, "", time.Time{}
		cal := s.Rules(acct, r.ProductID).Calendar()
		drafts, err := planClose(ctx, s, tx, acct, r, &d, cal, now, time.Time{}, false)
		if err != nil {
			return nil, err
		}
		if len(drafts) > 0 {
			series, err := invoice.SeriesFor(invoice.KindInvoice, now, cal.Location())
			if err != nil {
				return nil, err
			}
			for _, dr := range drafts {
				bills = append(bills, drafted{acct: acctp, cal: cal, series: series})
				invs = append(invs, storage.Invoice{Invoice: dr})
			}
		}
		r.UpdatedAt, r.ResourceDetail = now, d
		items = append(items, PageItem{AccountID: r.AccountID, Id: r.ID, Local: billingtype.TickReport{BillsIssued: len(drafts)}})
	}

	// One allocation per series, the series locked in name order so that
	// two workers whose pages span the same series never wait on each
	// other in a cycle.
	next := map[string]int64{}
	var order []string
	need := map[string]int{}
	for _, b := range bills {
		if need[b.series] == 0 {
			order = append(order, b.series)
		}
		need[b.series]++
	}
	slices.Sort(order)
	for _, series := range order {
		first, err := tx.Invoices().NextNumbers(ctx, series, need[series])
		if err != nil {
			return nil, err
		}
		next[series] = first
	}

	events := make([]storage.Event, 0, len(bills))
	overdue, collect := make([]storage.Job, 0, len(bills)), make([]storage.Job, 0, len(accts))
	collecting := make(map[string]bool, len(accts))
	for i, b := range bills {
		inv, err := issueBill(s, invs[i].Invoice, b.series, next[b.series], b.cal, now)
		if err != nil {
			return nil, err
		}
		next[b.series]++
		invs[i] = storage.Invoice{Invoice: inv, UpdatedAt: now}
		ev, err := outbox.OutboxEvent(s, b.acct.ID, inv.ResourceID, billingtype.EventInvoiceIssued, billIssuedKey(inv), outbox.Zoned(s, *b.acct, billIssuedPayload(inv)))
		if err != nil {
			return nil, err
		}
		events = append(events, ev)
		// What billIssued schedules, each account's collection once.
		if !inv.AmountDue().IsPositive() {
			continue
		}
		if !collecting[b.acct.ID] {
			collecting[b.acct.ID] = true
			collect = append(collect, storage.Job{AccountID: b.acct.ID, Kind: core.JobCollect,
				DueAt: NextDaily(s, AccountCalendar(s, *b.acct), now), CreatedAt: now, UpdatedAt: now})
		}
		if !inv.DueAt.IsZero() {
			overdue = append(overdue, storage.Job{AccountID: b.acct.ID, Kind: core.JobOverdue, Key: inv.ID, DueAt: inv.DueAt,
				CreatedAt: now, UpdatedAt: now})
		}
	}
	// The page's writes are held back and go out together, with COMMIT
	// when nothing is read after them: a failure among them (a bill that
	// exists) fails the page's transaction, and the tick then closes the
	// page's resources one by one.
	wctx := storage.DeferWrites(ctx)
	if err := tx.Invoices().CreateMany(wctx, invs); err != nil {
		return nil, err
	}
	if invoicing.GroupsBills(s) {
		var months []storage.Job
		for i, b := range bills {
			months = append(months, eInvoiceMonthJob(s, *b.acct, b.cal, invs[i].Invoice, now))
		}
		if err := tx.Jobs().EnsureMany(wctx, months); err != nil {
			return nil, err
		}
	} else {
		for _, inv := range invs {
			if err := invoicing.EInvoiceIssued(ctx, s, tx, inv.Invoice, ""); err != nil {
				return nil, err
			}
		}
	}
	if err := tx.Outbox().AppendMany(wctx, events); err != nil {
		return nil, err
	}
	if err := tx.Jobs().EnsureMany(wctx, collect); err != nil {
		return nil, err
	}
	if err := tx.Jobs().PutMany(wctx, overdue); err != nil {
		return nil, err
	}
	if err := tx.Resources().UpdateMany(wctx, due); err != nil {
		return nil, err
	}
	return items, nil
}
