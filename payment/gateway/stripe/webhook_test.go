package stripe_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"github.com/stripe/stripe-go/v82/webhook"

	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gateway/stripe"
)

// stripeEvent is the JSON of a Stripe event of type typ around object.
func stripeEvent(id, typ string, created time.Time, object map[string]any) []byte {
	b, err := json.Marshal(map[string]any{
		"id": id, "object": "event", "type": typ, "created": created.Unix(),
		"api_version": "2025-08-27.basil", "livemode": false, "pending_webhooks": 1,
		"data": map[string]any{"object": object},
	})
	if err != nil {
		panic(err)
	}
	return b
}

// delivery signs body with secret at signedAt, as Stripe does.
func delivery(secret string, signedAt time.Time, body []byte) gateway.CallbackRequest {
	p := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret, Timestamp: signedAt})
	return gateway.CallbackRequest{Method: http.MethodPost, Header: http.Header{"Stripe-Signature": {p.Header}}, Body: body}
}

func paidSession() map[string]any {
	return map[string]any{
		"id": "cs_test_1", "object": "checkout.session", "mode": "payment", "status": "complete",
		"payment_status": "paid", "amount_total": 1050, "currency": "usd", "payment_intent": "pi_paid_1",
		"metadata": map[string]any{stripe.MetaPaymentID: "pay_1", stripe.MetaAccountID: "acct_1", stripe.MetaFlow: "checkout"},
	}
}

func chargeIntent(status string) map[string]any {
	return map[string]any{
		"id": "pi_charge_1", "object": "payment_intent", "status": status, "amount": 500, "amount_received": 500,
		"currency":           "jpy",
		"metadata":           map[string]any{stripe.MetaPaymentID: "pay_2", stripe.MetaAccountID: "acct_1", stripe.MetaFlow: "charge"},
		"last_payment_error": map[string]any{"type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds"},
	}
}

func stripeRefund(status string) map[string]any {
	return map[string]any{
		"id": "re_1", "object": "refund", "status": status, "amount": 150000, "currency": "vnd",
		"payment_intent": "pi_paid_1", "failure_reason": "expired_or_canceled_card",
		"metadata": map[string]any{stripe.MetaRefundID: "ref_1", stripe.MetaPaymentID: "pay_1"},
	}
}

func with(m map[string]any, k string, v any) map[string]any {
	out := map[string]any{}
	for key, val := range m {
		out[key] = val
	}
	out[k] = v
	return out
}

var eventCmp = cmp.Options{cmp.Comparer(func(a, b gateway.Token) bool { return a.Equal(b) })}

func TestWebhookEventsMapToTheLibrarysEvents(t *testing.T) {
	g, _ := newOfflineGateway(t)
	now := t0.Add(time.Minute)
	for _, tc := range []struct {
		name   string
		typ    string
		object map[string]any
		want   gateway.Event
	}{
		{"a paid checkout session is payment.succeeded with its PaymentIntent as reference", "checkout.session.completed", paidSession(),
			gateway.Event{Type: gateway.EventPaymentSucceeded, PaymentID: "pay_1", GatewayRef: "pi_paid_1", Amount: amt(t, "10.50 USD")}},
		{"an asynchronous payment that succeeds is payment.succeeded", "checkout.session.async_payment_succeeded", paidSession(),
			gateway.Event{Type: gateway.EventPaymentSucceeded, PaymentID: "pay_1", GatewayRef: "pi_paid_1", Amount: amt(t, "10.50 USD")}},
		{"an asynchronous payment that fails is payment.failed", "checkout.session.async_payment_failed", with(paidSession(), "payment_status", "unpaid"),
			gateway.Event{Type: gateway.EventPaymentFailed, PaymentID: "pay_1", GatewayRef: "cs_test_1", FailureReason: "The payment did not go through."}},
		{"an expired payment session is payment.expired", "checkout.session.expired", with(with(paidSession(), "status", "expired"), "payment_intent", nil),
			gateway.Event{Type: gateway.EventPaymentExpired, PaymentID: "pay_1", GatewayRef: "cs_test_1"}},
		{"an expired setup session is link.failed", "checkout.session.expired", map[string]any{"id": "cs_setup_1", "object": "checkout.session", "mode": "setup", "status": "expired",
			"metadata": map[string]any{stripe.MetaLinkID: "link_1", stripe.MetaAccountID: "acct_1"}},
			gateway.Event{Type: gateway.EventLinkFailed, LinkID: "link_1", GatewayRef: "cs_setup_1", FailureReason: "The card was not saved before the page expired."}},
		{"a charge's succeeded PaymentIntent is payment.succeeded of 500 JPY", "payment_intent.succeeded", chargeIntent("succeeded"),
			gateway.Event{Type: gateway.EventPaymentSucceeded, PaymentID: "pay_2", GatewayRef: "pi_charge_1", Amount: amt(t, "500 JPY")}},
		{"a charge's failed PaymentIntent is payment.failed with a reason the user may read", "payment_intent.payment_failed", chargeIntent("requires_payment_method"),
			gateway.Event{Type: gateway.EventPaymentFailed, PaymentID: "pay_2", GatewayRef: "pi_charge_1", FailureReason: "The card has insufficient funds."}},
		{"a charge's canceled PaymentIntent is payment.failed", "payment_intent.canceled", chargeIntent("canceled"),
			gateway.Event{Type: gateway.EventPaymentFailed, PaymentID: "pay_2", GatewayRef: "pi_charge_1", FailureReason: "The payment was canceled."}},
		{"a succeeded refund is refund.succeeded of 150000 VND", "refund.updated", stripeRefund("succeeded"),
			gateway.Event{Type: gateway.EventRefundSucceeded, PaymentID: "pay_1", RefundID: "ref_1", GatewayRef: "re_1", Amount: amt(t, "150000 VND")}},
		{"a refund created succeeded is refund.succeeded", "refund.created", stripeRefund("succeeded"),
			gateway.Event{Type: gateway.EventRefundSucceeded, PaymentID: "pay_1", RefundID: "ref_1", GatewayRef: "re_1", Amount: amt(t, "150000 VND")}},
		{"a failed refund is refund.failed with its reason", "refund.failed", stripeRefund("failed"),
			gateway.Event{Type: gateway.EventRefundFailed, PaymentID: "pay_1", RefundID: "ref_1", GatewayRef: "re_1",
				FailureReason: "The card was expired or canceled, so the refund could not reach it."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := stripeEvent("evt_"+strings.ReplaceAll(tc.typ, ".", "_"), tc.typ, t0, tc.object)
			got, err := g.ReadCallback(now, delivery(testSecret, now, body))
			require.NoError(t, err)
			tc.want.ID = "evt_" + strings.ReplaceAll(tc.typ, ".", "_")
			tc.want.Gateway = "stripe"
			tc.want.OccurredAt = t0
			require.Empty(t, cmp.Diff(tc.want, got, eventCmp))
			// ParseCallback is the same for a POST.
			again, err := g.ParseCallback(now, delivery(testSecret, now, body).Header, body)
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(got, again, eventCmp))
		})
	}
}

func TestWebhookSetupIntentSucceededCarriesTokenAndMaskedCard(t *testing.T) {
	g, rec := newOfflineGateway(t)
	rec.answer("GET /v1/payment_methods/pm_card_1", 200,
		`{"id":"pm_card_1","object":"payment_method","type":"card","card":{"brand":"visa","last4":"4242","exp_month":8,"exp_year":2030}}`)
	body := stripeEvent("evt_si_1", "setup_intent.succeeded", t0, map[string]any{
		"id": "seti_1", "object": "setup_intent", "status": "succeeded", "customer": "cus_1", "payment_method": "pm_card_1",
		"metadata": map[string]any{stripe.MetaLinkID: "link_1", stripe.MetaAccountID: "acct_1"},
	})
	ev, err := g.ReadCallback(t0, delivery(testSecret, t0, body))
	require.NoError(t, err)
	require.Equal(t, gateway.EventLinkSucceeded, ev.Type)
	require.Equal(t, "link_1", ev.LinkID)
	require.Equal(t, "Visa •••• 4242", ev.Display)
	require.False(t, ev.Token.IsZero())
	require.Contains(t, ev.Token.Reveal(), "cus_1:pm_card_1")

	// The token charges only for the account that linked it.
	_, err = g.Charge(t.Context(), gateway.ChargeRequest{PaymentID: "pay_x", AccountID: "acct_other", Token: ev.Token, Amount: amt(t, "1 USD")})
	require.ErrorIs(t, err, gateway.ErrInvalidRequest)

	// When the card cannot be read, Stripe must deliver the event again.
	rec.answer("GET /v1/payment_methods/pm_card_1", 500, stripeError("api_error", "", "", ""))
	_, err = g.ReadCallback(t0, delivery(testSecret, t0, body))
	require.ErrorIs(t, err, gateway.ErrTemporary)
	require.False(t, errors.Is(err, gateway.ErrIgnoredEvent))
}

func TestWebhookEventsThatAreNotOursAreIgnoredNotRejected(t *testing.T) {
	g, _ := newOfflineGateway(t)
	noMeta := with(paidSession(), "metadata", map[string]any{})
	for _, tc := range []struct {
		name   string
		typ    string
		object map[string]any
	}{
		{"another event type", "customer.created", map[string]any{"id": "cus_1", "object": "customer"}},
		{"a session of another integration", "checkout.session.completed", noMeta},
		{"a completed session not yet paid", "checkout.session.completed", with(paidSession(), "payment_status", "unpaid")},
		{"a completed setup session (the SetupIntent reports it)", "checkout.session.completed", with(paidSession(), "mode", "setup")},
		{"the PaymentIntent of a checkout (its session reports it)", "payment_intent.payment_failed",
			with(chargeIntent("requires_payment_method"), "metadata", map[string]any{stripe.MetaPaymentID: "pay_1", stripe.MetaFlow: "checkout"})},
		{"a PaymentIntent of another integration", "payment_intent.succeeded", with(chargeIntent("succeeded"), "metadata", map[string]any{})},
		{"a pending refund", "refund.created", stripeRefund("pending")},
		{"a refund of another integration", "refund.updated", with(stripeRefund("succeeded"), "metadata", map[string]any{})},
		{"charge.refunded (refund events report refunds)", "charge.refunded", map[string]any{"id": "ch_1", "object": "charge"}},
		{"a SetupIntent of another integration", "setup_intent.succeeded", map[string]any{"id": "seti_2", "object": "setup_intent"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := g.ReadCallback(t0, delivery(testSecret, t0, stripeEvent("evt_ignored", tc.typ, t0, tc.object)))
			require.ErrorIs(t, err, gateway.ErrIgnoredEvent)
			var ie *stripe.IgnoredEventError
			require.ErrorAs(t, err, &ie)
			require.Equal(t, "evt_ignored", ie.EventID)
			require.Equal(t, tc.typ, ie.Type)
			require.Equal(t, http.StatusOK, g.Reply(gateway.CallbackDuplicate).Status, "the library answers an ignored event as a duplicate")
		})
	}
}

func TestWebhookSignatureAndTimeAreChecked(t *testing.T) {
	g, _ := newOfflineGateway(t)
	body := stripeEvent("evt_1", "checkout.session.completed", t0, paidSession())
	good := delivery(testSecret, t0, body)

	t.Run("a tampered body fails", func(t *testing.T) {
		tampered := good
		tampered.Body = []byte(strings.Replace(string(body), "1050", "9050", 1))
		_, err := g.ReadCallback(t0, tampered)
		require.ErrorIs(t, err, gateway.ErrBadSignature)
	})
	t.Run("another secret fails", func(t *testing.T) {
		_, err := g.ReadCallback(t0, delivery("whsec_someone_else", t0, body))
		require.ErrorIs(t, err, gateway.ErrBadSignature)
	})
	t.Run("5 minutes old passes, 5 minutes 1 second old fails", func(t *testing.T) {
		_, err := g.ReadCallback(t0.Add(5*time.Minute), good)
		require.NoError(t, err)
		_, err = g.ReadCallback(t0.Add(5*time.Minute+time.Second), good)
		require.ErrorIs(t, err, gateway.ErrTooOld)
	})
	t.Run("signed 5 minutes 1 second in the future fails", func(t *testing.T) {
		_, err := g.ReadCallback(t0.Add(-5*time.Minute-time.Second), good)
		require.ErrorIs(t, err, gateway.ErrTooNew)
		_, err = g.ReadCallback(t0.Add(-5*time.Minute), good)
		require.NoError(t, err)
	})
	t.Run("no header fails", func(t *testing.T) {
		_, err := g.ReadCallback(t0, gateway.CallbackRequest{Method: http.MethodPost, Header: http.Header{}, Body: body})
		require.ErrorIs(t, err, gateway.ErrNotSigned)
	})
	t.Run("a header with two timestamps fails", func(t *testing.T) {
		bad := good
		bad.Header = http.Header{"Stripe-Signature": {good.Header.Get("Stripe-Signature") + ",t=" + strconv.FormatInt(t0.Unix()+1, 10)}}
		_, err := g.ReadCallback(t0, bad)
		require.ErrorIs(t, err, gateway.ErrMalformedSignature)
	})
	t.Run("an authentic body that is not an event fails", func(t *testing.T) {
		_, err := g.ReadCallback(t0, delivery(testSecret, t0, []byte(`not json`)))
		require.ErrorIs(t, err, gateway.ErrMalformedEvent)
	})
	t.Run("a GET fails", func(t *testing.T) {
		get := good
		get.Method = http.MethodGet
		_, err := g.ReadCallback(t0, get)
		require.ErrorIs(t, err, gateway.ErrMalformedEvent)
	})
	t.Run("during rotation either secret passes", func(t *testing.T) {
		rotating, err := stripe.New(stripe.Config{SecretKey: testKey, WebhookSecrets: []string{"whsec_old", "whsec_new"}})
		require.NoError(t, err)
		for _, s := range []string{"whsec_old", "whsec_new"} {
			_, err := rotating.ReadCallback(t0, delivery(s, t0, body))
			require.NoError(t, err, s)
		}
	})
	t.Run("a paid event with an amount of an unknown currency is malformed", func(t *testing.T) {
		_, err := g.ReadCallback(t0, delivery(testSecret, t0, stripeEvent("evt_2", "checkout.session.completed", t0, with(paidSession(), "currency", "xxx"))))
		require.ErrorIs(t, err, gateway.ErrMalformedEvent)
	})
}

func TestReplyAnswersStripeWithStatusOnly(t *testing.T) {
	g, _ := newOfflineGateway(t)
	for outcome, status := range map[gateway.CallbackOutcome]int{
		gateway.CallbackApplied:        200,
		gateway.CallbackDuplicate:      200,
		gateway.CallbackUnknownPayment: 200,
		gateway.CallbackWrongAmount:    200,
		gateway.CallbackRejected:       400,
		gateway.CallbackFailed:         500,
		gateway.CallbackOutcome(0):     500,
		gateway.CallbackOutcome(99):    500,
	} {
		r := g.Reply(outcome)
		require.Equal(t, status, r.Status, outcome.String())
		require.Empty(t, r.Body)
	}
	require.Equal(t, []string{"POST"}, g.CallbackMethods())
}

func FuzzReadCallback(f *testing.F) {
	body := stripeEvent("evt_1", "checkout.session.completed", t0, paidSession())
	f.Add(delivery(testSecret, t0, body).Header.Get("Stripe-Signature"), body)
	f.Add("t=1,v1=00", []byte(`{}`))
	f.Add("t=,v1=", []byte(``))
	g, err := stripe.New(stripe.Config{SecretKey: testKey, WebhookSecrets: []string{testSecret}, APIURL: "http://stripe.invalid",
		HTTPClient: &http.Client{Transport: &recorder{}}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		ev, err := g.ReadCallback(t0, gateway.CallbackRequest{Method: http.MethodPost, Header: http.Header{"Stripe-Signature": {header}}, Body: body})
		if err != nil && ev.ID != "" {
			t.Fatalf("an error with a non-zero event: %v", err)
		}
		if err == nil {
			if _, err := gateway.EncodeEvent(ev); err != nil {
				t.Fatalf("accepted an invalid event: %v", err)
			}
		}
	})
}
