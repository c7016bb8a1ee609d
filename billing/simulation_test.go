package billing_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/memory"
)

// TestRandomizedOperationsKeepTheBooks drives random sequences of the
// library's operations — top-ups, payments by every method, gateway
// outcomes (including duplicates, declines and late successes), refunds,
// promotional grants and their expiry, checkouts with coupons,
// provisioning outcomes, renewals, resizes, deletes and the clock — and
// checks after every step that the books hold: every ledger sums to zero,
// the balance cache agrees with the postings, no customer balance is
// negative, the wallet view adds up, no payment is refunded beyond what it
// took, and a coupon limited to 2 is never redeemed more than twice.
// On PostgreSQL all checks share one schema, each with accounts and a
// coupon of its own.
func TestRandomizedOperationsKeepTheBooks(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		var shared storage.Store
		if _, isMemory := newStore(t).(*memory.Store); !isMemory {
			shared = newStore(t)
		}
		run := 0
		rapid.Check(t, func(rt *rapid.T) {
			run++
			st := shared
			if st == nil {
				st = memory.New()
			}
			simulate(t, rt, st, fmt.Sprintf("r%d", run))
		})
	})
}

// simulate runs one random sequence on st; tag keeps its ids apart from
// other sequences on the same store.
func simulate(t *testing.T, rt *rapid.T, st storage.Store, tag string) {
	ctx := context.Background()
	e := newEnvTagged(t, st, tag, func(c *billing.Config) { c.Catalog = taxFree(t) })
	accounts := []string{tag + "a", tag + "b"}
	for _, a := range accounts {
		if _, err := e.sys.CreateAccount(ctx, "open-"+a, billing.CreateAccountRequest{ID: a}); err != nil {
			rt.Fatal(err)
		}
	}
	if err := e.sys.DefineCoupon(ctx, coupon.Coupon{Code: "TWICE" + strings.ToUpper(tag), Kind: coupon.KindFixed, Amount: vnd(t, 30_000), TotalLimit: 2}); err != nil {
		rt.Fatal(err)
	}
	var pending []gatewaysim.Callback
	var resources []billing.Resource
	key := 0
	next := func() string { key++; return fmt.Sprintf("k%d", key) }
	acct := func() string { return rapid.SampledFrom(accounts).Draw(rt, "account") }
	amount := func() int64 { return rapid.Int64Range(1, 500).Draw(rt, "thousands") * 1000 }
	methods := []payment.Method{payment.MethodCredit, payment.MethodTopUpAndPay, payment.MethodGateway}
	cfgs := []pricing.Configuration{small, large}
	// tolerated are the typed rejections an operation may meet; any
	// other error is a bug.
	tolerated := func(err error) {
		if err == nil {
			return
		}
		for _, ok := range []error{payment.ErrInsufficientCredit, payment.ErrOverRefund, billing.ErrNotRefundable,
			coupon.ErrRejected, billing.ErrSameConfiguration, lifecycle.ErrIllegalTransition, lifecycle.ErrTermEnded,
			lifecycle.ErrRenewalInPast} {
			if errors.Is(err, ok) {
				return
			}
		}
		rt.Fatalf("unexpected error: %v", err)
	}

	steps := rapid.IntRange(5, 40).Draw(rt, "steps")
	for range steps {
		switch rapid.IntRange(0, 11).Draw(rt, "op") {
		case 0: // top-up through the gateway
			p, err := e.sys.TopUp(ctx, next(), billing.TopUpRequest{AccountID: acct(), Amount: vnd(t, amount()), Gateway: "sim"})
			tolerated(err)
			if err == nil {
				if cb, err := e.sim.Complete(p.ID); err == nil {
					pending = append(pending, cb)
				}
			}
		case 1: // pay an order
			a, amt := acct(), amount()
			p, err := e.sys.Pay(ctx, next(), billing.PayRequest{AccountID: a, Amount: vnd(t, amt),
				Method: rapid.SampledFrom(methods).Draw(rt, "method"), Gateway: "sim", Purpose: e.owe(t, a, amt)})
			tolerated(err)
			if err == nil && p.Status == payment.StatusPending {
				if rapid.Bool().Draw(rt, "decline") {
					e.sim.SetOutcome(p.ID, gatewaysim.Decline("no"))
				}
				if cb, err := e.sim.Complete(p.ID); err == nil {
					pending = append(pending, cb)
				}
			}
		case 2: // deliver a pending callback, sometimes twice, sometimes out of order
			if len(pending) > 0 {
				i := rapid.IntRange(0, len(pending)-1).Draw(rt, "callback")
				// The gateway retries with a fresh signature, as real
				// ones do.
				cb := e.sim.SignedAt(pending[i], e.clk.Now())
				_, err := e.deliver(t, cb)
				tolerated(err)
				if rapid.Bool().Draw(rt, "duplicate") {
					res, err := e.deliver(t, e.sim.Duplicate(cb))
					tolerated(err)
					if err == nil && !res.Duplicate {
						rt.Fatalf("a duplicated callback was applied twice")
					}
				} else {
					pending = append(pending[:i], pending[i+1:]...)
				}
			}
		case 3: // refund part of a payment to credit
			a := acct()
			list, err := e.sys.Payments(ctx, a, "", 50)
			tolerated(err)
			if len(list) > 0 {
				p := rapid.SampledFrom(list).Draw(rt, "payment")
				_, err := e.sys.RefundToCredit(ctx, next(), billing.RefundRequest{AccountID: a, PaymentID: p.ID, Amount: vnd(t, amount())})
				tolerated(err)
			}
		case 4: // promotional grant
			_, err := e.sys.GrantPromotionalCredit(ctx, next(), billing.GrantRequest{AccountID: acct(), Amount: vnd(t, amount()),
				ValidFor: time.Duration(rapid.IntRange(1, 20).Draw(rt, "days")) * day, Actor: "sim"})
			tolerated(err)
		case 5: // time passes; the worker runs
			e.clk.Advance(time.Duration(rapid.IntRange(1, 72).Draw(rt, "hours")) * time.Hour)
			_, err := e.sys.Tick(ctx, 1000)
			tolerated(err)
		case 6: // checkout, maybe with the limited coupon
			var codes []string
			if rapid.Bool().Draw(rt, "coupon") {
				codes = []string{"TWICE" + strings.ToUpper(tag)}
			}
			res, err := e.sys.Checkout(ctx, next(), billing.CheckoutRequest{AccountID: acct(), Coupons: codes,
				Method: rapid.SampledFrom(methods).Draw(rt, "method"), Gateway: "sim",
				Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: rapid.SampledFrom(cfgs).Draw(rt, "cfg"),
					Quantity: rapid.Int64Range(1, 2).Draw(rt, "qty"), Term: period.Days(rapid.IntRange(1, 60).Draw(rt, "days"))}}})
			tolerated(err)
			if err == nil {
				resources = append(resources, res.Resources...)
				if res.Payment.Status == payment.StatusPending {
					if cb, err := e.sim.Complete(res.Payment.ID); err == nil {
						pending = append(pending, cb)
					}
				}
			}
		case 7, 8: // the host reports a provisioning outcome
			if len(resources) > 0 {
				r := rapid.SampledFrom(resources).Draw(rt, "resource")
				req := billing.ProvisioningRequest{AccountID: r.AccountID, ResourceID: r.ID, Reason: "sim"}
				var err error
				if rapid.IntRange(0, 3).Draw(rt, "fail") == 0 {
					_, err = e.sys.ProvisioningFailed(ctx, next(), req)
				} else {
					_, err = e.sys.ProvisioningSucceeded(ctx, next(), req)
				}
				tolerated(err)
			}
		case 9: // renew
			if len(resources) > 0 {
				r := rapid.SampledFrom(resources).Draw(rt, "resource")
				_, err := e.sys.Renew(ctx, next(), billing.RenewRequest{AccountID: r.AccountID, ResourceIDs: []string{r.ID},
					Term: period.Months(1), PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
				tolerated(err)
			}
		case 10: // resize
			if len(resources) > 0 {
				r := rapid.SampledFrom(resources).Draw(rt, "resource")
				_, err := e.sys.Resize(ctx, next(), billing.ResizeRequest{AccountID: r.AccountID, ResourceID: r.ID,
					Configuration: rapid.SampledFrom(cfgs).Draw(rt, "cfg"), PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
				tolerated(err)
			}
		case 11: // delete
			if len(resources) > 0 {
				r := rapid.SampledFrom(resources).Draw(rt, "resource")
				_, err := e.sys.Delete(ctx, next(), billing.DeleteRequest{AccountID: r.AccountID, ResourceID: r.ID})
				tolerated(err)
			}
		}
		for _, a := range accounts {
			checkBooks(rt, e, a)
		}
	}
	total := 0
	err := e.st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		var err error
		total, _, err = tx.Redemptions().Count(ctx, "TWICE"+strings.ToUpper(tag), "")
		return err
	})
	if err != nil {
		rt.Fatal(err)
	}
	if total > 2 {
		rt.Fatalf("coupon limited to 2 redeemed %d times", total)
	}
}

// checkBooks asserts the invariants of one account's money.
func checkBooks(rt *rapid.T, e env, acct string) {
	ctx := context.Background()
	err := e.st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		cached, err := tx.Ledger().Balances(ctx, acct)
		if err != nil {
			return err
		}
		derived, err := tx.Ledger().PostingTotals(ctx, acct)
		if err != nil {
			return err
		}
		if len(cached) != len(derived) {
			return fmt.Errorf("%d cached balances, %d from postings", len(cached), len(derived))
		}
		var sum int64
		for i := range cached {
			if cached[i].LedgerAccount != derived[i].LedgerAccount || !cached[i].Amount.Equal(derived[i].Amount) {
				return fmt.Errorf("cache %s %s, postings %s %s", cached[i].LedgerAccount, cached[i].Amount, derived[i].LedgerAccount, derived[i].Amount)
			}
			n, err := cached[i].Amount.MinorUnits()
			if err != nil {
				return err
			}
			sum += n
			if len(cached[i].LedgerAccount) > 9 && cached[i].LedgerAccount[:9] == "customer:" && n < 0 {
				return fmt.Errorf("%s is negative: %d", cached[i].LedgerAccount, n)
			}
		}
		if sum != 0 {
			return fmt.Errorf("the ledger sums to %d", sum)
		}
		payments, err := tx.Payments().List(ctx, acct, "", 1000)
		if err != nil {
			return err
		}
		for _, p := range payments {
			parts, err := p.FromCredit.Add(p.FromGateway)
			if err != nil {
				return err
			}
			if !parts.Equal(p.Amount) {
				return fmt.Errorf("payment %s: %s + %s ≠ %s", p.ID, p.FromCredit, p.FromGateway, p.Amount)
			}
			if c, err := p.Refunded.Cmp(p.Amount); err != nil || c > 0 {
				return fmt.Errorf("payment %s refunded %s of %s", p.ID, p.Refunded, p.Amount)
			}
		}
		return nil
	})
	if err != nil {
		rt.Fatalf("books of %s: %v", acct, err)
	}
	w, err := e.sys.Wallet(ctx, acct)
	if err != nil {
		rt.Fatal(err)
	}
	if w.Available.IsNegative() || w.Held.IsNegative() || w.Cash.IsNegative() {
		rt.Fatalf("wallet of %s: %+v", acct, w)
	}
}
