// Command lifecycle walks resources through their lives on a fake clock,
// on the in-memory store, printing every event the host receives and every
// invoice:
//
//   - two vServers with automatic renewal and credit for one renewal: B is
//     renewed from credit at T−7; A gets reminders from T−7, failed
//     attempts at T−7, T−4, T−1 and T, grace at T, suspension at T+15, then
//     a manual renewal that resumes it (its new term starts at the old end);
//   - a third vServer resized up with 50 days left (pays 565,000), down with
//     20 days left (226,000 back to credit) and deleted with 20 days unused
//     (120,667 back).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/clock"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
	"github.com/cloudbill/cloudbill/storage/memory"
)

const day = 24 * time.Hour

// small costs 181,000 and large 520,000 per 30 days in the sample catalog.
func small() pricing.Configuration {
	return pricing.Configuration{Components: map[string]int64{"vcpu": 2, "ram_gb": 4, "ssd_gb": 40}}
}

func large() pricing.Configuration {
	return pricing.Configuration{Components: map[string]int64{"vcpu": 4, "ram_gb": 8, "ssd_gb": 200, "windows_licence": 1}}
}

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "lifecycle:", err)
		os.Exit(1)
	}
}

type walk struct {
	out  io.Writer
	sys  *billing.System
	clk  *clock.Manual
	momo *gatewaysim.Gateway
	keys int
}

func run(ctx context.Context, out io.Writer) error {
	w := &walk{out: out, clk: clock.NewManual(time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC))}
	var err error
	if w.momo, err = gatewaysim.New(gatewaysim.Config{Name: "momo", Secret: []byte("whsec_lifecycle"), Now: w.clk.Now}); err != nil {
		return err
	}
	// Prices without VAT, so the amounts read as the brief's examples.
	sample, err := pricing.SampleCatalog()
	if err != nil {
		return err
	}
	catalog, err := pricing.NewCatalog(pricing.Config{Currency: "VND", Tax: pricing.TaxPolicy{Rate: decimal.Zero}, Products: sample.Products()})
	if err != nil {
		return err
	}
	w.sys, err = billing.New(billing.Config{Store: memory.New(), Catalog: catalog, Clock: w.clk,
		Gateways: []gateway.Gateway{w.momo}, EventHandler: w.handle})
	if err != nil {
		return err
	}
	if _, err := w.sys.CreateAccount(ctx, "signup", billing.CreateAccountRequest{ID: "acme"}); err != nil {
		return err
	}
	return w.story(ctx)
}

func (w *walk) key() string { w.keys++; return fmt.Sprintf("k%d", w.keys) }

func (w *walk) say(format string, args ...any) {
	fmt.Fprintf(w.out, "%s  %s\n", w.clk.Now().In(hcm()).Format("2006-01-02"), fmt.Sprintf(format, args...))
}

func hcm() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.UTC
	}
	return loc
}

// handle is the host's event handler: it provisions paid resources and
// prints everything else it is asked to do.
func (w *walk) handle(ctx context.Context, e billing.Event) error {
	var p map[string]any
	_ = json.Unmarshal(e.Payload, &p)
	switch e.Kind {
	case billing.EventProvision:
		_, err := w.sys.ProvisioningSucceeded(ctx, "prov-"+e.ID, billing.ProvisioningRequest{AccountID: e.AccountID, ResourceID: e.Stream})
		w.say("    host: provision %s", e.Stream)
		return err
	case billing.EventNotice:
		w.say("    notice about %v: %v (billing status %v) %v", e.Stream, p["notice"], p["billing_status"], p["detail"])
	case billing.EventInvoiceIssued:
		w.say("    invoice %v for %v: %v", p["number"], p["resource_id"], p["total"])
	case billing.EventPaymentSucceeded, billing.EventPaymentFailed:
		w.say("    %s (%v by %v): %v", e.Kind, p["purpose"], p["method"], p["amount"])
	default:
		w.say("    host: %s %s", e.Kind, e.Stream)
	}
	return nil
}

// at moves the clock and runs the worker.
func (w *walk) at(ctx context.Context, t time.Time) error {
	w.clk.Set(t)
	_, err := w.sys.Tick(ctx, 1000)
	return err
}

func (w *walk) vnd(n int64) money.Amount {
	a, _ := money.FromMinor(n, "VND")
	return a
}

func (w *walk) buy(ctx context.Context, cfg pricing.Configuration, term period.Term, auto bool) (billing.Resource, error) {
	res, err := w.sys.Checkout(ctx, w.key(), billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit,
		Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: cfg, Quantity: 1, Term: term}}})
	if err != nil {
		return billing.Resource{}, err
	}
	if _, err := w.sys.DeliverEvents(ctx, 1000); err != nil {
		return billing.Resource{}, err
	}
	r := res.Resources[0]
	if auto {
		if r, err = w.sys.SetAutoRenew(ctx, w.key(), billing.AutoRenewRequest{AccountID: "acme", ResourceID: r.ID, On: true}); err != nil {
			return billing.Resource{}, err
		}
	}
	r, err = w.sys.Resource(ctx, "acme", r.ID)
	w.say("bought %s (%s) until %s, auto-renew %v", r.ID, r.PricePer30Days, r.PeriodEnd.In(hcm()).Format("2006-01-02"), r.AutoRenew)
	return r, err
}

// topUp adds credit through momo and its callback.
func (w *walk) topUp(ctx context.Context, n int64) error {
	top, err := w.sys.TopUp(ctx, w.key(), billing.TopUpRequest{AccountID: "acme", Amount: w.vnd(n), Gateway: "momo"})
	if err != nil {
		return err
	}
	cb, err := w.momo.Complete(top.ID)
	if err != nil {
		return err
	}
	_, err = w.sys.HandleCallback(ctx, "momo", cb.Header, cb.Body)
	return err
}

func (w *walk) story(ctx context.Context) error {
	sys := w.sys
	if err := w.topUp(ctx, 905_000); err != nil {
		return err
	}
	w.say("topped up 905,000 VND")
	w.say("— B and A: two vServers for a month with auto-renew; C: one for two months")
	b, err := w.buy(ctx, small(), period.Months(1), true)
	if err != nil {
		return err
	}
	w.clk.Advance(time.Minute) // B's renewal falls due just before A's
	a, err := w.buy(ctx, small(), period.Months(1), true)
	if err != nil {
		return err
	}
	c, err := w.buy(ctx, small(), period.Months(2), false)
	if err != nil {
		return err
	}
	T := a.PeriodEnd

	w.clk.Set(c.PeriodEnd.Add(-50 * day))
	if err := w.topUp(ctx, 565_000); err != nil {
		return err
	}
	up, err := sys.Resize(ctx, w.key(), billing.ResizeRequest{AccountID: "acme", ResourceID: c.ID, Configuration: large(), PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
	if err != nil {
		return err
	}
	w.say("resize C up 181,000 → 520,000 with 50 days left: difference %s, paid %s", up.Difference, up.Charged)
	if _, err := sys.DeliverEvents(ctx, 1000); err != nil {
		return err
	}

	w.say("— the clock runs to A's and B's end T; the wallet holds one renewal (181,000)")
	for _, d := range []int{-7, -6, -4, -1, 0, 1} {
		if err := w.at(ctx, T.Add(time.Duration(d)*day)); err != nil {
			return err
		}
	}
	ra, _ := sys.Resource(ctx, "acme", a.ID)
	rb, _ := sys.Resource(ctx, "acme", b.ID)
	w.say("A is %s (billing status %s); B is %s until %s", ra.State, ra.BillingStatus, rb.State, rb.PeriodEnd.In(hcm()).Format("2006-01-02"))

	w.clk.Set(c.PeriodEnd.Add(-20 * day))
	down, err := sys.Resize(ctx, w.key(), billing.ResizeRequest{AccountID: "acme", ResourceID: c.ID, Configuration: small()})
	if err != nil {
		return err
	}
	w.say("resize C down 520,000 → 181,000 with 20 days left: difference %s, refunded %s to credit", down.Difference, down.Refunded)
	del, err := sys.Delete(ctx, w.key(), billing.DeleteRequest{AccountID: "acme", ResourceID: c.ID, Reason: "project ended"})
	if err != nil {
		return err
	}
	w.say("delete C with 20 days unused: unused value %s, refunded %s", del.UnusedValue, del.Refunded)
	if _, err := sys.DeliverEvents(ctx, 1000); err != nil {
		return err
	}

	if err := w.at(ctx, T.Add(15*day)); err != nil {
		return err
	}
	ra, _ = sys.Resource(ctx, "acme", a.ID)
	w.say("A is %s", ra.State)
	w.clk.Set(T.Add(18 * day))
	ren, err := sys.Renew(ctx, w.key(), billing.RenewRequest{AccountID: "acme", ResourceIDs: []string{a.ID}, Term: period.Months(1),
		PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
	if err != nil {
		return err
	}
	w.say("manual renewal of A: %s, until %s (from the old end T, not today)", ren.Resources[0].State, ren.Resources[0].PeriodEnd.In(hcm()).Format("2006-01-02"))
	if _, err := sys.DeliverEvents(ctx, 1000); err != nil {
		return err
	}

	invs, err := sys.Invoices(ctx, billing.ListRequest{AccountID: "acme", Limit: 100})
	if err != nil {
		return err
	}
	w.say("— invoices and credit notes")
	for i := len(invs.Items) - 1; i >= 0; i-- {
		inv := invs.Items[i]
		w.say("    %-16s %-12s %-6s %s %s", inv.DisplayNumber(), inv.Kind, inv.Status, inv.ResourceID, inv.Total)
	}
	wallet, err := sys.Wallet(ctx, "acme")
	if err != nil {
		return err
	}
	w.say("wallet: %s available", wallet.Available)
	return nil
}
