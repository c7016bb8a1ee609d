package billing_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/memory"
)

// concResource is a resource one worker bought, with what the model
// derives for it: the worker alone acts on it.
type concResource struct {
	id, acct, payment string
	line              int64 // what its checkout line cost
	days              int64
	fixed             bool // the limited coupon paid part of it
	state             string
	// value is paid for the time from from to end (after refunds).
	value          int64
	from, end      time.Time
	paid, refunded int64
}

func (c *concResource) unused(t time.Time) int64 {
	if c.state != stActive {
		return 0
	}
	return unusedAt(c.value, c.from, c.end, t)
}

// concTally is what one worker's operations did to the shared accounts.
type concTally struct {
	credit     map[string]int64 // change of cash + promotional credit
	fixedUsed  int              // checkouts that redeemed the limited coupon (and kept it)
	ops        int
	resources  []*concResource
	unexpected []string
}

// TestSimulationConcurrent runs rounds of operations from several
// goroutines at once on two shared accounts — linked-card top-ups,
// grants, checkouts by credit with coupons (one limited to two uses),
// provisioning outcomes, refunds and deletes — and at each quiescent
// point (all goroutines of the round done) checks what does not depend on
// the order they ran in: every ledger sums to zero and its cache agrees
// with its postings; no balance is negative and nothing is held; each
// account's credit is exactly the sum of what the successful operations
// added and took; the limited coupon is redeemed at most twice and
// exactly as often as checkouts kept it; and each resource's invoices
// less credit notes equal what was paid for it less what was refunded.
func TestSimulationConcurrent(t *testing.T) {
	rounds, workers, perRound := 30, 4, 6
	if raceEnabled || testing.Short() {
		rounds = 8
	}
	cat := taxFree(t)
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		if _, mem := newStore(t).(*memory.Store); !mem && !raceEnabled {
			rounds = 12
		}
		ctx := context.Background()
		seed := uint64(time.Now().UnixNano())
		tag := fmt.Sprintf("c%x", seed%0xfffffff)
		// Every goroutine also delivers outbox events, as workers of a
		// host scaled out do; the handler refuses the first attempt of
		// one event in five. Claims keep each event accepted once and
		// each stream with one worker at a time, in Seq order.
		dl := newDeliveryLog()
		dl.refuse = func(e billing.Event) bool { return e.Attempts == 0 && e.Seq%5 == 0 }
		e, err := simEnv(newStore(t), cat, seed, start, tag, func(c *billing.Config) { c.EventHandler = dl.handle })
		if err != nil {
			t.Fatal(err)
		}
		r := &simRun{ctx: ctx, e: e, m: newSimModel(start), tag: tag, ch: rand.New(rand.NewPCG(seed, 1)),
			eventSeq: map[string]int64{}}
		accts := []string{tag + "a", tag + "b"}
		for _, a := range accts {
			if _, err := e.sys.CreateAccount(ctx, "open-"+a, billing.CreateAccountRequest{ID: a}); err != nil {
				t.Fatal(err)
			}
			r.m.addAccount(a)
		}
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Fatal(p)
				}
			}()
			for _, a := range accts {
				r.linkAccount(a)
			}
		}()
		fixed := "FIX" + strings.ToUpper(tag)
		pct := "PCT" + strings.ToUpper(tag)
		for _, c := range []coupon.Coupon{
			{Code: fixed, Kind: coupon.KindFixed, Amount: simVND(fixedOff), TotalLimit: fixedLimit},
			{Code: pct, Kind: coupon.KindPercent, Percent: decimal.NewFromInt(percentOff), Cap: simVND(percentCap)},
		} {
			if err := e.sys.DefineCoupon(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		credit := map[string]int64{}
		fixedUsed, ops := 0, 0
		var all []*concResource
		for round := range rounds {
			tallies := make([]concTally, workers)
			var wg sync.WaitGroup
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					rng := rand.New(rand.NewPCG(seed, uint64(round*workers+w)))
					tallies[w] = concWorker(ctx, e, rng, accts, fixed, pct, perRound)
					for {
						n, err := e.sys.DeliverEvents(ctx, 5)
						if err != nil {
							tallies[w].unexpected = append(tallies[w].unexpected, fmt.Sprintf("deliver events: %v", err))
						}
						if err != nil || n == 0 {
							break
						}
					}
				}()
			}
			wg.Wait()
			for _, tl := range tallies {
				for _, u := range tl.unexpected {
					t.Errorf("round %d: %s", round, u)
				}
				for a, n := range tl.credit {
					credit[a] += n
				}
				fixedUsed += tl.fixedUsed
				ops += tl.ops
				all = append(all, tl.resources...)
			}
			if t.Failed() {
				return
			}
			concCheck(t, e, accts, credit, fixed, fixedUsed, all)
			concDeliveryCheck(t, dl, false)
			if t.Failed() {
				t.Fatalf("round %d (seed %d)", round, seed)
			}
			e.clk.Advance(24 * time.Hour)
			if _, err := e.sys.Tick(ctx, 1000); err != nil {
				t.Fatal(err)
			}
			now := e.clk.Now()
			for _, c := range all {
				if (c.state == stActive || c.state == stGrace || c.state == stSuspended) && !now.Before(c.end) {
					c.state = stGrace
					if !now.Before(c.end.Add(graceDays * 24 * time.Hour)) {
						c.state = stSuspended
					}
					if !now.Before(c.end.Add(releaseDays * 24 * time.Hour)) {
						c.state = stReleased
					}
				}
			}
		}
		// Drain the outbox (past every backoff) and check that each
		// event the accounts have was accepted exactly once.
		// A refused head holds its stream back for 10 s, so each pass gets
		// past one refused head per stream; pass until nothing is called.
		for calls := -1; ; {
			dl.mu.Lock()
			total := dl.total
			dl.mu.Unlock()
			if total == calls {
				break
			}
			calls = total
			e.clk.Advance(time.Minute)
			for {
				n, err := e.sys.DeliverEvents(ctx, 1000)
				if err != nil {
					t.Fatal(err)
				}
				if n == 0 {
					break
				}
			}
		}
		events := 0
		for _, a := range accts {
			evs, err := items(e.sys.Events(ctx, billing.ListRequest{AccountID: a, Limit: 1000}))
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range evs {
				events++
				if dl.accepted[ev.ID] != 1 {
					t.Errorf("event %s (%s) accepted %d times, want once (calls %d, attempts %d, seq %d, stream %s)", ev.ID, ev.Kind, dl.accepted[ev.ID], dl.calls[ev.ID], ev.Attempts, ev.Seq, ev.Stream)
				}
			}
		}
		concDeliveryCheck(t, dl, true)
		t.Logf("simulation (concurrent): %d operations in %d rounds of %d goroutines, seed %d; %d outbox events, %d handler calls (%d refused first attempts), each event accepted once",
			ops, rounds, workers, seed, events, dl.total, dl.refused)
	})
}

// concDeliveryCheck checks the concurrent workers' deliveries so far: no
// event accepted twice (no worker died, so no lease expired), no stream
// held by two workers at once, events of a stream in Seq order; at the
// end, calls are exactly the accepted events plus the refused attempts.
func concDeliveryCheck(t *testing.T, dl *deliveryLog, end bool) {
	t.Helper()
	dl.mu.Lock()
	defer dl.mu.Unlock()
	for _, p := range dl.problems {
		t.Errorf("delivery: %s", p)
	}
	accepted := 0
	for id, n := range dl.accepted {
		accepted += n
		if n > 1 {
			t.Errorf("event %s accepted %d times by concurrent workers", id, n)
		}
	}
	if end && dl.total != accepted+dl.refused {
		t.Errorf("%d handler calls, want %d accepted + %d refused", dl.total, accepted, dl.refused)
	}
}

// concWorker does n operations on the shared accounts and says what they
// did.
func concWorker(ctx context.Context, e env, rng *rand.Rand, accts []string, fixed, pct string, n int) concTally {
	tl := concTally{credit: map[string]int64{}}
	bad := func(format string, args ...any) { tl.unexpected = append(tl.unexpected, fmt.Sprintf(format, args...)) }
	key := func() string { return fmt.Sprintf("%s-%d", accts[0], rng.Uint64()) }
	for range n {
		acct := accts[rng.IntN(len(accts))]
		now := e.clk.Now()
		tl.ops++
		switch op := rng.IntN(10); {
		case op < 2: // top-up from the linked card: credited at once
			amt := int64(100+rng.IntN(900)) * 1000
			las, err := e.sys.LinkedAccounts(ctx, acct)
			if err != nil || len(las) == 0 {
				bad("linked accounts of %s: %v", acct, err)
				continue
			}
			p, err := e.sys.TopUp(ctx, key(), billing.TopUpRequest{AccountID: acct, Amount: simVND(amt), LinkedAccountID: las[0].ID})
			if err != nil || p.Status != payment.StatusSucceeded {
				bad("top-up: %v %s", err, p.Status)
				continue
			}
			tl.credit[acct] += amt
		case op < 3: // a long promotional grant
			amt := int64(10+rng.IntN(200)) * 1000
			if _, err := e.sys.GrantPromotionalCredit(ctx, key(), billing.GrantRequest{AccountID: acct, Amount: simVND(amt),
				ValidFor: 3000 * 24 * time.Hour, Actor: "sim"}); err != nil {
				bad("grant: %v", err)
				continue
			}
			tl.credit[acct] += amt
		case op < 6: // checkout by credit, with a coupon now and then
			cfg, days := rng.IntN(simVServerConfigs), int64(1+rng.IntN(20))
			var codes []string
			switch rng.IntN(4) {
			case 0:
				codes = []string{fixed}
			case 1:
				codes = []string{pct}
			}
			res, err := e.sys.Checkout(ctx, key(), billing.CheckoutRequest{AccountID: acct, Method: payment.MethodCredit, Coupons: codes,
				Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: simConfiguration(cfg), Quantity: 1,
					Term: mTerm{days: int(days)}.period()}}})
			switch {
			case errors.Is(err, payment.ErrInsufficientCredit), errors.Is(err, coupon.ErrRejected) && len(codes) == 1 && codes[0] == fixed:
				continue
			case err != nil:
				bad("checkout: %v", err)
				continue
			}
			sub := termSubtotal(simConfigs[cfg].price, mTerm{days: int(days)})
			want := sub
			if len(codes) == 1 && codes[0] == fixed {
				want = sub - min(fixedOff, sub)
				tl.fixedUsed++
			} else if len(codes) == 1 {
				want = sub - min(min(divRound(sub*percentOff, 100), percentCap), sub)
			}
			if got := minorOf(res.Order.Total); got != want || len(res.Resources) != 1 {
				bad("checkout of %s for %d days with %v: total %d, want %d", simConfigs[cfg].name, days, codes, got, want)
				continue
			}
			tl.credit[acct] -= want
			tl.resources = append(tl.resources, &concResource{id: res.Resources[0].ID, acct: acct, payment: res.Payment.ID,
				line: want, days: days, fixed: len(codes) == 1 && codes[0] == fixed, state: stProvisioning})
		case op < 8: // a provisioning outcome for one of this worker's resources
			c := pickConc(rng, tl.resources, stProvisioning)
			if c == nil {
				continue
			}
			req := billing.ProvisioningRequest{AccountID: c.acct, ResourceID: c.id}
			if rng.IntN(4) == 0 {
				if _, err := e.sys.ProvisioningFailed(ctx, key(), req); err != nil {
					bad("provisioning failed: %v", err)
					continue
				}
				c.state, c.paid, c.refunded = stProvFailed, c.line, c.line
				tl.credit[c.acct] += c.line
				if c.fixed {
					tl.fixedUsed-- // its share was the whole coupon: released
				}
				continue
			}
			if _, err := e.sys.ProvisioningSucceeded(ctx, key(), req); err != nil {
				bad("provisioning succeeded: %v", err)
				continue
			}
			c.state, c.from, c.end, c.paid, c.value = stActive, now, now.Add(time.Duration(c.days)*24*time.Hour), c.line, c.line
		case op < 9: // refund part of an active resource's payment
			c := pickConc(rng, tl.resources, stActive)
			if c == nil || c.payment == "" || c.unused(now) == 0 {
				continue
			}
			x := 1 + rng.Int64N(c.unused(now))
			if _, err := e.sys.RefundToCredit(ctx, key(), billing.RefundRequest{AccountID: c.acct, PaymentID: c.payment, Amount: simVND(x)}); err != nil {
				bad("refund %d of %s (unused %d): %v", x, c.payment, c.unused(now), err)
				continue
			}
			// What is left is spread over the rest of the term from now.
			c.from, c.value = now, c.unused(now)-x
			c.refunded += x
			tl.credit[c.acct] += x
		default: // delete an active resource: its unused paid value comes back
			c := pickConc(rng, tl.resources, stActive)
			if c == nil {
				continue
			}
			want := c.unused(now)
			out, err := e.sys.Delete(ctx, key(), billing.DeleteRequest{AccountID: c.acct, ResourceID: c.id})
			if err != nil {
				bad("delete: %v", err)
				continue
			}
			if got := minorOf(out.Refunded); got != want {
				bad("delete of %s refunded %d, want %d", c.id, got, want)
			}
			c.state = stDeleted
			c.refunded += want
			tl.credit[c.acct] += want
		}
	}
	return tl
}

func pickConc(rng *rand.Rand, list []*concResource, state string) *concResource {
	var in []*concResource
	for _, c := range list {
		if c.state == state {
			in = append(in, c)
		}
	}
	if len(in) == 0 {
		return nil
	}
	return in[rng.IntN(len(in))]
}

// concCheck checks the order-independent invariants at a quiescent point.
func concCheck(t *testing.T, e env, accts []string, credit map[string]int64, fixed string, fixedUsed int, all []*concResource) {
	ctx := context.Background()
	for _, a := range accts {
		w, err := e.sys.Wallet(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		if got := minorOf(w.Available); got != credit[a] || !w.Held.IsZero() {
			t.Errorf("%s: available %d held %s, the operations that succeeded add up to %d and hold nothing", a, got, w.Held, credit[a])
		}
	}
	err := e.st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		r := &simRun{m: newSimModel(start)}
		for _, a := range accts {
			if err := concLedger(r, ctx, tx, a); err != nil {
				return err
			}
		}
		total, _, err := tx.Redemptions().Count(ctx, fixed, "")
		if err != nil {
			return err
		}
		if total > fixedLimit || total != fixedUsed {
			return fmt.Errorf("coupon %s limited to %d: %d live redemptions, %d checkouts kept it", fixed, fixedLimit, total, fixedUsed)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
	for _, c := range all {
		invs, err := items(e.sys.Invoices(ctx, billing.ListRequest{AccountID: c.acct, ResourceID: c.id, Limit: 1000}))
		if err != nil {
			t.Fatal(err)
		}
		var net int64
		for _, inv := range invs {
			net += signedTotal(inv.Kind, minorOf(inv.Total))
		}
		if net != c.paid-c.refunded {
			t.Errorf("resource %s: invoices − credit notes = %d, paid − refunded = %d − %d", c.id, net, c.paid, c.refunded)
		}
		lr, err := e.sys.Resource(ctx, c.acct, c.id)
		if err != nil {
			t.Fatal(err)
		}
		if want := lifecycle.State(c.state); lr.State != want {
			t.Errorf("resource %s is %s, want %s", c.id, lr.State, want)
		}
	}
}

// concLedger runs the ledger checks, turning a failed comparison into an
// error.
func concLedger(r *simRun, ctx context.Context, tx storage.Tx, acct string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	return r.checkLedger(ctx, tx, acct, true)
}
