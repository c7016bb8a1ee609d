package billing_test

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/cloudbill/cloudbill/billing/metering"
)

// Coverage that fails loudly (issue 21): the run prints one line per
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
}

// simCoverage prints the run's counters, one line each, and fails the
// test when the run is at least its store's CI budget and a required
// counter is zero.
func simCoverage(t *testing.T, name string, ops int, hits map[string]int, discounted int) {
	all := maps.Clone(hits)
	all["months closed at a discount"] = discounted
	simRefusals.Lock()
	for reason, n := range simRefusals.n {
		all["usage refused: "+string(reason)] = n
	}
	simRefusals.Unlock()
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
