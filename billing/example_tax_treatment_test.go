package billing_test

import (
	"context"
	"fmt"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/einvoice"
	"github.com/cloudbill/cloudbill/payment"
)

// Record that a customer is exempt from VAT: what it buys from then on is
// untaxed, and its invoice lines are declared KCT (not 0 %).
func ExampleSystem_SetTaxTreatment() {
	ctx := context.Background()
	sys, sim, _ := exampleSystem()
	topUp, _ := sys.TopUp(ctx, "topup-1", billing.TopUpRequest{AccountID: "acme", Amount: vndAmount(500_000), Gateway: "momo"})
	cb, _ := sim.Complete(topUp.ID)
	_, _ = sys.HandleCallback(ctx, "momo", cb.Header, cb.Body)

	item := []pricing.QuoteItem{{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: 1, Term: period.Days(30)}}
	q, _ := sys.Quote(ctx, "acme", pricing.QuoteRequest{Items: item})
	fmt.Println("standard:", q.Net.Number(), "+ tax", q.Tax.Number(), "=", q.Total.Number())

	_, err := sys.SetTaxTreatment(ctx, "vat-1", billing.SetTaxTreatmentRequest{AccountID: "acme", Treatment: invoice.TaxExempt,
		Actor: "ops@provider", Reason: "certificate of exemption on file"})
	if err != nil {
		fmt.Println(err)
		return
	}
	q, _ = sys.Quote(ctx, "acme", pricing.QuoteRequest{Items: item})
	fmt.Println("exempt:", q.Net.Number(), "+ tax", q.Tax.Number(), "=", q.Total.Number())

	res, _ := sys.Checkout(ctx, "order-1", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit,
		Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: 1, Term: period.Days(30)}}})
	r, _ := sys.ProvisioningSucceeded(ctx, "provisioned", billing.ProvisioningRequest{AccountID: "acme", ResourceID: res.Resources[0].ID})
	inv, _ := sys.Invoice(ctx, "acme", r.InvoiceIDs[0])
	l := inv.Lines[0]
	vat, _ := einvoice.RateOf(l.TaxRate, einvoice.ZeroOf(l, einvoice.VAT0))
	fmt.Println("invoice line:", l.Total.Number(), "tax", l.Tax.Number(), "declared", vat)
	// Output:
	// standard: 90000 + tax 9000 = 99000
	// exempt: 90000 + tax 0 = 90000
	// invoice line: 90000 tax 0 declared KCT
}
