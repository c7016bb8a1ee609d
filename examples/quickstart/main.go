// Command quickstart runs the seed's prepaid flow end to end on the
// in-memory store (or PostgreSQL with -store postgres) with a simulated
// payment gateway, printing each step:
//
//  1. configure a vServer and a vStorage volume and see their prices;
//  2. price them for 60 days with a coupon — the brief's worked example,
//     90,000/30 × 60 + 35,000/30 × 60 − 20,000 = 230,000 VND before VAT —
//     and pay by Credit; then a second order by Top up & Pay, completed by
//     the gateway's signed callback;
//  3. the host provisions what was paid (from the event outbox) and the
//     portal shows resources, invoices and the wallet.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/clock"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/memory"
	"github.com/cloudbill/cloudbill/storage/postgres"
)

func main() {
	if err := run(context.Background(), os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// story wires the pieces a host would: a store, the sample catalog, a
// gateway, a clock, and an event handler that provisions paid resources.
type story struct {
	out      io.Writer
	sys      *billing.System
	momo     *gatewaysim.Gateway
	clk      *clock.Manual
	account  string
	provided int
}

func run(ctx context.Context, out io.Writer, args []string) error {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	storeKind := fs.String("store", "memory", `where records live: "memory" or "postgres"`)
	dsn := fs.String("dsn", os.Getenv("CLOUDBILL_POSTGRES_DSN"), "PostgreSQL DSN for -store postgres (default $CLOUDBILL_POSTGRES_DSN)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, closeStore, err := openStore(ctx, *storeKind, *dsn)
	if err != nil {
		return err
	}
	defer closeStore()

	s := &story{out: out, clk: clock.NewManual(time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC)), account: "customer-42"}
	simIDs := ""
	if *storeKind != "memory" {
		// A database outlives the run: a fresh account, and simulator ids
		// no earlier run used, keep runs independent.
		run := time.Now().UnixNano()
		s.account, simIDs = fmt.Sprintf("customer-%d", run), fmt.Sprintf("run%d", run)
	}
	if s.momo, err = gatewaysim.New(gatewaysim.Config{Name: "momo", Secret: []byte("whsec_quickstart"), Now: s.clk.Now, IDPrefix: simIDs}); err != nil {
		return err
	}
	catalog, err := pricing.SampleCatalog()
	if err != nil {
		return err
	}
	s.sys, err = billing.New(billing.Config{
		Store: st, Catalog: catalog, Clock: s.clk, Gateways: []gateway.Gateway{s.momo},
		EventHandler: s.handleEvent,
	})
	if err != nil {
		return err
	}
	return s.play(ctx)
}

func (s *story) say(format string, args ...any) { fmt.Fprintf(s.out, format+"\n", args...) }

// handleEvent is the host's side of the outbox: it provisions what was paid
// (a real host would call its compute API here) and reports the outcome.
func (s *story) handleEvent(ctx context.Context, e billing.Event) error {
	if e.Kind != billing.EventProvision {
		return nil
	}
	_, err := s.sys.ProvisioningSucceeded(ctx, "provisioned/"+e.Stream, billing.ProvisioningRequest{AccountID: e.AccountID, ResourceID: e.Stream})
	if err == nil {
		s.provided++
	}
	return err
}

func (s *story) play(ctx context.Context) error {
	sys := s.sys
	acct, err := sys.CreateAccount(ctx, "signup", billing.CreateAccountRequest{ID: s.account})
	if err != nil {
		return err
	}
	s.say("Account %s: %s, %s, billing calendar in %s", acct.ID, acct.Type, acct.Currency, acct.TimeZone)
	welcome, err := money.New("20000", "VND")
	if err != nil {
		return err
	}
	if err := sys.DefineCoupon(ctx, coupon.Coupon{Code: "WELCOME20K", Kind: coupon.KindFixed, Amount: welcome}); err != nil {
		return err
	}

	s.say("\nStep 1 — configure resources")
	custom := pricing.Configuration{Components: map[string]int64{"vcpu": 2, "ram_gb": 4, "ssd_gb": 40}}
	price, err := sys.Catalog().PricePer30Days(pricing.SampleVServer, custom)
	if err != nil {
		return err
	}
	s.say("  vServer 2 vCPU / 4 GB RAM / 40 GB SSD: %s per 30 days (%s)", price.Amount, strings.Join(price.Breakdown(), ", "))
	items := []billing.OrderItem{
		{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: 1, Term: period.Days(60)},
		{ProductID: pricing.SampleVStorage, Configuration: pricing.Configuration{Components: map[string]int64{"ssd_gb": 50}}, Quantity: 1, Term: period.Days(60)},
	}
	s.say("  chosen: vServer plan basic-1 and vStorage 50 GB SSD")

	s.say("\nStep 2 — quantity, usage time, coupon, pay")
	if err := s.topUp(ctx, 500_000); err != nil {
		return err
	}
	req := billing.CheckoutRequest{AccountID: s.account, Items: items, Coupons: []string{"WELCOME20K"}, Method: payment.MethodCredit}
	q, err := sys.PreviewCheckout(ctx, req)
	if err != nil {
		return err
	}
	s.printQuote(q)
	req.ExpectedTotal = q.Total
	res, err := sys.Checkout(ctx, "order-1", req)
	if err != nil {
		return err
	}
	s.say("  paid by Credit: payment %s, order %s", res.Payment.Status, res.Order.Status)

	big := []billing.OrderItem{{ProductID: pricing.SampleVServer, Quantity: 1, Term: period.Months(1),
		Configuration: pricing.Configuration{Components: map[string]int64{"vcpu": 4, "ram_gb": 8, "ssd_gb": 200, "windows_licence": 1}}}}
	res2, err := sys.Checkout(ctx, "order-2", billing.CheckoutRequest{AccountID: s.account, Items: big, Method: payment.MethodTopUpAndPay, Gateway: "momo"})
	if err != nil {
		return err
	}
	s.say("  second order, vServer 4 vCPU / 8 GB / 200 GB + Windows for 1 month: %s", res2.Order.Total)
	s.say("  Top up & Pay: %s from credit (held) + %s through momo → %s, redirect to %s",
		res2.Payment.FromCredit, res2.Payment.FromGateway, res2.Payment.Status, res2.Payment.RedirectURL)
	cb, err := s.momo.Complete(res2.Payment.ID)
	if err != nil {
		return err
	}
	if _, err := sys.HandleCallback(ctx, "momo", cb.Header, cb.Body); err != nil {
		return err
	}
	dup, err := sys.HandleCallback(ctx, "momo", cb.Header, cb.Body)
	if err != nil {
		return err
	}
	p2, err := sys.Payment(ctx, s.account, res2.Payment.ID)
	if err != nil {
		return err
	}
	s.say("  momo's signed callback → payment %s (a duplicate delivery is ignored: %v)", p2.Status, dup.Duplicate)

	s.say("\nStep 3 — the host provisions; the portal shows everything")
	s.clk.Advance(2 * time.Minute)
	if _, err := sys.DeliverEvents(ctx, 100); err != nil {
		return err
	}
	s.say("  provisioned %d resources from the event outbox", s.provided)
	return s.portal(ctx)
}

// topUp adds credit through the gateway and its callback.
func (s *story) topUp(ctx context.Context, n int64) error {
	amount, err := money.FromMinor(n, "VND")
	if err != nil {
		return err
	}
	p, err := s.sys.TopUp(ctx, "topup-1", billing.TopUpRequest{AccountID: s.account, Amount: amount, Gateway: "momo"})
	if err != nil {
		return err
	}
	cb, err := s.momo.Complete(p.ID)
	if err != nil {
		return err
	}
	if _, err := s.sys.HandleCallback(ctx, "momo", cb.Header, cb.Body); err != nil {
		return err
	}
	s.say("  topped up %s through momo", amount)
	return nil
}

func (s *story) printQuote(q pricing.Quote) {
	for _, l := range q.Lines {
		s.say("  %s, %s:", l.ProductID, l.Term)
		for _, b := range l.Breakdown {
			s.say("      %s", b)
		}
	}
	s.say("  subtotal %s − coupon %s = %s before VAT; VAT %s; total %s", q.Subtotal, q.Discount, q.Net, q.Tax, q.Total)
}

func (s *story) portal(ctx context.Context) error {
	rs, err := s.sys.Resources(ctx, billing.ListRequest{AccountID: s.account, Limit: 100})
	if err != nil {
		return err
	}
	s.say("  resources:")
	for _, r := range rs.Items {
		s.say("    %-9s %-8s until %s  billing status %s", r.ProductID, r.State, r.PeriodEnd.Format("2006-01-02 15:04 MST"), r.BillingStatus)
	}
	invs, err := s.sys.Invoices(ctx, billing.ListRequest{AccountID: s.account, Limit: 100})
	if err != nil {
		return err
	}
	s.say("  invoices:")
	for i := len(invs.Items) - 1; i >= 0; i-- {
		inv := invs.Items[i]
		s.say("    %s  %-6s net %s + VAT %s = %s", inv.DisplayNumber(), inv.Status, inv.Net, inv.Tax, inv.Total)
	}
	w, err := s.sys.Wallet(ctx, s.account)
	if err != nil {
		return err
	}
	s.say("  wallet: available %s, held %s", w.Available, w.Held)
	hist, err := s.sys.WalletHistory(ctx, billing.ListRequest{AccountID: s.account, Limit: 100})
	if err != nil {
		return err
	}
	for _, h := range hist.Items {
		s.say("    %-8s %12s → %s", h.Kind, h.Change, h.CreditAfter)
	}
	return nil
}

// openStore returns the chosen store and a function that releases it.
func openStore(ctx context.Context, kind, dsn string) (storage.Store, func(), error) {
	switch kind {
	case "memory":
		return memory.New(), func() {}, nil
	case "postgres":
		if dsn == "" {
			return nil, nil, fmt.Errorf("-store postgres needs -dsn or $CLOUDBILL_POSTGRES_DSN")
		}
		st, err := postgres.Open(ctx, dsn, postgres.Options{})
		if err != nil {
			return nil, nil, err
		}
		if err := st.Migrate(ctx); err != nil {
			st.Close()
			return nil, nil, err
		}
		return st, st.Close, nil
	default:
		return nil, nil, fmt.Errorf("unknown -store %q (want memory or postgres)", kind)
	}
}
