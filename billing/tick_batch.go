package billing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/storage"
)

// tickPageSize is how many due resources one transaction claims and
// processes. A page holds its resources' and accounts' row locks until it
// commits, so it is kept small enough that a customer's operation waiting
// for one of them waits tens of milliseconds, and large enough that the
// commit is paid once for many resources.
const tickPageSize = 100

// errPageItemFailed ends a page's transaction when one of its resources
// failed while the page ran without savepoints, so that the page is run
// again with one savepoint per resource.
var errPageItemFailed = errors.New("billing: a resource of the page failed")

// pageItem is what processing one claimed resource inside a page left
// behind: its counters and renewal payment when it succeeded, its error
// when its savepoint was rolled back.
type pageItem struct {
	accountID, id string
	local         TickReport
	paymentID     string
	err           error
}

// tickResources runs the lifecycle clock for up to limit due resources, a
// page at a time. Each page is claimed (locked, skipping what another
// worker holds) and processed in one transaction, each resource inside its
// own savepoint: a resource whose work fails is rolled back alone while the
// rest of the page commits, its state change, events and invoices
// together. After the commit, each failed resource is done again in its own
// transaction, the path of a single resource (which reruns store aborts and
// records the failure when it fails again), and renewals placed on linked
// accounts are charged. When a page's transaction cannot commit at all,
// nothing of it is kept and its resources are processed one per
// transaction instead.
func (s *System) tickResources(ctx context.Context, limit int, rep *TickReport) error {
	now := s.now()
	seen := map[string]bool{}
	read := 0
	for read < limit {
		size := min(tickPageSize, limit-read)
		// Most pages fail nowhere, so a page first runs without a
		// savepoint per resource (two statements fewer each); when one of
		// its resources fails, that transaction is rolled back whole and
		// the page runs again with them.
		page, claimed, err := s.tickPage(ctx, now, size, seen, false)
		if errors.Is(err, errPageItemFailed) {
			page, claimed, err = s.tickPage(ctx, now, size, seen, true)
		}
		if err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return cerr
			}
			n, err := s.tickResourcesOneByOne(ctx, now, size, rep)
			read += n
			rep.More = rep.More || read >= limit
			if err != nil {
				return err
			}
			if n < size {
				return nil
			}
			continue
		}
		read += claimed
		for _, it := range page {
			seen[it.id] = true
			if it.err != nil {
				if err := s.tickAlone(ctx, it.accountID, it.id, rep); err != nil {
					return err
				}
				continue
			}
			addCounts(rep, it.local)
			rep.Resources++
			if it.paymentID != "" {
				if err := s.chargeRenewal(ctx, it.accountID, it.paymentID, rep); err != nil {
					return err
				}
			}
		}
		// A short page means nothing more is due; a page that came back
		// with resources this tick already processed (still due after
		// their work) means the rest of the range is not reached this
		// tick either, as with a single read of limit resources.
		if claimed < size || len(page) < claimed {
			rep.More = rep.More || read >= limit
			return nil
		}
	}
	rep.More = true
	return nil
}

// tickPage claims up to size resources due at now and processes them in
// one transaction, each in its own savepoint when isolate is set; without
// it, the first resource that fails ends the transaction with
// errPageItemFailed and nothing of the page is kept. Resources already
// processed in this tick (seen) are left alone. It returns what each processed
// resource left behind and how many resources the claim returned.
func (s *System) tickPage(ctx context.Context, now time.Time, size int, seen map[string]bool, isolate bool) (page []pageItem, claimed int, err error) {
	err = s.store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		// The store may run this function again: start from nothing.
		page, claimed = page[:0], 0
		due, err := tx.Resources().ClaimDue(ctx, now, size)
		if err != nil {
			return err
		}
		claimed = len(due)
		// The page's postpaid resources are closed together after the
		// others.
		var closing []storage.Resource
		if !isolate {
			closing = make([]storage.Resource, 0, len(due))
		}
		for _, r := range due {
			if seen[r.ID] {
				continue
			}
			it := pageItem{accountID: r.AccountID, id: r.ID}
			if !isolate && r.Postpaid {
				closing = append(closing, r)
				continue
			}
			if !isolate {
				if it.local, it.paymentID, err = s.tickResourceIn(ctx, tx, r.AccountID, r.ID); err != nil {
					if cerr := ctx.Err(); cerr != nil {
						return cerr
					}
					// The failed statement may have aborted the
					// transaction: joined, a store abort still makes the
					// store run this function again.
					return errors.Join(errPageItemFailed, err)
				}
				page = append(page, it)
				continue
			}
			// The claim locked the resource before its account, the
			// reverse of every other operation's order; a deadlock this
			// causes fails the savepoint only (rolled back, its account
			// lock released), and the resource is redone alone, account
			// first.
			it.err = tx.Savepoint(ctx, func(ctx context.Context, tx storage.Tx) error {
				var err error
				it.local, it.paymentID, err = s.tickResourceIn(ctx, tx, r.AccountID, r.ID)
				return err
			})
			if it.err != nil {
				if cerr := ctx.Err(); cerr != nil {
					return cerr
				}
				it.local, it.paymentID = TickReport{}, ""
			}
			page = append(page, it)
		}
		closed, err := s.closePage(ctx, tx, closing)
		if err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return cerr
			}
			return errors.Join(errPageItemFailed, err)
		}
		page = append(page, closed...)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return page, claimed, nil
}

// closePage is the month close of a page's claimed postpaid resources, all
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
func (s *System) closePage(ctx context.Context, tx storage.Tx, due []storage.Resource) ([]pageItem, error) {
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
	accts := make(map[string]Account, len(locked))
	for _, a := range locked {
		accts[a.ID] = a
	}
	now := s.now()
	type drafted struct {
		draft  invoice.Invoice
		acct   Account
		cal    period.Calendar
		series string
	}
	bills := make([]drafted, 0, len(due))
	items := make([]pageItem, 0, len(due))
	for i := range due {
		r := &due[i] // closing's own copy, updated in place
		acct, ok := accts[r.AccountID]
		if !ok {
			return nil, fmt.Errorf("%w: %q", ErrAccountNotFound, r.AccountID)
		}
		d := r.ResourceDetail // the claim's copy is this call's own
		d.TickAttempts, d.TickError, d.TickRetryAt = 0, "", time.Time{}
		cal := s.rules(acct, r.ProductID).Calendar()
		drafts, err := s.planClose(ctx, tx, acct, r, &d, cal, now, time.Time{}, false)
		if err != nil {
			return nil, err
		}
		if len(drafts) > 0 {
			series, err := invoice.SeriesFor(invoice.KindInvoice, now, cal.Location())
			if err != nil {
				return nil, err
			}
			for _, dr := range drafts {
				bills = append(bills, drafted{draft: dr, acct: acct, cal: cal, series: series})
			}
		}
		r.UpdatedAt, r.ResourceDetail = now, d
		items = append(items, pageItem{accountID: r.AccountID, id: r.ID, local: TickReport{BillsIssued: len(drafts)}})
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

	invs := make([]storage.Invoice, 0, len(bills))
	events := make([]storage.Event, 0, len(bills))
	overdue, collect := make([]storage.Job, 0, len(bills)), make([]storage.Job, 0, len(accts))
	collecting := make(map[string]bool, len(accts))
	for _, b := range bills {
		inv, err := s.issueBill(b.draft, b.series, next[b.series], b.cal, now)
		if err != nil {
			return nil, err
		}
		next[b.series]++
		invs = append(invs, storage.Invoice{Invoice: inv, UpdatedAt: now})
		ev, err := s.outboxEvent(b.acct.ID, inv.ResourceID, EventInvoiceIssued, billIssuedKey(inv), billIssuedPayload(inv))
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
			collect = append(collect, storage.Job{AccountID: b.acct.ID, Kind: jobCollect,
				DueAt: s.nextDaily(s.accountCalendar(b.acct), now), CreatedAt: now, UpdatedAt: now})
		}
		if !inv.DueAt.IsZero() {
			overdue = append(overdue, storage.Job{AccountID: b.acct.ID, Kind: jobOverdue, Key: inv.ID, DueAt: inv.DueAt,
				CreatedAt: now, UpdatedAt: now})
		}
	}
	if err := tx.Invoices().CreateMany(ctx, invs); err != nil {
		return nil, err
	}
	if err := tx.Outbox().AppendMany(ctx, events); err != nil {
		return nil, err
	}
	if err := tx.Jobs().EnsureMany(ctx, collect); err != nil {
		return nil, err
	}
	if err := tx.Jobs().PutMany(ctx, overdue); err != nil {
		return nil, err
	}
	if err := tx.Resources().UpdateMany(ctx, due); err != nil {
		return nil, err
	}
	return items, nil
}
