package billing_test

import (
	"context"
	"fmt"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/payment"
)

// Record the customer's legal details: every invoice issued from then on
// names them as the buyer, and keeps them when they change later.
func ExampleSystem_SetLegalDetails() {
	ctx := context.Background()
	sys, sim, _ := exampleSystem()
	topUp, _ := sys.TopUp(ctx, "topup-1", billing.TopUpRequest{AccountID: "acme", Amount: vndAmount(500_000), Gateway: "momo"})
	cb, _ := sim.Complete(topUp.ID)
	_, _ = sys.HandleCallback(ctx, "momo", cb.Header, cb.Body)

	_, err := sys.SetLegalDetails(ctx, "legal-1", billing.SetLegalDetailsRequest{AccountID: "acme", Actor: "ops@provider",
		Legal: invoice.Party{Name: "Công ty TNHH An Bình", TaxCode: "0312345678", Address: "12 Nguyễn Huệ, TP. Hồ Chí Minh",
			BuyerName: "Nguyễn Văn An"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, _ := sys.Checkout(ctx, "order-1", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit,
		Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: 1, Term: period.Days(30)}}})
	r, _ := sys.ProvisioningSucceeded(ctx, "provisioned", billing.ProvisioningRequest{AccountID: "acme", ResourceID: res.Resources[0].ID})

	// The customer renames itself; the invoice already issued does not.
	_, _ = sys.SetLegalDetails(ctx, "legal-2", billing.SetLegalDetailsRequest{AccountID: "acme", Actor: "ops@provider",
		Legal: invoice.Party{Name: "Công ty Cổ phần An Bình", TaxCode: "0312345678"}})
	inv, _ := sys.Invoice(ctx, "acme", r.InvoiceIDs[0])
	fmt.Println(inv.DisplayNumber(), "buyer:", inv.Buyer.Name, inv.Buyer.TaxCode)
	// Output:
	// INV-2026-000001 buyer: Công ty TNHH An Bình 0312345678
}
