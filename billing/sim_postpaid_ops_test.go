package billing_test

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// The simulation's postpaid operations: a postpaid account's purchases,
// resizes and deletes, metered usage of postpaid and prepaid resources,
// and paying bills; month close, automatic payment, the overdue schedule
// and the credit hold run in Tick (sim_postpaid_model_test.go).

// simPostpaidOps is the postpaid part of the operation mix.
func simPostpaidOps() []simOp {
	return []simOp{
		{"postpaid checkout", 3, (*simRun).opPostpaidCheckout},
		{"postpaid provisioning", 3, (*simRun).opPostpaidProvision},
		{"postpaid resize", 2, (*simRun).opPostpaidResize},
		{"postpaid delete", 1, (*simRun).opPostpaidDelete},
		{"postpaid recover", 1, (*simRun).opPostpaidRecover},
		{"record usage", 6, (*simRun).opRecordUsage},
		{"pay bill", 5, (*simRun).opPayBill},
		{"set discount", 1, (*simRun).opSetDiscount},
		{"credit before a collection", 2, (*simRun).opCreditBeforeCollection},
	}
}

// simMeter is the sequence's metered item: requests at 3 VND each.
func simMeter() []metering.Item {
	return []metering.Item{{Metric: simMetric, Unit: "request", Aggregation: metering.AggSum, UnitPrice: simVND(simUnitPrice)}}
}

// setupPostpaid makes the sequence's third account postpaid.
func (r *simRun) setupPostpaid(acct string) error {
	_, err := r.e.sys.SetAccountType(r.ctx, "type-"+acct, billing.SetAccountTypeRequest{AccountID: acct, Type: billing.Postpaid, Actor: "sim"})
	r.m.accounts[acct].postpaid = true
	return err
}

func (r *simRun) postpaidAccount() string {
	for _, id := range r.m.acctIDs {
		if r.m.accounts[id].postpaid {
			return id
		}
	}
	return ""
}

func (r *simRun) pickPostRes(filter func(*mPostRes) bool) *mPostRes {
	var list []*mPostRes
	for _, id := range r.m.pp.resIDs {
		if x := r.m.pp.res[id]; filter(x) {
			list = append(list, x)
		}
	}
	x, _ := pickFrom(r, list)
	return x
}

func (r *simRun) opPostpaidCheckout() {
	acct := r.postpaidAccount()
	cfg := r.drawConfig()
	overdue := r.m.overdue(acct)
	r.note("postpaid checkout %s %s (overdue %v)", acct, simConfigs[cfg].name, overdue)
	req := billing.CheckoutRequest{AccountID: acct, Method: payment.MethodCredit,
		Items: []billing.OrderItem{{ProductID: simProduct(cfg), Configuration: simConfiguration(cfg), Quantity: 1, Term: mTerm{months: 1}.period()}}}
	refused := r.creditRefused(acct, cfg)
	near := !overdue && !refused && r.nearLimit(acct, cfg) // owed before the purchase
	res, err := r.e.sys.Checkout(r.ctx, r.key(), req)
	if overdue {
		r.expectErr(err, "a purchase while overdue", lifecycle.ErrAccountOverdue)
		return
	}
	if refused {
		r.expectErr(err, "a purchase over the credit limit", lifecycle.ErrCreditLimitExceeded)
		r.m.hits["purchase refused over the credit limit"]++
		return
	}
	r.noErr(err, "postpaid checkout")
	r.creditNotice(acct, near)
	if len(res.Resources) != 1 || res.Payment.ID != "" || !res.Order.Total.IsZero() ||
		res.Order.Status != order.StatusBilledInArrears || !res.Order.Quote.Estimate || !res.Order.Quote.Total.IsPositive() {
		r.failf("postpaid checkout: %d resources, payment %q, total %s, status %s, estimate %v of %s; want one resource, no payment, nothing due, billed in arrears, a positive estimate",
			len(res.Resources), res.Payment.ID, res.Order.Total, res.Order.Status, res.Order.Quote.Estimate, res.Order.Quote.Total)
	}
	x := &mPostRes{id: res.Resources[0].ID, acct: acct, cfg: cfg, state: stProvisioning}
	r.m.pp.res[x.id] = x
	r.m.pp.resIDs = append(r.m.pp.resIDs, x.id)
	r.m.pp.dirtyPost[x.id] = true
	r.m.event(acct, "resource.provision")
	r.m.touch(acct)
}

func (r *simRun) opPostpaidProvision() {
	x := r.pickPostRes(func(x *mPostRes) bool { return x.state == stProvisioning })
	if x == nil {
		return
	}
	fail := r.pct(10)
	r.note("postpaid provisioning of %s failed=%v", x.id, fail)
	req := billing.ProvisioningRequest{AccountID: x.acct, ResourceID: x.id, Reason: "sim"}
	var err error
	if fail {
		_, err = r.e.sys.ProvisioningFailed(r.ctx, r.key(), req)
	} else {
		_, err = r.e.sys.ProvisioningSucceeded(r.ctx, r.key(), req)
	}
	r.noErr(err, "postpaid provisioning outcome")
	r.m.pp.dirtyPost[x.id] = true
	if fail {
		x.state = stProvFailed
		return
	}
	x.state, x.start = stActive, r.m.now
	x.intervals = []mInterval{{from: r.m.now, cfg: x.cfg}}
}

func (r *simRun) opPostpaidResize() {
	x := r.pickPostRes(func(x *mPostRes) bool { return x.state == stActive || r.pct(5) })
	if x == nil {
		return
	}
	cfg := r.resizeConfig(x.cfg)
	r.note("postpaid resize %s (%s) %s → %s", x.id, x.state, simConfigs[x.cfg].name, simConfigs[cfg].name)
	_, err := r.e.sys.Resize(r.ctx, r.key(), billing.ResizeRequest{AccountID: x.acct, ResourceID: x.id,
		Configuration: simConfiguration(cfg), PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
	switch {
	case x.state != stActive:
		r.expectErr(err, "resize a "+x.state+" postpaid resource", lifecycle.ErrIllegalTransition)
		return
	case cfg == x.cfg:
		r.expectErr(err, "resize to the same configuration", billing.ErrSameConfiguration)
		return
	case simConfigs[cfg].price > simConfigs[x.cfg].price && r.m.overdue(x.acct):
		// An upgrade adds charges: refused while the account is overdue.
		r.m.hits["postpaid upgrade refused while overdue"]++
		r.expectErr(err, "a postpaid upgrade while overdue", lifecycle.ErrAccountOverdue)
		return
	}
	if r.m.overdue(x.acct) {
		r.m.hits["postpaid downgrade while overdue"]++
	}
	r.noErr(err, "postpaid resize")
	x.stopInterval(r.m.now)
	x.cfg = cfg
	x.intervals = append(x.intervals, mInterval{from: r.m.now, cfg: cfg})
	r.m.moveState(x, stActive, "resource.resize")
}

// opPostpaidRecover asks to buy a postpaid resource again: a term
// operation, refused for a postpaid resource, and first of all while the
// account is overdue (it would add charges).
func (r *simRun) opPostpaidRecover() {
	x := r.pickPostRes(func(x *mPostRes) bool { return true })
	if x == nil {
		return
	}
	overdue := r.m.overdue(x.acct)
	r.note("postpaid recover %s (%s, overdue %v)", x.id, x.state, overdue)
	_, err := r.e.sys.Recover(r.ctx, r.key(), billing.RecoverRequest{AccountID: x.acct, ResourceID: x.id, Term: mTerm{months: 1}.period(),
		PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
	if overdue {
		r.m.hits["postpaid recover refused while overdue"]++
		r.expectErr(err, "a postpaid recover while overdue", lifecycle.ErrAccountOverdue)
		return
	}
	r.expectErr(err, "recover a postpaid resource", billing.ErrPostpaidResource)
}

func (r *simRun) opPostpaidDelete() {
	x := r.pickPostRes(func(x *mPostRes) bool { return x.state == stActive || x.state == stSuspended || r.pct(5) })
	if x == nil {
		return
	}
	r.note("postpaid delete %s (%s)", x.id, x.state)
	_, err := r.e.sys.Delete(r.ctx, r.key(), billing.DeleteRequest{AccountID: x.acct, ResourceID: x.id})
	if x.state != stActive && x.state != stSuspended {
		r.expectErr(err, "delete a "+x.state+" postpaid resource", lifecycle.ErrIllegalTransition)
		return
	}
	r.noErr(err, "postpaid delete")
	x.stopInterval(r.m.now)
	x.stopped = r.m.now
	r.m.moveState(x, stDeleted, "resource.release")
}

// opCreditBeforeCollection is issue 20's scenario: credit arrives shortly
// before a collection from credit while the postpaid account has bills
// open — before the next step of their overdue schedules (a charge
// attempt pays from it, bills ahead of its own first; a suspension step
// leaves it to the next automatic payment) or before the next automatic
// payment. The clock moves to 30 minutes before the job (the worker runs
// on the way), promotional credit worth 10 % to 120 % of what is owed is
// granted, and the worker runs just past the job.
func (r *simRun) opCreditBeforeCollection() {
	acct := r.postpaidAccount()
	var step time.Time
	for _, b := range r.m.openBills(acct) {
		if b.overdue != nil && (step.IsZero() || b.overdue.due.Before(step)) {
			step = b.overdue.due
		}
	}
	next := r.m.pp.collect[acct]
	if step.After(r.m.now.Add(time.Hour)) && (next.IsZero() || r.pct(50)) {
		next = step
	}
	if next.IsZero() || next.Before(r.m.now.Add(time.Hour)) || next.After(r.m.now.Add(20*24*time.Hour)) {
		return
	}
	r.tickAfter(next.Add(-30 * time.Minute).Sub(r.m.now))
	var owed int64
	for _, b := range r.m.openBills(acct) {
		owed += b.outstanding()
	}
	// Bills of very large usage (aggregate_out_of_range's neighbourhood)
	// can owe more than one grant accepts (10^15 minor units): grant at
	// most 10^14 then, which still covers the everyday bills in full.
	if amt := min(owed*int64(1+r.intn(12))/10, 1e14); amt > 0 {
		r.grant(acct, amt, 20*24*time.Hour)
	}
	r.tickAfter(31 * time.Minute)
}

// usageTarget is a resource usage can be recorded for: a running postpaid
// resource of the postpaid account or an active prepaid one, with the
// earliest time its usage may carry.
type usageTarget struct {
	acct, res string
	from      time.Time
}

func (r *simRun) usageTargets() []usageTarget {
	var out []usageTarget
	for _, id := range r.m.pp.resIDs {
		if x := r.m.pp.res[id]; x.state == stActive {
			from := x.intervals[len(x.intervals)-1].from
			if x.closed.After(from) {
				from = x.closed
			}
			out = append(out, usageTarget{x.acct, x.id, from})
		}
	}
	for _, id := range r.m.resIDs {
		if x := r.m.resources[id]; x.state == stActive {
			from := x.start
			if c := r.m.pp.closedPre[id]; c.After(from) {
				from = c
			}
			out = append(out, usageTarget{x.acct, x.id, from})
		}
	}
	return out
}

// simHugeUsage is the quantity of the events that test the month bound:
// 2×10^14 requests at 3 VND are 6×10^14 VND, so a second in one
// resource's month (1.2×10^15 VND) is past one bill line's 10^15 minor
// units and refused aggregate_out_of_range.
const simHugeUsage = 200_000_000_000_000

func (r *simRun) opRecordUsage() {
	targets := r.usageTargets()
	if len(targets) == 0 {
		return
	}
	type want struct {
		reason metering.Reason
		dup    bool
		u      mUsage
	}
	var events []metering.Event
	var wants []want
	inBatch := map[string]bool{}
	// fresh draws an event id no event of the account was stored with.
	fresh := func() string {
		id := fmt.Sprintf("%s-u%d", r.tag, r.keyN)
		r.keyN++
		return id
	}
	// storedOf is the stored events of acct whose id is not in the batch.
	storedOf := func(acct string) []mUsage {
		var out []mUsage
		for _, u := range r.m.pp.usage {
			if (acct == "" || u.acct == acct) && !inBatch[u.id] {
				out = append(out, u)
			}
		}
		return out
	}
	for range 1 + r.intn(4) {
		t, _ := pickFrom(r, targets)
		at := r.m.now.Add(-time.Duration(r.intn(48*60)) * time.Minute)
		if at.Before(t.from) {
			at = t.from
		}
		u := mUsage{id: fresh(), acct: t.acct, res: t.res, qty: int64(1 + r.intn(2000)), at: at}
		w := want{u: u}
		post := r.m.pp.res[t.res]
		switch n := r.intn(20); {
		case n < 2:
			if old, ok := pickFrom(r, storedOf("")); ok { // a retried event: counted once, even after its month closed
				u, w = old, want{dup: true, u: old}
			}
		case n < 3:
			w.reason = metering.ReasonNegativeQuantity
			u.qty = -u.qty
		case n < 4:
			w.reason = billing.ReasonUnknownResource
			u.res = u.res + "x"
		case n < 5:
			if closed := r.closedThrough(u.res); !closed.IsZero() {
				w.reason = billing.ReasonPeriodClosed
				u.at = closed.Add(-time.Duration(1+r.intn(600)) * time.Minute)
				if post != nil && u.at.Before(post.start) {
					// A resource started shortly before its first close:
					// before its start is the first reason that applies.
					w.reason = billing.ReasonBeforeStart
				}
			}
		case n < 6:
			if post != nil { // before the postpaid resource started (its month or years before)
				w.reason = billing.ReasonBeforeStart
				u.at = post.start.Add(-time.Duration(1+r.intn(3)*r.intn(400_000)) * time.Minute)
			}
		case n < 7:
			// The id of one of the account's stored events, with other
			// content: refused id_conflict (unless the month bound
			// refuses it first).
			if old, ok := pickFrom(r, storedOf(t.acct)); ok {
				u.id = old.id
				if u.res == old.res && u.qty == old.qty {
					u.qty++
				}
				w.u = u
			}
		case n < 8:
			if post != nil {
				u.qty = simHugeUsage
				w.u = u
			}
		}
		inBatch[u.id] = true
		events = append(events, metering.Event{ID: u.id, AccountID: u.acct, ResourceID: u.res, Metric: simMetric,
			Quantity: decimal.NewFromInt(u.qty), At: u.at})
		wants = append(wants, w)
	}
	// The month bound and id conflicts, in batch order: an event past
	// the earlier checks that is not a retry counts in its resource's
	// month (the stored events plus the batch's counted so far), an id
	// stored with other content included; one that would take the month
	// past 10^15 VND is refused; one whose id is stored is then a
	// conflict, having counted.
	type monthKey struct {
		res   string
		start time.Time
	}
	batchQty := map[monthKey]int64{}
	for i := range wants {
		w := &wants[i]
		if w.reason != "" || w.dup {
			continue
		}
		start, end := r.m.monthOf(w.u.acct, w.u.at)
		k := monthKey{w.u.res, start}
		month := r.m.usagePrice(w.u.acct, w.u.res, start, end, nil) + (batchQty[k]+w.u.qty)*simUnitPrice
		if month > 1_000_000_000_000_000 {
			w.reason = metering.ReasonAggregateOutOfRange
			continue
		}
		batchQty[k] += w.u.qty
		if r.m.pp.usageID[w.u.id].id != "" {
			w.reason = metering.ReasonIDConflict
		}
	}
	r.note("record %d usage events %+v", len(events), wants)
	res, err := r.e.sys.RecordUsage(r.ctx, billing.RecordUsageRequest{Events: events})
	r.noErr(err, "record usage")
	var recorded, dups int
	var rejected []metering.Reason
	holders := map[string]bool{}
	for _, w := range wants {
		switch {
		case w.reason != "":
			rejected = append(rejected, w.reason)
		case w.dup:
			dups++
		default:
			recorded++
			r.m.pp.usage = append(r.m.pp.usage, w.u)
			r.m.pp.usageID[w.u.id] = w.u
			holders[w.u.acct] = true
		}
	}
	got := make([]metering.Reason, len(res.Rejected))
	for i, e := range res.Rejected {
		got[i] = e.Reason
	}
	if res.Recorded != recorded || res.Duplicates != dups || fmt.Sprint(got) != fmt.Sprint(rejected) {
		r.failf("record usage: %d recorded, %d duplicates, rejected %v; model %d, %d, %v", res.Recorded, res.Duplicates, got,
			recorded, dups, rejected)
	}
	// Counted per sequence, so each store's run reports its own.
	for _, reason := range rejected {
		r.m.hits["usage refused: "+string(reason)]++
	}
	for acct := range holders {
		if !r.m.accounts[acct].postpaid && r.m.pp.hold[acct] == nil {
			r.m.pp.hold[acct] = &mHoldJob{due: r.m.nextDaily(acct, r.m.now)}
		}
	}
}

// closedThrough is through when a resource's usage is billed.
func (r *simRun) closedThrough(res string) time.Time {
	if x := r.m.pp.res[res]; x != nil {
		return x.closed
	}
	return r.m.pp.closedPre[res]
}

// pickBill draws the invoice a bill payment names, as pickObligation does
// for orders: most often an open bill of the account for part or all of
// what is outstanding; else more than that, another account's, a paid
// one or an unknown id, refused with the typed error returned here.
func (r *simRun) pickBill(acct string) (ref string, amt int64, b *mBill, want error) {
	pick := func(f func(*mBill) bool) *mBill {
		var list []*mBill
		for _, id := range r.m.pp.billIDs {
			if b := r.m.pp.bills[id]; f(b) {
				list = append(list, b)
			}
		}
		b, _ := pickFrom(r, list)
		return b
	}
	switch n := r.intn(20); {
	case n < 14:
		if b = pick(func(b *mBill) bool { return b.acct == acct && b.outstanding() > 0 }); b != nil {
			amt = b.outstanding()
			if r.pct(50) {
				amt = 1 + int64(r.intn(int(amt)))
			}
			return b.id, amt, b, nil
		}
	case n < 16:
		if b = pick(func(b *mBill) bool { return b.acct == acct && b.outstanding() > 0 }); b != nil {
			return b.id, b.outstanding() + int64(1+r.intn(10_000)), nil, billing.ErrAmountDue
		}
	case n < 18:
		if b = pick(func(b *mBill) bool { return b.acct != acct }); b != nil {
			return b.id, 1000, nil, billing.ErrInvoiceNotFound
		}
	case n < 19:
		if b = pick(func(b *mBill) bool { return b.acct == acct && b.outstanding() == 0 }); b != nil {
			return b.id, 1000, nil, billing.ErrNotPayable
		}
	default:
		return "bill_" + r.tag + "unknown", 1000, nil, billing.ErrInvoiceNotFound
	}
	return "", 0, nil, nil
}

func (r *simRun) opPayBill() {
	acct := r.account()
	ref, amt, b, want := r.pickBill(acct)
	if ref == "" {
		return
	}
	method := payment.MethodCredit
	if r.pct(30) {
		method = payment.MethodGateway
	}
	r.note("pay %s bill %s %d by %s (want %v)", acct, ref, amt, method, want)
	req := billing.PayRequest{AccountID: acct, Amount: simVND(amt), Method: method, Gateway: "sim",
		Purpose: payment.Purpose{Kind: payment.PurposeInvoice, Ref: ref}}
	pl := payPlan{reject: want}
	if want == nil {
		pl = r.planPay(acct, amt, method)
	}
	key := r.key()
	r.countBillOrder(acct, b)
	lp, err := r.e.sys.Pay(r.ctx, key, req)
	if pl.reject != nil {
		r.expectErr(err, "pay a bill", pl.reject)
		r.m.touch(acct)
		return
	}
	r.noErr(err, "pay a bill")
	r.paid(acct, purposeInvoice, b.id, method, amt, pl, lp)
	r.setReplay(acct, func() error { _, err := r.e.sys.Pay(r.ctx, key, req); return err })
	r.setConflict(acct, func() error {
		other := req
		other.Amount = simVND(amt + 1)
		_, err := r.e.sys.Pay(r.ctx, key, other)
		return err
	})
}

// matchJobPayments learns the ids of the payments the jobs of the last
// tick made: each must be a payment of its account the model does not
// know yet, for the same invoice and amount.
func (r *simRun) matchJobPayments() {
	if len(r.m.pp.unmatched) == 0 {
		return
	}
	byAcct := map[string][]billing.Payment{}
	for _, p := range r.m.pp.unmatched {
		if _, ok := byAcct[p.acct]; ok {
			continue
		}
		list, err := items(r.e.sys.Payments(r.ctx, billing.ListRequest{AccountID: p.acct, Limit: 1000}))
		r.noErr(err, "list payments")
		var fresh []billing.Payment
		for _, lp := range list {
			if r.m.payments[lp.ID] == nil {
				fresh = append(fresh, lp)
			}
		}
		byAcct[p.acct] = fresh
	}
	for _, p := range r.m.pp.unmatched {
		fresh := byAcct[p.acct]
		found := -1
		for i, lp := range fresh {
			if lp.Purpose.Kind == payment.PurposeInvoice && lp.Purpose.Ref == p.ref && minorOf(lp.Amount) == p.amount && string(lp.Method) == p.method {
				found = i
				break
			}
		}
		if found < 0 {
			r.failf("the worker should have paid %d of %s for %s; the new payments are %+v", p.amount, p.ref, p.acct, fresh)
		}
		p.id = fresh[found].ID
		byAcct[p.acct] = append(fresh[:found], fresh[found+1:]...)
		r.m.addPayment(p)
	}
	r.m.pp.unmatched = nil
}

// checkPostpaid compares the dirty bills and postpaid resources, read
// straight from the store.
func (r *simRun) checkPostpaid(ctx context.Context, tx storage.Tx) error {
	for id := range r.m.pp.dirtyBill {
		b := r.m.pp.bills[id]
		inv, err := tx.Invoices().Get(ctx, b.acct, id)
		if err != nil {
			return fmt.Errorf("bill %s of %s (model %d, paid %d): %w", id, b.acct, b.total, b.paid, err)
		}
		r.checks++
		r.checkDocTax(inv.Invoice)
		if minorOf(inv.Total) != b.total || minorOf(inv.AmountDue()) != b.outstanding() || string(inv.Status) != b.status() ||
			!inv.DueAt.Equal(b.due) {
			r.failf("bill %s: total %d, outstanding %d, %s, due %s; model %d, %d, %s, due %s", id, minorOf(inv.Total),
				minorOf(inv.AmountDue()), inv.Status, inv.DueAt, b.total, b.outstanding(), b.status(), b.due)
		}
		if got := minorOf(inv.AmountCredited); got != b.credited {
			r.failf("bill %s: credited %d, model %d", id, got, b.credited)
		}
	}
	for id := range r.m.pp.dirtyPost {
		x := r.m.pp.res[id]
		sr, err := tx.Resources().Get(ctx, x.acct, id)
		if err != nil {
			return err
		}
		r.checks++
		if string(sr.Status) != x.state || configIndex(sr.Configuration) != x.cfg || !sr.ClosedThrough.Equal(x.closed) {
			r.failf("postpaid resource %s: %s as %+v, billed through %s; model %s as %s through %s", id, sr.Status,
				sr.Configuration, sr.ClosedThrough, x.state, simConfigs[x.cfg].name, x.closed)
		}
	}
	clear(r.m.pp.dirtyBill)
	clear(r.m.pp.dirtyPost)
	return nil
}

// checkOpenBills compares every account's open invoices with the model's
// open bills: none more (a bill issued twice), none fewer.
func (r *simRun) checkOpenBills(ctx context.Context, tx storage.Tx) error {
	for _, acct := range r.m.acctIDs {
		open, err := tx.Invoices().Open(ctx, acct, 1000)
		if err != nil {
			return err
		}
		want := r.m.openBills(acct)
		r.checks++
		if len(open) != len(want) {
			ids := make([]string, len(open))
			for i, inv := range open {
				ids[i] = inv.ID + " " + inv.AmountDue().String()
			}
			r.failf("%s has %d open invoices %v, the model %d", acct, len(open), ids, len(want))
		}
		for _, inv := range open {
			b := r.m.pp.bills[inv.ID]
			if b == nil || b.outstanding() != minorOf(inv.AmountDue()) {
				r.failf("%s: open invoice %s with %s outstanding is not open in the model", acct, inv.ID, inv.AmountDue())
			}
		}
	}
	return nil
}

func describePromos(ps []*mPromo) string {
	s := ""
	for _, p := range ps {
		s += fmt.Sprintf("{%s %d until %s} ", p.id, p.amount, p.expires)
	}
	return s
}

// opSetDiscount sets the postpaid account's contract discount to 0, 10 or
// 25 %: every month closed from now on bills its intervals and usage at it
// (the model's closeMonth).
func (r *simRun) opSetDiscount() {
	acct := r.postpaidAccount()
	pct := []int64{0, 10, 25}[r.intn(3)]
	r.note("set discount %s %d%%", acct, pct)
	a, err := r.e.sys.SetDiscountRate(r.ctx, r.key(), billing.SetDiscountRateRequest{AccountID: acct, Rate: decimal.New(pct, -2), Actor: "sim"})
	r.noErr(err, "set discount")
	if err == nil && !a.DiscountRate.Equal(decimal.New(pct, -2)) {
		r.failf("set discount: the account has %s, want %d%%", a.DiscountRate, pct)
	}
	r.m.accounts[acct].discount = pct
}
