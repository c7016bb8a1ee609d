package billing_test

import (
	"cmp"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"slices"
	"time"

	"github.com/cloudbill/cloudbill/billing/period"
)

// The reference model of the simulation: every account's money and every
// obligation, resource and coupon of one simulated sequence, in plain maps
// and int64 minor units (VND has no minor digits), following
// docs/RELIABILITY.md. It never calls the library: the operations in
// sim_ops_test.go ask it what must happen, call the library, and tell it
// what happened; the checks in sim_test.go compare the two.

// Model states, statuses and kinds, spelled as the library stores them.
const (
	stPendingPayment = "pending_payment"
	stProvisioning   = "provisioning"
	stActive         = "active"
	stGrace          = "grace"
	stSuspended      = "suspended"
	stReleased       = "released"
	stDeleted        = "deleted"
	stProvFailed     = "provisioning_failed"

	payCreated   = "created"
	payPending   = "pending"
	paySucceeded = "succeeded"
	payFailed    = "failed"
	payExpired   = "expired"
	payPartRef   = "partially_refunded"
	payRefunded  = "refunded"

	ordPending   = "pending_payment"
	ordPaid      = "paid"
	ordFailed    = "payment_failed"
	ordCompleted = "completed"

	kindCreate  = "create"
	kindRenew   = "renew"
	kindResize  = "resize"
	kindRecover = "recover"

	purposeTopUp = "top_up"
	purposeOrder = "order"
	purposeLink  = "payment_link"

	rdmReserved = "reserved"
	rdmConsumed = "consumed"
	rdmReleased = "released"
)

// Policy numbers of the default lifecycle and config the model uses.
const (
	minutesPer30Days = 43_200
	graceDays        = 15
	releaseDays      = 30
	paymentTimeout   = 30 * time.Minute
	linkValidity     = 72 * time.Hour
	percentOff       = 20     // the percent coupon: 20% …
	percentCap       = 50_000 // … at most 50,000
	fixedOff         = 30_000 // the fixed coupon: 30,000 …
	fixedLimit       = 2      // … redeemed at most twice
)

// simConfigs are the configurations the simulation buys, with their price
// per 30 days: a plan and two component configurations.
var simConfigs = []struct {
	name  string
	price int64
}{{"basic-1", 90_000}, {"small", 181_000}, {"large", 520_000}}

// mTerm is a bought term: 30-day months plus days.
type mTerm struct{ months, days int }

func (t mTerm) billingDays() int64 { return 30*int64(t.months) + int64(t.days) }

// termRate is the sample vServer's term discount in percent (5% from 6
// months, 15% from 12).
func (t mTerm) termRate() int64 {
	switch {
	case t.months >= 12:
		return 15
	case t.months >= 6:
		return 5
	}
	return 0
}

// divRound is a ÷ b rounded half-up, for a ≥ 0 and b > 0.
func divRound(a, b int64) int64 { return (2*a + b) / (2 * b) }

// prorate is what minutes of use cost at price per 30 days, rounded
// half-up once (pricing.ProratedAmount).
func prorate(price, minutes int64) int64 { return divRound(price*minutes, minutesPer30Days) }

// termBase is a term's line at list price: price ÷ 30 × days.
func termBase(price int64, t mTerm) int64 { return divRound(price*t.billingDays(), 30) }

// termSubtotal is a term's line before coupons: base less the term
// discount.
func termSubtotal(price int64, t mTerm) int64 {
	base := termBase(price, t)
	return base - divRound(base*t.termRate(), 100)
}

// minutesBetween is whole minutes from a to b (truncated), as
// period.Span.Minutes counts them.
func minutesBetween(a, b time.Time) int64 {
	if b.Before(a) {
		return -minutesBetween(b, a)
	}
	return (b.Unix() - a.Unix()) / 60
}

// allocate splits amount by weights: floor shares, then the leftover minor
// units one each to the largest remainders, ties to the lower index
// (money.Amount.AllocateWeights).
func allocate(amount int64, weights []int64) []int64 {
	var sum int64
	for _, w := range weights {
		sum += w
	}
	out := make([]int64, len(weights))
	if sum == 0 {
		return out
	}
	rem := make([]int64, len(weights))
	given := int64(0)
	for i, w := range weights {
		out[i] = amount * w / sum
		rem[i] = amount * w % sum
		given += out[i]
	}
	idx := make([]int, len(weights))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(rem[b], rem[a]) })
	for k := 0; given < amount; k++ {
		out[idx[k]]++
		given++
	}
	return out
}

// mPart is what one wallet bucket gave to a spend or a hold: grant "" is
// cash.
type mPart struct {
	grant  string
	amount int64
}

// mPromo is one promotional grant.
type mPromo struct {
	id      string
	amount  int64
	expires time.Time
}

// mAccount is one account's wallet, linked account and event tallies.
type mAccount struct {
	id     string
	cash   int64
	promos []*mPromo
	// linked is the default linked account's id ("" when none).
	linked string
	// refundHeld is the cash set aside for refunds of top-ups to their
	// method still pending.
	refundHeld int64
	// postpaid says the account is billed monthly in arrears.
	postpaid bool
	// discount is the account's contract discount on its postpaid bills,
	// in percent (SetDiscountRate); 0 for none.
	discount int64
	// events counts the outbox events the model expects, by kind, and
	// gotEvents those the library wrote (read by the checks).
	events, gotEvents map[string]int
}

// mPayment is a payment as the model knows it.
type mPayment struct {
	id, acct  string
	purpose   string // top_up, order, payment_link
	ref       string // the order id or the link token
	method    string
	amount    int64
	fromCred  int64
	fromGw    int64
	status    string
	refunded  int64
	expiresAt time.Time
	createdAt time.Time
	hold      []mPart // the credit a Top up & Pay payment holds
	// billLink marks a payment of a bill's payment link: it paid no
	// order, so it is not refundable.
	billLink bool
	// gwOpen is true while the simulated gateway can still be told to
	// complete or expire it.
	gwOpen bool
	// gwSays is what the simulated gateway answers a status query once it
	// settled the payment (its callback may be lost or late): the event
	// type it reported, zero while it has not.
	gwSays gateway.EventType
	// mismatch: the gateway reports it paid with another amount than it
	// asked, in its callback and its queries.
	mismatch bool
	// mismatchQueried: a query's report of another amount was told
	// (payment.mismatch), which happens once per payment.
	mismatchQueried bool
	// lateCredited: a success after it failed or expired was credited as
	// cash, which happens once.
	lateCredited bool
	// pendingMethod is what refunds to the original method still pending
	// reserve of it; toMethod what such refunds returned.
	pendingMethod, toMethod int64
}

// mLine is one resource line of an order.
type mLine struct {
	resource string
	cfg      int // the configuration the line prices (resize: the new one)
	term     mTerm
	total    int64
	base     int64            // the line at list price
	shares   map[string]int64 // coupon shares by code
	// start, end: the period a renew line buys; anchor: the billing
	// anchor to keep with end.
	start, end, anchor time.Time
}

// mRedemption is one coupon redemption of an order.
type mRedemption struct {
	code   string
	amount int64
	status string
}

// mOrder is an obligation: an order of one account.
type mOrder struct {
	id, acct    string
	kind        string
	total       int64
	status      string
	lines       []mLine
	redemptions []*mRedemption
	paidBy      string // the payment that settled it
}

// mSeg is a value segment: value paid for [from, end), consumed linearly,
// and list, what the same time cost at list price.
type mSeg struct {
	from, end   time.Time
	value, list int64
}

// rebase is what remains after a change at t: one segment to end worth
// value at list price list (a segment of no value keeps its list value:
// the customer paid nothing of that list price), or nothing when no time
// is left or neither value nor list.
func rebase(t, end time.Time, value, list int64) []mSeg {
	if !t.Before(end) || (value == 0 && list == 0) {
		return nil
	}
	return []mSeg{{from: t, end: end, value: value, list: list}}
}

// mResource is a resource with its refundable value.
type mResource struct {
	id, acct, order string
	cfg             int
	state           string
	start, end      time.Time
	term            mTerm // the term provisioning starts
	line            int64 // what its current (create or recover) line paid
	base            int64 // the same line at list price
	shares          map[string]int64
	payment         string // the payment that paid its current line
	segs            []mSeg
	paid, refunded  int64

	// anchor is the billing anchor its renewals count months from.
	anchor time.Time
}

// mCoupon is a coupon defined for the sequence.
type mCoupon struct {
	code    string
	percent bool
	limit   int
	renew   bool // valid for renewals too
}

// mLink is a payment link.
type mLink struct {
	token, acct, order string
	bill               string // the bill a link pays instead of an order
	amount             int64
	expires            time.Time
	paidBy             string
}

// simModel is the whole model of one sequence.
type simModel struct {
	// reconciled counts payments the worker settled or ended on the
	// gateway's answer to a status query instead of expiring them.
	reconciled int
	// refunds are the refunds to an original method, by id, in the order
	// they were asked (refundIDs).
	refunds   map[string]*mRefund
	refundIDs []string
	now       time.Time
	tickedAt  time.Time // when the worker last ran
	accounts  map[string]*mAccount
	acctIDs   []string
	payments  map[string]*mPayment
	payIDs    []string
	orders    map[string]*mOrder
	orderIDs  []string
	resources map[string]*mResource
	resIDs    []string
	coupons   []*mCoupon
	links     map[string]*mLink
	linkIDs   []string
	seenEvent map[string]bool // gateway event ids applied
	// pp is the postpaid part: bills, usage, the daily jobs.
	pp *mPostpaid
	// rn is the lifecycle clock of prepaid resources (sim_renewals_test.go).
	rn *mRenewals
	// hits counts how often the model's rare rules fired (a refusal or an
	// ordering rule reached), by name; the run reports the totals.
	hits map[string]int
	// zone, acctZone, basis and tax are the sequence's world: the default
	// zone, the accounts created in another, the day-count basis and the
	// catalog's tax mode (sim_worlds_test.go).
	zone     string
	acctZone map[string]string
	basis    period.Basis
	tax      simTaxMode

	// dirty names what changed since the last check.
	dirtyAcct map[string]bool
	dirtyPay  map[string]bool
	dirtyOrd  map[string]bool
	dirtyRes  map[string]bool
}

func newSimModel(now time.Time) *simModel {
	return &simModel{
		now: now, accounts: map[string]*mAccount{}, payments: map[string]*mPayment{},
		orders: map[string]*mOrder{}, resources: map[string]*mResource{}, links: map[string]*mLink{},
		seenEvent: map[string]bool{}, dirtyAcct: map[string]bool{}, dirtyPay: map[string]bool{},
		dirtyOrd: map[string]bool{}, dirtyRes: map[string]bool{}, pp: newPostpaidModel(), hits: map[string]int{}, rn: newRenewals(),
		zone: simZoneNames[0], acctZone: map[string]string{}, refunds: map[string]*mRefund{},
	}
}

func (m *simModel) addAccount(id string) {
	m.accounts[id] = &mAccount{id: id, events: map[string]int{}}
	m.acctIDs = append(m.acctIDs, id)
}

func (m *simModel) touch(acct string) { m.dirtyAcct[acct] = true }

func (m *simModel) event(acct, kind string) { m.accounts[acct].events[kind]++ }

// --- wallet ---

// available is cash plus the live promotional credit.
func (m *simModel) available(acct string) int64 {
	a := m.accounts[acct]
	n := a.cash
	for _, p := range a.promos {
		if m.now.Before(p.expires) {
			n += p.amount
		}
	}
	return n
}

// held is the credit held by payments in progress and by the usage
// hold.
func (m *simModel) held(acct string) int64 {
	n := m.usageHeld(acct) + m.accounts[acct].refundHeld
	for _, id := range m.payIDs {
		p := m.payments[id]
		if p.acct == acct {
			for _, h := range p.hold {
				n += h.amount
			}
		}
	}
	return n
}

// promosInOrder returns the grants in spending order: soonest expiry
// first, ties by grant id.
func (a *mAccount) promosInOrder() []*mPromo {
	out := slices.Clone(a.promos)
	slices.SortFunc(out, func(x, y *mPromo) int {
		return cmp.Or(x.expires.Compare(y.expires), cmp.Compare(x.id, y.id))
	})
	return out
}

// take spends amount (≤ available) promotional credit first, then cash,
// and returns the parts.
func (m *simModel) take(acct string, amount int64) []mPart {
	a := m.accounts[acct]
	var parts []mPart
	for _, p := range a.promosInOrder() {
		if amount == 0 {
			break
		}
		m.notePromoSpend(p)
		if !m.now.Before(p.expires) || p.amount == 0 {
			continue
		}
		n := min(p.amount, amount)
		p.amount -= n
		amount -= n
		parts = append(parts, mPart{grant: p.id, amount: n})
	}
	if amount > 0 {
		a.cash -= amount
		parts = append(parts, mPart{amount: amount})
	}
	m.touch(acct)
	return parts
}

// giveBack returns held parts to the buckets they came from (an expired
// grant too: the next sweep expires it).
func (m *simModel) giveBack(acct string, parts []mPart) {
	a := m.accounts[acct]
	for _, h := range parts {
		if h.grant == "" {
			a.cash += h.amount
			continue
		}
		for _, p := range a.promos {
			if p.id == h.grant {
				p.amount += h.amount
			}
		}
	}
	m.touch(acct)
}

// --- value segments ---

// unusedAt is what of amount, spread over from–end, is left at t.
func unusedAt(amount int64, from, end, t time.Time) int64 {
	switch {
	case !t.After(from):
		return amount
	case !t.Before(end):
		return 0
	}
	total := minutesBetween(from, end)
	if total <= 0 {
		return 0
	}
	return divRound(amount*minutesBetween(t, end), total)
}

// unused is the resource's refundable value at t.
func (r *mResource) unused(t time.Time) int64 {
	var n int64
	for _, s := range r.segs {
		n += unusedAt(s.value, s.from, s.end, t)
	}
	return n
}

// unusedList is what the resource's unused time cost at list price.
func (r *mResource) unusedList(t time.Time) int64 {
	var n int64
	for _, s := range r.segs {
		n += unusedAt(s.list, s.from, s.end, t)
	}
	return n
}

// --- obligations and payments ---

func (m *simModel) addPayment(p *mPayment) {
	m.payments[p.id] = p
	m.payIDs = append(m.payIDs, p.id)
	m.dirtyPay[p.id] = true
	m.touch(p.acct)
}

func (m *simModel) addOrder(o *mOrder) {
	m.orders[o.id] = o
	m.orderIDs = append(m.orderIDs, o.id)
	m.dirtyOrd[o.id] = true
}

func (m *simModel) addResource(r *mResource) {
	m.resources[r.id] = r
	m.resIDs = append(m.resIDs, r.id)
	m.dirtyRes[r.id] = true
}

// payable reports whether order o can still be settled by amount.
func (o *mOrder) payable(amount int64) bool { return o.status == ordPending && o.total == amount }

// orderOf returns the order a payment pays ("" for a top-up).
func (m *simModel) orderOf(p *mPayment) string {
	switch p.purpose {
	case purposeOrder:
		return p.ref
	case purposeLink:
		if l := m.links[p.ref]; l != nil {
			return l.order
		}
	}
	return ""
}

// couponCount is how many redemptions of code are reserved or consumed.
func (m *simModel) couponCount(code string) int {
	n := 0
	for _, id := range m.orderIDs {
		for _, rd := range m.orders[id].redemptions {
			if rd.code == code && rd.status != rdmReleased {
				n++
			}
		}
	}
	return n
}

// succeed records that a created or pending payment's money arrived:
// top-ups credit cash; a held credit part is captured; then the
// obligation is settled if it is still payable for the amount, else the
// money becomes cash (the payment refunded in full).
func (m *simModel) succeed(p *mPayment) {
	p.status = paySucceeded
	p.hold = nil
	p.gwOpen = false
	m.dirtyPay[p.id] = true
	m.touch(p.acct)
	m.event(p.acct, "payment.succeeded")
	switch p.purpose {
	case purposeTopUp:
		m.accounts[p.acct].cash += p.amount
		return
	case purposeLink:
		l := m.links[p.ref]
		if !m.now.Before(l.expires) {
			m.hits["link payments after expiry"]++
		}
		if l.paidBy != "" || !p.createdAt.Before(l.expires) {
			m.creditBack(p)
			return
		}
		l.paidBy = p.id
		if l.bill != "" {
			m.linkBillPaid(p, l.bill)
			return
		}
	case purposeInvoice:
		if b := m.pp.bills[p.ref]; b.outstanding() >= p.amount {
			m.billPaid(b, p.amount)
		} else {
			m.creditBack(p)
		}
		return
	}
	o := m.orders[m.orderOf(p)]
	if !o.payable(p.amount) {
		m.creditBack(p)
		return
	}
	m.orderPaid(o, p)
}

// creditBack refunds what is left of a succeeded payment to cash: money
// for an obligation no longer payable.
func (m *simModel) creditBack(p *mPayment) { m.creditPart(p, p.amount-p.refunded) }

// creditPart refunds x of a succeeded payment to cash: the part that paid
// for a line whose resource can no longer take it.
func (m *simModel) creditPart(p *mPayment, x int64) {
	if p == nil || x <= 0 {
		return
	}
	m.accounts[p.acct].cash += x
	p.refunded += x
	p.status = payPartRef
	if p.refunded == p.amount {
		p.status = payRefunded
	}
	m.dirtyPay[p.id] = true
	m.touch(p.acct)
	m.event(p.acct, "payment.credited")
}

// lateSuccess records money that arrived for a payment that had already
// failed or expired: the gateway part becomes cash.
func (m *simModel) lateSuccess(p *mPayment) {
	p.lateCredited = true
	m.accounts[p.acct].cash += p.fromGw
	p.gwOpen = false
	m.touch(p.acct)
	m.dirtyPay[p.id] = true
	m.event(p.acct, "payment.credited")
}

// lineGone reports whether the resource of an order line can no longer
// take it: a renewal of a released or deleted resource, a resize of one
// no longer active or past its term, a recovery of one not released.
func (m *simModel) lineGone(kind string, r *mResource) bool {
	switch kind {
	case kindRenew:
		return r.state != stActive && r.state != stGrace && r.state != stSuspended
	case kindResize:
		return r.state != stActive || !m.now.Before(r.end)
	case kindRecover:
		return r.state != stReleased
	}
	return false
}

// fail ends a created or pending payment (failed or expired): its hold
// is released and its order, if still pending, fails.
func (m *simModel) fail(p *mPayment, status string) {
	m.giveBack(p.acct, p.hold)
	p.hold = nil
	p.status = status
	m.dirtyPay[p.id] = true
	m.touch(p.acct)
	m.event(p.acct, "payment.failed")
	if p.purpose != purposeOrder {
		return
	}
	o := m.orders[p.ref]
	if o.status != ordPending {
		return
	}
	o.status = ordFailed
	m.dirtyOrd[o.id] = true
	for _, rd := range o.redemptions {
		if rd.status == rdmReserved {
			rd.status = rdmReleased
		}
	}
	if o.kind == kindCreate {
		for _, l := range o.lines {
			r := m.resources[l.resource]
			r.state = stDeleted
			m.dirtyRes[r.id] = true
		}
	}
}

// orderPaid settles a payable order with p ("" for a free order).
func (m *simModel) orderPaid(o *mOrder, p *mPayment) {
	o.status = ordPaid
	if o.kind != kindCreate {
		o.status = ordCompleted
	}
	if p != nil {
		o.paidBy = p.id
	}
	m.dirtyOrd[o.id] = true
	for _, rd := range o.redemptions {
		if rd.status == rdmReserved {
			rd.status = rdmConsumed
		}
	}
	pid := ""
	if p != nil {
		pid = p.id
	}
	for _, l := range o.lines {
		r := m.resources[l.resource]
		m.dirtyRes[r.id] = true
		if m.lineGone(o.kind, r) {
			m.creditPart(p, l.total)
			continue
		}
		switch o.kind {
		case kindCreate:
			r.state, r.payment = stProvisioning, pid
			m.event(o.acct, "resource.provision")
		case kindRecover:
			r.state, r.payment, r.order = stProvisioning, pid, o.id
			r.line, r.base, r.term, r.shares, r.segs = l.total, l.base, l.term, l.shares, nil
			r.start, r.end = time.Time{}, time.Time{}
			m.event(o.acct, "resource.provision")
		case kindRenew:
			m.applyRenew(r, l)
		case kindResize:
			m.applyUpgrade(r, l.cfg, o.total, max(l.base, o.total))
		}
	}
}

// applyRenew extends a resource by a paid renewal line.
func (m *simModel) applyRenew(r *mResource, l mLine) {
	start, end, anchor := l.start, l.end, l.anchor
	if !start.Equal(r.end) {
		end = r.end.Add(end.Sub(start))
		start = r.end
		anchor = m.reanchor(r.acct, r.anchor, end)
	}
	r.anchor = anchor
	m.dstChanges(r.acct, "terms renewed across a DST change", start, end)
	switch r.state {
	case stGrace:
		m.event(r.acct, "resource.unrestrict")
	case stSuspended:
		m.event(r.acct, "resource.resume")
		m.event(r.acct, "resource.unrestrict")
	}
	r.state, r.end = stActive, end
	m.renewedNow(r)
	m.invoiced(r, l.total)
	r.segs = append(r.segs, mSeg{from: start, end: end, value: l.total, list: l.base})
	r.paid += l.total
	r.payment = ""
	m.dirtyRes[r.id] = true
}

// applyUpgrade applies a paid upgrade of charge c, list charge list
// (before its coupons), now.
func (m *simModel) applyUpgrade(r *mResource, cfg int, c, list int64) {
	u, ul := r.unused(m.now), r.unusedList(m.now)
	m.credited(r, u)
	if u+c > 0 {
		m.invoiced(r, u+c)
	}
	r.segs = rebase(m.now, r.end, u+c, ul+list)
	r.cfg = cfg
	r.paid += c
	m.event(r.acct, "resource.resize")
	m.dirtyRes[r.id] = true
}

// downgrade applies a downgrade to cfg now and returns the refund: the
// list difference D = O − N of the rest of the term (O and N the list
// totals of the old and new configurations) scaled by the share of the
// list price the customer holds, R = min(U, D × U ÷ UL), exactly D when
// U ≥ UL.
func (m *simModel) downgrade(r *mResource, cfg int) int64 {
	mins := minutesBetween(m.now, r.end)
	d := m.withTax(prorate(simConfigs[r.cfg].price, mins)) - m.withTax(prorate(simConfigs[cfg].price, mins))
	u, ul := r.unused(m.now), r.unusedList(m.now)
	var refund int64
	switch {
	case d <= 0 || u <= 0:
	case u >= ul:
		refund = min(u, d)
	default:
		refund = min(u, divRound(d*u, ul))
	}
	m.credited(r, u)
	if u-refund > 0 {
		m.invoiced(r, u-refund)
	}
	r.segs = rebase(m.now, r.end, u-refund, max(ul-d, u-refund))
	r.cfg = cfg
	r.refunded += refund
	m.accounts[r.acct].cash += refund
	m.touch(r.acct)
	m.event(r.acct, "resource.resize")
	m.dirtyRes[r.id] = true
	return refund
}

// remove deletes a resource now and returns the refund.
func (m *simModel) remove(r *mResource) int64 {
	refund := r.unused(m.now)
	m.credited(r, refund)
	r.segs = nil
	r.refunded += refund
	r.state = stDeleted
	m.accounts[r.acct].cash += refund
	m.touch(r.acct)
	m.event(r.acct, "resource.release")
	m.dirtyRes[r.id] = true
	return refund
}

// provisioned starts a provisioning resource's term now.
func (m *simModel) provisioned(r *mResource) {
	r.state = stActive
	r.start = m.now
	r.end, r.anchor = m.renewal(r.acct, m.now, m.now, r.term)
	m.termBought(r)
	r.segs = rebase(r.start, r.end, r.line, r.base)
	r.paid += r.line
	m.activatedNow(r)
	m.invoiced(r, r.line)
	m.dirtyRes[r.id] = true
	m.completeIfDone(r.order)
}

// provisionFailed refunds a provisioning resource's line to its payment
// and gives its coupon shares back.
func (m *simModel) provisionFailed(r *mResource) {
	r.state = stProvFailed
	r.paid += r.line
	r.refunded += r.line
	if r.line > 0 {
		p := m.payments[r.payment]
		p.refunded += r.line
		p.status = payPartRef
		if p.refunded == p.amount {
			p.status = payRefunded
		}
		m.dirtyPay[p.id] = true
		m.accounts[r.acct].cash += r.line
		m.touch(r.acct)
	}
	o := m.orders[r.order]
	if o.kind == kindRecover && len(r.shares) > 0 {
		// The recovery's own coupon shares go back (mutation 40).
		m.hits["failed recovery gives back its coupon"]++
	}
	for _, rd := range o.redemptions {
		share, ok := r.shares[rd.code]
		if !ok || rd.status == rdmReleased {
			continue
		}
		rd.amount -= share
		if rd.amount <= 0 {
			rd.status = rdmReleased
		}
	}
	m.dirtyRes[r.id] = true
	m.completeIfDone(r.order)
}

// completeIfDone completes a paid order once every resource has a
// provisioning outcome.
func (m *simModel) completeIfDone(orderID string) {
	o := m.orders[orderID]
	for _, id := range m.resIDs {
		r := m.resources[id]
		if r.order == orderID && (r.state == stProvisioning || r.state == stPendingPayment) {
			return
		}
	}
	if o.status == ordPaid {
		o.status = ordCompleted
		m.dirtyOrd[o.id] = true
	}
}

// refundCap is the most a manual refund of p may take now: what the
// payment still holds and the unused paid value of its order's
// resources. What the payment holds leaves aside the lines of resources
// still being provisioned, which a failed provisioning refunds in full.
func (m *simModel) refundCap(p *mPayment) int64 {
	var unused int64
	room := p.amount - p.refunded - p.pendingMethod
	for _, r := range m.orderResources(p) {
		if r.state == stProvisioning || r.state == stPendingPayment {
			room -= r.line
			continue
		}
		unused += r.unused(m.now)
	}
	return max(min(room, unused), 0)
}

// orderResources are the resources the order p paid acts on, in order.
func (m *simModel) orderResources(p *mPayment) []*mResource {
	o := m.orders[m.orderOf(p)]
	if o == nil || o.paidBy != p.id {
		return nil
	}
	var out []*mResource
	for _, l := range o.lines {
		// A recovered resource belongs to its recovery order from then
		// on: its new term is the recovery payment's.
		if r := m.resources[l.resource]; o.kind != kindCreate || r.order == o.id {
			out = append(out, r)
		}
	}
	return out
}

// refundable reports whether p can be refunded manually at all.
func (p *mPayment) refundable() bool {
	return p.purpose != purposeTopUp && p.purpose != purposeInvoice && !p.billLink && (p.status == paySucceeded || p.status == payPartRef)
}

// refund applies a manual refund of x (≤ refundCap) of p.
func (m *simModel) refund(p *mPayment, x int64) {
	p.refunded += x
	p.status = payPartRef
	if p.refunded == p.amount {
		p.status = payRefunded
	}
	m.dirtyPay[p.id] = true
	m.accounts[p.acct].cash += x
	m.touch(p.acct)
	m.takeOrderValue(p, x)
}

// takeOrderValue takes up to x of the unused paid value of the resources
// order payment p paid, oldest line first, each documented by credit
// notes, and returns what it took.
func (m *simModel) takeOrderValue(p *mPayment, x int64) int64 {
	left := x
	for _, r := range m.orderResources(p) {
		u := r.unused(m.now)
		taken := min(u, left)
		if taken == 0 {
			continue
		}
		left -= taken
		m.credited(r, taken)
		r.segs = rebase(m.now, r.end, u-taken, r.unusedList(m.now))
		r.refunded += taken
		m.dirtyRes[r.id] = true
	}
	return x - left
}

// tick is the worker at the model's now: clock transitions, then expiry
// of payments past their expiry, then of promotional credit.
func (m *simModel) tick() {
	m.tickedAt = m.now
	m.clockResources() // sim_renewals_test.go
	m.closeMonths()
	m.runJobs()
	// The expiry sweep takes due payments by expiry, then id: a payment
	// it settles may decide what the next one finds.
	due := slices.Clone(m.payIDs)
	slices.SortFunc(due, func(a, b string) int {
		return cmp.Or(m.payments[a].expiresAt.Compare(m.payments[b].expiresAt), cmp.Compare(a, b))
	})
	for _, id := range due {
		p := m.payments[id]
		if p.status == payPending && !p.expiresAt.After(m.now) {
			// The worker asks the gateway first: a payment it was told is
			// paid or declined is settled as that callback would have
			// settled it; one still unpaid is expired.
			switch {
			case p.mismatch:
				// Recorded and told (once), nothing applied: expired as
				// before.
				m.queryMismatch(p)
				m.hits["payments whose gateway reported another amount expired"]++
				m.fail(p, payExpired)
			case p.gwSays == gateway.EventPaymentSucceeded:
				m.succeed(p)
				m.reconciled++
			case p.gwSays == gateway.EventPaymentFailed:
				m.fail(p, payFailed)
				m.reconciled++
			default:
				m.fail(p, payExpired)
			}
		}
	}
	m.settleDueRefunds() // sim_gateway_test.go
	for _, id := range m.acctIDs {
		a := m.accounts[id]
		for _, p := range a.promos {
			if !m.now.Before(p.expires) && p.amount > 0 {
				p.amount = 0
				m.touch(id)
			}
		}
	}
}
