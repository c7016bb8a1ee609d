package billing_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/payment"
)

// Check out two resources paid by credit with a coupon split by each
// resource's share; the host provisions them and each gets a Paid invoice.
func ExampleSystem_Checkout() {
	ctx := context.Background()
	sys, sim, _ := exampleSystem()
	topUp, _ := sys.TopUp(ctx, "topup-1", billing.TopUpRequest{AccountID: "acme", Amount: vndAmount(500_000), Gateway: "momo"})
	cb, _ := sim.Complete(topUp.ID)
	_, _ = sys.HandleCallback(ctx, "momo", cb.Header, cb.Body)
	_ = sys.DefineCoupon(ctx, coupon.Coupon{Code: "WELCOME20K", Kind: coupon.KindFixed, Amount: vndAmount(20_000)})

	res, err := sys.Checkout(ctx, "order-1", billing.CheckoutRequest{
		AccountID: "acme",
		Items: []billing.OrderItem{
			{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: 1, Term: period.Days(60)},
			{ProductID: pricing.SampleVStorage, Configuration: pricing.Configuration{Components: map[string]int64{"ssd_gb": 50}}, Quantity: 1, Term: period.Days(60)},
		},
		Coupons: []string{"WELCOME20K"},
		Method:  payment.MethodCredit,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("order", res.Order.Status, "net", res.Order.Quote.Net, "total", res.Order.Total)
	for _, r := range res.Resources {
		r, _ = sys.ProvisioningSucceeded(ctx, "provisioned-"+r.ID, billing.ProvisioningRequest{AccountID: "acme", ResourceID: r.ID})
		inv, _ := sys.Invoice(ctx, "acme", r.InvoiceIDs[0])
		fmt.Println(r.ProductID, r.State, inv.DisplayNumber(), inv.Status, inv.Total)
	}
	// Output:
	// order paid net 230000 VND total 253000 VND
	// vserver active INV-2026-000001 paid 182160 VND
	// vstorage active INV-2026-000002 paid 70840 VND
}

// Check out through a gateway: the customer is redirected, and the order
// is paid when the gateway's callback arrives.
func ExampleSystem_Checkout_gateway() {
	ctx := context.Background()
	sys, sim, _ := exampleSystem()
	res, err := sys.Checkout(ctx, "order-1", billing.CheckoutRequest{
		AccountID: "acme",
		Items:     []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: 1, Term: period.Months(1)}},
		Method:    payment.MethodGateway,
		Gateway:   "momo",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Payment.Status, res.Order.Status, res.Payment.FromGateway)
	cb, _ := sim.Complete(res.Payment.ID)
	_, _ = sys.HandleCallback(ctx, "momo", cb.Header, cb.Body)
	o, _ := sys.Order(ctx, "acme", res.Order.ID)
	fmt.Println("after the callback:", o.Status)
	// Output:
	// pending pending_payment 99000 VND
	// after the callback: paid
}

// Check out with Top up & Pay: all available credit is held and the rest
// goes through the gateway; the callback captures both.
func ExampleSystem_Checkout_topUpAndPay() {
	ctx := context.Background()
	sys, sim, _ := exampleSystem()
	topUp, _ := sys.TopUp(ctx, "topup-1", billing.TopUpRequest{AccountID: "acme", Amount: vndAmount(50_000), Gateway: "momo"})
	cb, _ := sim.Complete(topUp.ID)
	_, _ = sys.HandleCallback(ctx, "momo", cb.Header, cb.Body)

	res, err := sys.Checkout(ctx, "order-1", billing.CheckoutRequest{
		AccountID: "acme",
		Items:     []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: 1, Term: period.Months(1)}},
		Method:    payment.MethodTopUpAndPay,
		Gateway:   "momo",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	w, _ := sys.Wallet(ctx, "acme")
	fmt.Println(res.Payment.Status, "credit", res.Payment.FromCredit, "+ gateway", res.Payment.FromGateway, "| held", w.Held)
	cb, _ = sim.Complete(res.Payment.ID)
	_, _ = sys.HandleCallback(ctx, "momo", cb.Header, cb.Body)
	o, _ := sys.Order(ctx, "acme", res.Order.ID)
	w, _ = sys.Wallet(ctx, "acme")
	fmt.Println("after the callback:", o.Status, "| held", w.Held)
	// Output:
	// pending credit 50000 VND + gateway 49000 VND | held 50000 VND
	// after the callback: paid | held 0 VND
}

// Renew a resource from credit: the new period starts at the current end.
func ExampleSystem_Renew() {
	ctx := context.Background()
	sys, sim, clk := exampleSystem()
	topUp, _ := sys.TopUp(ctx, "topup-1", billing.TopUpRequest{AccountID: "acme", Amount: vndAmount(500_000), Gateway: "momo"})
	cb, _ := sim.Complete(topUp.ID)
	_, _ = sys.HandleCallback(ctx, "momo", cb.Header, cb.Body)
	res, _ := sys.Checkout(ctx, "order-1", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit,
		Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: 1, Term: period.Months(1)}}})
	r, _ := sys.ProvisioningSucceeded(ctx, "prov-1", billing.ProvisioningRequest{AccountID: "acme", ResourceID: res.Resources[0].ID})
	fmt.Println("ends", r.PeriodEnd.Format("2006-01-02"))

	clk.Advance(10 * 24 * time.Hour)
	ren, err := sys.Renew(ctx, "renew-1", billing.RenewRequest{AccountID: "acme", ResourceIDs: []string{r.ID}, Term: period.Months(1),
		PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("renewed:", ren.Payment.Status, ren.Payment.Amount, "ends", ren.Resources[0].PeriodEnd.Format("2006-01-02"))
	// Output:
	// ends 2026-05-05
	// renewed: succeeded 99000 VND ends 2026-06-04
}
