package billing_test

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/cloudbill/cloudbill/billing/metering"
)

// Coverage that fails loudly: the run prints one line per
// rule-bearing counter, sorted, and at the CI budget of its store fails if
// a counter on the required list is zero — a rule the simulation no longer
// reaches is a rule a defect can break unnoticed.

// simCoverageAt is, per store, the run size from which the required list
// is enforced: the CI budget (a plain `go test`). Shorter runs (a local
// CLOUDBILL_SIM_OPS=20000, -race, -short, .ci/mutate) print the counters
// but do not fail on a zero, since the rarer rules are reached only a few
// dozen times per million operations.
var simCoverageAt = map[string]int{"memory": 1_000_000, "postgres": 20_000}

// simRequired is one counter that must be non-zero at the CI budget; pg
// says PostgreSQL's smaller budget (20,000 operations) must reach it too —
// only counters seen at least ~100 times per 200,000 memory operations
// are, so that a zero there means a lost rule rather than bad luck.
type simRequired struct {
	counter string
	pg      bool
}

// simRequiredCounters is the required list; each entry's comment names the
// rule it protects.
var simRequiredCounters = []simRequired{
	// Checkout refuses an item name over 100 bytes or with a control
	// character, and nothing is priced, reserved or charged.
	{"checkout refused for a bad resource name", true},
	// Resources keep the names given at checkout.
	{"resources named at checkout", true},
	// A charge attempt of the overdue schedule pays older open bills first…
	{"overdue charge attempt with an older bill open", true},
	// … and takes credit for them ahead of its own bill.
	{"overdue charge paid an older bill first", true},
	// A postpaid downgrade is allowed while overdue (it adds no charges).
	{"postpaid downgrade while overdue", false},
	// A postpaid upgrade is refused while overdue.
	{"postpaid upgrade refused while overdue", false},
	// Recovering a postpaid resource is refused while overdue, first.
	{"postpaid recover refused while overdue", true},
	// A contract discount applies to every month closed after it is set.
	{"months closed at a discount", true},
	// Usage refusals, by reason: each is refused and counted nowhere.
	{"usage refused: " + string(metering.ReasonAggregateOutOfRange), false},
	{"usage refused: before_start", true},
	{"usage refused: " + string(metering.ReasonIDConflict), true},
	{"usage refused: " + string(metering.ReasonNegativeQuantity), true},
	{"usage refused: period_closed", true},
	{"usage refused: unknown_resource", true},

	// The clock lands on the instants where rules change their answer
	// (sim_instants_test.go), of every kind.
	{"clock steps onto an instant", true},
	{"clock steps onto an instant: payment expiry", true},
	{"clock steps onto an instant: payment link expiry", true},
	{"clock steps onto an instant: promotional credit expiry", true},
	{"clock steps onto an instant: bill due and overdue schedule", true},
	{"clock steps onto an instant: month close", true},
	{"clock steps onto an instant: daily run", true},
	{"clock steps onto an instant: end of term, suspension and release", true},
	// Operations between an instant and the sweep that acts on it.
	{"clock steps without the worker", true},
	// A gateway answer for a payment still open past its expiry (not yet
	// swept) settles it.
	{"callback for an open payment past its expiry", false},
	// Promotional credit past its expiry is not spendable, even before
	// the sweep zeroes it…
	{"expired promotional credit skipped before its sweep", true},
	// … and is spendable up to its last second.
	{"promotional credit spent in its last minute", false},
	// A link can be paid up to its expiry, and is refused from it on.
	{"link paid in its last minute", true},
	{"link refused in the minute after its expiry", false},
	// A link's payment confirmed after the link expired still pays it:
	// the payer started in time (MarkPaid at the payment's creation).
	{"link payments after expiry", false},
	// Payment links for bills (they live to their expiry).
	{"payment links for a bill", true},
	// A bill paid in full resumes the overdue-suspended resources only
	// when no other open bill is past its suspension day.
	{"resumptions with another bill past due", false},
	{"resumed with another bill past due before its suspension day", false},
	{"kept suspended: another bill past its suspension day", false},
	// The overdue schedule suspends at T+15 and releases 15 days later.
	{"overdue suspensions", true},
	{"overdue releases", true},

	// Faults inside the run (sim_faults_run_test.go): an operation failed
	// at a fault leaves whole ledgers and nothing done, or a created
	// payment its retry resumes; the retry with the same key completes it
	// exactly once.
	{"faults injected", true},
	{"retries after a fault", true},
	{"faults leaving nothing done", true},
	{"faults leaving a created payment", true},
	{"faults after a commit", false},
	// Invoice and credit note numbers are gapless per series.
	{"invoice series checked gapless", true},
	// E-invoices (sim_einvoice_test.go): off, per invoice or grouped per
	// sequence; every issued VND document stated once, or waiting for its
	// group, or refused with an event; totals and adjustments match the
	// documents; every series gapless.
	{"sequences without e-invoices", true},
	{"sequences with an e-invoice per invoice", true},
	{"sequences with grouped e-invoices", true},
	{"e-invoice series checked gapless", true},
	{"e-invoices checked against their documents", true},
	{"e-invoice adjustments checked", true},
	{"e-invoices stating several documents", true},
	{"documents waiting for their group's e-invoice", true},
	// Refunds to the original method (sim_gateway_test.go).
	{"refunds to the method succeeded: top_up", false},
	{"refunds to the method succeeded: order", false},
	{"refunds to the method failed", false},
	{"refunds to the method settled by callback", false},
	{"refunds to the method settled by the worker's query", false},
	{"refunds to the method sent again by the worker", false},
	{"refunds to the method still pending at the gateway", false},
	{"refunds to the method refused: over the cap", false},
	{"refunds to the method refused: top-up credit spent", false},
	{"refund callbacks for a settled refund", false},
	{"refunds to the method succeeded: invoice", false},
	{"refunds to the method succeeded: payment_link", false},
	{"refunds to the method sent again by a replay", false},
	{"bills credited for a refund to the method", false},
	// Gateways that report another amount; reconciliation on demand.
	{"callbacks reporting another amount", false},
	{"payments whose gateway reported another amount expired", false},
	{"payments reconciled on demand: applied", false},
	{"payments reconciled on demand: ended", false},
	{"payments reconciled on demand: mismatch", false},
	{"payments reconciled on demand: unsupported", false},
	// "documents an e-invoice refused" is counted, not required: nothing
	// the simulation does is refused an e-invoice (a credit note of an
	// invoice without one would be).
	// Automatic-renewal attempts, reminders and state changes are
	// instants too.
	{"clock steps onto an instant: auto-renewal, reminder and state change", true},

	// Worlds (sim_worlds_test.go): zones with and without daylight
	// saving, both day-count bases, three tax modes.
	{"sequences in America/New_York", true},
	{"sequences in Europe/Berlin", true},
	{"sequences in Asia/Ho_Chi_Minh", true},
	{"sequences with accounts in two zones", true},
	{"sequences on calendar months", true},
	{"sequences on 30-day months", true},
	// A day of 23 or 25 hours is a calendar day: terms, month closes,
	// grace and suspension, daily runs and renewals across a change.
	{"DST days crossed", true},
	{"terms across a DST change", true},
	{"months closed across a DST change", true},
	{"grace or suspension across a DST change", false},
	{"daily runs scheduled across a DST change", false},
	{"terms renewed across a DST change", false},
	// Calendar months end on the same day of the month, clamped to its
	// end; months close on their own length.
	{"calendar-month terms bought", true},
	{"calendar-month terms clamped to a month's end", false},
	{"31-day months closed", true},
	{"February closed", false},
	// Tax added to or included in every line, document and credit note.
	{"tax-exclusive prepaid lines", true},
	{"tax-inclusive prepaid lines", true},
	{"tax-exclusive postpaid lines", true},
	{"tax-inclusive postpaid lines", true},
	{"tax-exclusive invoices checked", true},
	{"tax-inclusive invoices checked", true},
	{"tax-exclusive credit notes checked", true},
	{"tax-inclusive credit notes checked", true},

	// Coupons (sim_coupons_test.go): every refusal reason, typed…
	{"coupon refused: product", true},
	{"coupon refused: action", true},
	{"coupon refused: window (not yet valid)", false},
	{"coupon refused: window (expired)", true},
	{"coupon refused: minimum", true},
	{"coupon refused: first order", true},
	{"coupon refused: per-account limit", false},
	{"coupon refused: total limit", true},
	{"coupon refused: not stackable", true},
	{"coupon refused: unknown code", true},
	// … each restriction also accepting what it allows …
	{"coupon accepted: product restricted", true},
	{"coupon accepted: in its window", false},
	{"coupon accepted: first order", false},
	{"coupon accepted: per-account limit", true},
	// … on every action that takes coupons; a downgrade refuses them.
	{"create with coupon", true},
	{"renew with coupon", true},
	{"resize with coupon", false},
	{"recover with coupon", false},
	// A recovery whose provisioning fails gives back its own coupon
	// shares, not those of the purchase it replaced.
	{"failed recovery gives back its coupon", false},
	{"match end time with coupon", true},
	{"downgrade with coupon refused", false},
	// A key reused with another request is a typed conflict, nothing
	// changed.
	{"key reused with another request", true},
	// Bills paid in any order while several are open.
	{"bill paid with several open", true},
	{"bill paid out of order", true},
	// Credit limits: set, refused, blocking, warning from 80 %.
	{"credit limit changed", true},
	{"credit limit change refused", true},
	{"purchase refused over the credit limit", true},
	{"purchase within the credit limit", true},
	{"purchase near the credit limit noticed", false},
	// Account types switched, and refused.
	{"account type changed", true},
	{"account type change refused", true},

	// Auto-renewal, reminders, notices and billing status
	// (sim_renewals_test.go): attempts on each of their days, their
	// outcomes…
	{"auto-renew attempt at T-7", true},
	{"auto-renew attempt at T-4", true},
	{"auto-renew attempt at T-1", false},
	{"auto-renew attempt at T+0", true},
	{"auto-renew from credit", true},
	{"auto-renew on the linked account", true},
	{"auto-renew failed: credit short", true},
	{"auto-renew failed: card declined", false},
	{"auto-renew failed: renewal in the past", false},
	// … every notice kind …
	{"notice renewal_reminder", true},
	{"notice state_changed", true},
	{"notice auto_renew_succeeded", true},
	{"notice auto_renew_failed", true},
	{"notice hold_short", true},
	{"notice overdue_charge", true},
	{"notice overdue_suspended", false},
	{"notice overdue_released", false},
	{"notice credit_limit", false},
	// … every billing status and the clock's state changes …
	{"billing status good", true},
	{"billing status warning", true},
	{"billing status alerted", true},
	{"billing status expired", true},
	{"clock grace", true},
	{"clock suspended", true},
	{"clock released", true},
	// … set auto-renew and match end time, with their refusals …
	{"set auto-renew", true},
	{"set auto-renew refused", true},
	{"match end time", true},
	{"match end time of two resources", false},
	{"match end time refused: a target before an end", true},
	{"match end time refused: a target in the past", true},
	{"match end time refused: under a minute", true},
	// … and the credit hold that stops a prepaid account's services on
	// the fifth short day, resumed when it is funded.
	{"stops after short days", true},
	// Pay of a pending order settled at once: the order's resources are
	// read with the order and handed to the settlement.
	{"pending order paid at once, its resources settled with it", true},
	{"hold resumed after a stop", false},
}

// simCoverage prints the run's counters, one line each, and fails the
// test when the run is at least its store's CI budget and a required
// counter is zero.
func simCoverage(t *testing.T, name string, ops int, hits map[string]int, discounted int) {
	all := maps.Clone(hits)
	all["months closed at a discount"] = discounted
	for _, c := range simRequiredCounters {
		if _, ok := all[c.counter]; !ok {
			all[c.counter] = 0
		}
	}
	for _, k := range slices.Sorted(maps.Keys(all)) {
		line := fmt.Sprintf("coverage (%s): %s: %d", name, k, all[k])
		t.Log(line)
		if testing.Verbose() {
			fmt.Println(line)
		}
	}
	if ops < simCoverageAt[name] || t.Failed() {
		return
	}
	for _, c := range simRequiredCounters {
		if (name == "memory" || c.pg) && all[c.counter] == 0 {
			t.Errorf("coverage (%s): %q is zero after %d operations: the simulation no longer reaches its rule", name, c.counter, ops)
		}
	}
}
