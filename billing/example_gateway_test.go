package billing_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing"
)

// Return part of a top-up to the card or e-wallet that paid it. The
// refund sets the cash aside at once, and the gateway's refund.succeeded
// callback (or the worker's status query) settles it.
func ExampleSystem_RefundPayment() {
	sys, sim, _ := exampleSystem()
	ctx := context.Background()
	top, err := sys.TopUp(ctx, "top-up-1", billing.TopUpRequest{AccountID: "acme", Amount: vndAmount(500_000), Gateway: "momo"})
	if err != nil {
		panic(err)
	}
	paid, _ := sim.Complete(top.ID)
	if _, err := sys.HandleCallback(ctx, "momo", paid.Header, paid.Body); err != nil {
		panic(err)
	}

	rf, err := sys.RefundPayment(ctx, "refund-1", billing.RefundPaymentRequest{
		AccountID: "acme", PaymentID: top.ID, Amount: vndAmount(200_000), Reason: "customer asked",
	})
	if err != nil {
		panic(err)
	}
	w, _ := sys.Wallet(ctx, "acme")
	fmt.Println("refund:", rf.Status, rf.Amount, "— available now:", w.Available)

	for _, cb := range sim.Drain() { // the gateway's refund.succeeded
		res, err := sys.HandleCallback(ctx, "momo", cb.Header, cb.Body)
		if err != nil {
			panic(err)
		}
		fmt.Println("callback:", res.Type, res.Outcome)
	}
	rf, _ = sys.Refund(ctx, "acme", rf.ID)
	p, _ := sys.Payment(ctx, "acme", top.ID)
	fmt.Println("refund:", rf.Status, "— payment:", p.Status, "refunded", p.Refunded)
	// Output:
	// refund: pending 200000 VND — available now: 300000 VND
	// callback: refund.succeeded applied
	// refund: succeeded — payment: partially_refunded refunded 200000 VND
}

// A payment whose callback was lost is recovered by asking the gateway:
// on demand with ReconcilePayment, and by the worker before it would
// expire the payment.
func ExampleSystem_ReconcilePayment() {
	sys, sim, clk := exampleSystem()
	ctx := context.Background()
	top, err := sys.TopUp(ctx, "top-up-1", billing.TopUpRequest{AccountID: "acme", Amount: vndAmount(300_000), Gateway: "momo"})
	if err != nil {
		panic(err)
	}
	lost, _ := sim.Complete(top.ID) // paid; the callback never reaches the host
	clk.Advance(5 * time.Minute)

	res, err := sys.ReconcilePayment(ctx, "acme", top.ID)
	if err != nil {
		panic(err)
	}
	w, _ := sys.Wallet(ctx, "acme")
	fmt.Println("found:", res.Found, "— action:", res.Action, "— payment:", res.Payment.Status, "— cash:", w.Cash)

	late, err := sys.HandleCallback(ctx, "momo", sim.Duplicate(lost).Header, sim.Duplicate(lost).Body)
	if err != nil {
		panic(err)
	}
	w, _ = sys.Wallet(ctx, "acme")
	fmt.Println("late callback:", late.Outcome, "— cash:", w.Cash)
	// Output:
	// found: succeeded — action: applied — payment: succeeded — cash: 300000 VND
	// late callback: duplicate — cash: 300000 VND
}
