package stripe_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/stripe/stripe-go/v82/webhook"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gateway/stripe"
)

// A host configures the adapter once, sends the user to Stripe's Checkout
// page, and hands every webhook delivery to the library.
func Example() {
	g, err := stripe.New(stripe.Config{
		SecretKey:      "sk_test_…",         // from the host's secret store
		WebhookSecrets: []string{"whsec_…"}, // the endpoint's signing secret
		ReturnURL:      "https://portal.example/payments/return",
	})
	if err != nil {
		panic(err)
	}
	amount, _ := money.Parse("10.50 USD") // sent to Stripe as 1050
	now := time.Now()
	redirect, err := g.CreatePayment(context.Background(), gateway.PaymentRequest{
		PaymentID: "pay_1", AccountID: "acct_1", Amount: amount,
		Description: "vServer, 1 month", CreatedAt: now, ExpiresAt: now.Add(time.Hour),
	})
	if err != nil {
		fmt.Println("retry later with the same PaymentID:", gateway.Retryable(err))
		return
	}
	fmt.Println("send the user to", redirect.URL)
}

// A webhook is verified against the library's clock and mapped to the
// library's event; types the library has no use for are ignored with 200.
func ExampleGateway_ReadCallback() {
	g, _ := stripe.New(stripe.Config{SecretKey: "sk_test_example", WebhookSecrets: []string{"whsec_example"}})
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	body := []byte(`{"id":"evt_1","object":"event","type":"checkout.session.completed","created":1777629600,
	  "data":{"object":{"id":"cs_1","object":"checkout.session","mode":"payment","status":"complete",
	  "payment_status":"paid","amount_total":150000,"currency":"vnd","payment_intent":"pi_1",
	  "metadata":{"cloudbill_payment_id":"pay_1","cloudbill_account_id":"acct_1"}}}}`)
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: "whsec_example", Timestamp: now})

	ev, err := g.ReadCallback(now, gateway.CallbackRequest{
		Method: http.MethodPost, Header: http.Header{"Stripe-Signature": {signed.Header}}, Body: body,
	})
	fmt.Println(ev.Type, ev.PaymentID, ev.Amount, ev.GatewayRef, err)
	fmt.Println(g.Reply(gateway.CallbackApplied).Status)

	other := []byte(`{"id":"evt_2","object":"event","type":"customer.created","created":1777629600,"data":{"object":{"id":"cus_1"}}}`)
	signed = webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: other, Secret: "whsec_example", Timestamp: now})
	_, err = g.ReadCallback(now, gateway.CallbackRequest{
		Method: http.MethodPost, Header: http.Header{"Stripe-Signature": {signed.Header}}, Body: other,
	})
	fmt.Println(err)
	// Output:
	// payment.succeeded pay_1 150000 VND pi_1 <nil>
	// 200
	// stripe: event evt_2 (customer.created) ignored: not an event type this adapter maps
}
