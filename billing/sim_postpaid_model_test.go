package billing_test

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The postpaid part of the reference model (docs/RELIABILITY.md,
// "Postpaid accounts and metered usage"): a postpaid account's resources
// and their configuration intervals, every usage event, the month bills
// and the usage invoices of prepaid accounts with what is paid on each,
// the daily jobs (automatic payment, the overdue schedule of each bill,
// the credit hold of prepaid metered usage) and the payments those jobs
// make. Like the rest of the model it never calls the library; the
// calendar is its own (the accounts' default zone, UTC+7 with no DST).

// Policy numbers of the default postpaid policy and the sequence's meter.
const (
	simMetric        = "sim.requests"
	simUnitPrice     = 3 // VND per request
	closeDelay       = time.Hour
	paymentTermDays  = 15
	dailyAtHour      = 9
	overdueSuspend   = 15 // days after the due time
	overdueRelease   = 15 // days after the suspension
	holdLookahead    = 3
	holdAverageDays  = 7
	holdStopAfter    = 5
	invUnpaid        = "issued"
	invPartiallyPaid = "partially_paid"
	invPaid          = "paid"
	purposeInvoice   = "invoice"
)

// overdueAttempts are the days after the due time of the charge attempts.
var overdueAttempts = []int{0, 7, 14}

// The calendar (monthOf, addDays, nextDaily) is the account's: see
// sim_worlds_test.go.

// promo is acct's grant id (nil for cash or an unknown grant).
func (m *simModel) promo(acct, id string) *mPromo {
	for _, p := range m.accounts[acct].promos {
		if id != "" && p.id == id {
			return p
		}
	}
	return nil
}

// ceilDiv is a ÷ b rounded up, for a ≥ 0 and b > 0.
func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }

// mInterval is a configuration a postpaid resource ran at, from–to (to
// zero while it runs).
type mInterval struct {
	from, to time.Time
	cfg      int
}

// mPostRes is a postpaid resource.
type mPostRes struct {
	id, acct  string
	cfg       int
	state     string
	start     time.Time // activation; zero before
	stopped   time.Time // delete or release; zero while it exists
	closed    time.Time // the end of its last closed month
	intervals []mInterval
}

// mUsage is one recorded usage event.
type mUsage struct {
	id, acct, res string
	qty           int64
	at            time.Time
}

// mBill is an invoice that is an obligation: a postpaid month bill or a
// prepaid account's usage invoice.
type mBill struct {
	id, acct, res string
	total, paid   int64
	// credited is what credit notes against it took (refunds of its
	// payments to their method).
	credited     int64
	issued, due  time.Time
	prepaidUsage bool
	overdue      *mOverdueJob // its overdue schedule, nil when none
}

func (b *mBill) outstanding() int64 { return b.total - b.paid }

func (b *mBill) status() string {
	switch {
	case b.paid == b.total:
		return invPaid
	case b.paid > 0:
		return invPartiallyPaid
	}
	return invUnpaid
}

// mOverdueJob is one bill's overdue schedule.
type mOverdueJob struct {
	due       time.Time
	attempts  int       // charge attempts done
	suspended time.Time // when it suspended the account's resources
}

// mHoldJob is a prepaid account's daily credit hold.
type mHoldJob struct {
	due   time.Time
	since time.Time // when the hold in force was made; zero when none
	short int       // the streak of short days
	parts []mPart   // the credit it holds
}

func (h *mHoldJob) held() int64 {
	var n int64
	for _, p := range h.parts {
		n += p.amount
	}
	return n
}

// mPostpaid is the postpaid state of the model.
type mPostpaid struct {
	res     map[string]*mPostRes
	resIDs  []string
	usage   []mUsage
	usageID map[string]mUsage
	bills   map[string]*mBill
	billIDs []string
	// collect is each account's automatic-payment job (zero: none).
	collect map[string]time.Time
	hold    map[string]*mHoldJob
	// closedPre is, per prepaid resource, through when its usage was
	// invoiced; usageBilled what those invoices total.
	closedPre   map[string]time.Time
	usageBilled map[string]int64
	// unmatched are the payments jobs made since the last tick, in the
	// order they were made; their ids are learned from the library.
	unmatched []*mPayment
	dirtyBill map[string]bool
	dirtyPost map[string]bool
	// discountedCloses counts the months closed at a contract discount:
	// how often the discount rule fired.
	discountedCloses int
}

func newPostpaidModel() *mPostpaid {
	return &mPostpaid{res: map[string]*mPostRes{}, usageID: map[string]mUsage{}, bills: map[string]*mBill{},
		collect: map[string]time.Time{}, hold: map[string]*mHoldJob{}, closedPre: map[string]time.Time{},
		usageBilled: map[string]int64{}, dirtyBill: map[string]bool{}, dirtyPost: map[string]bool{}}
}

// usageHeld is the credit an account's usage hold holds.
func (m *simModel) usageHeld(acct string) int64 {
	if h := m.pp.hold[acct]; h != nil {
		return h.held()
	}
	return 0
}

// overdue reports whether a purchase of acct is refused: an open bill is
// past its due time.
func (m *simModel) overdue(acct string) bool {
	for _, id := range m.pp.billIDs {
		b := m.pp.bills[id]
		if b.acct == acct && !b.prepaidUsage && b.outstanding() > 0 && b.due.Before(m.now) {
			return true
		}
	}
	return false
}

// usagePrice is what the events of res (every prepaid resource of acct
// when res is "") timed in [from, to) cost.
func (m *simModel) usagePrice(acct, res string, from, to time.Time, keep func(mUsage) bool) int64 {
	var qty int64
	for _, u := range m.pp.usage {
		if u.acct == acct && (res == "" || u.res == res) && !u.at.Before(from) && u.at.Before(to) && (keep == nil || keep(u)) {
			qty += u.qty
		}
	}
	return qty * simUnitPrice
}

// --- invoices and their payments ---

// jobPay pays amount of bill b from the account's credit, as a job does:
// a credit payment of its own, its id learned after the tick.
func (m *simModel) jobPay(b *mBill, amount int64) {
	p := &mPayment{id: fmt.Sprintf("?%d", len(m.pp.unmatched)), acct: b.acct, purpose: purposeInvoice, ref: b.id,
		method: "credit", amount: amount, fromCred: amount, status: paySucceeded, createdAt: m.now}
	m.take(b.acct, amount)
	m.jobPaid(b, p)
}

// jobCharge pays amount of bill b on the account's default linked
// account, as an overdue charge attempt does after its transaction: the
// simulated gateway answers at once, and it succeeds.
func (m *simModel) jobCharge(b *mBill, amount int64) {
	p := &mPayment{id: fmt.Sprintf("?%d", len(m.pp.unmatched)), acct: b.acct, purpose: purposeInvoice, ref: b.id,
		method: "linked_account", amount: amount, fromGw: amount, status: paySucceeded, createdAt: m.now,
		expiresAt: m.now.Add(paymentTimeout)}
	m.jobPaid(b, p)
}

// jobPaid records a payment a job made on b.
func (m *simModel) jobPaid(b *mBill, p *mPayment) {
	amount := p.amount
	m.pp.unmatched = append(m.pp.unmatched, p)
	m.event(b.acct, "payment.succeeded")
	m.billPaid(b, amount)
}

// billPaid records amount paid on b; a bill paid in full ends its overdue
// schedule and may resume what the schedule suspended.
func (m *simModel) billPaid(b *mBill, amount int64) {
	b.paid += amount
	m.pp.dirtyBill[b.id] = true
	m.touch(b.acct)
	if b.outstanding() > 0 {
		return
	}
	b.overdue = nil
	m.resumeIfNoLongerOverdue(b.acct)
}

// openBills are acct's bills with something outstanding, in id order.
func (m *simModel) openBills(acct string) []*mBill {
	var out []*mBill
	for _, id := range m.pp.billIDs {
		if b := m.pp.bills[id]; b.acct == acct && b.outstanding() > 0 {
			out = append(out, b)
		}
	}
	slices.SortFunc(out, func(a, b *mBill) int { return strings.Compare(a.id, b.id) })
	return out
}

// issue records a new bill; an unpaid one schedules automatic payment
// and, with a due time, its overdue schedule.
func (m *simModel) issue(b *mBill) {
	m.event(b.acct, "invoice.issued")
	m.pp.bills[b.id] = b
	m.pp.billIDs = append(m.pp.billIDs, b.id)
	m.pp.dirtyBill[b.id] = true
	m.touch(b.acct)
	if b.total <= 0 {
		return
	}
	if m.pp.collect[b.acct].IsZero() {
		m.pp.collect[b.acct] = m.nextDaily(b.acct, m.now)
	}
	if !b.prepaidUsage {
		b.overdue = &mOverdueJob{due: b.due}
	}
}

// --- postpaid resources ---

// stopInterval ends the running interval at t.
func (x *mPostRes) stopInterval(t time.Time) {
	if n := len(x.intervals); n > 0 && x.intervals[n-1].to.IsZero() {
		x.intervals[n-1].to = t
	}
}

// moveState changes a postpaid resource's state with the host event.
func (m *simModel) moveState(x *mPostRes, state string, events ...string) {
	x.state = state
	for _, e := range events {
		m.event(x.acct, e)
	}
	m.pp.dirtyPost[x.id] = true
	m.touch(x.acct)
}

// resumeIfNoLongerOverdue starts the account's suspended postpaid
// resources again when no open bill is past its suspension day.
func (m *simModel) resumeIfNoLongerOverdue(acct string) {
	m.noteResume(acct)
	for _, b := range m.openBills(acct) {
		if !b.prepaidUsage && !m.now.Before(m.addDays(acct, b.due, overdueSuspend)) {
			return
		}
	}
	resumed := false
	for _, id := range m.pp.resIDs {
		x := m.pp.res[id]
		if x.acct == acct && x.state == stSuspended {
			x.intervals = append(x.intervals, mInterval{from: m.now, cfg: x.cfg})
			m.moveState(x, stActive, "resource.resume")
			resumed = true
		}
	}
	if !resumed {
		return
	}
	for _, id := range m.pp.billIDs {
		if b := m.pp.bills[id]; b.acct == acct && b.overdue != nil {
			b.overdue.suspended = time.Time{}
		}
	}
}

// closeMonths issues every month bill whose close time has come: per
// resource, from the month after its last closed one (or its start), one
// bill per month with anything in it, until a month not yet closeable or
// the month after its stop.
func (m *simModel) closeMonths() {
	for _, id := range m.pp.resIDs {
		x := m.pp.res[id]
		if x.start.IsZero() {
			continue
		}
		for {
			from := x.closed
			if from.IsZero() {
				from = x.start
			}
			ms, me := m.monthOf(x.acct, from)
			if !x.stopped.IsZero() && !x.stopped.After(ms) {
				break
			}
			if m.now.Before(me.Add(closeDelay)) {
				break
			}
			m.closeMonth(x, ms, me)
			x.closed = me
			m.pp.dirtyPost[x.id] = true
		}
	}
}

// closeMonth bills one month of x: each interval clipped to the month
// (and the stop) priced by its whole minutes, prorate(price, minutes),
// plus the month's usage.
func (m *simModel) closeMonth(x *mPostRes, ms, me time.Time) {
	end := me
	if !x.stopped.IsZero() && x.stopped.Before(end) {
		end = x.stopped
	}
	if m.accounts[x.acct].discount > 0 {
		m.pp.discountedCloses++
	}
	total, lines := m.monthCharge(x, ms, me, end)
	if lines == 0 {
		return
	}
	m.monthClosed(x.acct, ms, me)
	id := "bill_" + x.id + "_" + ms.In(m.loc(x.acct)).Format("2006-01")
	m.issue(&mBill{id: id, acct: x.acct, res: x.id, total: total, issued: m.now, due: m.addDays(x.acct, m.now, paymentTermDays)})
}

// monthCharge is what month ms–me of x costs when billed up to end: each
// interval clipped to the month and to end, priced by its whole minutes,
// plus the month's usage, each line with its tax and the account's
// discount; and how many lines that makes.
func (m *simModel) monthCharge(x *mPostRes, ms, me, end time.Time) (total int64, lines int) {
	disc := m.accounts[x.acct].discount
	for _, iv := range x.intervals {
		from, to := iv.from, iv.to
		if from.Before(ms) {
			from = ms
		}
		if to.IsZero() || to.After(end) {
			to = end
		}
		if !from.Before(to) {
			continue
		}
		mins := minutesBetween(ms, to) - minutesBetween(ms, from)
		if mins <= 0 {
			continue
		}
		// pricing.PostpaidCharge: minutes × price × (1 − discount) ÷
		// 43,200, rounded half-up once.
		total += m.intervalTotal(simConfigs[iv.cfg].price, mins, disc)
		lines++
	}
	// A metered line: quantity × unit price × (1 − discount), rounded
	// once, and its tax.
	if usage := m.usagePrice(x.acct, x.id, ms, me, nil); usage > 0 {
		if usage = m.meteredTotal(usage, disc); usage > 0 {
			lines++
			total += usage
		}
	}
	return total, lines
}

// --- the daily jobs ---

// simJob is a due job in the order the worker claims them: due time,
// account, kind, key.
type simJob struct {
	due             time.Time
	acct, kind, key string
}

// runJobs runs every job due now, once each, in the worker's order.
func (m *simModel) runJobs() {
	var due []simJob
	for acct, t := range m.pp.collect {
		if !t.IsZero() && !t.After(m.now) {
			due = append(due, simJob{t, acct, "collect", ""})
		}
	}
	for acct, h := range m.pp.hold {
		if !h.due.After(m.now) {
			due = append(due, simJob{h.due, acct, "hold", ""})
		}
	}
	for _, id := range m.pp.billIDs {
		if b := m.pp.bills[id]; b.overdue != nil && !b.overdue.due.After(m.now) {
			due = append(due, simJob{b.overdue.due, b.acct, "overdue", b.id})
		}
	}
	slices.SortFunc(due, func(a, b simJob) int {
		return cmp.Or(a.due.Compare(b.due), strings.Compare(a.acct, b.acct), strings.Compare(a.kind, b.kind), strings.Compare(a.key, b.key))
	})
	for _, j := range due {
		switch j.kind {
		case "collect":
			m.runCollect(j.acct)
		case "hold":
			m.runHold(j.acct)
		case "overdue":
			if b := m.pp.bills[j.key]; b.overdue != nil {
				m.runOverdue(b)
			}
		}
	}
}

// runCollect is automatic payment: the open bills paid from the
// available credit, oldest first, then the smaller amount, then by id;
// the job comes back the next day while anything is owed.
func (m *simModel) runCollect(acct string) {
	open := m.collectionOrder(acct)
	left := m.available(acct)
	var owed int64
	for _, b := range open {
		owed += b.outstanding()
	}
	paid := false
	for _, b := range open {
		if left <= 0 {
			break
		}
		x := min(left, b.outstanding())
		left -= x
		owed -= x
		m.jobPay(b, x)
		paid = true
	}
	if paid {
		m.event(acct, "invoice.collected")
	}
	if owed > 0 {
		m.pp.collect[acct] = m.nextDaily(acct, m.now)
	} else {
		delete(m.pp.collect, acct)
	}
}

// collectionOrder is acct's open bills in the order every collection
// from credit pays them (automatic payment and the overdue charge
// attempts alike): oldest first, then the smaller amount, then by id.
func (m *simModel) collectionOrder(acct string) []*mBill {
	open := m.openBills(acct)
	slices.SortStableFunc(open, func(a, b *mBill) int {
		return cmp.Or(a.issued.Compare(b.issued), cmp.Compare(a.outstanding(), b.outstanding()), strings.Compare(a.id, b.id))
	})
	return open
}

// overdueCollect is the credit part of a charge attempt of b: a
// collection in the collection order that stops after b, so the older
// open bills (prepaid usage invoices included) are paid first and b gets
// only what they leave. It counts the attempts where an older bill took
// credit ahead of b.
func (m *simModel) overdueCollect(b *mBill) {
	if open := m.collectionOrder(b.acct); len(open) > 1 && open[0] != b {
		m.hits["overdue charge attempt with an older bill open"]++
	}
	for _, o := range m.collectionOrder(b.acct) {
		left := m.available(b.acct)
		if left <= 0 {
			return
		}
		x := min(left, o.outstanding())
		if o != b {
			m.hits["overdue charge paid an older bill first"]++
		}
		m.jobPay(o, x)
		if o == b {
			return
		}
	}
}

// runOverdue takes one step of a bill's overdue schedule: the latest
// charge attempt whose day has come (from the available credit), the
// suspension of the account's running postpaid resources, or their
// release.
func (m *simModel) runOverdue(b *mBill) {
	j := b.overdue
	if b.outstanding() <= 0 {
		b.overdue = nil
		return
	}
	action, at, attempt := m.nextOverdueStep(b.acct, b.due, j)
	if !at.After(m.now) {
		switch action {
		case "charge":
			m.notice(b.acct, "overdue_charge", "")
			m.overdueCollect(b)
			// The rest goes on the default linked account, when there is
			// one (Postpaid.ChargeLinkedAccount is on in every sequence).
			if left := b.outstanding(); left > 0 && m.accounts[b.acct].linked != "" {
				m.jobCharge(b, left)
			}
			if b.outstanding() == 0 {
				b.overdue = nil
				return
			}
			j.attempts = attempt + 1
		case "suspend":
			n := 0
			for _, id := range m.pp.resIDs {
				if x := m.pp.res[id]; x.acct == b.acct && x.state == stActive {
					x.stopInterval(m.now)
					m.moveState(x, stSuspended, "resource.suspend")
					n++
					m.hits["overdue suspensions"]++
				}
			}
			if n > 0 {
				m.notice(b.acct, "overdue_suspended", "")
			}
			j.suspended = m.now
		case "release":
			n := 0
			for _, id := range m.pp.resIDs {
				if x := m.pp.res[id]; x.acct == b.acct && x.state == stSuspended {
					x.stopped = m.now
					m.moveState(x, stReleased, "resource.release")
					n++
					m.hits["overdue releases"]++
				}
			}
			if n > 0 {
				m.notice(b.acct, "overdue_released", "")
			}
			b.overdue = nil
			return
		}
		action, at, _ = m.nextOverdueStep(b.acct, b.due, j)
		if action == "" {
			b.overdue = nil
			return
		}
		if !at.After(m.now) {
			at = m.now
		}
	}
	j.due = at
}

// nextOverdueStep is the schedule's next step after what j did: release
// 15 days after a suspension; suspension from T+15; else the latest
// charge attempt whose day has come, or the next one.
func (m *simModel) nextOverdueStep(acct string, due time.Time, j *mOverdueJob) (action string, at time.Time, attempt int) {
	if !j.suspended.IsZero() {
		return "release", m.addDays(acct, j.suspended, overdueRelease), 0
	}
	suspendAt := m.addDays(acct, due, overdueSuspend)
	if !m.now.Before(suspendAt) {
		return "suspend", suspendAt, 0
	}
	latest := -1
	for k := j.attempts; k < len(overdueAttempts); k++ {
		if m.addDays(acct, due, overdueAttempts[k]).After(m.now) {
			break
		}
		latest = k
	}
	if latest >= 0 {
		return "charge", m.addDays(acct, due, overdueAttempts[latest]), latest
	}
	if j.attempts < len(overdueAttempts) {
		return "charge", m.addDays(acct, due, overdueAttempts[j.attempts]), j.attempts
	}
	return "suspend", suspendAt, 0
}

// prepaidUsageOf reports whether u is a prepaid resource's usage not yet
// invoiced.
func (m *simModel) prepaidUsageOf(u mUsage) bool {
	if _, post := m.pp.res[u.res]; post {
		return false
	}
	return !u.at.Before(m.pp.closedPre[u.res])
}

// runHold is a prepaid account's daily credit hold: a past month is
// settled first; then usage so far this month plus three days of the
// estimate (the average of the last seven complete local days since usage
// began, rounded up; with no complete day, the usage so far per minute
// times a day) is held, as much as the credit allows; short five days in
// a row, the services are stopped and the usage so far settled.
func (m *simModel) runHold(acct string) {
	h := m.pp.hold[acct]
	ms, _ := m.monthOf(acct, m.now)
	if !h.since.IsZero() && h.since.Before(ms) {
		m.settleHold(acct, h, ms)
		h.since = time.Time{}
	}
	keep := m.prepaidUsageOf
	soFar := m.usagePrice(acct, "", ms, m.now, keep)
	any := false
	for _, u := range m.pp.usage {
		if u.acct == acct && !u.at.Before(ms) && u.at.Before(m.now) && keep(u) {
			any = true
			break
		}
	}
	if !any && h.since.IsZero() {
		h.due, h.short = m.nextDaily(acct, m.now), 0
		return
	}
	var days []int64
	for day := ms; ; {
		next := m.addDays(acct, day, 1)
		if next.After(m.now) {
			break
		}
		days = append(days, m.usagePrice(acct, "", day, next, keep))
		day = next
	}
	for len(days) > 0 && days[0] == 0 {
		days = days[1:]
	}
	var estimate int64
	switch {
	case len(days) > 0:
		recent := days[max(0, len(days)-holdAverageDays):]
		var sum int64
		for _, d := range recent {
			sum += d
		}
		estimate = ceilDiv(sum, int64(len(recent)))
	default:
		if mins := minutesBetween(ms, m.now); mins > 0 {
			estimate = ceilDiv(soFar*24*60, mins)
		}
	}
	required := soFar + holdLookahead*estimate
	// What the hold took from grants expired by now is not held credit
	// any more: it goes back to its grant and expires with it.
	already := h.held()
	live := already
	for _, p := range h.parts {
		if g := m.promo(acct, p.grant); g != nil && !m.now.Before(g.expires) {
			live -= p.amount
		}
	}
	held := min(required, live+max(m.available(acct), 0))
	shortage := required - held
	if held != live || live != already {
		m.giveBack(acct, h.parts)
		h.parts = nil
		if held > 0 {
			h.parts = m.take(acct, held)
		}
		h.since = m.now
	} else if h.since.IsZero() {
		h.since = m.now
	}
	if shortage > 0 {
		h.short++
		m.notice(acct, "hold_short", "")
	} else {
		h.short = 0
	}
	if h.short >= holdStopAfter {
		m.event(acct, "usage.stop")
		m.hits["stops after short days"]++
		m.rn.stopped[acct] = true
		m.settleHold(acct, h, m.now)
		h.since, h.short = time.Time{}, 0
	}
	h.due = m.nextDaily(acct, m.now)
}

// settleHold ends the hold in force: it is released, the usage of each
// prepaid resource from the hold's month start (or its last settlement)
// to end is invoiced, due at once, and paid from what was held, resource
// by resource in id order; what it does not cover stays open.
func (m *simModel) settleHold(acct string, h *mHoldJob, end time.Time) {
	m.giveBack(acct, h.parts)
	left := min(h.held(), max(m.available(acct), 0))
	h.parts = nil
	start, _ := m.monthOf(acct, end.Add(-time.Nanosecond))
	if !h.since.IsZero() {
		start, _ = m.monthOf(acct, h.since)
	}
	if !end.After(start) {
		return
	}
	var resIDs []string
	for _, u := range m.pp.usage {
		if u.acct == acct && !u.at.Before(start) && u.at.Before(end) && m.prepaidUsageOf(u) {
			resIDs = append(resIDs, u.res)
		}
	}
	slices.Sort(resIDs)
	resIDs = slices.Compact(resIDs)
	for _, rid := range resIDs {
		from := start
		if c := m.pp.closedPre[rid]; c.After(from) {
			from = c
		}
		if !end.After(from) {
			continue
		}
		for from.Before(end) {
			_, to := m.monthOf(acct, from)
			if to.After(end) {
				to = end
			}
			left = m.settleUsageSpan(acct, rid, from, to, left)
			from = to
		}
		m.pp.closedPre[rid] = end
	}
}

// settleUsageSpan invoices a prepaid resource's usage in [from, to), one
// calendar month at most, and pays what it can from left.
func (m *simModel) settleUsageSpan(acct, rid string, from, to time.Time, left int64) int64 {
	var any bool
	for _, u := range m.pp.usage {
		if u.res == rid && !u.at.Before(from) && u.at.Before(to) {
			any = true
		}
	}
	if !any {
		return left
	}
	total := m.meteredTotal(m.usagePrice(acct, rid, from, to, nil), 0)
	b := &mBill{id: "usage_" + rid + "_" + to.UTC().Format("20060102T1504Z"), acct: acct, res: rid, total: total,
		issued: m.now, due: m.now, prepaidUsage: true}
	m.issue(b)
	m.pp.usageBilled[rid] += total
	m.dirtyRes[rid] = true
	if x := min(left, total); x > 0 {
		m.jobPay(b, x)
		left -= x
	}
	return left
}
