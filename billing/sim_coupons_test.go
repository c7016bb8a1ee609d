package billing_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// The simulation's second product, its restricted coupons, idempotency
// keys reused with another request, bill payments aimed at any open bill,
// and the credit-limit and account-type changes of an operator. The
// coupon rules are package coupon's (coupon/doc.go): the
// model predicts which coupon is accepted or refused, with its reason, and
// the discount to the minor unit.

// simVServerConfigs is how many of simConfigs are vServer configurations;
// the ones after them are vStorage's (no term discounts).
const simVServerConfigs = 3

func init() {
	simConfigs = append(simConfigs,
		struct {
			name  string
			price int64
		}{"ssd-50", 35_000}, // 50 GB SSD at 700
		struct {
			name  string
			price int64
		}{"ssd-200-hdd-100", 175_000}, // 140,000 + 100 GB HDD at 350
		struct {
			name  string
			price int64
		}{"hdd-1200", 410_000}, // graduated: 1,000 GB at 350 + 200 GB at 300
	)
}

// simProduct is the product a configuration of simConfigs belongs to.
func simProduct(cfg int) string {
	if cfg >= simVServerConfigs {
		return pricing.SampleVStorage
	}
	return pricing.SampleVServer
}

// simStorageConfiguration is vStorage configuration i of simConfigs.
func simStorageConfiguration(i int) pricing.Configuration {
	switch i {
	case simVServerConfigs:
		return pricing.Configuration{Components: map[string]int64{"ssd_gb": 50}}
	case simVServerConfigs + 1:
		return pricing.Configuration{Components: map[string]int64{"ssd_gb": 200, "hdd_gb": 100}}
	}
	return pricing.Configuration{Components: map[string]int64{"hdd_gb": 1200}}
}

// simStorageIndex maps a vStorage configuration back to simConfigs.
func simStorageIndex(c pricing.Configuration) (int, bool) {
	if c.Plan != "" || c.Components["vcpu"] > 0 {
		return 0, false
	}
	switch {
	case c.Components["hdd_gb"] == 1200:
		return simVServerConfigs + 2, true
	case c.Components["hdd_gb"] == 100:
		return simVServerConfigs + 1, true
	}
	return simVServerConfigs, true
}

// drawConfig draws a configuration to buy: a vServer most of the time.
func (r *simRun) drawConfig() int {
	if r.pct(30) {
		return simVServerConfigs + r.intn(len(simConfigs)-simVServerConfigs)
	}
	return r.intn(simVServerConfigs)
}

// resizeConfig draws a configuration of cur's product.
func (r *simRun) resizeConfig(cur int) int {
	if cur >= simVServerConfigs {
		return simVServerConfigs + r.intn(len(simConfigs)-simVServerConfigs)
	}
	return r.intn(simVServerConfigs)
}

// lineSubtotal is a term's line of configuration cfg before coupons: its
// base less its product's term discount (vStorage has none).
func lineSubtotal(cfg int, t mTerm) int64 {
	if cfg >= simVServerConfigs {
		return termBase(simConfigs[cfg].price, t)
	}
	return termSubtotal(simConfigs[cfg].price, t)
}

// simCoupon is a coupon's whole definition, as the model evaluates it.
type simCoupon struct {
	code                  string
	percent, cap, fixed   int64 // percent (with cap, 0 none) or a fixed amount
	products              []string
	actions               []coupon.Action
	from, until           time.Time // the validity window, zero sides open
	minSpend              int64     // 0: none
	totalLimit, acctLimit int
	firstOnly             bool
}

func (c *simCoupon) definition() coupon.Coupon {
	d := coupon.Coupon{Code: c.code, Kind: coupon.KindFixed, Products: c.products, Actions: c.actions,
		ValidFrom: c.from, ValidUntil: c.until, TotalLimit: c.totalLimit, PerAccountLimit: c.acctLimit, FirstOrderOnly: c.firstOnly}
	if c.percent > 0 {
		d.Kind, d.Percent = coupon.KindPercent, decimal.NewFromInt(c.percent)
		if c.cap > 0 {
			d.Cap = simVND(c.cap)
		}
	} else {
		d.Amount = simVND(c.fixed)
	}
	if c.minSpend > 0 {
		d.MinSpend = simVND(c.minSpend)
	}
	return d
}

// simExtra is the state of this file's operations in one sequence.
type simExtra struct {
	coupons map[string]*simCoupon
	// mine are the restricted coupons' codes; window the windowed one.
	mine   []string
	window string
	// force is a code the next drawn order enters (after a step onto
	// the window's edge).
	force string
	// conflict re-sends the last request that succeeded with its key and
	// another request; conflictAcct is the account it acts for.
	conflict     func() error
	conflictAcct string
	// limit is each account's own credit limit (-1: none), audit how
	// many type and credit-limit changes each audit trail must hold.
	limit map[string]int64
	audit map[string]int
}

// setupExtra defines the restricted coupons and registers every coupon
// of the sequence with the model.
func (r *simRun) setupExtra(epoch time.Time) error {
	x := &simExtra{coupons: map[string]*simCoupon{}, limit: map[string]int64{}, audit: map[string]int{}}
	r.x = x
	for _, id := range r.m.acctIDs {
		x.limit[id] = -1
	}
	// setupPostpaid switched the third account to postpaid.
	x.audit[r.m.acctIDs[2]] = 1
	code := strings.ToUpper(r.tag)
	x.coupons[r.m.coupons[0].code] = &simCoupon{code: r.m.coupons[0].code, percent: percentOff, cap: percentCap,
		actions: []coupon.Action{coupon.ActionCreate, coupon.ActionRenew}}
	x.coupons[r.m.coupons[1].code] = &simCoupon{code: r.m.coupons[1].code, fixed: fixedOff, totalLimit: fixedLimit,
		actions: []coupon.Action{coupon.ActionCreate}}
	from := epoch.Add(time.Duration(24*60+r.intn(6*24*60)) * time.Minute)
	until := from.Add(time.Duration(24*60+r.intn(6*24*60)) * time.Minute)
	list := []*simCoupon{
		{code: "STO" + code, percent: 10, products: []string{pricing.SampleVStorage}},
		{code: "WIN" + code, fixed: 15_000, from: from, until: until},
		{code: "MIN" + code, percent: 15, cap: 80_000, minSpend: 150_000, products: []string{pricing.SampleVServer}},
		{code: "NEW" + code, fixed: 40_000, firstOnly: true},
		{code: "ACC" + code, fixed: 20_000, acctLimit: 1,
			actions: []coupon.Action{coupon.ActionCreate, coupon.ActionRenew, coupon.ActionResize}},
		{code: "REN" + code, percent: 25, cap: 100_000, actions: []coupon.Action{coupon.ActionRenew, coupon.ActionResize}},
	}
	x.window = "WIN" + code
	for _, c := range list {
		if err := r.e.sys.DefineCoupon(r.ctx, c.definition()); err != nil {
			return err
		}
		x.coupons[c.code] = c
		x.mine = append(x.mine, c.code)
		r.m.coupons = append(r.m.coupons, &mCoupon{code: c.code, percent: c.percent > 0, limit: c.totalLimit})
	}
	return nil
}

// drawCodes draws the coupons an order of acct enters: none about half
// the time, the two everyday coupons, one of the restricted ones, two at
// once (not stackable) or an unknown code.
func (r *simRun) drawCodes() []string {
	if c := r.x.force; c != "" {
		r.x.force = ""
		return []string{c}
	}
	switch n := r.intn(100); {
	case n < 45:
		return nil
	case n < 57:
		return []string{r.m.coupons[0].code}
	case n < 72:
		return []string{r.m.coupons[1].code}
	case n < 94:
		c, _ := pickFrom(r, r.x.mine)
		return []string{c}
	case n < 97:
		c, _ := pickFrom(r, r.x.mine)
		return []string{c, r.m.coupons[0].code}
	}
	return []string{"NOPE" + strings.ToUpper(r.tag)}
}

// firstOrder reports whether acct has no order that counts (paid,
// completed or pending) yet.
func (r *simRun) firstOrder(acct string) bool {
	for _, id := range r.m.orderIDs {
		if o := r.m.orders[id]; o.acct == acct && o.status != ordFailed {
			return false
		}
	}
	return true
}

// accountCount is how many live redemptions of code acct holds.
func (r *simRun) accountCount(acct, code string) int {
	n := 0
	for _, id := range r.m.orderIDs {
		o := r.m.orders[id]
		if o.acct != acct {
			continue
		}
		for _, rd := range o.redemptions {
			if rd.code == code && rd.status != rdmReleased {
				n++
			}
		}
	}
	return n
}

// couponRefusal names the counters of the refusal reasons.
var couponRefusal = map[coupon.Reason]string{
	coupon.ReasonNotYetValid:          "coupon refused: window (not yet valid)",
	coupon.ReasonExpired:              "coupon refused: window (expired)",
	coupon.ReasonNotApplicableAction:  "coupon refused: action",
	coupon.ReasonNotApplicableProduct: "coupon refused: product",
	coupon.ReasonFirstOrderOnly:       "coupon refused: first order",
	coupon.ReasonMinimumNotMet:        "coupon refused: minimum",
	coupon.ReasonTotalLimitReached:    "coupon refused: total limit",
	coupon.ReasonAccountLimitReached:  "coupon refused: per-account limit",
	coupon.ReasonNotStackable:         "coupon refused: not stackable",
	coupon.ReasonUnknownCode:          "coupon refused: unknown code",
}

// evalCoupons is coupon.Evaluate in the model: the codes entered for an
// order of acct doing action on lines of these products and amounts
// (after term discounts). It returns the refusal's reason, or each
// coupon's discount and its split over the lines.
func (r *simRun) evalCoupons(acct string, action coupon.Action, products []string, amounts []int64, codes []string) (discounts []int64, shares [][]int64, rej coupon.Reason) {
	var chosen []*simCoupon
	for _, code := range codes {
		c := r.x.coupons[code]
		if c == nil {
			return nil, nil, coupon.ReasonUnknownCode
		}
		now := r.m.now
		switch {
		case !c.from.IsZero() && now.Before(c.from):
			return nil, nil, coupon.ReasonNotYetValid
		case !c.until.IsZero() && !now.Before(c.until):
			return nil, nil, coupon.ReasonExpired
		case len(c.actions) > 0 && !slices.Contains(c.actions, action):
			return nil, nil, coupon.ReasonNotApplicableAction
		}
		var eligible int64
		found := false
		for i, p := range products {
			if len(c.products) == 0 || slices.Contains(c.products, p) {
				eligible += amounts[i]
				found = true
			}
		}
		switch {
		case !found:
			return nil, nil, coupon.ReasonNotApplicableProduct
		case c.firstOnly && !r.firstOrder(acct):
			return nil, nil, coupon.ReasonFirstOrderOnly
		case c.minSpend > 0 && eligible < c.minSpend:
			return nil, nil, coupon.ReasonMinimumNotMet
		case c.totalLimit > 0 && r.m.couponCount(code) >= c.totalLimit:
			return nil, nil, coupon.ReasonTotalLimitReached
		case c.acctLimit > 0 && r.accountCount(acct, code) >= c.acctLimit:
			return nil, nil, coupon.ReasonAccountLimitReached
		}
		chosen = append(chosen, c)
	}
	if len(chosen) > 1 {
		return nil, nil, coupon.ReasonNotStackable // no coupon of the sequence is stackable
	}
	for _, c := range chosen {
		weights := make([]int64, len(amounts))
		var base int64
		for i, p := range products {
			if len(c.products) == 0 || slices.Contains(c.products, p) {
				weights[i] = amounts[i]
				base += amounts[i]
			}
		}
		d := c.fixed
		if c.percent > 0 {
			d = divRound(base*c.percent, 100)
			if c.cap > 0 {
				d = min(d, c.cap)
			}
		}
		d = min(d, base)
		discounts = append(discounts, d)
		shares = append(shares, allocate(d, weights))
	}
	return discounts, shares, ""
}

// applyCoupons evaluates codes on the lines of an order and takes each
// line's shares off it; it returns the redemptions the order reserves,
// or the refusal's reason.
func (r *simRun) applyCoupons(acct string, action coupon.Action, lines []mLine, codes []string) ([]*mRedemption, coupon.Reason) {
	products := make([]string, len(lines))
	amounts := make([]int64, len(lines))
	for i, l := range lines {
		products[i], amounts[i] = simProduct(l.cfg), l.total
	}
	discounts, shares, rej := r.evalCoupons(acct, action, products, amounts, codes)
	if rej != "" {
		return nil, rej
	}
	var rdms []*mRedemption
	for k, d := range discounts {
		code := codes[k]
		rdms = append(rdms, &mRedemption{code: code, amount: d, status: rdmReserved})
		for i, s := range shares[k] {
			lines[i].total -= s
			if s > 0 {
				if lines[i].shares == nil {
					lines[i].shares = map[string]int64{}
				}
				lines[i].shares[code] = s
			}
		}
	}
	return rdms, ""
}

// expectRejection fails unless err is a coupon rejection for reason, and
// counts the refusal.
func (r *simRun) expectRejection(err error, what string, reason coupon.Reason) {
	var rej *coupon.Rejection
	if !errors.As(err, &rej) || rej.Reason != reason {
		r.failf("%s: want the coupon refused %s, got %v", what, reason, err)
	}
	r.m.hits[couponRefusal[reason]]++
}

// countCoupons counts an order of kind that carried coupons, accepted.
func (r *simRun) countCoupons(kind string, codes []string) {
	if len(codes) == 0 {
		return
	}
	r.m.hits[kind+" with coupon"]++
	if c := r.x.coupons[codes[0]]; c != nil {
		switch {
		case len(c.products) > 0:
			r.m.hits["coupon accepted: product restricted"]++
		case !c.from.IsZero():
			r.m.hits["coupon accepted: in its window"]++
		case c.firstOnly:
			r.m.hits["coupon accepted: first order"]++
		case c.acctLimit > 0:
			r.m.hits["coupon accepted: per-account limit"]++
		}
	}
}

// resizeCoupons prices an upgrade's coupons from the two configurations'
// prorated prices pNew and pOld. A coupon that would make the upgrade free is
// not entered (a free resize order has no payment to find it by).
func (r *simRun) resizeCoupons(res *mResource, pNew, pOld int64) (codes []string, charge int64, rdms []*mRedemption, rej coupon.Reason) {
	// The coupon is evaluated on the difference before tax and taken off
	// the new configuration's line: the charge is that line's total less
	// the old one's, never below zero (ordering.Resize).
	c := r.m.withTax(pNew) - r.m.withTax(pOld)
	codes = r.drawCodes()
	if len(codes) == 0 {
		return nil, c, nil, ""
	}
	diff := r.m.netOf(pNew) - r.m.netOf(pOld)
	discounts, _, rej := r.evalCoupons(res.acct, coupon.ActionResize, []string{simProduct(res.cfg)}, []int64{diff}, codes)
	if rej != "" {
		return codes, 0, nil, rej
	}
	charge = r.m.withTax(pNew-discounts[0]) - r.m.withTax(pOld)
	if charge <= 0 {
		return nil, c, nil, ""
	}
	return codes, charge, []*mRedemption{{code: codes[0], amount: discounts[0], status: rdmReserved}}, ""
}

// opWindowEdge moves the clock onto an edge of the windowed coupon (a
// minute before, at, or a minute after it) and has the next order enter
// it.
func (r *simRun) opWindowEdge() {
	c := r.x.coupons[r.x.window]
	edge := c.from
	if !r.m.now.Before(edge) || r.pct(50) {
		edge = c.until
	}
	at := edge.Add(time.Duration(r.intn(3)-1) * time.Minute)
	if !at.After(r.m.now) {
		return
	}
	r.m.hits["clock onto a coupon window's edge"]++
	r.tickAfter(at.Sub(r.m.now))
	r.checkDirty()
	r.x.force = c.code
	r.opCheckout()
}

// --- the same key with another request ---

// setConflict remembers a request that succeeded, sent again with its
// key and another request.
func (r *simRun) setConflict(acct string, f func() error) { r.x.conflict, r.x.conflictAcct = f, acct }

func (r *simRun) opConflict() {
	if r.x.conflict == nil {
		return
	}
	r.note("the last request's key with another request")
	err := r.x.conflict()
	r.drain()
	r.expectErr(err, "a key reused with another request", billing.ErrIdempotencyConflict)
	r.m.hits["key reused with another request"]++
	r.m.touch(r.x.conflictAcct)
}

// otherTerm is a term unlike t that the sample products sell.
func otherTerm(t mTerm) mTerm {
	switch {
	case t.days > 0:
		return mTerm{days: t.days + 1}
	case t.months == 1:
		return mTerm{months: 2}
	}
	return mTerm{months: 12}
}

// --- bills paid out of order ---

// countBillOrder counts a payment aimed at bill b of acct: one of several
// open bills, and one that is not the first automatic payment would pay.
func (r *simRun) countBillOrder(acct string, b *mBill) {
	if b == nil {
		return
	}
	order := r.m.collectionOrder(acct)
	if len(order) > 1 {
		r.m.hits["bill paid with several open"]++
	}
	if len(order) > 0 && order[0] != b {
		r.m.hits["bill paid out of order"]++
	}
}

// opPayLaterBill pays an open bill of the postpaid account other than the
// one automatic payment pays first, in full or in part, by credit when
// there is enough else through the gateway.
func (r *simRun) opPayLaterBill() {
	acct := r.postpaidAccount()
	open := r.m.collectionOrder(acct)
	if len(open) < 2 {
		return
	}
	b := open[1+r.intn(len(open)-1)]
	amt := b.outstanding()
	if r.pct(40) {
		amt = 1 + int64(r.intn(int(amt)))
	}
	method := payment.MethodCredit
	if r.m.available(acct) < amt {
		method = payment.MethodGateway
	}
	r.note("pay %s later bill %s %d of %d open by %s", acct, b.id, amt, len(open), method)
	r.countBillOrder(acct, b)
	req := billing.PayRequest{AccountID: acct, Amount: simVND(amt), Method: method, Gateway: "sim",
		Purpose: payment.Purpose{Kind: payment.PurposeInvoice, Ref: b.id}}
	pl := r.planPay(acct, amt, method)
	key := r.key()
	lp, err := r.e.sys.Pay(r.ctx, key, req)
	r.noErr(err, "pay a later bill")
	r.paid(acct, purposeInvoice, b.id, method, amt, pl, lp)
	r.setConflict(acct, func() error {
		other := req
		other.Amount = simVND(amt + 1)
		_, err := r.e.sys.Pay(r.ctx, key, other)
		return err
	})
}

// --- credit limits and account types ---

// unbilled is what acct's postpaid resources ran up and were not billed
// for yet, at now: every month not closed, to now, priced as month close
// prices it (checkPostpaidPurchase's unbilled).
func (r *simRun) unbilled(acct string) int64 {
	var total int64
	for _, id := range r.m.pp.resIDs {
		x := r.m.pp.res[id]
		if x.acct != acct || x.start.IsZero() {
			continue
		}
		from := x.closed
		if from.IsZero() {
			from = x.start
		}
		for {
			ms, me := r.m.monthOf(x.acct, from)
			if (!x.stopped.IsZero() && !x.stopped.After(ms)) || !r.m.now.After(ms) {
				break
			}
			total += r.monthSoFar(x, ms, me)
			from = me
		}
	}
	return total
}

// monthSoFar is closeMonth's bill of x for the month ms–me cut at now.
func (r *simRun) monthSoFar(x *mPostRes, ms, me time.Time) int64 {
	end := me
	if !x.stopped.IsZero() && x.stopped.Before(end) {
		end = x.stopped
	}
	if r.m.now.Before(end) {
		end = r.m.now
	}
	total, _ := r.m.monthCharge(x, ms, me, end)
	return total
}

// owed is what acct owes for a credit check: unbilled plus its open bills.
func (r *simRun) owed(acct string) int64 {
	n := r.unbilled(acct)
	for _, b := range r.m.openBills(acct) {
		n += b.outstanding()
	}
	return n
}

// pastDue reports whether an open bill of acct (any kind) is past its
// due time: checkPostpaidPurchase's overdue refusal.
func (r *simRun) pastDue(acct string) bool {
	for _, b := range r.m.openBills(acct) {
		if !b.due.IsZero() && b.due.Before(r.m.now) {
			return true
		}
	}
	return false
}

// creditRefused reports whether a postpaid purchase of cfg by acct is
// refused by its own credit limit (the sequence's policy blocks).
func (r *simRun) creditRefused(acct string, cfg int) bool {
	l := r.x.limit[acct]
	return l >= 0 && r.owed(acct)+r.m.withTax(simConfigs[cfg].price) > l
}

// simCreditNoticePercent is the share of its credit limit from which a
// postpaid purchase the limit allows is noticed (credit_limit).
const simCreditNoticePercent = 80

// nearLimit reports whether a postpaid purchase of cfg the credit limit
// allows is noticed: from simCreditNoticePercent of the limit, with the
// purchase, the customer is warned (checkPostpaidPurchase). Asked before
// the purchase; the notice is the model's once the purchase succeeded.
func (r *simRun) nearLimit(acct string, cfg int) bool {
	l := r.x.limit[acct]
	used := r.owed(acct) + r.m.withTax(simConfigs[cfg].price)
	return l >= 0 && used*100 >= simCreditNoticePercent*l && used <= l
}

// creditNotice is the credit_limit notice of a purchase nearLimit found
// near the limit.
func (r *simRun) creditNotice(acct string, near bool) {
	if near {
		r.m.notice(acct, "credit_limit", "")
		r.m.hits["purchase near the credit limit noticed"]++
	}
}

// setLimit sets acct's own credit limit (-1: none) and checks the result.
func (r *simRun) setLimit(acct string, limit int64) {
	req := billing.SetCreditLimitRequest{AccountID: acct, Actor: "sim", Reason: "sim"}
	if limit >= 0 {
		req.Limit = simVND(limit)
	}
	a, err := r.e.sys.SetCreditLimit(r.ctx, r.key(), req)
	r.noErr(err, "set credit limit")
	got := int64(-1)
	if !a.CreditLimit.Currency().IsZero() {
		got = minorOf(a.CreditLimit)
	}
	if got != limit {
		r.failf("set credit limit of %s: the account has %d, want %d", acct, got, limit)
	}
	if r.x.limit[acct] != limit {
		r.x.audit[acct]++
		r.m.hits["credit limit changed"]++
	} else {
		r.m.hits["credit limit set unchanged"]++
	}
	r.x.limit[acct] = limit
}

// opCreditLimit changes the postpaid account's own credit limit (or asks
// for a change the call must refuse) and, half the time, tries a
// purchase against it at once: a limit drawn around what the account
// owes with the purchase puts it on the edge.
func (r *simRun) opCreditLimit() {
	acct := r.postpaidAccount()
	if r.pct(10) {
		req := billing.SetCreditLimitRequest{AccountID: acct, Actor: "sim"}
		switch r.intn(3) {
		case 0:
			req.Limit = simVND(-1000)
		case 1:
			usd, err := simUSD(1000)
			r.noErr(err, "USD")
			req.Limit = usd
		default:
			req.Limit, req.Actor = simVND(1000), ""
		}
		r.note("set credit limit of %s refused: %+v", acct, req)
		_, err := r.e.sys.SetCreditLimit(r.ctx, r.key(), req)
		r.expectErr(err, "a bad credit limit", billing.ErrInvalidRequest)
		r.m.hits["credit limit change refused"]++
		r.m.touch(acct)
		r.checkAudit(acct)
		return
	}
	cfg := r.drawConfig()
	need := r.owed(acct) + simConfigs[cfg].price
	var limit int64
	switch n := r.intn(20); {
	case n < 4:
		limit = -1
	case n < 6:
		limit = int64(r.intn(50)) * 1000
	case n < 8:
		limit = 1_000_000_000_000
	case n < 10:
		limit = r.x.limit[acct] // the same: nothing changes
	default:
		limit = max(need+int64(r.intn(5)-2), 0)
	}
	r.note("set credit limit of %s to %d (owed with a %s: %d)", acct, limit, simConfigs[cfg].name, need)
	r.setLimit(acct, limit)
	r.m.touch(acct)
	r.checkAudit(acct)
	if r.pct(50) {
		r.postpaidPurchase(acct, cfg)
	}
}

// postpaidPurchase buys cfg on postpaid acct, expecting the refusal the
// model predicts (overdue first, then the credit limit).
func (r *simRun) postpaidPurchase(acct string, cfg int) {
	overdue, refused := r.pastDue(acct), r.creditRefused(acct, cfg)
	r.note("postpaid purchase %s %s (overdue %v, over its limit %v)", acct, simConfigs[cfg].name, overdue, refused)
	req := billing.CheckoutRequest{AccountID: acct, Method: payment.MethodCredit,
		Items: []billing.OrderItem{{ProductID: simProduct(cfg), Configuration: simConfiguration(cfg), Quantity: 1, Term: mTerm{months: 1}.period()}}}
	near := !overdue && !refused && r.nearLimit(acct, cfg) // owed before the purchase
	res, err := r.e.sys.Checkout(r.ctx, r.key(), req)
	r.m.touch(acct)
	switch {
	case overdue:
		r.expectErr(err, "a purchase while overdue", lifecycle.ErrAccountOverdue)
		return
	case refused:
		r.expectErr(err, "a purchase over the credit limit", lifecycle.ErrCreditLimitExceeded)
		r.m.hits["purchase refused over the credit limit"]++
		return
	}
	r.noErr(err, "postpaid purchase within the credit limit")
	r.creditNotice(acct, near)
	if r.x.limit[acct] >= 0 {
		r.m.hits["purchase within the credit limit"]++
	}
	if len(res.Resources) != 1 || res.Order.Status != order.StatusBilledInArrears {
		r.failf("postpaid purchase: %d resources, status %s", len(res.Resources), res.Order.Status)
	}
	x := &mPostRes{id: res.Resources[0].ID, acct: acct, cfg: cfg, state: stProvisioning}
	r.m.pp.res[x.id] = x
	r.m.pp.resIDs = append(r.m.pp.resIDs, x.id)
	r.m.pp.dirtyPost[x.id] = true
	r.m.event(acct, "resource.provision")
}

// opAccountType asks for an account-type change: one the call refuses, a
// switch to the type the account has (nothing written), or a prepaid
// account's round trip to postpaid — where, with a credit limit below
// what a purchase needs, a purchase is refused (overdue first, then the
// limit) and nothing is bought — and back.
func (r *simRun) opAccountType() {
	acct := r.account()
	a := r.m.accounts[acct]
	typ := billing.Prepaid
	if a.postpaid {
		typ = billing.Postpaid
	}
	switch n := r.intn(10); {
	case n < 2:
		req := billing.SetAccountTypeRequest{AccountID: acct, Type: "weekly", Actor: "sim"}
		want := billing.ErrInvalidRequest
		switch r.intn(3) {
		case 0:
			req.Type, req.Actor = typ, ""
		case 1:
			req.AccountID, want = acct+"zz", billing.ErrAccountNotFound
			req.Type = billing.Postpaid
		}
		r.note("set account type refused: %+v", req)
		_, err := r.e.sys.SetAccountType(r.ctx, r.key(), req)
		r.expectErr(err, "a bad account type change", want)
		r.m.hits["account type change refused"]++
	case n < 4 || a.postpaid:
		r.note("set account type of %s to %s, as it is", acct, typ)
		got, err := r.e.sys.SetAccountType(r.ctx, r.key(), billing.SetAccountTypeRequest{AccountID: acct, Type: typ, Actor: "sim"})
		r.noErr(err, "set account type")
		if got.Type != typ {
			r.failf("account %s is %s, want %s", acct, got.Type, typ)
		}
		r.m.hits["account type set unchanged"]++
	default:
		r.note("account %s to postpaid and back", acct)
		r.switchType(acct, billing.Postpaid)
		cfg := r.drawConfig()
		need := r.owed(acct) + simConfigs[cfg].price
		r.setLimit(acct, int64(r.intn(int(need))))
		r.postpaidPurchase(acct, cfg)
		r.setLimit(acct, -1)
		r.switchType(acct, billing.Prepaid)
	}
	r.m.touch(acct)
	r.checkAudit(acct)
}

// switchType changes acct's type and checks the result.
func (r *simRun) switchType(acct string, typ billing.AccountType) {
	got, err := r.e.sys.SetAccountType(r.ctx, r.key(), billing.SetAccountTypeRequest{AccountID: acct, Type: typ, Actor: "sim", Reason: "sim"})
	r.noErr(err, "set account type")
	if got.Type != typ {
		r.failf("account %s is %s, want %s", acct, got.Type, typ)
	}
	r.x.audit[acct]++
	r.m.hits["account type changed"]++
}

// checkAudit compares how many type and credit-limit changes acct's
// audit trail holds with the model.
func (r *simRun) checkAudit(acct string) {
	n := 0
	err := r.e.st.InTx(r.ctx, func(ctx context.Context, tx storage.Tx) error {
		var after int64
		for {
			recs, err := tx.Audit().List(ctx, acct, after, 1000)
			if err != nil {
				return err
			}
			for _, rec := range recs {
				if rec.Action == "account.type_changed" || rec.Action == "account.credit_limit_changed" {
					n++
				}
				after = rec.Seq
			}
			if len(recs) < 1000 {
				return nil
			}
		}
	})
	r.noErr(err, "audit trail")
	r.checks++
	if n != r.x.audit[acct] {
		r.failf("%s: %d type and credit-limit changes in the audit trail, model %d", acct, n, r.x.audit[acct])
	}
}

// simExtraOps is this file's part of the operation mix.
func simExtraOps() []simOp {
	return []simOp{
		{"coupon window edge", 1, (*simRun).opWindowEdge},
		{"key reused with another request", 2, (*simRun).opConflict},
		{"pay a later bill", 2, (*simRun).opPayLaterBill},
		{"credit limit", 1, (*simRun).opCreditLimit},
		{"account type", 1, (*simRun).opAccountType},
	}
}

func simUSD(n int64) (money.Amount, error) { return money.FromMinor(n, "USD") }
