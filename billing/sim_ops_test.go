package billing_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
	"github.com/cloudbill/cloudbill/storage/storagetest/faultstore"
)

// chooser is where a sequence's decisions come from: a seeded PCG for the
// big runs, the fuzzer's bytes for FuzzOperations.
type chooser interface{ IntN(n int) int }

// simOp is one kind of operation and how often it is drawn.
type simOp struct {
	name   string
	weight int
	run    func(r *simRun)
}

// simOps is the operation mix. Every operation goes through the public
// billing.System API and tells the model what must happen.
func simOps() []simOp {
	ops := []simOp{
		{"top-up", 10, (*simRun).opTopUp},
		{"gateway answers", 10, (*simRun).opGatewayAnswers},
		{"deliver callback", 14, (*simRun).opDeliver},
		{"grant", 4, (*simRun).opGrant},
		{"tick", 5, (*simRun).opTick},
		{"clock to an instant", 4, (*simRun).opInstant},
		{"checkout", 7, (*simRun).opCheckout},
		{"pay order", 7, (*simRun).opPay},
		{"create payment link", 3, (*simRun).opCreateLink},
		{"pay link", 3, (*simRun).opPayLink},
		{"payment link for a bill", 2, (*simRun).opBillLink},
		{"link paid across its expiry", 1, (*simRun).opLinkAcrossExpiry},
		{"pay an overdue bill in full", 1, (*simRun).opPayOverdueBill},
		{"provisioning outcome", 6, (*simRun).opProvision},
		{"renew", 4, (*simRun).opRenew},
		{"resize", 4, (*simRun).opResize},
		{"delete", 3, (*simRun).opDelete},
		{"recover", 2, (*simRun).opRecover},
		{"refund to credit", 7, (*simRun).opRefund},
		{"refund to the original method", 4, (*simRun).opRefundToMethod},
		{"gateway settles a pending refund", 1, (*simRun).opGatewaySettlesRefund},
		{"reconcile a payment on demand", 2, (*simRun).opReconcile},
		{"replay a request", 3, (*simRun).opReplay},
	}
	ops = append(ops, simExtraOps()...)
	ops = append(ops, simRenewalOps()...)
	return append(ops, simPostpaidOps()...)
}

// simCallback is a gateway callback waiting to be delivered.
type simCallback struct {
	cb      gatewaysim.Callback
	payment string
	kind    gateway.EventType
}

// simFailure is what a failed comparison panics with inside a sequence;
// the runner turns it into a test failure with the seed and the tail.
type simFailure struct{ msg string }

// simRun is one sequence: a System on a store, its model and its
// decisions.
type simRun struct {
	// einvoicing is whether the System issues e-invoices (checkEInvoices).
	einvoicing simEInvoicing
	// refundsAtOnce: the simulated gateway answers the refunds it accepts
	// as succeeded at once (simRefundsAtOnce).
	refundsAtOnce bool

	ctx   context.Context
	e     env
	m     *simModel
	ch    chooser
	tag   string
	opts  simOptions
	ops   []simOp
	total int // sum of weights

	callbacks []simCallback
	step      int
	checks    int
	tail      []string
	keyN      int
	// replay re-sends the last request that succeeded, with its key.
	replay func() error
	// replayAcct is the account the replayed request acts for.
	replayAcct string
	// eventSeq is each account's cursor into its outbox events.
	eventSeq map[string]int64
	// ticked asks for a comparison of every payment after this step.
	ticked bool
	// acted is set by note: the drawn operation found something to do.
	acted bool
	// trace prints every step as it runs (CLOUDBILL_SIM_TRACE).
	trace bool
	// publicSweep makes the final comparison read through the public API
	// rather than the store.
	publicSweep bool
	// audit makes checkDirty recompute every ledger from its postings.
	audit bool
	// x is the state of sim_coupons_test.go's operations.
	x *simExtra
	// faults is the fault store the System works on in a faulty
	// sequence (sim_faults_run_test.go); nil in the others.
	faults *faultstore.Store
}

// simOptions tune a sequence.
type simOptions struct {
	// cfg adjusts the System's config (a policy).
	cfg func(*billing.Config)
	// world is the sequence's world; nil draws it from the seed.
	world *simWorld
}

func (r *simRun) failf(format string, args ...any) {
	panic(simFailure{msg: fmt.Sprintf(format, args...)})
}

// note records what the step does, for the tail printed on failure.
func (r *simRun) note(format string, args ...any) {
	r.acted = true
	s := fmt.Sprintf(format, args...)
	if len(r.tail) == 24 {
		copy(r.tail, r.tail[1:])
		r.tail = r.tail[:23]
	}
	r.tail = append(r.tail, fmt.Sprintf("%d: %s", r.step, s))
	if r.trace {
		fmt.Printf("%s %d: %s\n", r.tag, r.step, s)
	}
}

func (r *simRun) key() string { r.keyN++; return fmt.Sprintf("%s-k%d", r.tag, r.keyN) }

func (r *simRun) intn(n int) int {
	if n <= 1 {
		return 0
	}
	return r.ch.IntN(n)
}

// pct is true with probability n%.
func (r *simRun) pct(n int) bool { return r.intn(100) < n }

func (r *simRun) account() string { return r.m.acctIDs[r.intn(len(r.m.acctIDs))] }

func (r *simRun) other(acct string) string {
	for _, a := range r.m.acctIDs {
		if a != acct {
			return a
		}
	}
	return acct
}

// amount is 1,000 to n × 1,000 VND, with odd amounts now and then.
func (r *simRun) amount(n int) int64 {
	a := int64(1+r.intn(n)) * 1000
	if r.pct(20) {
		a += int64(r.intn(1000))
	}
	return a
}

func simVND(n int64) money.Amount {
	a, err := money.FromMinor(n, "VND")
	if err != nil {
		panic(err)
	}
	return a
}

func minorOf(a money.Amount) int64 {
	if a.Currency().IsZero() {
		return 0
	}
	n, err := a.MinorUnits()
	if err != nil {
		panic(err)
	}
	return n
}

// expectErr fails unless err matches one of targets (any error when none
// are given).
func (r *simRun) expectErr(err error, what string, targets ...error) {
	if err == nil {
		r.failf("%s: want an error, got none", what)
	}
	if len(targets) == 0 {
		return
	}
	for _, t := range targets {
		if errors.Is(err, t) {
			return
		}
	}
	r.failf("%s: want one of %v, got %v", what, targets, err)
}

func (r *simRun) noErr(err error, what string) {
	if err != nil {
		r.failf("%s: unexpected error: %v", what, err)
	}
}

// drain keeps the callbacks the gateway queued for linked-account charges
// (the library applied the charge's answer already; delivering them must
// change nothing).
func (r *simRun) drain() {
	for _, cb := range r.e.sim.Drain() {
		r.callbacks = append(r.callbacks, simCallback{cb: cb, payment: cb.Event.PaymentID, kind: cb.Event.Type})
	}
}

// --- pickers ---

func pickFrom[T any](r *simRun, list []T) (T, bool) {
	var zero T
	if len(list) == 0 {
		return zero, false
	}
	return list[r.intn(len(list))], true
}

func (r *simRun) pickResource(filter func(*mResource) bool) *mResource {
	var list []*mResource
	for _, id := range r.m.resIDs {
		if res := r.m.resources[id]; filter == nil || filter(res) {
			list = append(list, res)
		}
	}
	res, _ := pickFrom(r, list)
	return res
}

func (r *simRun) pickOrder(filter func(*mOrder) bool) *mOrder {
	var list []*mOrder
	for _, id := range r.m.orderIDs {
		if o := r.m.orders[id]; filter(o) {
			list = append(list, o)
		}
	}
	o, _ := pickFrom(r, list)
	return o
}

func (r *simRun) pickPayment(filter func(*mPayment) bool) *mPayment {
	var list []*mPayment
	for _, id := range r.m.payIDs {
		if p := r.m.payments[id]; filter(p) {
			list = append(list, p)
		}
	}
	p, _ := pickFrom(r, list)
	return p
}

func (r *simRun) term() mTerm {
	switch n := r.intn(20); {
	case n < 14:
		return mTerm{days: 1 + r.intn(20)}
	case n < 19:
		return mTerm{months: 1}
	default:
		return mTerm{months: 6}
	}
}

func (t mTerm) period() period.Term { return period.Term{Months: t.months, Days: t.days} }

func simConfiguration(i int) pricing.Configuration {
	if i >= simVServerConfigs {
		return simStorageConfiguration(i)
	}
	switch i {
	case 0:
		return pricing.Configuration{Plan: "basic-1"}
	case 1:
		return small
	}
	return large
}

// configIndex maps a library configuration back to simConfigs.
func configIndex(c pricing.Configuration) int {
	if i, ok := simStorageIndex(c); ok {
		return i
	}
	switch {
	case c.Plan == "basic-1":
		return 0
	case c.Components["windows_licence"] == 1:
		return 2
	}
	return 1
}

func (r *simRun) method() payment.Method {
	switch n := r.intn(20); {
	case n < 7:
		return payment.MethodCredit
	case n < 11:
		return payment.MethodTopUpAndPay
	case n < 17:
		return payment.MethodGateway
	default:
		return payment.MethodLinkedAccount
	}
}

// --- paying an obligation ---

// payPlan is what paying amount by method does, decided before the call.
type payPlan struct {
	reject   error // the expected rejection, or nil
	fromCred int64
	fromGw   int64
	now      bool // settled without a gateway
	decline  bool // a linked-account charge the gateway declines
}

func (r *simRun) planPay(acct string, amount int64, method payment.Method) payPlan {
	avail := r.m.available(acct)
	switch method {
	case payment.MethodCredit:
		if avail < amount {
			return payPlan{reject: payment.ErrInsufficientCredit}
		}
		return payPlan{fromCred: amount, now: true}
	case payment.MethodTopUpAndPay:
		if avail >= amount {
			return payPlan{fromCred: amount, now: true}
		}
		return payPlan{fromCred: avail, fromGw: amount - avail}
	case payment.MethodLinkedAccount:
		if r.m.accounts[acct].linked == "" {
			return payPlan{reject: billing.ErrLinkedAccountNotFound}
		}
		return payPlan{fromGw: amount, decline: r.pct(15)}
	}
	return payPlan{fromGw: amount}
}

// withDecline runs call with the gateway declining linked-account charges
// when the plan says so.
func (r *simRun) withDecline(pl payPlan, call func()) {
	if pl.decline {
		r.e.sim.SetDefaultOutcome(gatewaysim.Decline("card declined"))
		defer r.e.sim.SetDefaultOutcome(gatewaysim.Succeed())
	}
	call()
	r.drain()
}

// paid records in the model the payment the library returned for plan
// pl, then what its outcome did, and compares the returned payment.
func (r *simRun) paid(acct, purpose, ref string, method payment.Method, amount int64, pl payPlan, lp billing.Payment) *mPayment {
	if lp.ID == "" {
		r.failf("no payment returned for %s %s", purpose, ref)
	}
	p := &mPayment{id: lp.ID, acct: acct, purpose: purpose, ref: ref, method: string(method), amount: amount,
		fromCred: pl.fromCred, fromGw: pl.fromGw, status: payPending, createdAt: r.m.now}
	r.m.addPayment(p)
	switch {
	case pl.now:
		r.m.take(acct, pl.fromCred)
		r.m.succeed(p)
	case method == payment.MethodLinkedAccount && pl.decline:
		p.expiresAt = r.m.now.Add(paymentTimeout)
		r.m.fail(p, payFailed)
	case method == payment.MethodLinkedAccount:
		p.expiresAt = r.m.now.Add(paymentTimeout)
		r.m.succeed(p)
	default:
		p.expiresAt = r.m.now.Add(paymentTimeout)
		p.gwOpen = true
		if pl.fromCred > 0 {
			p.hold = r.m.take(acct, pl.fromCred)
		}
	}
	r.comparePayment(p, string(lp.Status), minorOf(lp.Amount), minorOf(lp.Refunded), minorOf(lp.FromCredit), minorOf(lp.FromGateway))
	return p
}

// --- operations ---

func (r *simRun) opTopUp() {
	acct := r.account()
	amt := r.amount(500)
	linked := r.m.accounts[acct].linked != "" && r.pct(25)
	req := billing.TopUpRequest{AccountID: acct, Amount: simVND(amt), Gateway: "sim"}
	method := payment.MethodGateway
	pl := payPlan{fromGw: amt}
	if linked {
		req.LinkedAccountID, method = r.m.accounts[acct].linked, payment.MethodLinkedAccount
		pl.decline = r.pct(15)
	}
	r.note("top-up %s %d linked=%v decline=%v", acct, amt, linked, pl.decline)
	key := r.key()
	var lp billing.Payment
	var err error
	r.withDecline(pl, func() { lp, err = r.e.sys.TopUp(r.ctx, key, req) })
	r.noErr(err, "top-up")
	r.paid(acct, purposeTopUp, "wallet", method, amt, pl, lp)
	r.setReplay(acct, func() error { _, err := r.e.sys.TopUp(r.ctx, key, req); r.drain(); return err })
	r.setConflict(acct, func() error {
		other := req
		other.Amount = simVND(amt + 1)
		_, err := r.e.sys.TopUp(r.ctx, key, other)
		return err
	})
}

func (r *simRun) opGatewayAnswers() {
	p := r.pickPayment(func(p *mPayment) bool { return p.gwOpen })
	if p == nil {
		return
	}
	var cb gatewaysim.Callback
	var err error
	switch n := r.intn(20); {
	case n < 3:
		r.note("gateway expires %s", p.id)
		cb, err = r.e.sim.Expire(p.id)
	case n < 7:
		r.note("gateway declines %s", p.id)
		r.e.sim.SetOutcome(p.id, gatewaysim.Decline("declined"))
		cb, err = r.e.sim.Complete(p.id)
	case n == 19:
		r.gatewayMisreports(p) // sim_gateway_test.go
		cb, err = r.e.sim.Complete(p.id)
	default:
		r.note("gateway completes %s", p.id)
		cb, err = r.e.sim.Complete(p.id)
	}
	r.noErr(err, "gateway answer")
	p.gwOpen, p.gwSays = false, cb.Event.Type
	r.callbacks = append(r.callbacks, simCallback{cb: cb, payment: p.id, kind: cb.Event.Type})
}

func (r *simRun) opDeliver() {
	if len(r.callbacks) == 0 {
		return
	}
	r.deliverOne(r.intn(len(r.callbacks)))
}

// deliverOne delivers the i-th waiting callback.
func (r *simRun) deliverOne(i int) {
	c := r.callbacks[i]
	if r.pct(8) {
		r.note("deliver %s %s signed 10 minutes ago", c.kind, c.payment)
		stale := r.e.sim.SignedAt(c.cb, r.m.now.Add(-10*time.Minute))
		_, err := r.deliver(stale)
		r.expectErr(err, "stale callback", billing.ErrCallbackRejected)
		return
	}
	r.note("deliver %s %s (event %s)", c.kind, c.payment, c.cb.Event.ID)
	res, err := r.deliver(r.e.sim.SignedAt(c.cb, r.m.now))
	r.noErr(err, "callback")
	seen := r.m.seenEvent[c.cb.Event.ID]
	refund := c.kind == gateway.EventRefundSucceeded || c.kind == gateway.EventRefundFailed
	if refund {
		r.deliverRefund(c, res) // sim_gateway_test.go
	} else if res.Duplicate != seen {
		r.failf("callback %s: duplicate = %v, want %v", c.cb.Event.ID, res.Duplicate, seen)
	}
	if !seen && !refund {
		r.m.seenEvent[c.cb.Event.ID] = true
		p := r.m.payments[c.payment]
		open := p.status == payCreated || p.status == payPending
		r.noteCallbackAt(p, open)
		late := false
		switch {
		case c.kind == gateway.EventPaymentSucceeded && p.mismatch:
			r.m.mismatch(p, res) // sim_gateway_test.go
		case c.kind == gateway.EventPaymentSucceeded && open:
			r.m.succeed(p)
		case c.kind == gateway.EventPaymentSucceeded && (p.status == payFailed || p.status == payExpired) && !p.lateCredited:
			late = true
			r.m.lateSuccess(p)
		case c.kind == gateway.EventPaymentFailed && open:
			r.m.fail(p, payFailed)
		case c.kind == gateway.EventPaymentExpired && open:
			r.m.fail(p, payExpired)
		}
		if res.LateCredit != late {
			r.failf("callback %s for %s payment %s: late credit = %v, want %v", c.kind, p.status, p.id, res.LateCredit, late)
		}
	}
	if r.pct(30) {
		res, err := r.deliver(r.e.sim.Duplicate(c.cb))
		r.noErr(err, "duplicated callback")
		if !res.Duplicate {
			r.failf("a duplicated callback %s was applied again", c.cb.Event.ID)
		}
	}
	if r.pct(60) {
		r.callbacks = append(r.callbacks[:i], r.callbacks[i+1:]...)
	}
}

func (r *simRun) opGrant() {
	acct := r.account()
	amt := r.amount(300)
	valid := time.Duration(1+r.intn(20*24)) * time.Hour
	r.grant(acct, amt, valid)
}

// grant gives acct amt of promotional credit valid for valid.
func (r *simRun) grant(acct string, amt int64, valid time.Duration) {
	r.note("grant %s %d for %s", acct, amt, valid)
	key := r.key()
	req := billing.GrantRequest{AccountID: acct, Amount: simVND(amt), ValidFor: valid, Actor: "sim"}
	g, err := r.e.sys.GrantPromotionalCredit(r.ctx, key, req)
	r.noErr(err, "grant")
	if !g.ExpiresAt.Equal(r.m.now.Add(valid)) || minorOf(g.Amount) != amt {
		r.failf("grant %+v, want %d until %s", g, amt, r.m.now.Add(valid))
	}
	a := r.m.accounts[acct]
	a.promos = append(a.promos, &mPromo{id: g.GrantID, amount: amt, expires: g.ExpiresAt})
	r.m.touch(acct)
	r.setReplay(acct, func() error { _, err := r.e.sys.GrantPromotionalCredit(r.ctx, key, req); return err })
}

func (r *simRun) opTick() {
	var d time.Duration
	switch n := r.intn(10); {
	case n < 4:
		d = time.Duration(1+r.intn(59))*time.Minute + time.Duration(r.intn(60))*time.Second
	case n < 7:
		d = time.Duration(1+r.intn(23)) * time.Hour
	default:
		d = time.Duration(1+r.intn(10))*24*time.Hour + time.Duration(r.intn(1440))*time.Minute
	}
	r.tickAfter(d)
}

// tickAfter advances the clock by d and runs the worker until it has
// nothing more to do now.
func (r *simRun) tickAfter(d time.Duration) {
	r.note("clock +%s, tick", d)
	r.e.clk.Advance(d)
	r.m.now = r.e.clk.Now()
	// Each call of Tick is one pass of the worker: the model takes one
	// pass per call too (a job caught up late runs its next step in the
	// next pass, not at once).
	r.withRenewalDeclines(func() {
		for {
			rep, err := r.e.sys.Tick(r.ctx, 1000)
			r.noErr(err, "tick")
			if len(rep.Failures) > 0 {
				r.failf("tick: %d items failed, first %+v", len(rep.Failures), rep.Failures[0])
			}
			r.m.tick()
			if !rep.More {
				break
			}
		}
	})
	r.matchJobPayments()
	r.matchRenewals()
	r.drain() // callbacks of linked-account charges the jobs made
	r.ticked = true
}

// orderLines prices items for the model: one line per unit, coupons
// split by each line's share. ok is false when the coupon is rejected.
func (r *simRun) orderLines(acct string, action coupon.Action, cfgs []int, terms []mTerm, codes []string) (lines []mLine, rdms []*mRedemption, total int64, rej coupon.Reason) {
	for i := range cfgs {
		lines = append(lines, mLine{cfg: cfgs[i], term: terms[i], total: lineSubtotal(cfgs[i], terms[i]), base: termBase(simConfigs[cfgs[i]].price, terms[i])})
	}
	if rdms, rej = r.applyCoupons(acct, action, lines, codes); rej != "" {
		return nil, nil, 0, rej
	}
	for i := range lines {
		r.m.taxLine(&lines[i])
		total += lines[i].total
	}
	return lines, rdms, total, ""
}

func (r *simRun) opCheckout() {
	acct := r.account()
	if r.m.accounts[acct].postpaid {
		acct = r.other(acct)
	}
	var items []billing.OrderItem
	var cfgs []int
	var terms []mTerm
	var names []string
	badName := false
	for range 1 + r.intn(5)/4 {
		cfg, qty, term := r.drawConfig(), 1+r.intn(4)/3, r.term()
		name, bad := r.resourceName()
		badName = badName || bad
		items = append(items, billing.OrderItem{ProductID: simProduct(cfg), Configuration: simConfiguration(cfg),
			Quantity: int64(qty), Term: term.period(), Name: name})
		for k := range qty {
			cfgs, terms = append(cfgs, cfg), append(terms, term)
			if name != "" && qty > 1 {
				name = fmt.Sprintf("%s-%d", items[len(items)-1].Name, k+1)
			}
			names = append(names, name)
		}
	}
	codes := r.drawCodes()
	method := r.method()
	if badName {
		// A bad name is refused at the call: nothing is priced, reserved,
		// charged or created (the model checks after the step say so).
		_, err := r.e.sys.Checkout(r.ctx, r.key(), billing.CheckoutRequest{AccountID: acct, Items: items, Coupons: codes,
			Method: method, Gateway: "sim"})
		r.expectErr(err, "checkout with a bad resource name", billing.ErrInvalidRequest)
		r.m.hits["checkout refused for a bad resource name"]++
		return
	}
	lines, rdms, total, rej := r.orderLines(acct, coupon.ActionCreate, cfgs, terms, codes)
	ok := rej == ""
	r.note("checkout %s %d units %v by %s: total %d (coupon refused %q)", acct, len(cfgs), codes, method, total, rej)
	req := billing.CheckoutRequest{AccountID: acct, Items: items, Coupons: codes, Method: method, Gateway: "sim"}
	if method == payment.MethodLinkedAccount {
		req.LinkedAccountID = r.m.accounts[acct].linked
	}
	var pl payPlan
	if ok && total > 0 {
		pl = r.planPay(acct, total, method)
	}
	key := r.key()
	var res billing.CheckoutResult
	var err error
	r.withDecline(pl, func() { res, err = r.e.sys.Checkout(r.ctx, key, req) })
	switch {
	case !ok:
		r.expectRejection(err, "checkout with a coupon", rej)
		return
	case pl.reject != nil:
		r.expectErr(err, "checkout", pl.reject)
		return
	}
	r.noErr(err, "checkout")
	if minorOf(res.Order.Total) != total || len(res.Resources) != len(lines) {
		r.failf("checkout: order total %d with %d resources, want %d with %d", minorOf(res.Order.Total), len(res.Resources), total, len(lines))
	}
	o := &mOrder{id: res.Order.ID, acct: acct, kind: kindCreate, total: total, status: ordPending, redemptions: rdms}
	for i, lr := range res.Resources {
		if configIndex(lr.Configuration) != lines[i].cfg {
			r.failf("checkout: resource %d has configuration %+v, want %s", i, lr.Configuration, simConfigs[lines[i].cfg].name)
		}
		if lr.Name != names[i] {
			r.failf("checkout: resource %d is named %q, want %q", i, lr.Name, names[i])
		}
		if lr.Name != "" {
			r.m.hits["resources named at checkout"]++
		}
		lines[i].resource = lr.ID
		r.m.addResource(&mResource{id: lr.ID, acct: acct, order: o.id, cfg: lines[i].cfg, state: stPendingPayment,
			term: lines[i].term, line: lines[i].total, base: lines[i].base, shares: lines[i].shares})
	}
	o.lines = lines
	r.m.addOrder(o)
	if total == 0 {
		r.m.orderPaid(o, nil)
	} else {
		r.paid(acct, purposeOrder, o.id, method, total, pl, res.Payment)
	}
	r.setReplay(acct, func() error { _, err := r.e.sys.Checkout(r.ctx, key, req); r.drain(); return err })
	r.countCoupons("create", codes)
	r.setConflict(acct, func() error {
		other := req
		other.Items = append([]billing.OrderItem(nil), req.Items...)
		other.Items[0].Quantity++
		_, err := r.e.sys.Checkout(r.ctx, key, other)
		return err
	})
}

// resourceName draws an item's name: often none, mostly a short one, and
// one time in 40 one the call must refuse (101 bytes, or a control
// character), reported as bad.
func (r *simRun) resourceName() (string, bool) {
	switch n := r.intn(40); {
	case n < 15:
		return "", false
	case n < 39:
		return fmt.Sprintf("srv%d", r.intn(100)), false
	case r.pct(50):
		return strings.Repeat("n", billing.MaxResourceNameBytes+1), true
	default:
		return "web\n1", true
	}
}

// pickObligation draws the order a payment or a payment link names: most
// often one of the account's own pending orders for exactly its total,
// else a wrong amount, another account's order, a settled or failed one
// or an unknown id — which must be refused with the typed error returned
// here and nothing taken.
func (r *simRun) pickObligation(acct string) (ref string, amt int64, o *mOrder, want error) {
	switch n := r.intn(20); {
	case n < 13:
		if o = r.pickOrder(func(o *mOrder) bool { return o.acct == acct && o.status == ordPending }); o != nil {
			return o.id, o.total, o, nil
		}
	case n < 15:
		if o = r.pickOrder(func(o *mOrder) bool { return o.acct == acct && o.status == ordPending }); o != nil {
			amt = o.total + int64(1+r.intn(50_000))
			if r.pct(50) && o.total > 1 {
				amt = o.total - int64(1+r.intn(int(o.total-1)))
			}
			return o.id, amt, nil, billing.ErrAmountDue
		}
	case n < 17:
		if o = r.pickOrder(func(o *mOrder) bool { return o.acct != acct }); o != nil {
			return o.id, max(o.total, 1), nil, billing.ErrOrderNotFound
		}
	case n < 19:
		if o = r.pickOrder(func(o *mOrder) bool { return o.acct == acct && o.status != ordPending }); o != nil {
			return o.id, max(o.total, 1), nil, billing.ErrNotPayable
		}
	default:
		return "ord_" + r.tag + "unknown", 1000, nil, billing.ErrOrderNotFound
	}
	return "", 0, nil, nil
}

func (r *simRun) opPay() {
	acct := r.account()
	ref, amt, o, want := r.pickObligation(acct)
	if ref == "" {
		return
	}
	method := r.method()
	r.note("pay %s order %s %d by %s (want %v)", acct, ref, amt, method, want)
	req := billing.PayRequest{AccountID: acct, Amount: simVND(amt), Method: method, Gateway: "sim",
		Purpose: payment.Purpose{Kind: payment.PurposeOrder, Ref: ref}}
	if method == payment.MethodLinkedAccount {
		req.LinkedAccountID = r.m.accounts[acct].linked
	}
	pl := payPlan{reject: want}
	if want == nil {
		pl = r.planPay(acct, amt, method)
	}
	key := r.key()
	var lp billing.Payment
	var err error
	r.withDecline(pl, func() { lp, err = r.e.sys.Pay(r.ctx, key, req) })
	if pl.reject != nil {
		r.expectErr(err, "pay", pl.reject)
		r.m.touch(acct)
		return
	}
	r.noErr(err, "pay")
	if pl.now {
		// Settled in the payment's own transaction, with the order's
		// resources read together with the order (read ahead on
		// PostgreSQL).
		r.m.hits["pending order paid at once, its resources settled with it"]++
	}
	r.paid(acct, purposeOrder, o.id, method, amt, pl, lp)
	r.setReplay(acct, func() error { _, err := r.e.sys.Pay(r.ctx, key, req); r.drain(); return err })
	r.setConflict(acct, func() error {
		other := req
		other.Amount = simVND(amt + 1)
		_, err := r.e.sys.Pay(r.ctx, key, other)
		return err
	})
}

func (r *simRun) opCreateLink() {
	acct := r.account()
	ref, amt, o, want := r.pickObligation(acct)
	if ref == "" {
		return
	}
	r.note("payment link for %s order %s %d (want %v)", acct, ref, amt, want)
	key := r.key()
	req := billing.PaymentLinkRequest{AccountID: acct, Purpose: payment.Purpose{Kind: payment.PurposeOrder, Ref: ref}}
	if want != nil || r.pct(50) {
		req.Amount = simVND(amt) // else the link takes what is outstanding
	}
	l, err := r.e.sys.CreatePaymentLink(r.ctx, key, req)
	if want != nil {
		r.expectErr(err, "create payment link", want)
		return
	}
	r.noErr(err, "create payment link")
	if !l.ExpiresAt.Equal(r.m.now.Add(linkValidity)) || minorOf(l.Amount) != o.total {
		r.failf("payment link %+v, want %d until %s", l, o.total, r.m.now.Add(linkValidity))
	}
	r.m.links[l.Token] = &mLink{token: l.Token, acct: acct, order: o.id, amount: o.total, expires: l.ExpiresAt}
	r.m.linkIDs = append(r.m.linkIDs, l.Token)
}

func (r *simRun) opPayLink() {
	token, ok := r.pickLink()
	if !ok {
		return
	}
	r.payLink(token)
}

// payLink pays the link token through the gateway.
func (r *simRun) payLink(token string) {
	l := r.m.links[token]
	r.note("pay link of %s order %s", l.acct, l.order)
	key := r.key()
	req := billing.PayLinkRequest{Token: token, Gateway: "sim"}
	lp, err := r.e.sys.PayLink(r.ctx, key, req)
	r.noteLinkPay(l)
	switch {
	case l.paidBy != "":
		r.expectErr(err, "pay a paid link", payment.ErrLinkPaid)
		return
	case !r.m.now.Before(l.expires):
		r.expectErr(err, "pay an expired link", payment.ErrLinkExpired)
		return
	case l.bill != "" && r.billLinkRefusal(l) != nil:
		r.expectErr(err, "pay the link of a bill", r.billLinkRefusal(l))
		return
	case l.bill == "" && r.m.orders[l.order].status != ordPending:
		r.expectErr(err, "pay the link of a "+r.m.orders[l.order].status+" order", billing.ErrNotPayable)
		return
	}
	r.noErr(err, "pay link")
	p := r.paid(l.acct, purposeLink, token, payment.MethodGateway, l.amount, payPlan{fromGw: l.amount}, lp)
	p.billLink = l.bill != ""
}

func (r *simRun) opProvision() {
	res := r.pickResource(func(x *mResource) bool { return x.state == stProvisioning || r.pct(3) })
	if res == nil {
		return
	}
	fail := r.pct(25)
	r.note("provisioning of %s (%s) failed=%v", res.id, res.state, fail)
	req := billing.ProvisioningRequest{AccountID: res.acct, ResourceID: res.id, Reason: "sim"}
	key := r.key()
	var err error
	if fail {
		_, err = r.e.sys.ProvisioningFailed(r.ctx, key, req)
	} else {
		_, err = r.e.sys.ProvisioningSucceeded(r.ctx, key, req)
	}
	if res.state != stProvisioning {
		r.expectErr(err, "provisioning outcome of a "+res.state+" resource", lifecycle.ErrIllegalTransition)
		return
	}
	r.noErr(err, "provisioning outcome")
	if fail {
		r.m.provisionFailed(res)
	} else {
		r.m.provisioned(res)
	}
}

// payAction runs a paid action on existing resources (renew, resize up,
// recover) and records its order.
func (r *simRun) payAction(o *mOrder, method payment.Method, call func() (billing.Order, billing.Payment, error)) bool {
	pl := payPlan{}
	if o.total > 0 {
		pl = r.planPay(o.acct, o.total, method)
	}
	var lo billing.Order
	var lp billing.Payment
	var err error
	r.withDecline(pl, func() { lo, lp, err = call() })
	if pl.reject != nil {
		r.expectErr(err, o.kind, pl.reject)
		return false
	}
	r.noErr(err, o.kind)
	if minorOf(lo.Total) != o.total {
		r.failf("%s order total %d, want %d", o.kind, minorOf(lo.Total), o.total)
	}
	o.id = lo.ID
	r.m.addOrder(o)
	if o.total == 0 {
		r.m.orderPaid(o, nil)
		return true
	}
	r.paid(o.acct, purposeOrder, o.id, method, o.total, pl, lp)
	return true
}

func (r *simRun) opRenew() {
	res := r.pickResource(nil)
	if res == nil {
		return
	}
	term := r.term()
	codes := r.drawCodes()
	method := r.method()
	r.note("renew %s (%s, ends %s) by %v %s", res.id, res.state, res.end.Format(time.RFC3339), term, method)
	req := billing.RenewRequest{AccountID: res.acct, ResourceIDs: []string{res.id}, Term: term.period(),
		PaySpec: billing.PaySpec{Method: method, Gateway: "sim", Coupons: codes}}
	if method == payment.MethodLinkedAccount {
		req.LinkedAccountID = r.m.accounts[res.acct].linked
	}
	key := r.key()
	call := func() (billing.Order, billing.Payment, error) {
		a, err := r.e.sys.Renew(r.ctx, key, req)
		return a.Order, a.Payment, err
	}
	if res.state != stActive && res.state != stGrace && res.state != stSuspended {
		_, _, err := call()
		r.expectErr(err, "renew a "+res.state+" resource", lifecycle.ErrIllegalTransition)
		return
	}
	end, anchor := r.m.renewal(res.acct, res.anchor, res.end, term)
	if !end.After(r.m.now) {
		_, _, err := call()
		r.expectErr(err, "renew into the past", lifecycle.ErrRenewalInPast)
		return
	}
	lines, rdms, total, rej := r.orderLines(res.acct, coupon.ActionRenew, []int{res.cfg}, []mTerm{term}, codes)
	if rej != "" {
		_, _, err := call()
		r.expectRejection(err, "renew with a coupon", rej)
		return
	}
	lines[0].resource, lines[0].start, lines[0].end, lines[0].anchor = res.id, res.end, end, anchor
	o := &mOrder{acct: res.acct, kind: kindRenew, total: total, status: ordPending, lines: lines, redemptions: rdms}
	if r.payAction(o, method, call) {
		r.setReplay(res.acct, func() error { _, _, err := call(); r.drain(); return err })
		r.countCoupons("renew", codes)
		r.setConflict(res.acct, func() error {
			other := req
			other.Term = otherTerm(term).period()
			_, err := r.e.sys.Renew(r.ctx, key, other)
			return err
		})
	}
}

func (r *simRun) opResize() {
	res := r.pickResource(func(x *mResource) bool { return x.state == stActive || r.pct(5) })
	if res == nil {
		return
	}
	cfg := r.resizeConfig(res.cfg)
	method := r.method()
	r.note("resize %s (%s) %s → %s by %s", res.id, res.state, simConfigs[res.cfg].name, simConfigs[cfg].name, method)
	req := billing.ResizeRequest{AccountID: res.acct, ResourceID: res.id, Configuration: simConfiguration(cfg),
		PaySpec: billing.PaySpec{Method: method, Gateway: "sim"}}
	if method == payment.MethodLinkedAccount {
		req.LinkedAccountID = r.m.accounts[res.acct].linked
	}
	key := r.key()
	var out billing.ResizeResult
	var err error
	call := func() (billing.Order, billing.Payment, error) {
		out, err = r.e.sys.Resize(r.ctx, key, req)
		var o billing.Order
		if out.Payment.ID != "" {
			o, _ = r.e.sys.Order(r.ctx, res.acct, out.Payment.Purpose.Ref)
		}
		return o, out.Payment, err
	}
	mins := minutesBetween(r.m.now, res.end)
	switch {
	case res.state != stActive:
		call()
		r.expectErr(err, "resize a "+res.state+" resource", lifecycle.ErrIllegalTransition)
		return
	case cfg == res.cfg:
		call()
		r.expectErr(err, "resize to the same configuration", billing.ErrSameConfiguration)
		return
	case !r.m.now.Before(res.end):
		call()
		r.expectErr(err, "resize after the term", lifecycle.ErrTermEnded)
		return
	case mins < 1:
		call()
		r.expectErr(err, "resize with under a minute left")
		return
	}
	pNew, pOld := prorate(simConfigs[cfg].price, mins), prorate(simConfigs[res.cfg].price, mins)
	c := r.m.withTax(pNew) - r.m.withTax(pOld)
	if c <= 0 && r.pct(10) {
		req.Coupons = []string{r.m.coupons[0].code}
		r.note("with coupon %v", req.Coupons)
		call()
		r.expectErr(err, "a downgrade with a coupon", billing.ErrInvalidRequest)
		r.m.hits["downgrade with coupon refused"]++
		return
	}
	if c <= 0 {
		segs := fmt.Sprintf("%+v unused %d, list %d → %d over %d minutes", res.segs, res.unused(r.m.now),
			prorate(simConfigs[res.cfg].price, mins), prorate(simConfigs[cfg].price, mins), mins)
		call()
		r.noErr(err, "downgrade")
		refund := r.m.downgrade(res, cfg)
		if minorOf(out.Refunded) != refund {
			r.failf("downgrade of %s refunded %d, want %d (value %s)", res.id, minorOf(out.Refunded), refund, segs)
		}
		return
	}
	codes, charge, rdms, rej := r.resizeCoupons(res, pNew, pOld)
	req.Coupons = codes
	r.note("upgrade %d with coupons %v: charge %d (refused %q)", c, codes, charge, rej)
	if rej != "" {
		call()
		r.expectRejection(err, "resize with a coupon", rej)
		return
	}
	o := &mOrder{acct: res.acct, kind: kindResize, total: charge, status: ordPending, redemptions: rdms,
		lines: []mLine{{resource: res.id, cfg: cfg, total: charge, base: c}}}
	old := res.cfg
	if r.payAction(o, method, call) {
		r.countCoupons("resize", codes)
		r.setConflict(res.acct, func() error {
			other := req
			other.Configuration = simConfiguration(old)
			_, err := r.e.sys.Resize(r.ctx, key, other)
			return err
		})
	}
}

func (r *simRun) opDelete() {
	res := r.pickResource(func(x *mResource) bool {
		return x.state == stActive || x.state == stGrace || x.state == stSuspended || r.pct(10)
	})
	if res == nil {
		return
	}
	acct := res.acct
	if r.pct(5) {
		acct = r.other(res.acct)
	}
	r.note("delete %s (%s) as %s", res.id, res.state, acct)
	key := r.key()
	req := billing.DeleteRequest{AccountID: acct, ResourceID: res.id}
	out, err := r.e.sys.Delete(r.ctx, key, req)
	switch {
	case acct != res.acct:
		r.expectErr(err, "delete another account's resource", billing.ErrResourceNotFound)
		return
	case res.state != stActive && res.state != stGrace && res.state != stSuspended:
		r.expectErr(err, "delete a "+res.state+" resource", lifecycle.ErrIllegalTransition)
		return
	}
	r.noErr(err, "delete")
	refund := r.m.remove(res)
	if minorOf(out.Refunded) != refund {
		r.failf("delete of %s refunded %d, want %d", res.id, minorOf(out.Refunded), refund)
	}
	r.setReplay(acct, func() error { _, err := r.e.sys.Delete(r.ctx, key, req); return err })
	r.setConflict(acct, func() error {
		other := req
		other.Reason = "another"
		_, err := r.e.sys.Delete(r.ctx, key, other)
		return err
	})
}

func (r *simRun) opRecover() {
	res := r.pickResource(func(x *mResource) bool { return x.state == stReleased || r.pct(5) })
	if res == nil {
		return
	}
	term := r.term()
	method := r.method()
	codes := r.drawCodes()
	r.note("recover %s (%s) for %v by %s with %v", res.id, res.state, term, method, codes)
	req := billing.RecoverRequest{AccountID: res.acct, ResourceID: res.id, Term: term.period(),
		PaySpec: billing.PaySpec{Method: method, Gateway: "sim", Coupons: codes}}
	if method == payment.MethodLinkedAccount {
		req.LinkedAccountID = r.m.accounts[res.acct].linked
	}
	key := r.key()
	call := func() (billing.Order, billing.Payment, error) {
		a, err := r.e.sys.Recover(r.ctx, key, req)
		return a.Order, a.Payment, err
	}
	if res.state != stReleased {
		_, _, err := call()
		r.expectErr(err, "recover a "+res.state+" resource", lifecycle.ErrIllegalTransition)
		return
	}
	lines, rdms, total, rej := r.orderLines(res.acct, coupon.ActionCreate, []int{res.cfg}, []mTerm{term}, codes)
	if rej != "" {
		_, _, err := call()
		r.expectRejection(err, "recover with a coupon", rej)
		return
	}
	lines[0].resource = res.id
	o := &mOrder{acct: res.acct, kind: kindRecover, total: total, status: ordPending, lines: lines, redemptions: rdms}
	if r.payAction(o, method, call) {
		r.countCoupons("recover", codes)
	}
}

func (r *simRun) opRefund() {
	acct := r.account()
	p := r.pickPayment(func(p *mPayment) bool { return p.acct == acct })
	if p == nil {
		return
	}
	as := acct
	if r.pct(5) {
		as = r.other(acct)
	}
	cap := r.m.refundCap(p)
	var x int64
	switch n := r.intn(10); {
	case n < 4:
		x = max(cap, 1)
	case n < 7:
		x = 1 + int64(r.intn(int(max(cap, 1))))
	default:
		x = cap + 1 + int64(r.intn(50_000))
	}
	var held []string
	for _, res := range r.m.orderResources(p) {
		held = append(held, fmt.Sprintf("%s %s unused %d", res.id, res.state, res.unused(r.m.now)))
	}
	r.note("refund %d of %s payment %s (%s, cap %d; %v) as %s", x, p.purpose, p.id, p.status, cap, held, as)
	key := r.key()
	req := billing.RefundRequest{AccountID: as, PaymentID: p.id, Amount: simVND(x), Reason: "sim"}
	_, err := r.e.sys.RefundToCredit(r.ctx, key, req)
	switch {
	case as != acct:
		r.expectErr(err, "refund another account's payment", billing.ErrPaymentNotFound)
		return
	case !p.refundable():
		// Not refundable at all, or nothing left to refund: either says no.
		r.expectErr(err, "refund a "+p.status+" "+p.purpose+" payment", billing.ErrNotRefundable, payment.ErrOverRefund)
		return
	case x > cap:
		r.expectErr(err, fmt.Sprintf("refund %d above the cap %d", x, cap), payment.ErrOverRefund)
		return
	}
	r.noErr(err, "refund")
	r.m.refund(p, x)
	r.setReplay(acct, func() error { _, err := r.e.sys.RefundToCredit(r.ctx, key, req); return err })
}

// setReplay remembers a request that succeeded, to send again later.
func (r *simRun) setReplay(acct string, f func() error) { r.replay, r.replayAcct = f, acct }

func (r *simRun) opReplay() {
	if r.replay == nil {
		return
	}
	r.note("replay the last request with its key")
	r.noErr(r.replay(), "replayed request")
	r.m.touch(r.replayAcct)
}

// linkAccount links a gateway account for acct (its default).
func (r *simRun) linkAccount(acct string) {
	start, err := r.e.sys.StartLinking(r.ctx, r.key(), billing.LinkAccountRequest{AccountID: acct, Gateway: "sim"})
	r.noErr(err, "start linking")
	cb, err := r.e.sim.CompleteLink(start.LinkID, "Card •••• "+strings.ToUpper(acct[len(acct)-1:]))
	r.noErr(err, "complete link")
	_, err = r.deliver(cb)
	r.noErr(err, "link callback")
	r.m.accounts[acct].linked = start.LinkID
}

// deliver hands a callback to the System.
func (r *simRun) deliver(cb gatewaysim.Callback) (billing.CallbackResult, error) {
	return r.e.sys.HandleCallback(r.ctx, "sim", cb.Header, cb.Body)
}
