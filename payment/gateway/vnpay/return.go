package vnpay

import (
	"errors"
	"net/url"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment/gateway"
)

// ReturnResult is what VNPay's redirect back to vnp_ReturnUrl says, after
// its checksum was verified. It is for the page the payer sees, never the
// source of truth: a payment is settled only by the IPN (ReadCallback) or a
// QueryPayment, which the library applies once.
type ReturnResult struct {
	// PaymentID is the library's payment id, PaymentID(vnp_TxnRef).
	PaymentID string
	// State is PaymentSucceeded, PaymentFailed, PaymentExpired or
	// PaymentPending (an open payment, see ErrNotFinal).
	State gateway.PaymentState
	// Amount is vnp_Amount ÷ 100 VND.
	Amount money.Amount
	// GatewayRef is vnp_TransactionNo, or "" when VNPay gave none.
	GatewayRef string
	// ResponseCode and TransactionStatus are VNPay's codes.
	ResponseCode      string
	TransactionStatus string
	// Message says what happened, fit to show the payer.
	Message string
}

// VerifyReturn checks the query string of the payer's return from VNPay
// (the host passes r.URL.Query()) with the same checksum and field rules as
// ReadCallback, and says how the payment went. A forged or malformed return
// is an error (a *gateway.SignatureError or *gateway.EventError) and the
// zero ReturnResult.
func (g *Gateway) VerifyReturn(query url.Values) (ReturnResult, error) {
	params, err := g.signedParams("", query)
	if err != nil {
		return ReturnResult{}, err
	}
	r, err := g.decodeResult(params)
	if err != nil {
		return ReturnResult{}, err
	}
	out := ReturnResult{PaymentID: r.paymentID, Amount: r.amount, GatewayRef: r.gatewayRef(),
		ResponseCode: r.responseCode, TransactionStatus: r.status}
	typ, err := r.eventType()
	var open *StatusError
	switch {
	case errors.As(err, &open):
		out.State, out.Message = gateway.PaymentPending, "the payment is being processed ("+statusText(r.status)+")"
		return out, nil
	case err != nil:
		return ReturnResult{}, err
	case typ == gateway.EventPaymentSucceeded:
		out.State, out.Message = gateway.PaymentSucceeded, "the payment succeeded"
	case typ == gateway.EventPaymentExpired:
		out.State, out.Message = gateway.PaymentExpired, failureReason(r.responseCode, r.status)
	default:
		out.State, out.Message = gateway.PaymentFailed, failureReason(r.responseCode, r.status)
	}
	return out, nil
}
