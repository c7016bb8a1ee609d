package billing_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/clock"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
)

// exampleResource funds the example account, buys one vServer of cfg for
// term by credit and provisions it.
func exampleResource(sys *billing.System, sim *gatewaysim.Gateway, clk *clock.Manual, cfg pricing.Configuration, term period.Term) billing.Resource {
	ctx := context.Background()
	topUp, _ := sys.TopUp(ctx, "topup-"+clk.Now().String(), billing.TopUpRequest{AccountID: "acme", Amount: vndAmount(2_000_000), Gateway: "momo"})
	cb, _ := sim.Complete(topUp.ID)
	_, _ = sys.HandleCallback(ctx, "momo", cb.Header, cb.Body)
	res, err := sys.Checkout(ctx, "buy-"+clk.Now().String(), billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit,
		Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: cfg, Quantity: 1, Term: term}}})
	if err != nil {
		panic(err)
	}
	r, _ := sys.ProvisioningSucceeded(ctx, "prov-"+res.Resources[0].ID, billing.ProvisioningRequest{AccountID: "acme", ResourceID: res.Resources[0].ID})
	return r
}

func twoVCPU() pricing.Configuration {
	return pricing.Configuration{Components: map[string]int64{"vcpu": 2, "ram_gb": 4, "ssd_gb": 40}} // 181,000 per 30 days
}

func fourVCPUWindows() pricing.Configuration {
	return pricing.Configuration{Components: map[string]int64{"vcpu": 4, "ram_gb": 8, "ssd_gb": 200, "windows_licence": 1}} // 520,000
}

// Resize mid-term keeps the end date and charges (or refunds) the
// difference for the remaining days, to the minute.
func ExampleSystem_Resize() {
	ctx := context.Background()
	sys, sim, clk := exampleSystem()
	r := exampleResource(sys, sim, clk, twoVCPU(), period.Days(60))
	clk.Advance(10 * 24 * time.Hour) // 50 days left

	up, err := sys.Resize(ctx, "resize-up", billing.ResizeRequest{AccountID: "acme", ResourceID: r.ID, Configuration: fourVCPUWindows(),
		PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("upgrade with 50 days left: difference", up.Difference, "charged with VAT", up.Charged)
	fmt.Println("end unchanged:", up.Resource.PeriodEnd.Equal(r.PeriodEnd))

	clk.Advance(30 * 24 * time.Hour) // 20 days left
	down, _ := sys.Resize(ctx, "resize-down", billing.ResizeRequest{AccountID: "acme", ResourceID: r.ID, Configuration: twoVCPU()})
	fmt.Println("downgrade with 20 days left: difference", down.Difference, "refunded with VAT", down.Refunded)
	// Output:
	// upgrade with 50 days left: difference 565000 VND charged with VAT 621500 VND
	// end unchanged: true
	// downgrade with 20 days left: difference -226000 VND refunded with VAT 248600 VND
}

// Delete refunds the unused part of what was paid (199,100 with VAT for 30
// days, 20 of them unused: 132,733) to credit with a credit note.
func ExampleSystem_Delete() {
	ctx := context.Background()
	sys, sim, clk := exampleSystem()
	r := exampleResource(sys, sim, clk, twoVCPU(), period.Days(30))
	clk.Advance(10 * 24 * time.Hour) // 20 days unused

	res, err := sys.Delete(ctx, "delete", billing.DeleteRequest{AccountID: "acme", ResourceID: r.ID, Reason: "project ended"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Resource.State, "unused", res.UnusedValue, "refunded with VAT", res.Refunded)
	// Output:
	// deleted unused 120667 VND refunded with VAT 132733 VND
}

// Tick is what a worker runs: here the reminder at T−7 days.
func ExampleSystem_Tick() {
	ctx := context.Background()
	sys, sim, clk := exampleSystem()
	r := exampleResource(sys, sim, clk, twoVCPU(), period.Months(1))

	clk.Set(r.PeriodEnd.Add(-7 * 24 * time.Hour))
	rep, err := sys.Tick(ctx, 1000)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("reminders sent:", rep.Reminders)
	rep, _ = sys.Tick(ctx, 1000)
	fmt.Println("again at the same time:", rep.Reminders)
	clk.Set(r.PeriodEnd)
	rep, _ = sys.Tick(ctx, 1000)
	got, _ := sys.Resource(ctx, "acme", r.ID)
	fmt.Println("at the end of the term:", got.State, got.BillingStatus, "transitions", rep.Transitions)
	// Output:
	// reminders sent: 1
	// again at the same time: 0
	// at the end of the term: grace expired transitions 1
}
