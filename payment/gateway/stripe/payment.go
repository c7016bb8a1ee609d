package stripe

import (
	"context"
	"time"

	stripego "github.com/stripe/stripe-go/v82"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// Stripe's bounds on a Checkout Session's expires_at, from its creation.
const (
	// MinCheckoutLifetime is the shortest lifetime CreatePayment asks for:
	// Stripe's minimum of 30 minutes, plus 5 minutes for the request's way
	// to Stripe and for clock difference.
	MinCheckoutLifetime = 35 * time.Minute
	// MaxCheckoutLifetime is the longest: Stripe's maximum of 24 hours,
	// less 5 minutes for clock difference.
	MaxCheckoutLifetime = 24*time.Hour - 5*time.Minute
)

// defaultProductName is the line item's name when a payment has no
// Description: Checkout shows it to the payer.
const defaultProductName = "Payment"

// CreatePayment creates a Checkout Session in payment mode, with one line
// item of req.Amount, and returns its hosted page (Redirect.URL) and its
// id (Redirect.GatewayRef, "cs_…"). A Checkout Session rather than a bare
// PaymentIntent because the contract is a redirect: Stripe hosts the page,
// 3-D Secure and every payment method the account enables, and a
// PaymentIntent alone needs the host to build a payment page with
// Stripe.js.
//
// The session, and the PaymentIntent Stripe creates when the user pays,
// carry the PaymentID and AccountID as metadata (MetaPaymentID,
// MetaAccountID); the Idempotency-Key is "cloudbill-payment-<PaymentID>",
// so a retry returns the same session, and the same PaymentID with another
// request is gateway.ErrConflict.
//
// The amount is sent exactly in Stripe's unit for the currency (10.50 USD
// as 1050, 500 JPY as 500, 150000 VND as 150000); an amount Stripe cannot
// take exactly (1.005 USD, 5.125 KWD, 100.50 MGA) is a
// *gateway.RequestError and nothing is sent.
//
// ExpiresAt is clamped into what Stripe accepts, measured from
// req.CreatedAt: to at least MinCheckoutLifetime (the page stays open a
// little longer than asked; a payment made after the library expired it
// arrives as a late payment and becomes credit) and at most
// MaxCheckoutLifetime (the page closes early and its checkout.session.expired
// event expires the payment). The zero ExpiresAt leaves Stripe's default
// of 24 hours. An ExpiresAt not after CreatedAt, or an ExpiresAt without a
// CreatedAt, is a *gateway.RequestError.
func (g *Gateway) CreatePayment(ctx context.Context, req gateway.PaymentRequest) (gateway.Redirect, error) {
	if err := req.Validate(); err != nil {
		return gateway.Redirect{}, err
	}
	amount, currency, err := toStripe("Amount", req.Amount)
	if err != nil {
		return gateway.Redirect{}, err
	}
	returnURL, err := g.returnURL(req.ReturnURL)
	if err != nil {
		return gateway.Redirect{}, err
	}
	expiresAt, err := checkoutExpiry(req.CreatedAt, req.ExpiresAt)
	if err != nil {
		return gateway.Redirect{}, err
	}
	name := req.Description
	if name == "" {
		name = defaultProductName
	}
	meta := map[string]string{MetaPaymentID: req.PaymentID, MetaAccountID: req.AccountID, MetaFlow: flowCheckout}
	params := &stripego.CheckoutSessionCreateParams{
		Mode:       stripego.String(string(stripego.CheckoutSessionModePayment)),
		SuccessURL: stripego.String(returnURL),
		CancelURL:  stripego.String(returnURL),
		LineItems: []*stripego.CheckoutSessionCreateLineItemParams{{
			Quantity: stripego.Int64(1),
			PriceData: &stripego.CheckoutSessionCreateLineItemPriceDataParams{
				Currency:    stripego.String(currency),
				UnitAmount:  stripego.Int64(amount),
				ProductData: &stripego.CheckoutSessionCreateLineItemPriceDataProductDataParams{Name: stripego.String(clip(name))},
			},
		}},
		Metadata: meta,
		PaymentIntentData: &stripego.CheckoutSessionCreatePaymentIntentDataParams{
			Metadata: meta,
		},
	}
	if len(req.PaymentID) <= 200 { // Stripe's limit on client_reference_id
		params.ClientReferenceID = stripego.String(req.PaymentID)
	}
	if req.Description != "" {
		params.PaymentIntentData.Description = stripego.String(clip(req.Description))
	}
	if !expiresAt.IsZero() {
		params.ExpiresAt = stripego.Int64(expiresAt.Unix())
	}
	params.SetIdempotencyKey(idempotencyKey("payment", req.PaymentID))
	s, err := g.api.V1CheckoutSessions.Create(ctx, params)
	if err != nil {
		return gateway.Redirect{}, g.classify("create checkout session", err)
	}
	if s.ID == "" || s.URL == "" {
		return gateway.Redirect{}, incomplete("create checkout session")
	}
	return gateway.Redirect{URL: s.URL, GatewayRef: s.ID}, nil
}

// returnURL is the request's ReturnURL, or the configured one.
func (g *Gateway) returnURL(fromRequest string) (string, error) {
	switch {
	case fromRequest != "":
		if !absoluteURL(fromRequest) {
			return "", &gateway.RequestError{Field: "ReturnURL", Reason: "is not an absolute http(s) URL"}
		}
		return fromRequest, nil
	case g.cfg.ReturnURL != "":
		return g.cfg.ReturnURL, nil
	}
	return "", &gateway.RequestError{Field: "ReturnURL", Reason: "is empty and the gateway has no Config.ReturnURL"}
}

// checkoutExpiry returns the expires_at to send (zero for Stripe's
// default), clamped as CreatePayment documents.
func checkoutExpiry(createdAt, expiresAt time.Time) (time.Time, error) {
	if expiresAt.IsZero() {
		return time.Time{}, nil
	}
	if createdAt.IsZero() {
		return time.Time{}, &gateway.RequestError{Field: "CreatedAt", Reason: "is required with ExpiresAt"}
	}
	if !expiresAt.After(createdAt) {
		return time.Time{}, &gateway.RequestError{Field: "ExpiresAt", Reason: "is not after CreatedAt"}
	}
	lifetime := expiresAt.Sub(createdAt)
	lifetime = max(lifetime, MinCheckoutLifetime)
	lifetime = min(lifetime, MaxCheckoutLifetime)
	// Whole seconds up, so the page never closes before the time asked.
	return createdAt.Add(lifetime).Add(time.Second - 1).Truncate(time.Second), nil
}

// incomplete is the error for a success answer that lacks what the call
// needs; the request may have taken effect, so it is temporary.
func incomplete(op string) error {
	return &APIError{Op: op, Status: 200, Type: "incomplete_response", Message: "Stripe's answer lacks a required field", Class: gateway.ErrTemporary}
}
