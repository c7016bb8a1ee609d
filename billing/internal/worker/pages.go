package worker

import (
	"context"
	"errors"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/monthclose"
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

// TickResources runs the lifecycle clock for up to limit due resources, a
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
func TickResources(ctx context.Context, s *core.Env, limit int, rep *billingtype.TickReport) error {
	now := s.Now()
	seen := map[string]bool{}
	read := 0
	for read < limit {
		if core.Stopping(ctx) {
			rep.More = true // the worker is draining: what is left waits for the next one
			return nil
		}
		size := min(tickPageSize, limit-read)
		// Most pages fail nowhere, so a page first runs without a
		// savepoint per resource (two statements fewer each); when one of
		// its resources fails, that transaction is rolled back whole and
		// the page runs again with them.
		page, claimed, err := tickPage(ctx, s, now, size, seen, false)
		if errors.Is(err, errPageItemFailed) {
			page, claimed, err = tickPage(ctx, s, now, size, seen, true)
		}
		if err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return cerr
			}
			n, err := tickResourcesOneByOne(ctx, s, now, size, rep)
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
			seen[it.Id] = true
			if it.Err != nil {
				if err := tickAlone(ctx, s, it.AccountID, it.Id, rep); err != nil {
					return err
				}
				continue
			}
			addCounts(rep, it.Local)
			rep.Resources++
			if it.PaymentID != "" {
				if err := chargeRenewal(ctx, s, it.AccountID, it.PaymentID, rep); err != nil {
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
func tickPage(ctx context.Context, s *core.Env, now time.Time, size int, seen map[string]bool, isolate bool) (page []monthclose.PageItem, claimed int, err error) {
	err = s.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		// The store may run this function again: start from nothing.
		page, claimed = page[:0], 0
		due, err := tx.Resources().ClaimDue(ctx, now, size)
		if err != nil {
			return err
		}
		claimed = len(due)
		// The page's postpaid resources are closed together after the
		// others.
		// closing is filtered in place from due, which this call owns and
		// reads no further back than it writes: a resource is 1.3 kB.
		var closing []storage.Resource
		if !isolate {
			closing = due[:0]
		}
		for i := range due {
			r := &due[i]
			if seen[r.ID] {
				continue
			}
			it := monthclose.PageItem{AccountID: r.AccountID, Id: r.ID}
			if !isolate && r.Postpaid {
				closing = append(closing, *r)
				continue
			}
			if !isolate {
				if it.Local, it.PaymentID, err = tickResourceIn(ctx, s, tx, r.AccountID, r.ID); err != nil {
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
			it.Err = tx.Savepoint(ctx, func(ctx context.Context, tx storage.Tx) error {
				var err error
				it.Local, it.PaymentID, err = tickResourceIn(ctx, s, tx, r.AccountID, r.ID)
				return err
			})
			if it.Err != nil {
				if cerr := ctx.Err(); cerr != nil {
					return cerr
				}
				it.Local, it.PaymentID = billingtype.TickReport{}, ""
			}
			page = append(page, it)
		}
		closed, err := monthclose.ClosePage(ctx, s, tx, closing)
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
