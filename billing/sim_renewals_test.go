package billing_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
	"github.com/cloudbill/cloudbill/storage"
)

// The lifecycle clock of prepaid resources in the model: reminders,
// automatic renewal, the moves to grace, suspension and release, the
// notices they send with the billing status they carry, and the
// operations that reach them (set auto-renew, match end time, a prepaid
// account whose credit hold runs short five days in a row). The rules are
// lifecycle.DefaultPolicy's, as lifecycle.Rules.Due and NextDue state
// them; days are calendar days of the accounts' zone (addDays).

// The default policy's schedule, in days relative to the end T.
var (
	autoRenewDays = []int{-7, -4, -1, 0} // attempts at T−7, T−4, T−1, T
)

const (
	reminderLead  = 7  // the first reminder at T−7 …
	reminderCount = 37 // … then daily until the release at T+30 (T−7 … T+29)
	warningDays   = 15 // billing status: warning from 15 days left …
	alertDays     = 5  // … alerted under 5
)

// Billing statuses (lifecycle.BillingStatus).
const (
	bsGood    = "good"
	bsWarning = "warning"
	bsAlerted = "alerted"
	bsExpired = "expired"
)

// mSched is the schedule state of a prepaid resource's term
// (lifecycle.ResourceView without the state and end).
type mSched struct {
	since    time.Time // when the end was set (activation, renewal)
	nextRem  int       // the first reminder not yet sent or skipped
	nextAtt  int       // the first attempt not yet made or skipped
	auto     bool      // automatic renewal on
	autoTerm mTerm     // what it buys (zero: 1 month)
}

// mRenewals is the model's part for the lifecycle clock.
type mRenewals struct {
	sched map[string]*mSched
	// linked mirrors Config.AutoRenewWithLinkedAccount (drawn per sequence).
	linked bool
	// decline makes the simulated gateway decline the linked-account
	// charges of the tick being run.
	decline bool
	// unmatched are the automatic renewals of the last tick, whose order
	// and payment ids are learned from the library afterwards.
	unmatched []mAutoRenewal
	// charges are the linked-account renewals placed in the tick's page,
	// charged after it commits.
	charges []mAutoRenewal
	// stopped names the accounts whose metered services were stopped.
	stopped map[string]bool
	// docs are each prepaid resource's invoices, in issue order, with
	// what credit notes took from them (invoice.issued events).
	docs map[string][]*mDoc
	// postpaidCard says the postpaid account has a linked card (its
	// overdue charges use it, so no tick declines cards).
	postpaidCard bool
}

// mAutoRenewal is one automatic renewal's order and payment.
type mAutoRenewal struct {
	res *mResource
	o   *mOrder
	p   *mPayment
}

func newRenewals() *mRenewals {
	return &mRenewals{sched: map[string]*mSched{}, stopped: map[string]bool{}, docs: map[string][]*mDoc{}}
}

// mDoc is a prepaid resource's invoice and what its credit notes took.
type mDoc struct{ total, credited int64 }

// invoiced records an invoice of total issued for r (activation, renewal,
// the new value after a resize).
func (m *simModel) invoiced(r *mResource, total int64) {
	m.rn.docs[r.id] = append(m.rn.docs[r.id], &mDoc{total: total})
	m.event(r.acct, "invoice.issued")
}

// credited records credit notes for amount against r's invoices, the
// latest first, one per invoice with room left (invoicing.CreditInvoices).
func (m *simModel) credited(r *mResource, amount int64) {
	docs := m.rn.docs[r.id]
	for i := len(docs) - 1; i >= 0 && amount > 0; i-- {
		room := docs[i].total - docs[i].credited
		if room <= 0 {
			continue
		}
		take := min(room, amount)
		docs[i].credited += take
		amount -= take
		m.event(r.acct, "invoice.issued")
		m.hits["credit notes"]++
	}
}

// simAutoRenewLinked draws Config.AutoRenewWithLinkedAccount for a
// sequence: on in two sequences of three.
func simAutoRenewLinked(seed uint64) bool { return seed%3 != 0 }

func (m *simModel) schedOf(r *mResource) *mSched {
	s := m.rn.sched[r.id]
	if s == nil {
		s = &mSched{}
		m.rn.sched[r.id] = s
	}
	return s
}

// activatedNow starts a resource's schedule at its activation.
func (m *simModel) activatedNow(r *mResource) {
	s := m.schedOf(r)
	s.since, s.nextRem, s.nextAtt = m.now, 0, 0
}

// renewedNow restarts the schedule after a renewal (manual, automatic or
// an end-time match) paid now: its reminders and attempts start over.
func (m *simModel) renewedNow(r *mResource) { m.activatedNow(r) }

func scheduled(state string) bool {
	return state == stActive || state == stGrace || state == stSuspended
}

// billingStatus is what the portal shows for r now ("" outside the
// scheduled states).
func (m *simModel) billingStatus(r *mResource) string {
	if !scheduled(r.state) || r.end.IsZero() {
		return ""
	}
	switch {
	case !m.now.Before(r.end):
		return bsExpired
	case m.now.After(m.addDays(r.acct, r.end, -alertDays)):
		return bsAlerted
	case m.now.Before(m.addDays(r.acct, r.end, -warningDays)):
		return bsGood
	}
	return bsWarning
}

// notice records a customer notice of kind for acct with the billing
// status it carries.
func (m *simModel) notice(acct, kind, status string) {
	m.event(acct, "notice")
	m.event(acct, noticeKey(kind, status))
	m.hits["notice "+kind]++
}

func noticeKey(kind, status string) string { return "notice " + kind + " [" + status + "]" }

// resNotice is a notice about resource r, carrying its status now.
func (m *simModel) resNotice(r *mResource, kind string) {
	m.notice(r.acct, kind, m.billingStatus(r))
}

func (m *simModel) reminderAt(acct string, end time.Time, k int) time.Time {
	return m.addDays(acct, end, k-reminderLead)
}

func (m *simModel) attemptAt(acct string, end time.Time, i int) time.Time {
	return m.addDays(acct, end, autoRenewDays[i])
}

// firstReminderAfter is the smallest k in [0, reminderCount] whose
// reminder is after t.
func (m *simModel) firstReminderAfter(acct string, end, t time.Time) int {
	k := 0
	for k < reminderCount && !m.reminderAt(acct, end, k).After(t) {
		k++
	}
	return k
}

// transitionAt is when a resource in state moves on by the clock, and to
// what, with the host event.
func (m *simModel) transitionAt(acct, state string, end time.Time) (at time.Time, next, event string) {
	switch state {
	case stActive:
		return end, stGrace, "resource.restrict"
	case stGrace:
		return m.addDays(acct, end, graceDays), stSuspended, "resource.suspend"
	case stSuspended:
		return m.addDays(acct, end, releaseDays), stReleased, "resource.release"
	}
	return time.Time{}, "", ""
}

func (s *mSched) owed(at time.Time) bool { return s.since.IsZero() || at.After(s.since) }

// nextDue is lifecycle.Rules.NextDue: the earliest instant work is due.
func (m *simModel) nextDue(r *mResource) (time.Time, bool) {
	if !scheduled(r.state) {
		return time.Time{}, false
	}
	s := m.schedOf(r)
	next, _, _ := m.transitionAt(r.acct, r.state, r.end)
	if s.auto && (r.state == stActive || r.state == stGrace) {
		suspendAt := m.addDays(r.acct, r.end, graceDays)
		for i := s.nextAtt; i < len(autoRenewDays); i++ {
			at := m.attemptAt(r.acct, r.end, i)
			if !at.Before(suspendAt) {
				break
			}
			if s.owed(at) {
				next = earlier(next, at)
				break
			}
		}
	}
	k := s.nextRem
	if !s.since.IsZero() {
		k = max(k, m.firstReminderAfter(r.acct, r.end, s.since))
	}
	if k < reminderCount {
		next = earlier(next, m.reminderAt(r.acct, r.end, k))
	}
	return next, true
}

func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// dueAttempt is the automatic-renewal attempt due now, or -1.
func (m *simModel) dueAttempt(r *mResource) int {
	s := m.schedOf(r)
	if !s.auto || (r.state != stActive && r.state != stGrace) {
		return -1
	}
	latest := -1
	for i := range autoRenewDays {
		if m.attemptAt(r.acct, r.end, i).After(m.now) {
			break
		}
		latest = i
	}
	if latest < 0 || latest < s.nextAtt {
		return -1
	}
	if latest == len(autoRenewDays)-1 && !m.now.Before(m.addDays(r.acct, r.end, graceDays)) {
		return -1
	}
	if !s.owed(m.attemptAt(r.acct, r.end, latest)) {
		return -1
	}
	return latest
}

// clockResources is the lifecycle clock of one Tick: the due prepaid
// resources in the worker's order (due time, then id), each one's due
// work in lifecycle.Due's order, then the linked-account renewals placed,
// charged after the page commits.
func (m *simModel) clockResources() {
	type due struct {
		at time.Time
		r  *mResource
	}
	var list []due
	for _, id := range m.resIDs {
		r := m.resources[id]
		if at, ok := m.nextDue(r); ok && !at.After(m.now) {
			list = append(list, due{at, r})
		}
	}
	slices.SortFunc(list, func(a, b due) int { return cmp.Or(a.at.Compare(b.at), strings.Compare(a.r.id, b.r.id)) })
	for _, d := range list {
		m.clockResource(d.r)
	}
	charges := m.rn.charges
	m.rn.charges = nil
	for _, c := range charges {
		m.chargeRenewal(c)
	}
}

// clockResource does one resource's due work (tickResourceIn).
func (m *simModel) clockResource(r *mResource) {
	s := m.schedOf(r)
	for round := 0; round < 3; round++ {
		renewed := false
		if i := m.dueAttempt(r); i >= 0 {
			s.nextAtt = i + 1
			renewed = m.autoRenew(r, i)
		}
		if renewed {
			continue // the renewed term's work is computed again
		}
		for {
			at, next, ev := m.transitionAt(r.acct, r.state, r.end)
			if next == "" || at.After(m.now) {
				break
			}
			r.state = next
			m.event(r.acct, ev)
			m.dirtyRes[r.id] = true
			m.hits["clock "+next]++
			m.dstChanges(r.acct, "grace or suspension across a DST change", r.end, at)
			m.resNotice(r, "state_changed")
		}
		if scheduled(r.state) {
			if k := m.firstReminderAfter(r.acct, r.end, m.now) - 1; k >= 0 && k >= s.nextRem && s.owed(m.reminderAt(r.acct, r.end, k)) {
				s.nextRem = k + 1
				m.hits["reminders"]++
				if k < reminderLead {
					m.hits["reminders before the end"]++
				} else {
					m.hits["reminders from the end"]++
				}
				m.resNotice(r, "renewal_reminder")
			}
		}
		break
	}
}

// autoRenew makes attempt i (ordering.AutoRenew): from credit when the
// available credit covers the renewal, else on the default linked account
// when the host allows it and one is linked (charged after the page),
// else it fails with a notice. It reports a renewal done at once.
func (m *simModel) autoRenew(r *mResource, i int) bool {
	s := m.schedOf(r)
	m.hits["auto-renew attempts"]++
	m.hits[fmt.Sprintf("auto-renew attempt at T%+d", autoRenewDays[i])]++
	term := s.autoTerm
	if term == (mTerm{}) {
		term = mTerm{months: 1}
	}
	end, anchor := m.renewal(r.acct, r.anchor, r.end, term)
	if !end.After(m.now) {
		m.hits["auto-renew failed"]++
		m.hits["auto-renew failed: renewal in the past"]++
		m.resNotice(r, "auto_renew_failed")
		return false
	}
	line := mLine{resource: r.id, cfg: r.cfg, term: term, total: lineSubtotal(r.cfg, term),
		base: termBase(simConfigs[r.cfg].price, term), start: r.end, end: end, anchor: anchor}
	m.taxLine(&line)
	total := line.total
	o := &mOrder{id: "?renew-" + r.id, acct: r.acct, kind: kindRenew, total: total, status: ordPending, lines: []mLine{line}}
	a := m.accounts[r.acct]
	switch {
	case m.available(r.acct) >= total:
		p := &mPayment{id: "?pay-" + r.id, acct: r.acct, purpose: purposeOrder, method: string(payment.MethodCredit), amount: total,
			fromCred: total, status: paySucceeded, createdAt: m.now}
		m.take(r.acct, total)
		m.event(r.acct, "payment.succeeded")
		m.orderPaid(o, p)
		m.hits["auto-renew succeeded"]++
		m.hits["auto-renew from credit"]++
		m.resNotice(r, "auto_renew_succeeded")
		m.rn.unmatched = append(m.rn.unmatched, mAutoRenewal{res: r, o: o, p: p})
		return true
	case m.rn.linked && a.linked != "":
		p := &mPayment{id: "?pay-" + r.id, acct: r.acct, purpose: purposeOrder, method: string(payment.MethodLinkedAccount), amount: total,
			fromGw: total, status: payPending, createdAt: m.now, expiresAt: m.now.Add(paymentTimeout)}
		m.rn.charges = append(m.rn.charges, mAutoRenewal{res: r, o: o, p: p})
		return false
	}
	m.hits["auto-renew failed"]++
	m.hits["auto-renew failed: credit short"]++
	m.resNotice(r, "auto_renew_failed")
	return false
}

// chargeRenewal is the linked-account charge of an automatic renewal,
// after the page: the simulated gateway answers at once.
func (m *simModel) chargeRenewal(c mAutoRenewal) {
	m.hits["auto-renew on the linked account"]++
	m.rn.unmatched = append(m.rn.unmatched, c)
	if m.rn.decline {
		c.p.status = payFailed
		c.o.status = ordFailed
		m.event(c.res.acct, "payment.failed")
		m.hits["auto-renew failed"]++
		m.hits["auto-renew failed: card declined"]++
		m.resNotice(c.res, "auto_renew_failed")
		return
	}
	c.p.status = paySucceeded
	m.event(c.res.acct, "payment.succeeded")
	m.orderPaid(c.o, c.p)
	m.hits["auto-renew succeeded"]++
	m.resNotice(c.res, "auto_renew_succeeded")
}

// matchRenewals learns the order and payment ids of the last tick's
// automatic renewals from the library: each is a new payment of its
// account for an order whose target is the resource.
func (r *simRun) matchRenewals() {
	if len(r.m.rn.unmatched) == 0 {
		return
	}
	fresh := map[string][]billing.Payment{}
	for _, c := range r.m.rn.unmatched {
		if _, ok := fresh[c.res.acct]; ok {
			continue
		}
		list, err := items(r.e.sys.Payments(r.ctx, billing.ListRequest{AccountID: c.res.acct, Limit: 1000}))
		r.noErr(err, "list payments")
		for _, lp := range list {
			if r.m.payments[lp.ID] == nil && lp.Purpose.Kind == payment.PurposeOrder {
				fresh[c.res.acct] = append(fresh[c.res.acct], lp)
			}
		}
	}
	err := r.e.st.InTx(r.ctx, func(ctx context.Context, tx storage.Tx) error {
		for _, c := range r.m.rn.unmatched {
			list := fresh[c.res.acct]
			found := -1
			for i, lp := range list {
				if string(lp.Method) != c.p.method || minorOf(lp.Amount) != c.p.amount {
					continue
				}
				so, err := tx.Orders().Get(ctx, c.res.acct, lp.Purpose.Ref)
				if err != nil {
					return err
				}
				if t := so.Detail.Targets; len(t) == 1 && t[0].ResourceID == c.res.id {
					found = i
					break
				}
			}
			if found < 0 {
				r.failf("the worker should have renewed %s automatically for %d by %s; the new order payments are %+v",
					c.res.id, c.p.amount, c.p.method, list)
			}
			lp := list[found]
			fresh[c.res.acct] = append(list[:found], list[found+1:]...)
			delete(r.m.dirtyPay, c.p.id)
			delete(r.m.dirtyOrd, c.o.id)
			c.o.id, c.p.id, c.p.ref = lp.Purpose.Ref, lp.ID, lp.Purpose.Ref
			if c.o.paidBy != "" {
				c.o.paidBy = lp.ID
			}
			r.m.addOrder(c.o)
			r.m.addPayment(c.p)
		}
		return nil
	})
	r.noErr(err, "matching automatic renewals")
	r.m.rn.unmatched = nil
}

// renewalInstants are the instants the lifecycle clock of prepaid
// resources will next act at (attempts, reminders, grace, suspension,
// release), for a clock that steps onto interesting instants.
func (m *simModel) renewalInstants() []time.Time {
	var out []time.Time
	for _, id := range m.resIDs {
		if at, ok := m.nextDue(m.resources[id]); ok && at.After(m.now) {
			out = append(out, at)
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

// --- comparisons ---

// tallyNotices adds the notice events' detailed keys (kind and billing
// status) to got.
func (r *simRun) tallyNotice(got map[string]int, ev storage.Event) {
	var p billing.NoticePayload
	if err := json.Unmarshal(ev.Payload, &p); err != nil {
		r.failf("notice %s: %v", ev.ID, err)
	}
	got[noticeKey(string(p.Notice), string(p.Status))]++
}

// checkEventKinds compares every kind the model or the library counted:
// a kind the model does not predict shows as a mismatch. The einvoice.*
// events are checked against the e-invoices instead (checkEInvoices).
func (r *simRun) checkEventKinds(id string) {
	a := r.m.accounts[id]
	kinds := map[string]bool{}
	for k := range a.events {
		kinds[k] = true
	}
	for k := range a.gotEvents {
		if !strings.HasPrefix(k, "einvoice.") {
			kinds[k] = true
		}
	}
	for _, k := range slices.Sorted(maps.Keys(kinds)) {
		if a.gotEvents[k] != a.events[k] {
			r.failf("%s: %d %s events, model %d", id, a.gotEvents[k], k, a.events[k])
		}
	}
}

// checkInvoiceEvents: every invoice and credit note of the account was
// announced by exactly one invoice.issued event.
func (r *simRun) checkInvoiceEvents(ctx context.Context, tx storage.Tx, id string) error {
	n := 0
	after := ""
	for {
		invs, err := tx.Invoices().List(ctx, id, "", after, 1000)
		if err != nil {
			return err
		}
		n += len(invs)
		if len(invs) < 1000 {
			break
		}
		after = invs[len(invs)-1].ID
	}
	if got := r.m.accounts[id].gotEvents[string(billing.EventInvoiceIssued)]; got != n {
		r.failf("%s: %d invoice.issued events for %d documents", id, got, n)
	}
	return nil
}

// compareStatus compares a resource's billing status and automatic
// renewal as the portal shows them with the model's.
func (r *simRun) compareStatus(x *mResource, lr billing.Resource) {
	want := r.m.billingStatus(x)
	if string(lr.BillingStatus) != want {
		r.failf("resource %s (%s until %s): billing status %q at %s, model %q", x.id, x.state, x.end, lr.BillingStatus, r.m.now, want)
	}
	if lr.AutoRenew != r.m.schedOf(x).auto {
		r.failf("resource %s: auto-renew %v, model %v", x.id, lr.AutoRenew, r.m.schedOf(x).auto)
	}
	if want != "" {
		r.m.hits["billing status "+want]++
	}
}

// --- operations ---

func simRenewalOps() []simOp {
	return []simOp{
		{"set auto-renew", 3, (*simRun).opSetAutoRenew},
		{"match end time", 3, (*simRun).opMatchEndTime},
		{"credit hold runs short", 1, (*simRun).opShortHold},
		{"clock to a renewal instant", 2, (*simRun).opClockToRenewalInstant},
	}
}

// opClockToRenewalInstant steps the clock onto the next instant the
// lifecycle clock acts at (an attempt, a reminder, a state change), or
// just before or after it.
func (r *simRun) opClockToRenewalInstant() {
	next := r.m.renewalInstants()
	if len(next) == 0 {
		return
	}
	at := next[0]
	switch r.intn(3) {
	case 0:
		at = at.Add(-time.Minute)
	case 1:
		at = at.Add(time.Duration(r.intn(60)) * time.Second)
	}
	if d := at.Sub(r.m.now); d > 0 {
		r.m.hits["clock steps onto a renewal instant"]++
		r.tickAfter(d)
	}
}

func (r *simRun) opSetAutoRenew() {
	res := r.pickResource(func(x *mResource) bool { return scheduled(x.state) || x.state == stProvisioning || r.pct(10) })
	if res == nil {
		return
	}
	on := r.pct(75)
	var term mTerm
	switch r.intn(4) {
	case 1:
		term = mTerm{months: 1}
	case 2:
		term = mTerm{days: 1 + r.intn(10)}
	}
	acct := res.acct
	if r.pct(4) {
		acct = r.other(res.acct)
	}
	r.note("set auto-renew of %s (%s, ends %s) %v for %v as %s", res.id, res.state, res.end.Format(time.RFC3339), on, term, acct)
	key := r.key()
	req := billing.AutoRenewRequest{AccountID: acct, ResourceID: res.id, On: on, Term: term.period(), Actor: "sim"}
	lr, err := r.e.sys.SetAutoRenew(r.ctx, key, req)
	switch {
	case acct != res.acct:
		r.expectErr(err, "set auto-renew of another account's resource", billing.ErrResourceNotFound)
		return
	case res.state == stDeleted || res.state == stProvFailed || res.state == stReleased:
		r.expectErr(err, "set auto-renew of a "+res.state+" resource", lifecycle.ErrIllegalTransition)
		r.m.hits["set auto-renew refused"]++
		return
	}
	r.noErr(err, "set auto-renew")
	s := r.m.schedOf(res)
	s.auto = on
	if term != (mTerm{}) {
		s.autoTerm = term
	}
	r.m.hits["set auto-renew"]++
	r.m.dirtyRes[res.id] = true
	r.compareStatus(res, lr)
	r.setReplay(acct, func() error { _, err := r.e.sys.SetAutoRenew(r.ctx, key, req); return err })
}

// opMatchEndTime extends one or two resources of an account to a target
// instant: another resource's end, or an arbitrary minute (sometimes with
// seconds) after their ends; now and then one that must be refused.
func (r *simRun) opMatchEndTime() {
	first := r.pickResource(func(x *mResource) bool { return scheduled(x.state) || r.pct(3) })
	if first == nil {
		return
	}
	chosen := []*mResource{first}
	if second := r.pickResource(func(x *mResource) bool { return x.acct == first.acct && x != first }); second != nil && r.pct(40) {
		chosen = append(chosen, second)
	}
	latest := first.end
	for _, x := range chosen {
		if x.end.After(latest) {
			latest = x.end
		}
	}
	if latest.Before(r.m.now) {
		latest = r.m.now
	}
	var target time.Time
	switch n := r.intn(20); {
	case n < 5:
		// Another resource's end.
		if o := r.pickResource(func(x *mResource) bool { return x.acct == first.acct && !x.end.IsZero() }); o != nil {
			target = o.end
		}
	case n < 7:
		target = latest.Add(time.Duration(r.intn(50)) * time.Second) // under a minute
	case n < 9:
		target = first.end.Add(-time.Duration(1+r.intn(5*1440)) * time.Minute) // before an end, or in the past
	}
	if target.IsZero() {
		target = latest.Add(time.Duration(1+r.intn(45*1440)) * time.Minute)
		if r.pct(30) {
			target = target.Add(time.Duration(1+r.intn(59)) * time.Second)
		}
	}
	codes := r.drawCodes()
	method := r.method()
	ids := make([]string, len(chosen))
	for i, x := range chosen {
		ids[i] = x.id
	}
	r.note("match end time of %v (%s) to %s by %s %v", ids, first.state, target.Format(time.RFC3339), method, codes)
	req := billing.MatchEndTimeRequest{AccountID: first.acct, ResourceIDs: ids, End: target,
		PaySpec: billing.PaySpec{Method: method, Gateway: "sim", Coupons: codes}}
	if method == payment.MethodLinkedAccount {
		req.LinkedAccountID = r.m.accounts[first.acct].linked
	}
	key := r.key()
	call := func() (billing.Order, billing.Payment, error) {
		a, err := r.e.sys.MatchEndTime(r.ctx, key, req)
		return a.Order, a.Payment, err
	}
	refuse := func(what string, want error) {
		_, _, err := call()
		r.expectErr(err, "match end time: "+what, want)
		r.m.hits["match end time refused: "+what]++
	}
	var subtotals []int64
	for _, x := range chosen {
		switch {
		case !scheduled(x.state):
			refuse("a "+x.state+" resource", lifecycle.ErrIllegalTransition)
			return
		case !target.After(r.m.now):
			refuse("a target in the past", lifecycle.ErrRenewalInPast)
			return
		case x.end.After(target):
			refuse("a target before an end", lifecycle.ErrTargetBeforeEnd)
			return
		}
		subtotals = append(subtotals, 0)
	}
	lines := make([]mLine, len(chosen))
	for i, x := range chosen {
		mins := minutesBetween(x.end, target)
		if mins < 1 {
			refuse("under a minute", pricing.ErrInvalidPeriod)
			return
		}
		price := simConfigs[x.cfg].price
		subtotals[i] = prorate(price, mins)
		lines[i] = mLine{resource: x.id, cfg: x.cfg, total: subtotals[i], base: subtotals[i], start: x.end, end: target}
	}
	// Match end time is a renewal: its coupons are evaluated for the
	// renew action on the lines' prices, then each line is taxed.
	rdms, rej := r.applyCoupons(first.acct, coupon.ActionRenew, lines, codes)
	if rej != "" {
		_, _, err := call()
		r.expectRejection(err, "match end time with a coupon", rej)
		r.m.hits["match end time refused: a coupon rejected"]++
		return
	}
	var total int64
	for i := range lines {
		r.m.taxLine(&lines[i])
		total += lines[i].total
	}
	o := &mOrder{acct: first.acct, kind: kindRenew, total: total, status: ordPending, lines: lines, redemptions: rdms}
	if r.payAction(o, method, call) {
		r.countCoupons("match end time", codes)
		r.m.hits["match end time"]++
		if len(chosen) > 1 {
			r.m.hits["match end time of two resources"]++
		}
		r.setReplay(first.acct, func() error { _, _, err := call(); r.drain(); return err })
	}
}

// opShortHold gives a prepaid account metered usage worth more than its
// credit (after a grant when its services were stopped before, so that
// they resume), then runs the clock day by day: the daily hold runs
// short, and on the fifth short day in a row the services are stopped
// and the usage settled.
func (r *simRun) opShortHold() {
	var targets []usageTarget
	for _, t := range r.usageTargets() {
		if !r.m.accounts[t.acct].postpaid {
			targets = append(targets, t)
		}
	}
	t, ok := pickFrom(r, targets)
	if !ok || !r.pct(50) {
		return
	}
	at := r.m.now.Add(-time.Minute)
	if at.Before(t.from) || !at.Before(r.m.now) {
		return
	}
	if r.m.rn.stopped[t.acct] {
		r.grant(t.acct, r.amount(50), 20*24*time.Hour)
		r.m.hits["hold resumed after a stop"]++
		r.m.rn.stopped[t.acct] = false
	}
	price := r.m.available(t.acct) + r.m.usageHeld(t.acct) + int64(10_000+r.intn(100_000))
	qty := price/simUnitPrice + 1
	u := mUsage{id: fmt.Sprintf("%s-h%d", r.tag, r.keyN), acct: t.acct, res: t.res, qty: qty, at: at}
	r.keyN++
	r.note("metered usage of %s on %s: %d requests (credit %d)", t.res, t.acct, qty, r.m.available(t.acct))
	res, err := r.e.sys.RecordUsage(r.ctx, billing.RecordUsageRequest{Events: []metering.Event{{ID: u.id, AccountID: u.acct,
		ResourceID: u.res, Metric: simMetric, Quantity: decimal.NewFromInt(u.qty), At: u.at}}})
	r.noErr(err, "record usage")
	if res.Recorded != 1 {
		r.failf("heavy usage: %d recorded, %d duplicates, rejected %+v", res.Recorded, res.Duplicates, res.Rejected)
	}
	r.m.pp.usage = append(r.m.pp.usage, u)
	r.m.pp.usageID[u.id] = u
	if r.m.pp.hold[t.acct] == nil {
		r.m.pp.hold[t.acct] = &mHoldJob{due: r.m.nextDaily(t.acct, r.m.now)}
	}
	for range 6 {
		r.tickAfter(24 * time.Hour)
	}
}

// withRenewalDeclines runs tick with the simulated gateway declining the
// linked-account charges of automatic renewals one tick in four, in the
// sequences whose postpaid account has no card (so that no overdue
// charge is declined with them).
func (r *simRun) withRenewalDeclines(tick func()) {
	r.m.rn.decline = !r.m.rn.postpaidCard && r.m.rn.linked && r.pct(25)
	if r.m.rn.decline {
		r.e.sim.SetDefaultOutcome(gatewaysim.Decline("card declined"))
		defer r.e.sim.SetDefaultOutcome(gatewaysim.Succeed())
	}
	tick()
}
