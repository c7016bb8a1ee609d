package gateway_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment/gateway"
)

func TestRequestValidate(t *testing.T) {
	vnd := amt(t, "150000 VND")
	pay := gateway.PaymentRequest{PaymentID: "pay_1", AccountID: "acc_1", Amount: vnd, ReturnURL: "https://x.test/back"}
	charge := gateway.ChargeRequest{PaymentID: "pay_1", AccountID: "acc_1", Token: gateway.NewToken("tok_SECRET"), Amount: vnd}
	refund := gateway.RefundRequest{PaymentID: "pay_1", RefundID: "re_1", GatewayRef: "R", Amount: vnd}
	link := gateway.LinkRequest{LinkID: "link_1", AccountID: "acc_1"}

	require.NoError(t, pay.Validate())
	require.NoError(t, charge.Validate())
	require.NoError(t, refund.Validate())
	require.NoError(t, link.Validate())

	type validator interface{ Validate() error }
	p := func(f func(*gateway.PaymentRequest)) validator { r := pay; f(&r); return r }
	c := func(f func(*gateway.ChargeRequest)) validator { r := charge; f(&r); return r }
	r := func(f func(*gateway.RefundRequest)) validator { x := refund; f(&x); return x }
	l := func(f func(*gateway.LinkRequest)) validator { x := link; f(&x); return x }
	cases := []struct {
		name  string
		req   validator
		field string
	}{
		{"a payment without id", p(func(r *gateway.PaymentRequest) { r.PaymentID = "" }), "PaymentID"},
		{"a payment id of 256 bytes", p(func(r *gateway.PaymentRequest) { r.PaymentID = strings.Repeat("p", 256) }), "PaymentID"},
		{"a payment id with a tab", p(func(r *gateway.PaymentRequest) { r.PaymentID = "p\t1" }), "PaymentID"},
		{"a payment id with a C1 control", p(func(r *gateway.PaymentRequest) { r.PaymentID = "p\u00851" }), "PaymentID"},
		{"a payment id of invalid UTF-8", p(func(r *gateway.PaymentRequest) { r.PaymentID = "p\xff" }), "PaymentID"},
		{"a payment without account", p(func(r *gateway.PaymentRequest) { r.AccountID = "" }), "AccountID"},
		{"a payment without amount", p(func(r *gateway.PaymentRequest) { r.Amount = money.Amount{} }), "Amount"},
		{"a payment of 0 VND", p(func(r *gateway.PaymentRequest) { r.Amount = amt(t, "0 VND") }), "Amount"},
		{"a payment of -1 VND", p(func(r *gateway.PaymentRequest) { r.Amount = amt(t, "-1 VND") }), "Amount"},
		{"a payment of 7.7 VND", p(func(r *gateway.PaymentRequest) { r.Amount = amt(t, "7.7 VND") }), "Amount"},
		{"a payment of 0.125 USD", p(func(r *gateway.PaymentRequest) { r.Amount = amt(t, "0.125 USD") }), "Amount"},
		{"a description over 2048 bytes", p(func(r *gateway.PaymentRequest) { r.Description = strings.Repeat("d", 2049) }), "Description"},
		{"a return URL with a newline", p(func(r *gateway.PaymentRequest) { r.ReturnURL = "https://x\n" }), "ReturnURL"},
		{"a charge without token", c(func(r *gateway.ChargeRequest) { r.Token = gateway.Token{} }), "Token"},
		{"a charge token with a newline", c(func(r *gateway.ChargeRequest) { r.Token = gateway.NewToken("tok_SECRET\n") }), "Token"},
		{"a charge without account", c(func(r *gateway.ChargeRequest) { r.AccountID = "" }), "AccountID"},
		{"a refund without ref", r(func(r *gateway.RefundRequest) { r.GatewayRef = "" }), "GatewayRef"},
		{"a refund without refund id", r(func(r *gateway.RefundRequest) { r.RefundID = "" }), "RefundID"},
		{"a refund of 0.5 VND", r(func(r *gateway.RefundRequest) { r.Amount = amt(t, "0.5 VND") }), "Amount"},
		{"a link without id", l(func(r *gateway.LinkRequest) { r.LinkID = "" }), "LinkID"},
		{"a link without account", l(func(r *gateway.LinkRequest) { r.AccountID = "" }), "AccountID"},
	}
	for _, tc := range cases {
		t.Run(tc.name+" is invalid", func(t *testing.T) {
			err := tc.req.Validate()
			require.ErrorIs(t, err, gateway.ErrInvalidRequest)
			var re *gateway.RequestError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tc.field, re.Field)
			assert.NotContains(t, err.Error(), "SECRET", "a rejected token is never quoted")
			assert.False(t, gateway.Retryable(err))
		})
	}
}

func TestRetryable(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"nil is not retried", nil, false},
		{"a decline is final", gateway.ErrDeclined, false},
		{"a typed decline is final", &gateway.DeclineError{Code: "insufficient_funds"}, false},
		{"a wrapped decline is final", fmt.Errorf("momo: %w", gateway.ErrDeclined), false},
		{"an invalid request is final", &gateway.RequestError{Field: "Amount", Reason: "is not positive"}, false},
		{"a conflict is final", gateway.ErrConflict, false},
		{"not found is final", gateway.ErrNotFound, false},
		{"unsupported is final", gateway.ErrUnsupported, false},
		{"a temporary failure is retried", fmt.Errorf("momo: %w: 503", gateway.ErrTemporary), true},
		{"a deadline is retried", fmt.Errorf("%w: %w", gateway.ErrTemporary, context.DeadlineExceeded), true},
		{"an unclassified error is retried (the outcome is unknown)", errors.New("connection reset"), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, gateway.Retryable(c.err))
		})
	}
}

func TestDeclineErrorText(t *testing.T) {
	cases := []struct {
		err  gateway.DeclineError
		want string
	}{
		{gateway.DeclineError{}, "gateway: declined"},
		{gateway.DeclineError{Code: "51"}, "gateway: declined (51)"},
		{gateway.DeclineError{Reason: "insufficient funds"}, "gateway: declined: insufficient funds"},
		{gateway.DeclineError{Code: "51", Reason: "insufficient funds"}, "gateway: declined (51): insufficient funds"},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			assert.Equal(t, c.want, c.err.Error())
			assert.ErrorIs(t, &c.err, gateway.ErrDeclined)
		})
	}
}

func TestChargeStatusText(t *testing.T) {
	assert.Equal(t, "succeeded", gateway.ChargeSucceeded.String())
	assert.Equal(t, "pending", gateway.ChargePending.String())
	assert.Equal(t, "failed", gateway.ChargeFailed.String())
	assert.Equal(t, "ChargeStatus(0)", gateway.ChargeStatus(0).String())
	assert.False(t, gateway.ChargeStatus(0).Valid())
	assert.False(t, gateway.ChargeStatus(4).Valid())
	assert.True(t, gateway.ChargeFailed.Valid())
}
