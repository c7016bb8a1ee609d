package billing_test

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
)

// Refunds to the original method in the model.
//
// A refund of x of a succeeded gateway payment p is allowed when p's
// refunds to its method, pending ones included, stay within what the
// gateway collected (fromGw), and all its refunds within what it paid; an
// order's (or an order link's) within its resources' unused paid value
// less what provisioning resources may need back (refundCap); a top-up's
// within the account's cash. Asking reserves it (refund.requested): a
// top-up's x moves from cash to held at once. It then settles:
//
//   - succeeded: p.refunded grows by x (partially_refunded, refunded);
//     a top-up's held x leaves the wallet; an order's resources give up x
//     of their unused value with credit notes, oldest line first, as far
//     as they still have it (refund.succeeded);
//   - failed: nothing but the release of a top-up's held x back to cash
//     (refund.failed).
//
// Until it settles, a pending refund counts against every cap: the
// refunds to credit of the payment included.
//
// When it settles: at once when the gateway answers final (a decline; a
// success in the worlds whose gateway answers at once); else at the
// delivery of its callback, or at the first worker run at least
// RetryDelay (one minute) after it was asked, when the worker's query
// finds the gateway's final state — a refund the gateway never received
// (a timeout) is sent again then, and succeeds. A refund the gateway
// holds as pending stays pending (the worker asks again after its
// backoff, which is no failure) until the gateway settles it.

// simRefundRetryDelay is Config.RetryDelay in the simulation (the default).
const simRefundRetryDelay = time.Minute

// mRefund is a refund to a payment's original method as the model knows
// it.
type mRefund struct {
	id, acct, payment string
	amount            int64
	createdAt         time.Time
	status            payment.RefundStatus
	// gw is where the simulated gateway has it: succeeded, failed,
	// pending, or not found (zero: a timeout, never received).
	gw gateway.RefundState
	// attempts counts the worker's queries that found it pending at the
	// gateway; retryAt is when the worker asks again (zero: at once).
	attempts int
	retryAt  time.Time
}

// simRefundBackoff is the worker's wait after the n-th query that found a
// refund pending: RetryDelay doubling up to MaxRetryDelay (one hour).
func simRefundBackoff(n int) time.Duration {
	d := simRefundRetryDelay
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// simRefundsAtOnce draws how the simulated gateway settles the refunds it
// accepts: at once (answered succeeded, its callback a duplicate) in one
// sequence of three, by callback in the others.
func simRefundsAtOnce(seed uint64) bool {
	return rand.New(rand.NewPCG(seed, 0x7ef0)).IntN(3) == 0
}

// methodRefundCap is the most of p that can be refunded to its method
// now, the account's cash for a top-up aside.
func (m *simModel) methodRefundCap(p *mPayment) int64 {
	c := min(p.fromGw-p.pendingMethod-p.toMethod, p.amount-p.refunded-p.pendingMethod)
	if p.purpose != purposeTopUp && p.purpose != purposeInvoice && !p.billLink {
		c = min(c, m.refundCap(p))
	}
	return max(c, 0)
}

// requestMethodRefund reserves a refund of x of p.
func (m *simModel) requestMethodRefund(p *mPayment, id string, x int64) *mRefund {
	rf := &mRefund{id: id, acct: p.acct, payment: p.id, amount: x, createdAt: m.now, status: payment.RefundPending}
	m.refunds[id] = rf
	m.refundIDs = append(m.refundIDs, id)
	p.pendingMethod += x
	if p.purpose == purposeTopUp {
		a := m.accounts[p.acct]
		a.cash -= x
		a.refundHeld += x
	}
	m.event(p.acct, "refund.requested")
	m.touch(p.acct)
	m.dirtyPay[p.id] = true
	return rf
}

// settleMethodRefund settles a pending refund as succeeded or failed.
func (m *simModel) settleMethodRefund(rf *mRefund, succeeded bool) {
	if rf.status != payment.RefundPending {
		return
	}
	p := m.payments[rf.payment]
	a := m.accounts[rf.acct]
	p.pendingMethod -= rf.amount
	if p.purpose == purposeTopUp {
		a.refundHeld -= rf.amount
	}
	m.touch(rf.acct)
	m.dirtyPay[p.id] = true
	if !succeeded {
		if p.purpose == purposeTopUp {
			a.cash += rf.amount
		}
		rf.status = payment.RefundFailed
		m.event(rf.acct, "refund.failed")
		m.hits["refunds to the method failed"]++
		return
	}
	rf.status = payment.RefundSucceeded
	switch {
	case p.purpose == purposeInvoice || p.billLink:
		m.creditBill(p, rf.amount)
	case p.purpose != purposeTopUp:
		if taken := m.takeOrderValue(p, rf.amount); taken < rf.amount {
			m.hits["refunds to the method beyond the value left at settlement"]++
		}
	}
	p.refunded += rf.amount
	p.toMethod += rf.amount
	p.status = payPartRef
	if p.refunded == p.amount {
		p.status = payRefunded
	}
	m.event(rf.acct, "refund.succeeded")
	m.hits["refunds to the method succeeded: "+p.purpose]++
}

// creditBill documents a refund of x of a bill's payment p with a credit
// note against the bill, as far as it is still creditable; what the bill
// says is due does not change. A prepaid usage invoice's credit counts
// against its resource's documents.
func (m *simModel) creditBill(p *mPayment, x int64) {
	id := p.ref
	if p.billLink {
		id = m.links[p.ref].bill
	}
	b := m.pp.bills[id]
	take := min(x, b.total-b.credited)
	if take <= 0 {
		return
	}
	b.credited += take
	m.pp.dirtyBill[b.id] = true
	m.event(b.acct, "invoice.issued")
	if b.prepaidUsage {
		m.pp.usageBilled[b.res] -= take
		if _, ok := m.resources[b.res]; ok {
			m.dirtyRes[b.res] = true
		}
	}
	m.hits["bills credited for a refund to the method"]++
}

// settleDueRefunds is the worker's refund sweep: pending refunds asked at
// least RetryDelay ago and due for a try, oldest first, settled by what
// the gateway's query says (one it never received is sent again and
// succeeds; one it holds pending is asked again after the backoff).
func (m *simModel) settleDueRefunds() {
	var due []*mRefund
	for _, id := range m.refundIDs {
		if rf := m.refunds[id]; rf.status == payment.RefundPending && !rf.createdAt.After(m.now.Add(-simRefundRetryDelay)) && !rf.retryAt.After(m.now) {
			due = append(due, rf)
		}
	}
	slices.SortFunc(due, func(a, b *mRefund) int { return cmp.Or(a.createdAt.Compare(b.createdAt), cmp.Compare(a.id, b.id)) })
	for _, rf := range due {
		switch rf.gw {
		case gateway.RefundSucceeded:
			m.settleMethodRefund(rf, true)
			m.hits["refunds to the method settled by the worker's query"]++
		case gateway.RefundFailed:
			m.settleMethodRefund(rf, false)
			m.hits["refunds to the method settled by the worker's query"]++
		case gateway.RefundPending:
			rf.attempts++
			rf.retryAt = m.now.Add(simRefundBackoff(rf.attempts))
			m.hits["refunds to the method still pending at the gateway"]++
		default:
			rf.gw = gateway.RefundSucceeded
			m.settleMethodRefund(rf, true)
			m.hits["refunds to the method sent again by the worker"]++
		}
	}
}

// opRefundToMethod asks for a refund of one of an account's payments to
// its original method, now and then one that must be refused.
func (r *simRun) opRefundToMethod() {
	acct := r.account()
	paid := r.pct(75) // most often one the gateway collected and can return
	p := r.pickPayment(func(p *mPayment) bool {
		return p.acct == acct && (!paid || p.fromGw > 0 && (p.status == paySucceeded || p.status == payPartRef))
	})
	if p == nil {
		return
	}
	as := acct
	if r.pct(5) {
		as = r.other(acct)
	}
	limit := r.m.methodRefundCap(p)
	cash := r.m.accounts[acct].cash
	var x int64
	switch n := r.intn(10); {
	case n < 3:
		x = max(limit, 1)
	case n < 7:
		x = 1 + int64(r.intn(int(max(limit, 1))))
	case n < 8 && p.purpose == purposeTopUp:
		x = cash + 1 // more than the wallet has left of it
	default:
		x = limit + 1 + int64(r.intn(50_000))
	}
	outcome, what := r.refundOutcome()
	r.note("refund %d of %s payment %s (%s, gateway %d, refunded %d, pending %d, cap %d, cash %d) to its method as %s, gateway %s",
		x, p.purpose, p.id, p.status, p.fromGw, p.refunded, p.pendingMethod, limit, cash, as, what)
	key := r.key()
	req := billing.RefundPaymentRequest{AccountID: as, PaymentID: p.id, Amount: simVND(x), Reason: "sim"}
	r.e.sim.SetDefaultRefundOutcome(outcome)
	got, err := r.e.sys.RefundPayment(r.ctx, key, req)
	r.e.sim.SetDefaultRefundOutcome(gatewaysim.Succeed())
	r.drain()
	switch {
	case x > payment.MaxAmountMinorUnits:
		// More than any payment may be (a wallet's cash can be more):
		// refused as a request before anything is looked up.
		r.expectErr(err, fmt.Sprintf("refund %d to the method, above the largest amount", x), billing.ErrInvalidRequest)
		return
	case as != acct:
		r.expectErr(err, "refund another account's payment to its method", billing.ErrPaymentNotFound)
		return
	case p.fromGw == 0 || (p.status != paySucceeded && p.status != payPartRef):
		r.expectErr(err, "refund a "+p.status+" payment with "+fmt.Sprint(p.fromGw)+" from a gateway to its method", billing.ErrNotRefundable)
		r.m.hits["refunds to the method refused: not refundable"]++
		return
	case x > limit:
		r.expectErr(err, fmt.Sprintf("refund %d to the method above the cap %d", x, limit), payment.ErrOverRefund)
		r.m.hits["refunds to the method refused: over the cap"]++
		return
	case p.purpose == purposeTopUp && x > cash:
		var short *billing.CreditToTakeBackError
		if !errors.As(err, &short) {
			r.failf("refund %d of a top-up with %d cash left: got %v, want a *CreditToTakeBackError", x, cash, err)
		}
		r.m.hits["refunds to the method refused: top-up credit spent"]++
		return
	}
	if got.ID == "" {
		r.failf("refund to the method: no refund returned (error %v)", err)
	}
	rf := r.m.requestMethodRefund(p, got.ID, x)
	switch what {
	case "declines":
		var failed *billing.RefundFailedError
		if !errors.As(err, &failed) || failed.RefundID != got.ID {
			r.failf("a refund the gateway declines: got %v, want a *RefundFailedError for %s", err, got.ID)
		}
		r.m.settleMethodRefund(rf, false)
	case "times out", "loses its answer":
		r.expectErr(err, "a refund the gateway does not answer", billing.ErrGatewayUnavailable)
		if what == "loses its answer" {
			rf.gw = gateway.RefundSucceeded
		}
	case "holds it pending":
		r.noErr(err, "refund held pending by the gateway")
		rf.gw = gateway.RefundPending
	default:
		r.noErr(err, "refund to the method")
		rf.gw = gateway.RefundSucceeded
		if r.refundsAtOnce {
			r.m.settleMethodRefund(rf, true)
		}
	}
	if got.Status != rf.status {
		r.failf("refund %s is %s, model %s", got.ID, got.Status, rf.status)
	}
	r.m.hits["refunds to the method: gateway "+what]++
	r.setReplay(acct, func() error { return r.replayMethodRefund(rf, key, req) })
}

// replayMethodRefund sends a refund request again with its key: the same
// refund comes back, and one still pending is sent to the gateway again
// with the same refund id — one the gateway never received is refunded
// now; one it has answers as the first time (succeeded at once in the
// worlds whose gateway settles so).
func (r *simRun) replayMethodRefund(rf *mRefund, key string, req billing.RefundPaymentRequest) error {
	got, err := r.e.sys.RefundPayment(r.ctx, key, req)
	r.drain()
	if got.ID != rf.id {
		r.failf("replayed refund request returned refund %q, want %s", got.ID, rf.id)
	}
	var failed *billing.RefundFailedError
	if rf.status == payment.RefundFailed && errors.As(err, &failed) {
		return nil // a failed refund stays failed, and says so again
	}
	if rf.status == payment.RefundPending {
		if rf.gw == 0 || rf.gw == gateway.RefundNotFound {
			rf.gw = gateway.RefundSucceeded
			r.m.hits["refunds to the method sent again by a replay"]++
		}
		if rf.gw == gateway.RefundSucceeded && r.refundsAtOnce {
			r.m.settleMethodRefund(rf, true)
		}
	}
	if got.Status != rf.status {
		r.failf("replayed refund %s is %s, model %s", got.ID, got.Status, rf.status)
	}
	return err
}

// refundOutcome draws what the gateway does with the next refund: in the
// worlds whose gateway settles at once it may time out (the worker sends
// it again); in the others it may hold the refund pending.
func (r *simRun) refundOutcome() (gatewaysim.Outcome, string) {
	switch n := r.intn(20); {
	case n < 3:
		return gatewaysim.Decline("refund window closed"), "declines"
	case n < 5:
		return gatewaysim.LostResponse(), "loses its answer"
	case n < 8 && r.refundsAtOnce:
		return gatewaysim.Timeout(), "times out"
	case n < 8:
		return gatewaysim.Pending(), "holds it pending"
	}
	return gatewaysim.Succeed(), "accepts it"
}

// opGatewaySettlesRefund has the gateway settle a refund it held pending,
// paid out or declined, and delivers its callback at once.
func (r *simRun) opGatewaySettlesRefund() {
	var list []*mRefund
	for _, id := range r.m.refundIDs {
		if rf := r.m.refunds[id]; rf.gw == gateway.RefundPending {
			list = append(list, rf)
		}
	}
	rf, ok := pickFrom(r, list)
	if !ok {
		return
	}
	decline := r.pct(30)
	r.note("gateway settles refund %s of %s (decline %v)", rf.id, rf.payment, decline)
	if decline {
		r.e.sim.SetOutcome(rf.id, gatewaysim.Decline("bank refused"))
	} else {
		r.e.sim.SetOutcome(rf.id, gatewaysim.Succeed())
	}
	cb, err := r.e.sim.CompleteRefund(rf.id)
	r.noErr(err, "gateway settles a refund")
	rf.gw = gateway.RefundSucceeded
	if decline {
		rf.gw = gateway.RefundFailed
	}
	r.callbacks = append(r.callbacks, simCallback{cb: cb, payment: rf.payment, kind: cb.Event.Type})
	r.deliverOne(len(r.callbacks) - 1)
}

// deliverRefund checks the delivery of a refund callback: applied to a
// refund still pending, else the outcome duplicate (Duplicate itself says
// the event id was seen before).
func (r *simRun) deliverRefund(c simCallback, res billing.CallbackResult) {
	rf := r.m.refunds[c.cb.Event.RefundID]
	if rf == nil {
		r.failf("callback %s names refund %s, which the model does not know", c.cb.Event.ID, c.cb.Event.RefundID)
	}
	seen := r.m.seenEvent[c.cb.Event.ID]
	applies := !seen && rf.status == payment.RefundPending
	want := gateway.CallbackDuplicate
	if applies {
		want = gateway.CallbackApplied
	}
	if res.Duplicate != seen || res.Outcome != want {
		r.failf("callback %s for %s refund %s: duplicate = %v, outcome %s; want %v, %s", c.kind, rf.status, rf.id, res.Duplicate, res.Outcome, seen, want)
	}
	r.m.seenEvent[c.cb.Event.ID] = true
	if applies {
		r.m.settleMethodRefund(rf, c.kind == gateway.EventRefundSucceeded)
		r.m.hits["refunds to the method settled by callback"]++
	} else {
		r.m.hits["refund callbacks for a settled refund"]++
	}
}

// Payments a gateway reports with another amount than it asked.
//
// A success whose amount is not the payment's gateway part is recorded
// (payment.mismatch) and nothing is applied: the callback's outcome is
// wrong_amount, and a query's answer is the same — on demand it changes
// nothing; at expiry the payment is expired as if the gateway had not
// answered, after the mismatch is told.

// gatewayMisreports makes the gateway report p as paid with 1,000 more
// (or, now and then, less) than it asked.
func (r *simRun) gatewayMisreports(p *mPayment) {
	other := p.fromGw + 1_000
	if r.pct(30) && p.fromGw > 1_000 {
		other = p.fromGw - 1_000
	}
	r.note("gateway completes %s reporting %d instead of %d", p.id, other, p.fromGw)
	r.noErr(r.e.sim.SetReportedAmount(p.id, simVND(other)), "set the reported amount")
	p.mismatch = true
}

// mismatch checks a callback reporting p paid with another amount.
func (m *simModel) mismatch(p *mPayment, res billing.CallbackResult) {
	if res.Outcome != gateway.CallbackWrongAmount || res.LateCredit {
		panic(simFailure{fmt.Sprintf("callback reporting another amount for payment %s: outcome %s, late credit %v; want wrong_amount, no credit",
			p.id, res.Outcome, res.LateCredit)})
	}
	m.event(p.acct, "payment.mismatch")
	m.touch(p.acct)
	m.hits["callbacks reporting another amount"]++
}

// queryMismatch tells a query's report of another amount for p, once per
// payment.
func (m *simModel) queryMismatch(p *mPayment) {
	if !p.mismatchQueried {
		p.mismatchQueried = true
		m.event(p.acct, "payment.mismatch")
		m.touch(p.acct)
	}
}

// opReconcile asks for one payment's reconciliation on demand: the
// gateway's final answer is applied as its callback would be; a pending
// answer changes nothing; a payment without a gateway part cannot be
// asked.
func (r *simRun) opReconcile() {
	acct := r.account()
	open := r.pct(70)
	p := r.pickPayment(func(p *mPayment) bool {
		return p.acct == acct && (!open || p.status == payPending || p.status == payCreated)
	})
	if p == nil {
		return
	}
	r.note("reconcile %s payment %s (%s, gateway %d, says %q, mismatch %v)", p.purpose, p.id, p.status, p.fromGw, p.gwSays, p.mismatch)
	res, err := r.e.sys.ReconcilePayment(r.ctx, acct, p.id)
	r.noErr(err, "reconcile a payment")
	r.drain()
	want := billing.ReconcileNone
	pending := p.status == payPending || p.status == payCreated
	switch {
	case p.fromGw == 0:
		want = billing.ReconcileUnsupported
	case p.mismatch:
		want = billing.ReconcileMismatch
		r.m.queryMismatch(p)
	case !pending && (p.status == payFailed || p.status == payExpired) && p.gwSays == gateway.EventPaymentSucceeded && !p.lateCredited:
		// Paid after it ended: credited as cash, once.
		want = billing.ReconcileApplied
		r.m.lateSuccess(p)
	case !pending:
		// Settled already: the answer is the state it has reached.
	case p.gwSays == gateway.EventPaymentSucceeded:
		want = billing.ReconcileApplied
		r.m.succeed(p)
	case p.gwSays == gateway.EventPaymentFailed:
		want = billing.ReconcileEnded
		r.m.fail(p, payFailed)
	case p.gwSays == gateway.EventPaymentExpired || p.gwOpen && !p.expiresAt.After(r.m.now):
		// Expired at the gateway, or its page expired unpaid.
		want = billing.ReconcileEnded
		r.m.fail(p, payExpired)
	}
	if res.Action != want {
		r.failf("reconcile %s payment %s: action %s, want %s", p.status, p.id, res.Action, want)
	}
	r.m.hits["payments reconciled on demand: "+string(want)]++
}
