package worker

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
//
// Without isolate, the page is done in a number of round trips that does
// not grow with its size: the claimed rows are used as the claim returned
// them (locked), their accounts are locked in one call, and the
// resources' writes are held back to go out with COMMIT (postpaid ones
// are closed by monthclose.ClosePage, which does the same). A held-back
// write that fails at COMMIT fails the page like a resource that failed,
// and the page runs again isolated, each resource read and written in its
// own savepoint.
func tickPage(ctx context.Context, s *core.Env, now time.Time, size int, seen map[string]bool, isolate bool) (page []monthclose.PageItem, claimed int, err error) {
	// held is set when the page's resources held back writes (not month
	// close's), and done when the function returned without error: a
	// failure after both is one of those writes failing at COMMIT.
	var held, done bool
	err = s.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		// The store may run this function again: start from nothing.
		page, claimed, held, done = page[:0], 0, false, false
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
		var accts map[string]storage.Account
		if !isolate {
			closing = due[:0]
			// The other resources' accounts are locked in one call, in
			// ID order, and each serves all of its resources: nothing
			// a resource's tick does writes its account row.
			if accts, err = lockAccounts(ctx, tx, due, seen); err != nil {
				if cerr := ctx.Err(); cerr != nil {
					return cerr
				}
				return errors.Join(errPageItemFailed, err)
			}
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
				// The claim locked and returned the resource: it is used
				// as is, and its writes are held back to go out with the
				// page's COMMIT (or the next read), a failure among them
				// failing the page.
				acct, ok := accts[r.AccountID]
				if ok {
					it.Local, it.PaymentID, err = tickLocked(ctx, s, tx, acct, *r, true)
					held = true
				} else {
					err = fmt.Errorf("%w: %q", billingtype.ErrAccountNotFound, r.AccountID)
				}
				if err != nil {
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
		if len(closing) > 0 {
			held = false // a failure at COMMIT may be a bill's, handled one by one
		}
		done = true
		return nil
	})
	if err != nil {
		if held && done && !isolate && ctx.Err() == nil && !errors.Is(err, errPageItemFailed) {
			// A held-back write of a resource failed at COMMIT: the page
			// runs again with a savepoint per resource, where that
			// resource's write fails its own savepoint, as it did before
			// the writes were held back.
			err = errors.Join(errPageItemFailed, err)
		}
		return nil, 0, err
	}
	return page, claimed, nil
}

// lockAccounts locks, in one call, the accounts of the claimed resources
// that the page ticks one at a time (not those seen already, nor the
// postpaid ones month close locks itself), and returns them by ID. An
// account that does not exist is left out.
func lockAccounts(ctx context.Context, tx storage.Tx, due []storage.Resource, seen map[string]bool) (map[string]storage.Account, error) {
	ids := make([]string, 0, len(due))
	for _, r := range due {
		if !seen[r.ID] && !r.Postpaid {
			ids = append(ids, r.AccountID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	locked, err := tx.Accounts().GetManyForUpdate(ctx, ids)
	if err != nil {
		return nil, err
	}
	accts := make(map[string]storage.Account, len(locked))
	for _, a := range locked {
		accts[a.ID] = a
	}
	return accts, nil
}
