package billing_test

import (
	"context"
	"fmt"

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
