package billing_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/storagetest/faultstore"
)

// Faults inside the run: in one sequence in four (drawn from
// the seed) the System works on the fault store, and one operation in ten
// of the kinds below runs with a fault armed at a random storage call — an
// injected error, or the context cancelled. When the fault fires and the
// operation fails, the model was not told anything, so the store must
// show nothing half-done (compared with the model at once); then the
// operation runs again with the same choices, the same request and the
// same idempotency key on the healthy store, and must complete exactly
// once: every check after the step compares it with the model. The only
// intermediate state a retry is documented to resume is a payment
// recorded but not yet handed to its gateway (status created).

// simFaultable are the operations run under faults: each makes its one
// mutating call before it tells the model anything.
var simFaultable = map[string]bool{
	"top-up": true, "deliver callback": true, "grant": true, "checkout": true, "pay order": true,
	"create payment link": true, "pay link": true, "payment link for a bill": true, "provisioning outcome": true,
	"renew": true, "resize": true, "delete": true, "recover": true, "refund to credit": true, "replay a request": true,
	"postpaid checkout": true, "postpaid provisioning": true, "postpaid resize": true, "postpaid delete": true,
	"postpaid recover": true, "record usage": true, "pay bill": true, "set discount": true,
}

// simFaultyStore returns the store the sequence's System works on: st
// itself, or in one sequence in four the fault store around it.
func simFaultyStore(st storage.Store, seed uint64) (storage.Store, *faultstore.Store) {
	if rand.New(rand.NewPCG(seed, 0xfa017)).IntN(4) != 0 {
		return st, nil
	}
	fs := faultstore.New(st)
	return fs, fs
}

// simRecChooser records the draws of an attempt so that a retry makes the
// same ones (a draw asked with a smaller bound is taken modulo it).
type simRecChooser struct {
	inner chooser
	log   []int
	pos   int
}

func (c *simRecChooser) IntN(n int) int {
	if c.pos < len(c.log) {
		v := c.log[c.pos] % n
		c.pos++
		return v
	}
	v := c.inner.IntN(n)
	c.log = append(c.log, v)
	c.pos++
	return v
}

// runOp runs op, under a fault now and then in a faulty sequence.
func (r *simRun) runOp(op simOp) {
	if r.faults == nil || !simFaultable[op.name] || !r.pct(10) {
		op.run(r)
		return
	}
	k := 1 + r.intn(12)
	cancelMode := r.pct(30)
	keyN, ncb, ctx := r.keyN, len(r.callbacks), r.ctx
	rec := &simRecChooser{inner: r.ch}
	r.ch = rec
	defer func() { r.ch = rec.inner }()
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r.ctx = cctx
	if cancelMode {
		r.faults.CancelAt(k, cancel)
	} else {
		r.faults.FailAt(k)
	}
	failure := r.attempt(op)
	fault, fired := r.faults.Injected()
	r.faults.Reset()
	r.ctx = ctx
	if !fired {
		if failure != nil {
			panic(*failure)
		}
		return
	}
	r.m.hits["faults injected"]++
	if failure == nil {
		// The operation expected an error and got the fault's, or the
		// fault hit a call whose failure it survives: it is done.
		r.m.hits["faults an operation survived"]++
		return
	}
	r.note("%s failed at %s: %s", op.name, fault, firstLine(failure.msg))
	r.checkAfterFault()
	r.keyN, r.callbacks, rec.pos = keyN, r.callbacks[:ncb], 0
	r.m.hits["retries after a fault"]++
	op.run(r)
	r.markAllDirty()
	r.ticked = true // compare every payment too
}

// attempt runs op and returns the comparison failure it ended with, if
// any; other panics go on.
func (r *simRun) attempt(op simOp) (failure *simFailure) {
	defer func() {
		if p := recover(); p != nil {
			f, ok := p.(simFailure)
			if !ok {
				panic(p)
			}
			failure = &f
		}
	}()
	op.run(r)
	return nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// checkAfterFault compares the store with the model after an operation
// failed at a fault, before its retry. Every ledger must be whole (its
// entries sum to zero, its cached balances agree with its postings): no
// half-written entry. The rest must be either as the model has it —
// nothing done — or, when the fault came after the commit (a read-back,
// a later transaction), what the retry then returns without doing it
// again; which of the two is counted, and the comparisons after the retry
// cover everything.
func (r *simRun) checkAfterFault() {
	r.noErr(r.e.st.InTx(r.ctx, func(ctx context.Context, tx storage.Tx) error {
		for _, id := range r.m.acctIDs {
			if err := r.checkLedger(ctx, tx, id, true); err != nil {
				return err
			}
		}
		return nil
	}), "ledgers after a fault")
	created := false
	for _, id := range r.m.acctIDs {
		list, err := items(r.e.sys.Payments(r.ctx, billing.ListRequest{AccountID: id, Limit: 1000}))
		r.noErr(err, "list payments after a fault")
		for _, lp := range list {
			if r.m.payments[lp.ID] == nil && string(lp.Status) == payCreated {
				created = true
			}
		}
	}
	switch {
	case created:
		r.m.hits["faults leaving a created payment"]++
	case r.compares(r.compareAll):
		r.m.hits["faults leaving nothing done"]++
	default:
		r.m.hits["faults after a commit"]++
	}
}

// compares runs check and reports whether it found the store as the
// model has it.
func (r *simRun) compares(check func()) (same bool) {
	defer func() {
		if p := recover(); p != nil {
			if _, ok := p.(simFailure); !ok {
				panic(p)
			}
			same = false
		}
	}()
	check()
	return true
}

// compareAll compares the wallets, ledgers, events and open bills of
// every account and every payment with the model.
func (r *simRun) compareAll() {
	for _, id := range r.m.acctIDs {
		r.m.dirtyAcct[id] = true
	}
	r.checkDirty()
	r.noErr(r.e.st.InTx(r.ctx, r.checkOpenBills), "open invoices")
	r.checkPayments()
}

// markAllDirty makes the comparison after the step cover everything the
// model knows.
func (r *simRun) markAllDirty() {
	for _, id := range r.m.acctIDs {
		r.m.dirtyAcct[id] = true
	}
	for _, id := range r.m.payIDs {
		r.m.dirtyPay[id] = true
	}
	for _, id := range r.m.orderIDs {
		r.m.dirtyOrd[id] = true
	}
	for _, id := range r.m.resIDs {
		r.m.dirtyRes[id] = true
	}
	for _, id := range r.m.pp.billIDs {
		r.m.pp.dirtyBill[id] = true
	}
	for _, id := range r.m.pp.resIDs {
		r.m.pp.dirtyPost[id] = true
	}
}

// checkInvoiceNumbers checks that every series of invoice and credit note
// numbers the sequence issued is gapless: 1, 2, … n, each once.
func (r *simRun) checkInvoiceNumbers() {
	nums := map[string][]int64{}
	err := r.e.st.InTx(r.ctx, func(ctx context.Context, tx storage.Tx) error {
		for _, acct := range r.m.acctIDs {
			after := ""
			for {
				page, err := tx.Invoices().List(ctx, acct, "", after, 1000)
				if err != nil {
					return err
				}
				for _, inv := range page {
					if inv.Series != "" {
						nums[inv.Series] = append(nums[inv.Series], inv.Number)
					}
				}
				if len(page) < 1000 {
					break
				}
				after = page[len(page)-1].ID
			}
		}
		return nil
	})
	r.noErr(err, "list invoices")
	for series, list := range nums {
		slices.Sort(list)
		for i, n := range list {
			if n != int64(i+1) {
				r.failf("invoice series %s is not gapless: numbers %v", series, list)
			}
		}
		r.m.hits["invoice series checked gapless"]++
	}
}
