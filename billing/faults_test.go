package billing_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/memory"
	"github.com/cloudbill/cloudbill/storage/storagetest/faultstore"
)

// Faults at every step: each operation below runs once with a fault (an
// injected storage error, or its context cancelled) at its first storage
// call, once at its second, and so on until it no longer reaches the fault.
// Every time:
//
//   - the operation returned the fault's error and the account's observable
//     state is exactly what it was before (nothing half-done) — or the
//     error came after the commit (a read-back) and the state is the one a
//     clean run leaves — or, for payments handed to a gateway, the payment
//     was recorded but the gateway's answer was not (status created), the
//     one intermediate state a retry is documented to resume;
//   - retrying the same call with the same idempotency key on the healthy
//     store succeeds, returns what a clean run returns, and leaves exactly
//     the state of one clean run (one payment, one order, one invoice per
//     resource, the wallet moved once); a further retry changes nothing.
//
// Tick has no key, and records an item that fails to retry it after a
// delay: after a faulted tick, a tick once every retry is due must leave
// what a clean tick followed by that same tick leaves — the same work done
// exactly once, with nothing left failed. Only when the retried work
// happened may differ: times between the two ticks (and up to an hour
// after, such as a payment's expiry) are compared as "the tick"; the
// wallet history's running balance, which depends on the order of the
// work, is left out (the balances are compared), and so is when a
// resource or payment was last updated (recording a failure updates it).
// The clean run is a reference run of the same
// operation in another environment with an account of its own; ids are
// random, so states are compared with the random part of ids and the
// account's id normalised.

// faultKey is the idempotency key of the operation under test.
const faultKey = "op-under-fault"

// faultOp runs the operation under test once.
type faultOp func(ctx context.Context) (any, error)

// faultCase is one operation and the state it starts from.
type faultCase struct {
	name string
	// prepare builds the starting state through the healthy store and
	// returns the operation: the same request with the same key on every
	// call.
	prepare func(t *testing.T, e faultEnv) faultOp
	// tick marks the worker's Tick, which has no idempotency key.
	tick bool
	// config, when set, adjusts the environment's configuration.
	config func(*billing.Config)
}

// tickRecovery is how long after a faulted tick the next one runs: by then
// every item that failed is due to be retried (after a minute by default,
// an event delivery after 10 seconds), and a payment it left created is
// not yet expired (after 30 minutes by default). tickOffset places the
// ticks so that nothing else falls due between them: the cases' resources
// fall due on the hour (a few seconds apart, as they were bought) and
// their automatic renewals are attempted at 08:00 local time, so ticking
// at half past the hour, and ten minutes later, both see the same
// schedule.
const (
	tickRecovery = 10 * time.Minute
	tickOffset   = 30 * time.Minute
)

// deliverAll is an EventHandler that accepts every event.
func deliverAll(cfg *billing.Config) {
	cfg.EventHandler = func(context.Context, billing.Event) error { return nil }
}

func faultCases() []faultCase {
	credit := billing.PaySpec{Method: payment.MethodCredit}
	return []faultCase{
		{name: "checkout by credit with a coupon", prepare: func(t *testing.T, e faultEnv) faultOp {
			e.fund(t, e.acct, 1_000_000)
			require.NoError(t, e.sys.DefineCoupon(context.Background(), fixedCoupon(t, "WELCOME20K", 20_000)))
			return func(ctx context.Context) (any, error) {
				return e.sys.Checkout(ctx, faultKey, billing.CheckoutRequest{AccountID: e.acct, Items: seedItems(),
					Coupons: []string{"WELCOME20K"}, Method: payment.MethodCredit})
			}
		}},
		{name: "checkout by gateway", prepare: func(t *testing.T, e faultEnv) faultOp {
			e.fund(t, e.acct, 100_000)
			return func(ctx context.Context) (any, error) {
				return e.sys.Checkout(ctx, faultKey, billing.CheckoutRequest{AccountID: e.acct, Items: seedItems(),
					Method: payment.MethodGateway, Gateway: "sim", ReturnURL: "https://console.example/done"})
			}
		}},
		{name: "checkout by top up and pay", prepare: func(t *testing.T, e faultEnv) faultOp {
			e.fund(t, e.acct, 100_000)
			return func(ctx context.Context) (any, error) {
				return e.sys.Checkout(ctx, faultKey, billing.CheckoutRequest{AccountID: e.acct, Items: seedItems(),
					Method: payment.MethodTopUpAndPay, Gateway: "sim"})
			}
		}},
		{name: "pay a pending order by credit", prepare: func(t *testing.T, e faultEnv) faultOp {
			e.fund(t, e.acct, 1_000_000)
			o := faultGatewayCheckout(t, e)
			return func(ctx context.Context) (any, error) {
				return e.sys.Pay(ctx, faultKey, billing.PayRequest{AccountID: e.acct, Amount: o.Total, Method: payment.MethodCredit,
					Purpose: payment.Purpose{Kind: payment.PurposeOrder, Ref: o.ID}})
			}
		}},
		{name: "top up", prepare: func(t *testing.T, e faultEnv) faultOp {
			e.account(t, e.acct)
			return func(ctx context.Context) (any, error) {
				return e.sys.TopUp(ctx, faultKey, billing.TopUpRequest{AccountID: e.acct, Amount: vnd(t, 300_000), Gateway: "sim"})
			}
		}},
		{name: "callback of a top-up", prepare: func(t *testing.T, e faultEnv) faultOp {
			e.account(t, e.acct)
			p, err := e.sys.TopUp(context.Background(), "top-up", billing.TopUpRequest{AccountID: e.acct, Amount: vnd(t, 300_000), Gateway: "sim"})
			require.NoError(t, err)
			return faultCallback(t, e, p.ID)
		}},
		{name: "callback of a checkout by gateway", prepare: func(t *testing.T, e faultEnv) faultOp {
			e.account(t, e.acct)
			return faultCallback(t, e, faultGatewayCheckout(t, e).PaymentID)
		}},
		{name: "callback of a checkout by top up and pay", prepare: func(t *testing.T, e faultEnv) faultOp {
			e.fund(t, e.acct, 100_000)
			res, err := e.sys.Checkout(context.Background(), "checkout", billing.CheckoutRequest{AccountID: e.acct, Items: seedItems(),
				Method: payment.MethodTopUpAndPay, Gateway: "sim"})
			require.NoError(t, err)
			return faultCallback(t, e, res.Payment.ID)
		}},
		{name: "renew by credit", prepare: func(t *testing.T, e faultEnv) faultOp {
			e.fund(t, e.acct, 1_000_000)
			r := e.buy(t, e.acct, small, period.Days(30))
			e.clk.Advance(10 * day)
			return func(ctx context.Context) (any, error) {
				return e.sys.Renew(ctx, faultKey, billing.RenewRequest{AccountID: e.acct, ResourceIDs: []string{r.ID}, Term: period.Months(1), PaySpec: credit})
			}
		}},
		{name: "resize up by credit", prepare: func(t *testing.T, e faultEnv) faultOp {
			e.fund(t, e.acct, 2_000_000)
			r := e.buy(t, e.acct, small, period.Days(60))
			e.clk.Advance(10 * day)
			return func(ctx context.Context) (any, error) {
				return e.sys.Resize(ctx, faultKey, billing.ResizeRequest{AccountID: e.acct, ResourceID: r.ID, Configuration: large, PaySpec: credit})
			}
		}},
		{name: "resize up through the gateway", prepare: func(t *testing.T, e faultEnv) faultOp {
			e.fund(t, e.acct, 1_000_000)
			r := e.buy(t, e.acct, small, period.Days(60))
			e.clk.Advance(10 * day)
			return func(ctx context.Context) (any, error) {
				return e.sys.Resize(ctx, faultKey, billing.ResizeRequest{AccountID: e.acct, ResourceID: r.ID, Configuration: large,
					PaySpec: billing.PaySpec{Method: payment.MethodGateway, Gateway: "sim"}})
			}
		}},
		{name: "callback of a renewal through the gateway", prepare: func(t *testing.T, e faultEnv) faultOp {
			e.fund(t, e.acct, 1_000_000)
			r := e.buy(t, e.acct, small, period.Days(30))
			e.clk.Advance(10 * day)
			res, err := e.sys.Renew(context.Background(), "renew", billing.RenewRequest{AccountID: e.acct, ResourceIDs: []string{r.ID}, Term: period.Months(1),
				PaySpec: billing.PaySpec{Method: payment.MethodGateway, Gateway: "sim"}})
			require.NoError(t, err)
			return faultCallback(t, e, res.Payment.ID)
		}},
		{name: "resize down", prepare: func(t *testing.T, e faultEnv) faultOp {
			e.fund(t, e.acct, 1_000_000)
			r := e.buy(t, e.acct, large, period.Days(30))
			e.clk.Advance(10 * day)
			return func(ctx context.Context) (any, error) {
				return e.sys.Resize(ctx, faultKey, billing.ResizeRequest{AccountID: e.acct, ResourceID: r.ID, Configuration: small})
			}
		}},
		{name: "delete", prepare: func(t *testing.T, e faultEnv) faultOp {
			e.fund(t, e.acct, 1_000_000)
			r := e.buy(t, e.acct, small, period.Days(30))
			e.clk.Advance(10 * day)
			return func(ctx context.Context) (any, error) {
				return e.sys.Delete(ctx, faultKey, billing.DeleteRequest{AccountID: e.acct, ResourceID: r.ID, Reason: "no longer needed"})
			}
		}},
		{name: "provisioning succeeded", prepare: func(t *testing.T, e faultEnv) faultOp {
			r := faultPaidResource(t, e)
			return func(ctx context.Context) (any, error) {
				return e.sys.ProvisioningSucceeded(ctx, faultKey, billing.ProvisioningRequest{AccountID: e.acct, ResourceID: r.ID})
			}
		}},
		{name: "provisioning failed", prepare: func(t *testing.T, e faultEnv) faultOp {
			r := faultPaidResource(t, e)
			return func(ctx context.Context) (any, error) {
				return e.sys.ProvisioningFailed(ctx, faultKey, billing.ProvisioningRequest{AccountID: e.acct, ResourceID: r.ID, Reason: "no capacity"})
			}
		}},
		{name: "tick with renewals, reminders, transitions and expiries", tick: true, config: deliverAll, prepare: func(t *testing.T, e faultEnv) faultOp {
			ctx := context.Background()
			e.fund(t, e.acct, 2_000_000)
			renewing := e.buy(t, e.acct, small, period.Days(30))
			_, err := e.sys.SetAutoRenew(ctx, "auto", billing.AutoRenewRequest{AccountID: e.acct, ResourceID: renewing.ID, On: true})
			require.NoError(t, err)
			e.buy(t, e.acct, small, period.Days(30)) // a reminder at T−7
			e.buy(t, e.acct, small, period.Days(20)) // in grace at T+3
			e.buy(t, e.acct, large, period.Days(5))  // suspended at T+18
			_, err = e.sys.GrantPromotionalCredit(ctx, "promo", billing.GrantRequest{AccountID: e.acct, Amount: vnd(t, 50_000), ValidFor: 2 * day, Actor: "ops"})
			require.NoError(t, err)
			_, err = e.sys.TopUp(ctx, "abandoned", billing.TopUpRequest{AccountID: e.acct, Amount: vnd(t, 70_000), Gateway: "sim"})
			require.NoError(t, err)
			e.clk.Set(renewing.PeriodEnd.Add(-7*day + tickOffset))
			return func(ctx context.Context) (any, error) { return e.sys.Tick(ctx, 1000) }
		}},
		{name: "tick renewing from the default linked account", tick: true, config: func(cfg *billing.Config) {
			deliverAll(cfg)
			cfg.AutoRenewWithLinkedAccount = true
		}, prepare: func(t *testing.T, e faultEnv) faultOp {
			ctx := context.Background()
			e.fund(t, e.acct, 200_000)
			r := e.buy(t, e.acct, small, period.Days(30)) // leaves less than a renewal costs
			e.linkAccount(t, e.acct, "MoMo •••• 4242")
			_, err := e.sys.SetAutoRenew(ctx, "auto", billing.AutoRenewRequest{AccountID: e.acct, ResourceID: r.ID, On: true})
			require.NoError(t, err)
			e.clk.Set(r.PeriodEnd.Add(-7*day + tickOffset))
			return func(ctx context.Context) (any, error) { return e.sys.Tick(ctx, 1000) }
		}},
	}
}

// faultGatewayCheckout checks out the seed's order through the gateway and
// leaves it pending payment.
func faultGatewayCheckout(t *testing.T, e faultEnv) billing.Order {
	t.Helper()
	res, err := e.sys.Checkout(context.Background(), "checkout", billing.CheckoutRequest{AccountID: e.acct, Items: seedItems(),
		Method: payment.MethodGateway, Gateway: "sim"})
	require.NoError(t, err)
	require.Equal(t, payment.StatusPending, res.Payment.Status)
	return res.Order
}

// faultPaidResource checks out the seed's order by credit, with a coupon, and
// returns its first resource, paid and waiting for provisioning.
func faultPaidResource(t *testing.T, e faultEnv) billing.Resource {
	t.Helper()
	e.fund(t, e.acct, 1_000_000)
	require.NoError(t, e.sys.DefineCoupon(context.Background(), fixedCoupon(t, "WELCOME20K", 20_000)))
	res, err := e.sys.Checkout(context.Background(), "checkout", billing.CheckoutRequest{AccountID: e.acct, Items: seedItems(),
		Coupons: []string{"WELCOME20K"}, Method: payment.MethodCredit})
	require.NoError(t, err)
	require.Len(t, res.Resources, 2)
	return res.Resources[0]
}

// faultCallback has the gateway complete a pending payment and returns the
// delivery of its callback; the gateway's event id is the key.
func faultCallback(t *testing.T, e faultEnv, paymentID string) faultOp {
	t.Helper()
	cb, err := e.sim.Complete(paymentID)
	require.NoError(t, err)
	return func(ctx context.Context) (any, error) {
		res, err := e.sys.HandleCallback(ctx, "sim", cb.Header, cb.Body)
		// A redelivery after the event was applied says Duplicate (and
		// its outcome duplicate); the state comparison proves whether it
		// was applied once.
		res.Duplicate = false
		if res.Outcome == gateway.CallbackDuplicate {
			res.Outcome = gateway.CallbackApplied
		}
		return res, err
	}
}

// faultEnv is an environment whose store can fail on demand, with an
// account of its own.
type faultEnv struct {
	env
	fs *faultstore.Store
	// acct is the account the case acts on; the gateway simulator's ids
	// start with it too, so that environments can share a store.
	acct string
	// renumber makes snapshots number invoices per account (1, 2, …), for
	// environments sharing a store and so its invoice series.
	renumber bool
	// tickAt, for a tick, is when it runs; snapshots show the times from
	// it to an hour after the recovery tick as "the tick".
	tickAt time.Time
}

// newFaultEnv prepares an environment for c with account acct on st and
// returns it with the operation, the fault store disarmed.
func newFaultEnv(t *testing.T, c faultCase, st storage.Store, acct string, renumber bool) (faultEnv, faultOp) {
	t.Helper()
	fs := faultstore.New(st)
	e := faultEnv{fs: fs, acct: acct, renumber: renumber}
	e.env = newEnvTagged(t, fs, acct, c.config)
	op := c.prepare(t, e)
	if c.tick {
		e.tickAt = e.clk.Now()
	}
	fs.Reset()
	return e, op
}

// recoverTick runs the tick that follows a tick at e.tickAt once every
// retry is due, and requires it to leave nothing failed.
func (e faultEnv) recoverTick(t *testing.T, what string) {
	t.Helper()
	e.clk.Set(e.tickAt.Add(tickRecovery))
	rep, err := e.sys.Tick(context.Background(), 1000)
	require.NoError(t, err, what)
	require.Empty(t, rep.Failures, what)
}

// faultOutcome classifies one faulted run.
type faultOutcome int

const (
	outcomeUntouched   faultOutcome = iota // failed, nothing changed
	outcomeCommitted                       // failed after the commit, fully applied
	outcomeResumable                       // payment recorded, the gateway's answer not
	outcomeSwallowed                       // succeeded although a call failed
	outcomeTickPartial                     // a tick stopped part-way
	outcomeUnreached                       // the fault was past the last call
	faultOutcomes
)

func (o faultOutcome) String() string {
	switch o {
	case outcomeUntouched:
		return "nothing changed"
	case outcomeCommitted:
		return "failed after commit"
	case outcomeResumable:
		return "payment left for the retry"
	case outcomeSwallowed:
		return "succeeded despite the fault"
	case outcomeTickPartial:
		return "tick stopped part-way"
	}
	return "not reached"
}

// faultReference is what one clean run of a case gives.
type faultReference struct {
	calls  int
	state  faultState
	result string
}

// reference runs c once on the healthy store.
func reference(t *testing.T, c faultCase, stores faultStores) faultReference {
	t.Helper()
	e, op := newFaultEnv(t, c, stores.store(t), "acme-clean", stores.shared)
	res, err := op(context.Background())
	require.NoError(t, err, "clean run")
	if c.tick {
		require.Empty(t, res.(billing.TickReport).Failures, "clean tick")
	}
	ref := faultReference{calls: e.fs.Calls(), result: e.normalize(mustJSON(t, res))}
	require.Positive(t, ref.calls)
	if c.tick {
		e.recoverTick(t, "the tick after a clean one")
	}
	ref.state = e.snapshot(t)
	again, err := op(context.Background())
	require.NoError(t, err, "clean run, again")
	if diff := cmp.Diff(ref.state, e.snapshot(t)); diff != "" {
		t.Fatalf("a second clean call changed the state (-first +second):\n%s", diff)
	}
	if !c.tick {
		requireSameResult(t, e, ref.result, again, "a second clean call")
	}
	return ref
}

// runFault runs c with a fault of mode at call k and then retries, checking
// every rule of the file's comment. It returns how the faulted run ended.
func runFault(t *testing.T, c faultCase, stores faultStores, ref faultReference, mode faultstore.Mode, k int) faultOutcome {
	t.Helper()
	e, op := newFaultEnv(t, c, stores.store(t), fmt.Sprintf("acme-%s-%d", mode, k), stores.shared)
	before := e.snapshot(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if mode == faultstore.Cancel {
		e.fs.CancelAt(k, cancel)
	} else {
		e.fs.FailAt(k)
	}
	res, err := op(ctx)
	f, fired := e.fs.Injected()
	e.fs.Reset()
	if !fired {
		require.NoError(t, err, "%s at call %d: not reached", mode, k)
		if c.tick {
			e.recoverTick(t, "the tick after a run the fault did not reach")
		}
		requireState(t, ref.state, e.snapshot(t), "a run the fault did not reach")
		return outcomeUnreached
	}
	after := e.snapshot(t)
	cause := error(faultstore.ErrInjected)
	if mode == faultstore.Cancel {
		cause = context.Canceled
	}
	outcome := outcomeTickPartial
	switch {
	case c.tick:
		// Any part of the tick's work may have committed, and the items
		// that failed are recorded to be retried: the recovery tick
		// below must finish them. Tick fails as a whole only when it
		// cannot go on, and then with the storage error.
		if err != nil && !errors.Is(err, cause) {
			t.Errorf("%s: the tick returned %v, which hides the storage error", f, err)
		}
	case err == nil:
		outcome = outcomeSwallowed
		requireState(t, ref.state, after, fmt.Sprintf("success despite %s", f))
		requireSameResult(t, e, ref.result, res, fmt.Sprintf("success despite %s", f))
	default:
		if !errors.Is(err, cause) && !errors.Is(err, billing.ErrGatewayUnavailable) {
			t.Errorf("%s: the operation returned %v, which hides the storage error", f, err)
		}
		switch {
		case cmp.Equal(before, after):
			outcome = outcomeUntouched
		case cmp.Equal(ref.state, after):
			outcome = outcomeCommitted
		case after.hasCreatedPayment() && cmp.Equal(ref.state.unsubmitted(t), after.unsubmitted(t)):
			outcome = outcomeResumable
		default:
			t.Fatalf("%s left the operation half-done (error %v).\nAgainst the state before (-before +after):\n%s\nAgainst a clean run (-clean +after):\n%s",
				f, err, cmp.Diff(before, after), cmp.Diff(ref.state, after))
		}
	}
	e.checkBooks(t)

	if c.tick {
		e.recoverTick(t, fmt.Sprintf("the tick after %s", f))
	} else {
		retried, err := op(context.Background())
		require.NoError(t, err, "retry after %s", f)
		requireSameResult(t, e, ref.result, retried, fmt.Sprintf("the retry after %s", f))
	}
	requireState(t, ref.state, e.snapshot(t), fmt.Sprintf("the retry after %s", f))
	_, err = op(context.Background())
	require.NoError(t, err, "second retry after %s", f)
	requireState(t, ref.state, e.snapshot(t), fmt.Sprintf("a second retry after %s", f))
	return outcome
}

func requireState(t *testing.T, want, got faultState, what string) {
	t.Helper()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("%s: the state differs from one clean run (-clean +got):\n%s", what, diff)
	}
}

func requireSameResult(t *testing.T, e faultEnv, want string, got any, what string) {
	t.Helper()
	if diff := cmp.Diff(want, e.normalize(mustJSON(t, got))); diff != "" {
		t.Fatalf("%s: the result differs from a clean run's (-clean +got):\n%s", what, diff)
	}
}

// faultStores says where a sweep's environments live and which calls it
// faults.
type faultStores struct {
	// store returns the store of one environment: a fresh memory store
	// each time, or one database schema that every environment of the
	// sweep shares (each with an account of its own) when shared is set.
	store  func(*testing.T) storage.Store
	shared bool
	// pick chooses the calls to fault (the run past the last call always
	// happens).
	pick func(mode faultstore.Mode, k, calls int) bool
}

// memoryFaultStores faults every call, each run on a fresh memory store.
func memoryFaultStores() faultStores {
	return faultStores{
		store: func(*testing.T) storage.Store { return memory.New() },
		pick:  func(faultstore.Mode, int, int) bool { return true },
	}
}

// postgresFaultStores faults a sample of the calls — every fourth (every
// calls/8-th for long operations), a different one in each mode so that
// together they cover every other call, and always the last — with every
// run of a sweep in one fresh schema (migrating a schema costs more than a
// run).
func postgresFaultStores(newStore func(*testing.T) storage.Store) func(*testing.T) faultStores {
	return func(t *testing.T) faultStores {
		st := newStore(t)
		return faultStores{
			store:  func(*testing.T) storage.Store { return st },
			shared: true,
			pick: func(mode faultstore.Mode, k, calls int) bool {
				stride := max(4, calls/8)
				offset := 1
				if mode == faultstore.Cancel {
					offset = 1 + stride/2
				}
				return k%stride == offset%stride || k == calls
			},
		}
	}
}

// TestFaultsAtEveryStep is the test the file's comment describes.
func TestFaultsAtEveryStep(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		stores := func(*testing.T) faultStores { return memoryFaultStores() }
		if _, isMemory := newStore(t).(*memory.Store); !isMemory {
			stores = postgresFaultStores(newStore)
		}
		began := time.Now()
		total := 0
		for _, c := range faultCases() {
			t.Run(c.name, func(t *testing.T) { total += sweep(t, c, stores(t)) })
		}
		t.Logf("%d faulted runs in %s", total, time.Since(began).Round(time.Millisecond))
	})
}

// sweep runs c with each mode of fault at every call pick chooses, and once
// past the last call, and returns how many runs it made.
func sweep(t *testing.T, c faultCase, stores faultStores) int {
	t.Helper()
	ref := reference(t, c, stores)
	total := 0
	for _, mode := range []faultstore.Mode{faultstore.Fail, faultstore.Cancel} {
		var counts [faultOutcomes]int
		runs := 0
		for k := 1; k <= ref.calls+1; k++ {
			if k <= ref.calls && !stores.pick(mode, k, ref.calls) {
				continue
			}
			counts[runFault(t, c, stores, ref, mode, k)]++
			runs++
		}
		require.Equal(t, 1, counts[outcomeUnreached], "%s: exactly the run past the last of %d calls is not reached", mode, ref.calls)
		total += runs
		t.Logf("%s: %d of %d calls faulted: %s", mode, runs-1, ref.calls, summarize(counts))
	}
	return total
}

func summarize(counts [faultOutcomes]int) string {
	var parts []string
	for o, n := range counts {
		if n > 0 && faultOutcome(o) != outcomeUnreached {
			parts = append(parts, fmt.Sprintf("%d %s", n, faultOutcome(o)))
		}
	}
	return strings.Join(parts, ", ")
}

// faultState is an account's observable state: each kind of record (wallet,
// payments, orders, redemptions, resources, invoices, action log, outbox,
// journal, balances, posting totals, the key's idempotency record) as
// sorted JSON lines with ids replaced by their kind and store-assigned
// sequence numbers and versions left out.
type faultState map[string][]string

// snapshot reads the state of e.acct; call it with the fault store
// disarmed (it restarts the store's counting).
func (e faultEnv) snapshot(t *testing.T) faultState {
	t.Helper()
	ctx := context.Background()
	st := faultState{}
	add := func(kind string, v any) {
		st[kind] = append(st[kind], flatten(t, v))
	}
	var renumber []string // display number → per-account number, in pairs
	w, err := e.sys.Wallet(ctx, e.acct)
	require.NoError(t, err)
	add("wallet", w)
	e.fs.Reset() // the wallet was read through the fault store
	require.NoError(t, e.fs.Unwrap().InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		payments, err := tx.Payments().List(ctx, e.acct, "", 1000)
		require.NoError(t, err)
		orderIDs := map[string]bool{}
		for _, p := range payments {
			if !e.tickAt.IsZero() {
				p.UpdatedAt = time.Time{} // also touched by a recorded failure
			}
			add("payments", p)
			if p.Purpose == payment.PurposeOrder {
				orderIDs[p.PurposeRef] = true
			}
		}
		resources, err := tx.Resources().List(ctx, e.acct, "", 1000)
		require.NoError(t, err)
		for _, r := range resources {
			if !e.tickAt.IsZero() {
				r.UpdatedAt = time.Time{} // also touched by a recorded failure
			}
			add("resources", r)
			orderIDs[r.OrderID] = true
		}
		invoices, err := tx.Invoices().List(ctx, e.acct, "", "", 1000)
		require.NoError(t, err)
		if e.renumber {
			renumber = renumberInvoices(t, invoices)
		}
		for _, inv := range invoices {
			add("invoices", inv)
			if inv.OrderID != "" {
				orderIDs[inv.OrderID] = true
			}
		}
		found := 0
		for _, id := range slices.Sorted(maps.Keys(orderIDs)) {
			o, err := tx.Orders().Get(ctx, e.acct, id)
			if errors.Is(err, storage.ErrNotFound) {
				continue
			}
			require.NoError(t, err)
			found++
			add("orders", o)
			rs, err := tx.Redemptions().ListByOrder(ctx, e.acct, id)
			require.NoError(t, err)
			for _, r := range rs {
				add("redemptions", r)
			}
		}
		n, err := tx.Orders().CountByAccount(ctx, e.acct)
		require.NoError(t, err)
		require.Equal(t, n, found, "every order is reachable from a payment, resource or invoice")
		actions, err := tx.Actions().List(ctx, e.acct, "", 0, 1000)
		require.NoError(t, err)
		for _, a := range actions {
			add("actions", a)
		}
		events, err := tx.Outbox().List(ctx, e.acct, 0, 1000)
		require.NoError(t, err)
		for _, ev := range events {
			add("events", ev)
		}
		entries, err := tx.Ledger().Entries(ctx, e.acct, 0, 1000)
		require.NoError(t, err)
		for _, en := range entries {
			if e.tickAt.IsZero() {
				add("journal", en)
				continue
			}
			en.Seq = 0
			add("journal", struct {
				storage.LedgerEntry
				CreditAfter string
			}{en, "depends on the order of the tick's work"})
		}
		balances, err := tx.Ledger().Balances(ctx, e.acct)
		require.NoError(t, err)
		for _, b := range balances {
			add("balances", b)
		}
		totals, err := tx.Ledger().PostingTotals(ctx, e.acct)
		require.NoError(t, err)
		for _, b := range totals {
			add("posting totals", b)
		}
		rec, err := tx.Idempotency().Get(ctx, e.acct, faultKey)
		if !errors.Is(err, storage.ErrNotFound) {
			require.NoError(t, err)
			add("idempotency", rec)
		}
		return nil
	}))
	numbers := strings.NewReplacer(renumber...)
	for _, lines := range st {
		for i, line := range lines {
			line = e.normalize(numbers.Replace(line))
			if !e.tickAt.IsZero() {
				line = blankTimes(line, e.tickAt, e.tickAt.Add(tickRecovery+time.Hour))
			}
			lines[i] = line
		}
		slices.Sort(lines)
	}
	return st
}

// blankTimes replaces every JSON time in s from from to to (inclusive) by
// "the tick".
func blankTimes(s string, from, to time.Time) string {
	var b strings.Builder
	last := 0
	for i := 0; i+1 < len(s); i++ {
		// A JSON time: a quote, four digits, a dash.
		if s[i] != '"' || i+6 > len(s) || s[i+5] != '-' || !isDigits(s[i+1:i+5]) {
			continue
		}
		end := strings.IndexByte(s[i+1:], '"')
		if end < 0 {
			break
		}
		end += i + 1
		if at, err := time.Parse(time.RFC3339Nano, s[i+1:end]); err == nil && !at.Before(from) && !at.After(to) {
			b.WriteString(s[last : i+1])
			b.WriteString("the tick")
			last = end
		}
		i = end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// normalize replaces the random part of ids by "*" and the account's id,
// which every environment chooses, by "acme".
func (e faultEnv) normalize(s string) string {
	return strings.ReplaceAll(normalizeIDs(s), e.acct, "acme")
}

// renumberInvoices numbers invoices 1, 2, … per series in the order of
// their stored numbers (in place) and returns the replacement of each
// display number ("INV-2026-000057") by its new one ("INV-2026#1"), for
// accounts sharing a store's series with others.
func renumberInvoices(t *testing.T, invoices []storage.Invoice) []string {
	t.Helper()
	bySeries := map[string][]int64{}
	for _, inv := range invoices {
		if inv.Series != "" {
			bySeries[inv.Series] = append(bySeries[inv.Series], inv.Number)
		}
	}
	var pairs []string
	for i, inv := range invoices {
		if inv.Series == "" {
			continue
		}
		nums := bySeries[inv.Series]
		slices.Sort(nums)
		rank, _ := slices.BinarySearch(nums, inv.Number)
		display, err := invoice.Format(inv.Series, inv.Number)
		require.NoError(t, err)
		pairs = append(pairs, display, fmt.Sprintf("%s#%d", inv.Series, rank+1))
		inv.Number = int64(rank + 1)
		invoices[i] = inv
	}
	return pairs
}

// checkBooks asserts that the journal balances and the cache agrees with it
// whatever the fault left.
func (e faultEnv) checkBooks(t *testing.T) {
	t.Helper()
	checkLedger(t, e.fs.Unwrap(), e.acct)
}

// hasCreatedPayment reports whether a payment was recorded but not yet
// handed to its gateway.
func (s faultState) hasCreatedPayment() bool {
	for _, p := range s["payments"] {
		if strings.Contains(p, `"Status":"created"`) {
			return true
		}
	}
	return false
}

// unsubmitted returns s as it would be if no payment had been handed to its
// gateway yet: pending payments back to created, without the gateway's
// reference and redirect.
func (s faultState) unsubmitted(t *testing.T) faultState {
	t.Helper()
	out := maps.Clone(s)
	var ps []string
	for _, line := range s["payments"] {
		var p map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &p))
		if p["Status"] == string(payment.StatusPending) {
			p["Status"], p["GatewayRef"], p["RedirectURL"] = string(payment.StatusCreated), "", ""
		}
		ps = append(ps, mustJSON(t, p))
	}
	slices.Sort(ps)
	out["payments"] = ps
	return out
}

// flatten encodes a record as JSON without what a store or a request
// assigns incidentally (sequence numbers, versions, the digest of a request
// that names random ids), with its opaque JSON columns (event payloads,
// idempotent responses) inline so that the ids in them are normalised too.
func flatten(t *testing.T, v any) string {
	t.Helper()
	switch r := v.(type) {
	case storage.Payment:
		r.Version = 0
		v = r
	case storage.Resource:
		r.Version = 0
		v = r
	case storage.Action:
		r.Seq = 0
		v = r
	case storage.Event:
		r.Seq = 0
		v = struct {
			storage.Event
			Payload json.RawMessage
		}{r, r.Payload}
	case storage.LedgerEntry:
		r.Seq = 0
		v = r
	case storage.IdempotencyRecord:
		r.RequestHash = ""
		v = struct {
			storage.IdempotencyRecord
			Response json.RawMessage
		}{r, r.Response}
	}
	return mustJSON(t, v)
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// idLen is the length of the random part of the library's ids: 80 bits in
// base32.
const idLen = 16

// normalizeIDs replaces the random part of every id the library makes (a
// kind, "_", 16 lower-case base32 characters: "pay_3k7q…") by "*", so that
// two environments that did the same things compare equal.
func normalizeIDs(s string) string {
	isB32 := func(c byte) bool { return 'a' <= c && c <= 'z' || '2' <= c && c <= '7' }
	isWord := func(c byte) bool {
		return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
	}
	var b strings.Builder
	last := 0
	for i := 1; i+idLen < len(s); i++ {
		end := i + 1 + idLen
		if s[i] != '_' || !('a' <= s[i-1] && s[i-1] <= 'z') || (end < len(s) && isWord(s[end])) {
			continue
		}
		ok := true
		for j := i + 1; j < end && ok; j++ {
			ok = isB32(s[j])
		}
		if !ok {
			continue
		}
		b.WriteString(s[last : i+1])
		b.WriteByte('*')
		last = end
		i = end - 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// TestFaultNormalizeIDs pins the id normalisation the comparison relies on.
func TestFaultNormalizeIDs(t *testing.T) {
	in := `{"id":"pay_3k7qaaaabbbbcccc","entry":"payment:pay_3k7qaaaabbbbcccc","notice":"notice:res_abcdefgh23456777:renewal_reminder:x",` +
		`"ref":"pay_000001","long":"pay_3k7qaaaabbbbccccd","tail":"x_abcdefgh23456777"}`
	want := `{"id":"pay_*","entry":"payment:pay_*","notice":"notice:res_*:renewal_reminder:x",` +
		`"ref":"pay_000001","long":"pay_3k7qaaaabbbbccccd","tail":"x_*"}`
	if got := normalizeIDs(in); got != want {
		t.Fatalf("normalizeIDs:\n got %s\nwant %s", got, want)
	}
}

// TestFaultUnsubmittedPaymentIsNotReservedForever: when the store fails
// after a checkout's payment was recorded but before the gateway's answer
// was, the payment stays created. If the customer never retries, the
// worker must still end it at its expiry — release the held credit and the
// coupon, fail the order — as it does for a pending payment (RELIABILITY.md,
// invariant 7).
func TestFaultUnsubmittedPaymentIsNotReservedForever(t *testing.T) {
	c := faultCase{name: "checkout by top up and pay with a coupon", prepare: func(t *testing.T, e faultEnv) faultOp {
		e.fund(t, e.acct, 100_000)
		require.NoError(t, e.sys.DefineCoupon(context.Background(), fixedCoupon(t, "WELCOME20K", 20_000)))
		return func(ctx context.Context) (any, error) {
			return e.sys.Checkout(ctx, faultKey, billing.CheckoutRequest{AccountID: e.acct, Items: seedItems(),
				Coupons: []string{"WELCOME20K"}, Method: payment.MethodTopUpAndPay, Gateway: "sim"})
		}
	}}
	ctx := context.Background()
	left := 0
	for k := 1; ; k++ {
		e, op := newFaultEnv(t, c, memory.New(), "acme", false)
		e.fs.FailAt(k)
		_, err := op(ctx)
		f, fired := e.fs.Injected()
		e.fs.Reset()
		if !fired {
			break
		}
		if err == nil || !e.snapshot(t).hasCreatedPayment() {
			continue
		}
		left++
		e.clk.Advance(time.Hour) // past the 30-minute payment timeout
		_, err = e.sys.Tick(ctx, 1000)
		require.NoError(t, err)
		payments, err := items(e.sys.Payments(ctx, billing.ListRequest{AccountID: e.acct, Limit: 1000}))
		require.NoError(t, err)
		for _, p := range payments {
			if p.Status == payment.StatusCreated || p.Status == payment.StatusPending {
				t.Errorf("after %s and a tick past its expiry, payment %s is still %s", f, p.ID, p.Status)
			}
		}
		w, err := e.sys.Wallet(ctx, e.acct)
		require.NoError(t, err)
		if !w.Held.IsZero() {
			t.Errorf("after %s and a tick past the payment's expiry, %s is still held", f, w.Held)
		}
	}
	require.Positive(t, left, "some fault leaves a created payment")
	t.Logf("%d faults left a created payment", left)
}
