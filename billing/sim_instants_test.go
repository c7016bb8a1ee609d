package billing_test

import (
	"slices"
	"time"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
)

// Clock steps onto the interesting instants: besides the random
// steps of opTick, the clock moves to just before, exactly onto or just
// after the next instant at which a rule of some account changes its
// answer — a payment's or a link's expiry, a promotional grant's expiry, a
// bill's due time and the overdue schedule's T+7, T+14, T+15 and T+30, the
// month's close, the daily run, a resource's end of term, suspension and
// release. The instants come from the model, through a list of sources
// that other parts of the simulation may extend (auto-renewal attempt and
// reminder days, for instance).

// simInstantSource names a kind of instant and lists those the model
// knows now (past ones included: the step keeps those after now).
type simInstantSource struct {
	name string
	at   func(m *simModel) []time.Time
}

// simInstantSources are the sources opInstant draws from; append to add
// one.
var simInstantSources = []simInstantSource{
	{"payment expiry", func(m *simModel) []time.Time {
		var out []time.Time
		for _, id := range m.payIDs {
			if p := m.payments[id]; (p.status == payCreated || p.status == payPending) && !p.expiresAt.IsZero() {
				out = append(out, p.expiresAt)
			}
		}
		return out
	}},
	{"payment link expiry", func(m *simModel) []time.Time {
		var out []time.Time
		for _, id := range m.linkIDs {
			if l := m.links[id]; l.paidBy == "" {
				out = append(out, l.expires)
			}
		}
		return out
	}},
	{"promotional credit expiry", func(m *simModel) []time.Time {
		var out []time.Time
		for _, id := range m.acctIDs {
			for _, p := range m.accounts[id].promos {
				if p.amount > 0 {
					out = append(out, p.expires)
				}
			}
		}
		return out
	}},
	{"bill due and overdue schedule", func(m *simModel) []time.Time {
		var out []time.Time
		for _, id := range m.pp.billIDs {
			b := m.pp.bills[id]
			if b.prepaidUsage || b.outstanding() <= 0 {
				continue
			}
			// T, T+7, T+14 (charge attempts), T+15 (suspension), T+30
			// (release after a suspension on time).
			for _, d := range []int{0, 7, 14, overdueSuspend, overdueSuspend + overdueRelease} {
				out = append(out, m.addDays(b.acct, b.due, d))
			}
			if b.overdue != nil {
				out = append(out, b.overdue.due)
				if !b.overdue.suspended.IsZero() {
					out = append(out, m.addDays(b.acct, b.overdue.suspended, overdueRelease))
				}
			}
		}
		return out
	}},
	{"month close", func(m *simModel) []time.Time {
		var out []time.Time
		for _, acct := range m.acctIDs {
			_, end := m.monthOf(acct, m.now)
			out = append(out, end, end.Add(closeDelay))
		}
		return out
	}},
	{"daily run", func(m *simModel) []time.Time {
		var out []time.Time
		for _, acct := range m.acctIDs {
			out = append(out, m.nextDaily(acct, m.now))
		}
		return out
	}},
	// Automatic-renewal attempts, reminders and state changes of prepaid
	// resources (sim_renewals_test.go).
	{"auto-renewal, reminder and state change", (*simModel).renewalInstants},
	{"end of term, suspension and release", func(m *simModel) []time.Time {
		var out []time.Time
		for _, id := range m.resIDs {
			r := m.resources[id]
			switch r.state {
			case stActive, stGrace, stSuspended:
				out = append(out, r.end, m.addDays(r.acct, r.end, graceDays), m.addDays(r.acct, r.end, releaseDays))
			}
		}
		return out
	}},
}

// simInstant is one candidate instant and the source that named it.
type simInstant struct {
	at     time.Time
	source string
}

// simInstantHorizon bounds how far one step may jump.
const simInstantHorizon = 45 * 24 * time.Hour

// simInstantOffsets are where the step lands around the instant.
var simInstantOffsets = []time.Duration{-time.Minute, -time.Second, 0, time.Second, time.Minute}

// nextInstants lists the instants after now within the horizon, soonest
// first, each once (the first source naming it wins).
func (m *simModel) nextInstants() []simInstant {
	var out []simInstant
	limit := m.now.Add(simInstantHorizon)
	for _, src := range simInstantSources {
		for _, t := range src.at(m) {
			if t.After(m.now) && !t.After(limit) {
				out = append(out, simInstant{t, src.name})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b simInstant) int { return a.at.Compare(b.at) })
	return slices.CompactFunc(out, func(a, b simInstant) bool { return a.at.Equal(b.at) })
}

// opInstant moves the clock to just before, onto or just after one of the
// next instants (most often the very next), and runs the worker there —
// or, one time in four, does not: the host's worker runs every few
// minutes, and operations land between an instant and the sweep that
// acts on it.
func (r *simRun) opInstant() {
	list := r.m.nextInstants()
	if len(list) == 0 {
		return
	}
	// Half the time the very next instant; else the next one of a source
	// drawn among those that name any, so that rare kinds (a link's
	// expiry, T+30) are reached as often as the daily run.
	in := list[0]
	if r.pct(50) {
		var sources []string
		for _, c := range list {
			if !slices.Contains(sources, c.source) {
				sources = append(sources, c.source)
			}
		}
		src := sources[r.intn(len(sources))]
		for _, c := range list {
			if c.source == src {
				in = c
				break
			}
		}
	}
	off := simInstantOffsets[r.intn(len(simInstantOffsets))]
	target := in.at.Add(off)
	if !target.After(r.m.now) {
		off, target = time.Second, in.at.Add(time.Second)
	}
	r.m.hits["clock steps onto an instant"]++
	r.m.hits["clock steps onto an instant: "+in.source]++
	if r.pct(75) {
		r.note("clock to %s %+v (%s at %s)", in.source, off, in.source, in.at.Format(time.RFC3339))
		r.tickAfter(target.Sub(r.m.now))
		return
	}
	r.note("clock to %s %+v (%s at %s), no tick", in.source, off, in.source, in.at.Format(time.RFC3339))
	r.e.clk.Advance(target.Sub(r.m.now))
	r.m.now = r.e.clk.Now()
	r.m.hits["clock steps without the worker"]++
}

// --- counters of the edges the instants reach (called from the model) ---

// noteResume counts a resumption decision for acct taken while it has
// suspended postpaid resources and another open bill past its due time:
// resumed when none is past its suspension day, kept suspended otherwise.
func (m *simModel) noteResume(acct string) {
	suspended := false
	for _, id := range m.pp.resIDs {
		if x := m.pp.res[id]; x.acct == acct && x.state == stSuspended {
			suspended = true
			break
		}
	}
	if !suspended {
		return
	}
	pastDue, pastSuspension := false, false
	for _, b := range m.openBills(acct) {
		if b.prepaidUsage || !b.due.Before(m.now) {
			continue
		}
		pastDue = true
		if !m.now.Before(m.addDays(acct, b.due, overdueSuspend)) {
			pastSuspension = true
		}
	}
	if !pastDue {
		return
	}
	m.hits["resumptions with another bill past due"]++
	if pastSuspension {
		m.hits["kept suspended: another bill past its suspension day"]++
	} else {
		m.hits["resumed with another bill past due before its suspension day"]++
	}
}

// notePromoSpend counts spends of a grant within a minute of its expiry,
// and grants skipped past their expiry before the sweep zeroed them.
func (m *simModel) notePromoSpend(p *mPromo) {
	switch left := p.expires.Sub(m.now); {
	case left <= 0 && p.amount > 0:
		m.hits["expired promotional credit skipped before its sweep"]++
	case left > 0 && left <= time.Minute && p.amount > 0:
		m.hits["promotional credit spent in its last minute"]++
	}
}

// noteCallbackAt counts gateway answers delivered for a payment still open
// at or past its expiry: the sweep has not ended it yet.
func (r *simRun) noteCallbackAt(p *mPayment, open bool) {
	if open && !p.expiresAt.IsZero() && !r.m.now.Before(p.expiresAt) {
		r.m.hits["callback for an open payment past its expiry"]++
	}
}

// noteLinkPay counts payments of a link started within a minute of its
// expiry, either side.
func (r *simRun) noteLinkPay(l *mLink) {
	if l.paidBy != "" {
		return
	}
	switch d := l.expires.Sub(r.m.now); {
	case d > 0 && d <= time.Minute:
		r.m.hits["link paid in its last minute"]++
	case d <= 0 && d > -time.Minute:
		r.m.hits["link refused in the minute after its expiry"]++
	}
}

// --- payment links for bills ---

// opBillLink creates a payment link for an open bill (a postpaid month
// bill or a prepaid usage invoice): unlike an order's, which fails with
// its payment within half an hour, a bill stays payable for weeks, so the
// link lives to its expiry and the instants reach it.
func (r *simRun) opBillLink() {
	var open []*mBill
	for _, id := range r.m.pp.billIDs {
		if b := r.m.pp.bills[id]; b.outstanding() > 0 {
			open = append(open, b)
		}
	}
	b, ok := pickFrom(r, open)
	if !ok {
		return
	}
	r.note("payment link for %s bill %s (%d outstanding)", b.acct, b.id, b.outstanding())
	req := billing.PaymentLinkRequest{AccountID: b.acct, Purpose: payment.Purpose{Kind: payment.PurposeInvoice, Ref: b.id}}
	if r.pct(50) {
		req.Amount = simVND(b.outstanding())
	}
	l, err := r.e.sys.CreatePaymentLink(r.ctx, r.key(), req)
	r.noErr(err, "create a bill's payment link")
	if !l.ExpiresAt.Equal(r.m.now.Add(linkValidity)) || minorOf(l.Amount) != b.outstanding() {
		r.failf("payment link %+v, want %d until %s", l, b.outstanding(), r.m.now.Add(linkValidity))
	}
	r.m.links[l.Token] = &mLink{token: l.Token, acct: b.acct, bill: b.id, amount: b.outstanding(), expires: l.ExpiresAt}
	r.m.linkIDs = append(r.m.linkIDs, l.Token)
	r.m.hits["payment links for a bill"]++
}

// pickLink draws the link opPayLink pays: mostly one not yet paid and
// not past its expiry by more than a minute, else any.
func (r *simRun) pickLink() (string, bool) {
	if r.pct(70) {
		var live []string
		for _, t := range r.m.linkIDs {
			if l := r.m.links[t]; l.paidBy == "" && r.m.now.Before(l.expires.Add(time.Minute)) {
				live = append(live, t)
			}
		}
		if t, ok := pickFrom(r, live); ok {
			return t, true
		}
	}
	return pickFrom(r, r.m.linkIDs)
}

// billLinkRefusal is how PayLink refuses the link of a bill now: nothing
// outstanding, or less than the link's amount (a link pays its amount).
func (r *simRun) billLinkRefusal(l *mLink) error {
	switch b := r.m.pp.bills[l.bill]; {
	case b.outstanding() == 0:
		return billing.ErrNotPayable
	case b.outstanding() < l.amount:
		return billing.ErrAmountDue
	}
	return nil
}

// linkBillPaid settles the bill a link paid, as a payment of the bill
// itself: up to what is outstanding, else the money becomes cash.
func (m *simModel) linkBillPaid(p *mPayment, bill string) {
	if b := m.pp.bills[bill]; b.outstanding() >= p.amount {
		m.billPaid(b, p.amount)
		return
	}
	m.creditBack(p)
}

// opLinkAcrossExpiry pays a live link shortly before its expiry and has
// the gateway confirm (or decline) it shortly after: within the payment's
// half hour the link is still paid by it (the payer started in time);
// past it, the payment is expired by the worker — or not yet, when the
// worker has not run — and the money becomes cash or settles.
func (r *simRun) opLinkAcrossExpiry() {
	liveLinks := func() []string {
		var live []string
		for _, t := range r.m.linkIDs {
			l := r.m.links[t]
			if l.paidBy == "" && l.expires.After(r.m.now.Add(10*time.Minute)) && !l.expires.After(r.m.now.Add(10*24*time.Hour)) {
				live = append(live, t)
			}
		}
		return live
	}
	live := liveLinks()
	if len(live) == 0 {
		// None: a link for an open bill, if there is one.
		r.opBillLink()
		live = liveLinks()
	}
	token, ok := pickFrom(r, live)
	if !ok {
		return
	}
	l := r.m.links[token]
	before := []time.Duration{time.Second, time.Minute, 10 * time.Minute}[r.intn(3)]
	r.tickAfter(l.expires.Add(-before).Sub(r.m.now))
	n := len(r.m.payIDs)
	r.payLink(token)
	if len(r.m.payIDs) == n {
		return // refused: the bill or order was settled meanwhile
	}
	p := r.m.payments[r.m.payIDs[n]]
	if !p.gwOpen {
		return
	}
	if r.pct(15) {
		r.e.sim.SetOutcome(p.id, gatewaysim.Decline("declined"))
	}
	cb, err := r.e.sim.Complete(p.id)
	r.noErr(err, "gateway answer")
	p.gwOpen, p.gwSays = false, cb.Event.Type
	r.callbacks = append(r.callbacks, simCallback{cb: cb, payment: p.id, kind: cb.Event.Type})
	after := l.expires.Add([]time.Duration{time.Second, time.Minute, 20 * time.Minute, 40 * time.Minute}[r.intn(4)])
	if r.pct(50) {
		r.tickAfter(after.Sub(r.m.now))
	} else {
		r.note("clock to %s past the link's expiry, no tick", after.Sub(l.expires))
		r.e.clk.Advance(after.Sub(r.m.now))
		r.m.now = r.e.clk.Now()
	}
	r.deliverOne(len(r.callbacks) - 1)
}

// opPayOverdueBill pays a bill past its due time in full from credit
// (granted first when short): the payment that ends an overdue schedule,
// after which the suspended resources resume — or stay suspended while
// another bill is past its suspension day.
func (r *simRun) opPayOverdueBill() {
	var list []*mBill
	for _, id := range r.m.pp.billIDs {
		if b := r.m.pp.bills[id]; !b.prepaidUsage && b.outstanding() > 0 && b.due.Before(r.m.now) {
			list = append(list, b)
		}
	}
	b, ok := pickFrom(r, list)
	if !ok {
		return
	}
	amt := b.outstanding()
	if short := amt - r.m.available(b.acct); short > 0 {
		if short > 1e14 {
			return // more than one grant accepts
		}
		r.grant(b.acct, short, 20*24*time.Hour)
	}
	r.note("pay overdue bill %s of %s in full (%d) by credit", b.id, b.acct, amt)
	req := billing.PayRequest{AccountID: b.acct, Amount: simVND(amt), Method: payment.MethodCredit,
		Purpose: payment.Purpose{Kind: payment.PurposeInvoice, Ref: b.id}}
	pl := r.planPay(b.acct, amt, payment.MethodCredit)
	key := r.key()
	lp, err := r.e.sys.Pay(r.ctx, key, req)
	if pl.reject != nil {
		r.expectErr(err, "pay an overdue bill", pl.reject)
		return
	}
	r.noErr(err, "pay an overdue bill")
	r.paid(b.acct, purposeInvoice, b.id, payment.MethodCredit, amt, pl, lp)
	r.setReplay(b.acct, func() error { _, err := r.e.sys.Pay(r.ctx, key, req); return err })
}
