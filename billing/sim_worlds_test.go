package billing_test

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
)

// The simulation's worlds: each
// sequence draws from its seed a billing time zone (one without daylight
// saving and two with it, and now and then another zone for one of its
// accounts), the day-count basis of terms (30-day or calendar months),
// the tax mode of the catalog (none, 10 % added, 10 % included) and an
// epoch, often a few days or weeks before a DST change of one of its
// zones or at the end of a month, so that days of 23 and 25 hours and
// months of 28 to 31 days fall inside terms, grace periods, month closes
// and daily jobs. The model's calendar below is its own: the rules of
// period's doc (wall-clock arithmetic in the account's zone, RFC 5545 for
// gaps and repeated hours, calendar months clamped to the month's end and
// measured from the billing anchor), never the library's code.

// simTaxMode is the tax mode of a sequence's catalog.
type simTaxMode int

const (
	taxNone simTaxMode = iota
	taxExclusive
	taxInclusive
)

func (t simTaxMode) String() string {
	return [...]string{"no tax", "tax-exclusive", "tax-inclusive"}[t]
}

// simTaxPercent is the VAT rate of the taxed worlds.
const simTaxPercent = 10

// simZoneNames are the zones a sequence draws from: the default, without
// daylight saving, and two with it.
var simZoneNames = []string{"Asia/Ho_Chi_Minh", "America/New_York", "Europe/Berlin"}

var simZones = func() map[string]*time.Location {
	out := map[string]*time.Location{}
	for _, n := range simZoneNames {
		loc, err := time.LoadLocation(n)
		if err != nil {
			panic(err)
		}
		out[n] = loc
	}
	return out
}()

// simDSTChanges are the days (local dates) the DST zones change their
// clocks on, 2026–2027, spring forward then fall back.
var simDSTChanges = map[string][]time.Time{
	"America/New_York": {date(2026, 3, 8), date(2026, 11, 1), date(2027, 3, 14), date(2027, 11, 7)},
	"Europe/Berlin":    {date(2026, 3, 29), date(2026, 10, 25), date(2027, 3, 28), date(2027, 10, 31)},
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// simWorld is what one sequence's world is.
type simWorld struct {
	zone  string            // Config.DefaultTimeZone
	zones map[string]string // accounts created in another zone, by id
	basis period.Basis
	tax   simTaxMode
	epoch time.Time
	// label names the epoch's choice, for the counters.
	label string
}

// defaultWorld is the world the simulation knew before it had worlds: the
// default zone, 30-day months, no tax, at epoch.
func defaultWorld(epoch time.Time) *simWorld {
	return &simWorld{zone: simZoneNames[0], basis: period.ThirtyDayMonths, tax: taxNone, epoch: epoch, label: "default epoch"}
}

// drawWorld draws the world of the sequence with seed from a source of its
// own (the operations' draws are unchanged by it); epoch is the default
// start, kept by a share of the sequences.
func drawWorld(seed uint64, epoch time.Time) *simWorld {
	rng := rand.New(rand.NewPCG(seed, 0x3041d5))
	w := &simWorld{zone: simZoneNames[rng.IntN(len(simZoneNames))], zones: map[string]string{}, epoch: epoch, label: "default epoch"}
	if rng.IntN(2) == 1 {
		w.basis = period.CalendarMonths
	}
	w.tax = simTaxMode(rng.IntN(3))
	// One account in four is created in another zone than the default.
	for _, suffix := range []string{"a", "b", "c"} {
		if rng.IntN(4) == 0 {
			w.zones[suffix] = simZoneNames[rng.IntN(len(simZoneNames))]
		}
	}
	// The epoch: a few days to five weeks before one of the DST changes of
	// a DST zone in play; or in the last days of a month of 31 days
	// (calendar months clamp in the months after, February among them);
	// or the default start.
	var dst []time.Time
	for _, z := range append([]string{w.zone}, w.zonesInPlay()...) {
		dst = append(dst, simDSTChanges[z]...)
	}
	loc := simZones[w.zone]
	hour, minute := rng.IntN(24), rng.IntN(60)
	if rng.IntN(3) == 0 {
		hour = 1 + rng.IntN(2) // near the hour a DST change skips or repeats
	}
	switch n := rng.IntN(10); {
	case n < 6 && len(dst) > 0:
		d := dst[rng.IntN(len(dst))].AddDate(0, 0, -(1 + rng.IntN(35)))
		w.epoch = wallAt(d.Year(), d.Month(), d.Day(), hour, minute, rng.IntN(60), loc)
		w.label = "epoch before a DST change"
	case n < 8:
		months := []time.Month{time.January, time.March, time.May, time.July, time.August, time.October, time.December}
		m := months[rng.IntN(len(months))]
		w.epoch = wallAt(2026+rng.IntN(2), m, 27+rng.IntN(5), hour, minute, rng.IntN(60), loc)
		w.label = "epoch at a month's end"
	}
	return w
}

// zonesInPlay are the zones of accounts created in another zone.
func (w *simWorld) zonesInPlay() []string {
	var out []string
	for _, s := range []string{"a", "b", "c"} {
		if z, ok := w.zones[s]; ok {
			out = append(out, z)
		}
	}
	return out
}

// accountZone is the zone the account with suffix is created in ("" for
// the default).
func (w *simWorld) accountZone(suffix string) string { return w.zones[suffix] }

// configure sets the System's default zone and basis.
func (w *simWorld) configure(c *billing.Config) {
	c.DefaultTimeZone = w.zone
	c.Basis = w.basis
}

// simCatalogs are the sample catalog under each tax mode, built once.
var simCatalogs = struct {
	once sync.Once
	cats [3]*pricing.Catalog
	err  error
}{}

// catalog is the world's catalog: cat itself without tax.
func (w *simWorld) catalog(cat *pricing.Catalog) (*pricing.Catalog, error) {
	if w.tax == taxNone {
		return cat, nil
	}
	simCatalogs.once.Do(func() {
		sample, err := pricing.SampleCatalog()
		if err != nil {
			simCatalogs.err = err
			return
		}
		for i, mode := range []pricing.TaxMode{pricing.TaxExclusive, pricing.TaxExclusive, pricing.TaxInclusive} {
			rate := decimal.New(simTaxPercent, -2)
			if i == 0 {
				rate = decimal.Zero
			}
			simCatalogs.cats[i], simCatalogs.err = pricing.NewCatalog(pricing.Config{Currency: "VND",
				Tax: pricing.TaxPolicy{Rate: rate, Mode: mode}, Products: sample.Products()})
			if simCatalogs.err != nil {
				return
			}
		}
	})
	return simCatalogs.cats[w.tax], simCatalogs.err
}

// countWorld counts the sequence's world.
func (m *simModel) countWorld(w *simWorld) {
	m.hits["sequences in "+w.zone]++
	m.hits["sequences on "+w.basis.String()]++
	m.hits["sequences "+w.tax.String()]++
	m.hits["sequences with the "+w.label]++
	if len(w.zones) > 0 {
		m.hits["sequences with accounts in two zones"]++
	}
}

// --- the model's calendar ---

// wallAt is the instant the wall clock in loc shows the given local time
// (fields out of range are normalised, as time.Date does): a time shown
// twice (the hour a fall-back repeats) is its first occurrence; a time
// never shown (the hour a spring-forward skips) is read with the offset in
// force before the change, so it lands as much later as the clocks jumped
// (02:30 on 2026-03-08 in New York is 03:30 EDT).
func wallAt(y int, mo time.Month, d, h, mi, s int, loc *time.Location) time.Time {
	naive := time.Date(y, mo, d, h, mi, s, 0, time.UTC)
	offset := func(t time.Time) time.Duration {
		_, off := t.In(loc).Zone()
		return time.Duration(off) * time.Second
	}
	// The offsets in force a day either side bound every reading.
	before, after := offset(naive.Add(-24*time.Hour)), offset(naive.Add(24*time.Hour))
	var best time.Time
	for _, off := range []time.Duration{before, after} {
		if u := naive.Add(-off); offset(u) == off && (best.IsZero() || u.Before(best)) {
			best = u
		}
	}
	if best.IsZero() {
		best = naive.Add(-before) // in the gap
	}
	return best.In(loc)
}

// loc is acct's billing zone.
func (m *simModel) loc(acct string) *time.Location {
	if z, ok := m.acctZone[acct]; ok {
		return simZones[z]
	}
	return simZones[m.zone]
}

// addDays moves t by n local days of acct's zone, keeping the wall clock.
func (m *simModel) addDays(acct string, t time.Time, n int) time.Time {
	l := t.In(m.loc(acct))
	return wallAt(l.Year(), l.Month(), l.Day()+n, l.Hour(), l.Minute(), l.Second(), l.Location()).Add(time.Duration(l.Nanosecond()))
}

// addMonths is the n-th month boundary from anchor: 30 local days each on
// 30-day months; on calendar months the same day n months later, clamped
// to the month's last day, at the anchor's wall clock.
func (m *simModel) addMonths(acct string, anchor time.Time, n int) time.Time {
	if m.basis != period.CalendarMonths {
		return m.addDays(acct, anchor, 30*n)
	}
	l := anchor.In(m.loc(acct))
	first := time.Date(l.Year(), l.Month()+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return wallAt(first.Year(), first.Month(), min(l.Day(), last), l.Hour(), l.Minute(), l.Second(), l.Location()).Add(time.Duration(l.Nanosecond()))
}

// boundary reports whether t is a month boundary of anchor (within a
// second), and which.
func (m *simModel) boundary(acct string, anchor, t time.Time) (int, bool) {
	if anchor.IsZero() || t.Before(anchor.Add(-time.Second)) {
		return 0, false
	}
	loc := m.loc(acct)
	a, e := anchor.In(loc), t.In(loc)
	var guess int
	if m.basis == period.CalendarMonths {
		guess = (e.Year()-a.Year())*12 + int(e.Month()) - int(a.Month())
	} else {
		da := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
		de := time.Date(e.Year(), e.Month(), e.Day(), 0, 0, 0, 0, time.UTC)
		guess = int(de.Sub(da).Hours()/24) / 30
	}
	for _, k := range []int{guess, guess - 1, guess + 1} {
		if d := m.addMonths(acct, anchor, k).Sub(t); k >= 0 && d > -time.Second && d < time.Second {
			return k, true
		}
	}
	return 0, false
}

// renewal is where a term bought at end (the current end; now for a new
// term) ends, and the anchor to keep: months are counted from the anchor
// when end is one of its boundaries, else from end (a new schedule);
// the days are added after. The anchor stays when the new end is one of
// its boundaries, else the new end becomes the anchor.
func (m *simModel) renewal(acct string, anchor, end time.Time, t mTerm) (newEnd, newAnchor time.Time) {
	k, ok := m.boundary(acct, anchor, end)
	if !ok {
		anchor, k = end, 0
	}
	if t.months == 0 {
		newEnd = m.addDays(acct, end, t.days)
	} else {
		newEnd = m.addDays(acct, m.addMonths(acct, anchor, k+t.months), t.days)
	}
	return newEnd, m.reanchor(acct, anchor, newEnd)
}

// reanchor is the anchor kept for an end: the anchor when the end is one
// of its boundaries, else the end.
func (m *simModel) reanchor(acct string, anchor, end time.Time) time.Time {
	if _, ok := m.boundary(acct, anchor, end); ok {
		return anchor
	}
	return end
}

// monthOf is acct's local calendar month containing t.
func (m *simModel) monthOf(acct string, t time.Time) (start, end time.Time) {
	l := t.In(m.loc(acct))
	start = wallAt(l.Year(), l.Month(), 1, 0, 0, 0, l.Location())
	end = wallAt(l.Year(), l.Month()+1, 1, 0, 0, 0, l.Location())
	return start, end
}

// nextDaily is acct's first daily run (09:00 local) strictly after t.
func (m *simModel) nextDaily(acct string, t time.Time) time.Time {
	l := t.In(m.loc(acct))
	run := wallAt(l.Year(), l.Month(), l.Day(), dailyAtHour, 0, 0, l.Location())
	if !run.After(t) {
		run = m.addDays(acct, run, 1)
	}
	m.dstChanges(acct, "daily runs scheduled across a DST change", t, run)
	return run
}

// dstChanges counts the local days of acct's zone in [from, to) that are
// not 24 hours long (a DST change), counting under name.
func (m *simModel) dstChanges(acct, name string, from, to time.Time) {
	loc := m.loc(acct)
	if !from.Before(to) || loc == simZones[simZoneNames[0]] {
		return
	}
	_, a := from.In(loc).Zone()
	_, b := to.In(loc).Zone()
	if a != b {
		m.hits[name]++
		m.hits["DST days crossed"]++
		return
	}
	// The same offset at both ends can still hide two changes.
	if to.Sub(from) > 150*24*time.Hour {
		m.hits[name]++
		m.hits["DST days crossed"]++
	}
}

// --- tax ---

// taxOf is the tax of a line of amount after discounts: 10 % on top when
// prices exclude tax, the 10 % included (amount × 10 ÷ 110) when they
// include it, each rounded half-up.
func (m *simModel) taxOf(amount int64) int64 {
	switch m.tax {
	case taxExclusive:
		return divRoundSigned(amount*simTaxPercent, 100)
	case taxInclusive:
		return divRoundSigned(amount*simTaxPercent, 100+simTaxPercent)
	}
	return 0
}

// withTax is what a line of amount after discounts costs: the amount plus
// its tax when prices exclude tax, else the amount.
func (m *simModel) withTax(amount int64) int64 {
	if m.tax == taxExclusive {
		return amount + m.taxOf(amount)
	}
	return amount
}

// netOf is a line amount's part before tax: the amount itself when prices
// exclude tax (or there is none), the amount less the tax it includes
// otherwise (invoice.Line.Net).
func (m *simModel) netOf(amount int64) int64 {
	if m.tax == taxInclusive {
		return amount - m.taxOf(amount)
	}
	return amount
}

// divRoundSigned is a ÷ b rounded half away from zero, for b > 0.
func divRoundSigned(a, b int64) int64 {
	if a < 0 {
		return -divRound(-a, b)
	}
	return divRound(a, b)
}

// termBought counts a term that provisioning started.
func (m *simModel) termBought(r *mResource) {
	if r.term.months > 0 && m.basis == period.CalendarMonths {
		m.hits["calendar-month terms bought"]++
		if r.start.In(m.loc(r.acct)).Day() != m.addMonths(r.acct, r.start, r.term.months).In(m.loc(r.acct)).Day() {
			m.hits["calendar-month terms clamped to a month's end"]++
		}
	}
	m.dstChanges(r.acct, "terms across a DST change", r.start, r.end)
}

// monthClosed counts a month bill by the month's length.
func (m *simModel) monthClosed(acct string, ms, me time.Time) {
	l := ms.In(m.loc(acct))
	switch days := me.In(m.loc(acct)).AddDate(0, 0, -1).Day(); {
	case l.Month() == time.February:
		m.hits["February closed"]++
	case days == 31:
		m.hits["31-day months closed"]++
	}
	m.dstChanges(acct, "months closed across a DST change", ms, me)
}

// listOf is what a prepaid line's time costs at list price as paid, tax
// included: total scaled back by the discounts the line got (base ÷ the
// discounted amount before tax is added), rounded half-up; total itself
// without discounts; base when the line is free.
func listOf(base, after, total int64) int64 {
	switch {
	case after <= 0:
		return base
	case after == base:
		return total
	}
	return mulDivRound(total, base, after)
}

// mulDivRound is a × b ÷ c rounded half-up, for a, b ≥ 0 and c > 0, in
// big integers (usage quantities overflow int64 products).
func mulDivRound(a, b, c int64) int64 {
	n := new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
	n.Mul(n, big.NewInt(2)).Add(n, big.NewInt(c))
	return n.Quo(n, big.NewInt(2*c)).Int64()
}

// microPreTax is price per unit before tax in millionths of a minor unit:
// the price itself, or price ÷ 1.1 to six more places when prices include
// the tax (usage.PreTaxUnitPrice: 181,000 → 164,545.454545).
func (m *simModel) microPreTax(price int64) int64 {
	if m.tax == taxInclusive {
		return mulDivRound(price, 1_000_000*100, 100+simTaxPercent)
	}
	return price * 1_000_000
}

// intervalTotal is a postpaid interval's bill line: pre-tax = minutes ×
// price before tax × (1 − discount) ÷ 43,200 rounded once, plus its tax
// rounded (none without tax).
func (m *simModel) intervalTotal(price, mins, disc int64) int64 {
	pre := mulDivRound(m.microPreTax(price)*(100-disc), mins, 1_000_000*100*minutesPer30Days)
	return m.billTax(pre)
}

// meteredTotal is a metered bill line of usage priced amount at the
// configured unit price: quantity × unit price before tax × (1 −
// discount) rounded once, plus its tax.
func (m *simModel) meteredTotal(amount, disc int64) int64 {
	qty := amount / simUnitPrice
	pre := mulDivRound(qty*(100-disc), m.microPreTax(simUnitPrice), 1_000_000*100)
	return m.billTax(pre)
}

// billTax adds a postpaid line's tax to its pre-tax amount: pre-tax ×
// rate rounded half-up, whatever the catalog's mode (an inclusive price
// was taken out of its tax before).
func (m *simModel) billTax(pre int64) int64 {
	if m.tax == taxNone {
		return pre
	}
	if m.tax == taxExclusive {
		m.hits["tax-exclusive postpaid lines"]++
	} else {
		m.hits["tax-inclusive postpaid lines"]++
	}
	return pre + divRound(pre*simTaxPercent, 100)
}

// taxLine adds its tax to a priced line whose total is the amount after
// discounts, and sets its list value as paid.
func (m *simModel) taxLine(l *mLine) {
	after := l.total
	l.total = m.withTax(after)
	l.base = listOf(l.base, after, l.total)
	if m.tax == taxExclusive && after > 0 {
		m.hits["tax-exclusive prepaid lines"]++
	} else if m.tax == taxInclusive && after > 0 {
		m.hits["tax-inclusive prepaid lines"]++
	}
}

// checkDocTax checks a document's tax against the world: every line taxed
// at the catalog's rate (10 % in the taxed worlds, else 0), its tax the
// rounded rate of its net (prices without tax) or the rounded share of its
// total (prices with tax included, and every credit note), and Net + Tax −
// Coupon = Total; an
// invoice of an order (create, renew, recover) in the catalog's mode, a
// month bill or usage invoice with the tax added to its pre-tax amounts.
func (r *simRun) checkDocTax(inv invoice.Invoice) {
	r.checks++
	// Month bills and prepaid usage invoices (ids bill_…, usage_…) bill
	// usage the postpaid way.
	monthBill := strings.HasPrefix(inv.ID, "bill_") || strings.HasPrefix(inv.ID, "usage_")
	rate := int64(0)
	if r.m.tax != taxNone {
		rate = simTaxPercent
	}
	switch {
	case monthBill && inv.TaxMode != invoice.TaxExclusive:
		r.failf("bill %s is %s, want tax added to its pre-tax amounts", inv.ID, inv.TaxMode)
	case !monthBill && inv.Kind == invoice.KindInvoice && inv.Memo != "resize" && (inv.TaxMode == invoice.TaxInclusive) != (r.m.tax == taxInclusive):
		r.failf("invoice %s of %s is %s in a %s world", inv.ID, inv.ResourceID, inv.TaxMode, r.m.tax)
	}
	for i, l := range inv.Lines {
		if !l.TaxRate.Equal(decimal.New(rate, -2)) {
			r.failf("%s %s line %d taxed at %s, want %d%%", inv.Kind, inv.ID, i, l.TaxRate, rate)
		}
		net, tax, total, cpn := minorOf(l.Net), minorOf(l.Tax), minorOf(l.Total), minorOf(l.Coupon)
		want := divRoundSigned(net*rate, 100)
		if inv.TaxMode == invoice.TaxInclusive || inv.Kind == invoice.KindCreditNote {
			// A credit note gives back money paid with its tax inside:
			// its tax is the tax its total contains, in both modes.
			want = divRoundSigned(total*rate, 100+rate)
		}
		if tax != want || net+tax-cpn != total {
			r.failf("%s %s (%s) line %d: net %d + tax %d − coupon %d = total %d; want tax %d at %d%%", inv.Kind, inv.ID, inv.TaxMode, i,
				net, tax, cpn, total, want, rate)
		}
	}
	if rate > 0 {
		r.m.hits[fmt.Sprintf("tax-%s %ss checked", inv.TaxMode, strings.ReplaceAll(string(inv.Kind), "_", " "))]++
	}
}
