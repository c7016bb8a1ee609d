package stripe_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

func TestStartLinkCreatesACustomerAndASetupSession(t *testing.T) {
	g, rec := newGateway(t)
	rec.patch("POST /v1/customers", map[string]any{"id": "cus_link_1"})
	r, err := g.StartLink(t.Context(), gateway.LinkRequest{LinkID: "link_1", AccountID: "acct_1"})
	require.NoError(t, err)
	require.Regexp(t, `^cs_`, r.GatewayRef)
	require.Regexp(t, `^https://`, r.URL)

	c := only(t, rec, "POST", "/v1/customers")
	require.Equal(t, "cloudbill-link-customer-link_1", c.Key())
	require.Equal(t, "acct_1", c.Form.Get("metadata[cloudbill_account_id]"))
	require.Equal(t, "link_1", c.Form.Get("metadata[cloudbill_link_id]"))

	s := only(t, rec, "POST", "/v1/checkout/sessions")
	require.Equal(t, "cloudbill-link-link_1", s.Key())
	for k, want := range map[string]string{
		"mode": "setup", "customer": "cus_link_1", "payment_method_types[0]": "card",
		"setup_intent_data[metadata][cloudbill_link_id]":    "link_1",
		"setup_intent_data[metadata][cloudbill_account_id]": "acct_1",
		"metadata[cloudbill_link_id]":                       "link_1",
		"success_url":                                       "https://portal.example/payments/return",
	} {
		require.Equal(t, want, s.Form.Get(k), k)
	}
}

func TestStartLinkStopsWhenTheCustomerCannotBeCreated(t *testing.T) {
	g, rec := newOfflineGateway(t)
	rec.answer("POST /v1/customers", 500, stripeError("api_error", "", "", ""))
	_, err := g.StartLink(t.Context(), gateway.LinkRequest{LinkID: "link_1", AccountID: "acct_1"})
	require.ErrorIs(t, err, gateway.ErrTemporary)
	require.Len(t, rec.sent(), 1)
}
