package stripe

import (
	"context"
	"errors"

	stripego "github.com/stripe/stripe-go/v82"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// Charge charges a linked card off-session: a PaymentIntent with
// confirm=true and off_session=true for the Token's customer and payment
// method, metadata MetaPaymentID, MetaAccountID and MetaFlow "charge", and
// Idempotency-Key "cloudbill-payment-<PaymentID>". A token of another
// format, or linked by another account, is a *gateway.RequestError and
// nothing is sent.
//
// The PaymentIntent's status decides the result: succeeded is
// ChargeSucceeded; processing (a debit that settles later) is
// ChargePending, settled by a payment_intent.succeeded or
// payment_intent.payment_failed webhook; a card error (Stripe's 402) is
// ChargeFailed with a reason fit to show the user (DeclineReason). So is
// requires_action or requires_payment_method: the bank wants the
// cardholder to authenticate (3-D Secure), which cannot happen with nobody
// present, so the library should ask the user to pay through
// CreatePayment instead. Nothing is charged in these cases.
//
// Stripe keeps idempotency keys for at least 24 hours: the library's
// retries with the same PaymentID within that time return the first
// PaymentIntent and never charge twice.
func (g *Gateway) Charge(ctx context.Context, req gateway.ChargeRequest) (gateway.ChargeResult, error) {
	if err := req.Validate(); err != nil {
		return gateway.ChargeResult{}, err
	}
	customer, paymentMethod, err := parseToken(req.Token, req.AccountID)
	if err != nil {
		return gateway.ChargeResult{}, err
	}
	amount, currency, err := toStripe("Amount", req.Amount)
	if err != nil {
		return gateway.ChargeResult{}, err
	}
	params := &stripego.PaymentIntentCreateParams{
		Amount:        stripego.Int64(amount),
		Currency:      stripego.String(currency),
		Customer:      stripego.String(customer),
		PaymentMethod: stripego.String(paymentMethod),
		Confirm:       stripego.Bool(true),
		OffSession:    stripego.Bool(true),
		Metadata:      map[string]string{MetaPaymentID: req.PaymentID, MetaAccountID: req.AccountID, MetaFlow: flowCharge},
	}
	params.SetIdempotencyKey(idempotencyKey("payment", req.PaymentID))
	pi, err := g.api.V1PaymentIntents.Create(ctx, params)
	if err != nil {
		return g.chargeError(err)
	}
	if pi.ID == "" {
		return gateway.ChargeResult{}, incomplete("create payment intent")
	}
	res := gateway.ChargeResult{GatewayRef: pi.ID}
	switch pi.Status {
	case stripego.PaymentIntentStatusSucceeded:
		res.Status = gateway.ChargeSucceeded
	case stripego.PaymentIntentStatusProcessing:
		res.Status = gateway.ChargePending
	case stripego.PaymentIntentStatusRequiresAction:
		res.Status = gateway.ChargeFailed
		res.FailureReason = DeclineReason("authentication_required", "")
	case stripego.PaymentIntentStatusRequiresPaymentMethod, stripego.PaymentIntentStatusCanceled:
		res.Status = gateway.ChargeFailed
		res.FailureReason = paymentErrorReason(pi.LastPaymentError)
	default:
		// requires_confirmation or requires_capture cannot follow
		// confirm=true with automatic capture: the answer is not one
		// this adapter understands, and the PaymentIntent may still be
		// charged, so the outcome is unknown.
		return gateway.ChargeResult{}, &APIError{Op: "create payment intent", Status: 200, Type: "unexpected_status",
			Message: "PaymentIntent " + pi.ID + " is " + string(pi.Status), Class: gateway.ErrTemporary}
	}
	return res, nil
}

// chargeError turns a failed PaymentIntent creation into Charge's answer:
// a card error is a ChargeFailed result (with the PaymentIntent's id when
// Stripe returned it), anything else the classified error.
func (g *Gateway) chargeError(err error) (gateway.ChargeResult, error) {
	var se *stripego.Error
	if errors.As(err, &se) && se.Type == stripego.ErrorTypeCard {
		res := gateway.ChargeResult{
			Status:        gateway.ChargeFailed,
			FailureReason: DeclineReason(string(se.Code), string(se.DeclineCode)),
		}
		if se.PaymentIntent != nil {
			res.GatewayRef = se.PaymentIntent.ID
		}
		return res, nil
	}
	return gateway.ChargeResult{}, g.classify("create payment intent", err)
}

// paymentErrorReason is DeclineReason of a PaymentIntent's last error.
func paymentErrorReason(e *stripego.Error) string {
	if e == nil {
		return DeclineReason("", "")
	}
	return DeclineReason(string(e.Code), string(e.DeclineCode))
}

// DeclineReason returns a reason fit to show the user for Stripe's error
// code and the issuer's decline code. It follows Stripe's advice on
// declines: the reasons a customer can act on are named (insufficient
// funds, an expired card, a wrong security code or number, a limit
// reached, authentication required), and the ones that concern fraud
// (lost_card, stolen_card, fraudulent, pickup_card…) or the merchant get
// the generic "The card was declined." so a fraudster learns nothing.
func DeclineReason(code, declineCode string) string {
	for _, c := range [...]string{declineCode, code} {
		switch c {
		case "insufficient_funds":
			return "The card has insufficient funds."
		case "expired_card":
			return "The card has expired."
		case "incorrect_cvc", "invalid_cvc":
			return "The card's security code is incorrect."
		case "incorrect_number", "invalid_number":
			return "The card number is incorrect."
		case "card_velocity_exceeded", "withdrawal_count_limit_exceeded":
			return "The card has reached its spending limit."
		case "authentication_required":
			return "The card's bank asks the cardholder to approve this payment; pay it through checkout."
		case "processing_error":
			return "The card could not be processed; try again later."
		}
	}
	return "The card was declined."
}
