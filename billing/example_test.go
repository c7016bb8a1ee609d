package billing_test

import (
	"context"
	"errors"
	"fmt"
	"time"

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

// exampleSystem wires a System to the in-memory store and a simulated
// gateway on a manual clock, as a host's tests would.
func exampleSystem() (*billing.System, *gatewaysim.Gateway, *clock.Manual) {
	clk := clock.NewManual(time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC))
	sim, err := gatewaysim.New(gatewaysim.Config{Name: "momo", Secret: []byte("whsec_example"), Now: clk.Now})
	if err != nil {
		panic(err)
	}
	catalog, err := pricing.SampleCatalog()
	if err != nil {
		panic(err)
	}
	sys, err := billing.New(billing.Config{Store: memory.New(), Catalog: catalog, Clock: clk, Gateways: []gateway.Gateway{sim}})
	if err != nil {
		panic(err)
	}
	if _, err := sys.CreateAccount(context.Background(), "signup", billing.CreateAccountRequest{ID: "acme"}); err != nil {
		panic(err)
	}
	return sys, sim, clk
}

func vndAmount(n int64) money.Amount {
	a, err := money.FromMinor(n, "VND")
	if err != nil {
		panic(err)
	}
	return a
}

// Quote the brief's worked example: a vServer plan at 90,000 and a
// vStorage volume at 35,000 per 30 days, for 60 days, minus a 20,000
// coupon.
func ExampleSystem_Quote() {
	sys, _, _ := exampleSystem()
	q, err := sys.Quote(context.Background(), "acme", pricing.QuoteRequest{
		Items: []pricing.QuoteItem{
			{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: 1, Term: period.Days(60)},
			{ProductID: pricing.SampleVStorage, Configuration: pricing.Configuration{Components: map[string]int64{"ssd_gb": 50}}, Quantity: 1, Term: period.Days(60)},
		},
		Discounts: []pricing.Discount{{Code: "WELCOME", Amount: vndAmount(20_000)}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("before VAT:", q.Net)
	fmt.Println("VAT:", q.Tax, "total:", q.Total)
	// Output:
	// before VAT: 230000 VND
	// VAT: 23000 VND total: 253000 VND
}

// Top up the wallet through a gateway: the customer is redirected, and the
// gateway's signed callback credits the wallet exactly once.
func ExampleSystem_TopUp() {
	ctx := context.Background()
	sys, sim, _ := exampleSystem()
	p, err := sys.TopUp(ctx, "topup-1", billing.TopUpRequest{AccountID: "acme", Amount: vndAmount(500_000), Gateway: "momo"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Status, "→ redirect the customer to", p.RedirectURL)

	// The gateway calls back (the host mounts sys.CallbackHandler("momo")).
	cb, _ := sim.Complete(p.ID)
	res, _ := sys.HandleCallback(ctx, "momo", cb.Header, cb.Body)
	fmt.Println("applied:", !res.Duplicate)
	res, _ = sys.HandleCallback(ctx, "momo", cb.Header, cb.Body)
	fmt.Println("second delivery is a duplicate:", res.Duplicate)

	w, _ := sys.Wallet(ctx, "acme")
	fmt.Println("available credit:", w.Available)
	// Output:
	// pending → redirect the customer to https://sim.example/pay/pay_000001
	// applied: true
	// second delivery is a duplicate: true
	// available credit: 500000 VND
}

// Pay an order another way: the customer checked out through the gateway,
// abandoned the redirect and pays from credit instead. The order is
// settled once, by exactly its total; when the abandoned gateway payment
// succeeds after all, that money goes back to the wallet as cash.
func ExampleSystem_Pay() {
	ctx := context.Background()
	sys, sim, _ := exampleSystem()
	topUp, _ := sys.TopUp(ctx, "topup-1", billing.TopUpRequest{AccountID: "acme", Amount: vndAmount(300_000), Gateway: "momo"})
	cb, _ := sim.Complete(topUp.ID)
	_, _ = sys.HandleCallback(ctx, "momo", cb.Header, cb.Body)

	res, err := sys.Checkout(ctx, "checkout-1", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodGateway, Gateway: "momo",
		Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: 1, Term: period.Days(30)}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("checkout:", res.Payment.Status, res.Order.Total)

	order := payment.Purpose{Kind: payment.PurposeOrder, Ref: res.Order.ID}
	_, err = sys.Pay(ctx, "pay-1", billing.PayRequest{AccountID: "acme", Amount: vndAmount(1), Method: payment.MethodCredit, Purpose: order})
	fmt.Println("1 VND for it:", errors.Is(err, billing.ErrAmountDue))
	p, _ := sys.Pay(ctx, "pay-2", billing.PayRequest{AccountID: "acme", Amount: res.Order.Total, Method: payment.MethodCredit, Purpose: order})
	fmt.Println("credit:", p.Status, p.FromCredit)
	_, err = sys.Pay(ctx, "pay-3", billing.PayRequest{AccountID: "acme", Amount: res.Order.Total, Method: payment.MethodCredit, Purpose: order})
	fmt.Println("again:", errors.Is(err, billing.ErrNotPayable))

	cb, _ = sim.Complete(res.Payment.ID)
	_, _ = sys.HandleCallback(ctx, "momo", cb.Header, cb.Body)
	late, _ := sys.Payment(ctx, "acme", res.Payment.ID)
	w, _ := sys.Wallet(ctx, "acme")
	fmt.Println("abandoned payment:", late.Status, "credit:", w.Available)
	// Output:
	// checkout: pending 99000 VND
	// 1 VND for it: true
	// credit: succeeded 99000 VND
	// again: true
	// abandoned payment: refunded credit: 300000 VND
}

// Link a gateway account, then pay with it without a redirect.
func ExampleSystem_StartLinking() {
	ctx := context.Background()
	sys, sim, _ := exampleSystem()
	start, err := sys.StartLinking(ctx, "link-1", billing.LinkAccountRequest{AccountID: "acme", Gateway: "momo"})
	if err != nil {
		fmt.Println(err)
		return
	}
	cb, _ := sim.CompleteLink(start.LinkID, "MoMo •••• 4242")
	_, _ = sys.HandleCallback(ctx, "momo", cb.Header, cb.Body)
	linked, _ := sys.LinkedAccounts(ctx, "acme")
	fmt.Println(linked[0].Display, "default:", linked[0].IsDefault)

	res, _ := sys.Checkout(ctx, "checkout-1", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodLinkedAccount,
		Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: 1, Term: period.Days(30)}}})
	fmt.Println("linked account:", res.Payment.Status, res.Payment.FromGateway)
	// Output:
	// MoMo •••• 4242 default: true
	// linked account: succeeded 99000 VND
}

// A forged or stale callback is rejected and changes nothing.
func ExampleSystem_HandleCallback() {
	ctx := context.Background()
	sys, sim, clk := exampleSystem()
	p, _ := sys.TopUp(ctx, "topup-1", billing.TopUpRequest{AccountID: "acme", Amount: vndAmount(100_000), Gateway: "momo"})
	cb, _ := sim.Complete(p.ID)

	_, err := sys.HandleCallback(ctx, "momo", sim.Forge(cb).Header, cb.Body)
	fmt.Println("forged:", err != nil)
	clk.Advance(10 * time.Minute)
	_, err = sys.HandleCallback(ctx, "momo", cb.Header, cb.Body)
	fmt.Println("10 minutes late:", err != nil)
	w, _ := sys.Wallet(ctx, "acme")
	fmt.Println("credit:", w.Available)
	// Output:
	// forged: true
	// 10 minutes late: true
	// credit: 0 VND
}
