package momo

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// tokenPayRequest is the body of /v2/gateway/api/tokenization/pay.
type tokenPayRequest struct {
	PartnerCode     string `json:"partnerCode"`
	RequestID       string `json:"requestId"`
	OrderID         string `json:"orderId"`
	Amount          int64  `json:"amount"`
	OrderInfo       string `json:"orderInfo"`
	PartnerClientID string `json:"partnerClientId"`
	Token           string `json:"token"`
	RedirectURL     string `json:"redirectUrl"`
	IPNURL          string `json:"ipnUrl"`
	ExtraData       string `json:"extraData"`
	AutoCapture     bool   `json:"autoCapture"`
	Lang            string `json:"lang"`
	Signature       string `json:"signature"`
}

// rawTokenPay is the signed string of a payment with a linked wallet; the
// token is signed as sent (RSA-encrypted).
func rawTokenPay(accessKey string, r tokenPayRequest) string {
	return rawString(
		field{"accessKey", accessKey},
		field{"amount", strconv.FormatInt(r.Amount, 10)},
		field{"extraData", r.ExtraData},
		field{"orderId", r.OrderID},
		field{"orderInfo", r.OrderInfo},
		field{"partnerClientId", r.PartnerClientID},
		field{"partnerCode", r.PartnerCode},
		field{"requestId", r.RequestID},
		field{"token", r.Token},
	)
}

// tokenPayResponse is MoMo's answer to a payment with a linked wallet.
type tokenPayResponse struct {
	PartnerCode string      `json:"partnerCode"`
	OrderID     string      `json:"orderId"`
	Amount      json.Number `json:"amount"`
	TransID     json.Number `json:"transId"`
	ResultCode  json.Number `json:"resultCode"`
}

// Charge pays req.Amount from the linked wallet of req.Token without a
// redirect (/v2/gateway/api/tokenization/pay, autoCapture). The token must
// be one this adapter issued for req.AccountID: another account's, or
// another gateway's, is a *gateway.RequestError and nothing is sent. The
// payment is a MoMo order named from the PaymentID exactly as
// CreatePayment names it, with the same requestId, so a retry is the same
// request and MoMo never pays one orderId twice; when MoMo answers a retry
// with 41 (orderId already used) the order is queried and its state
// returned, or ErrConflict if it was for another amount.
//
// MoMo answers at once: 0 (or 9000) is ChargeSucceeded with GatewayRef the
// transId; 1000, 7000, 7002 and 8000 are ChargePending (an IPN or
// QueryPayment settles it); a refusal of the wallet's money is
// ChargeFailed with a fixed reason fit to show the payer (GatewayRef the
// orderId); other codes are errors as for CreatePayment. Without
// Config.RSAPublicKey it returns gateway.ErrUnsupported.
func (g *Gateway) Charge(ctx context.Context, req gateway.ChargeRequest) (gateway.ChargeResult, error) {
	if err := g.linking("charging a linked wallet"); err != nil {
		return gateway.ChargeResult{}, err
	}
	if err := req.Validate(); err != nil {
		return gateway.ChargeResult{}, err
	}
	amount, err := vnd("Amount", req.Amount)
	if err != nil {
		return gateway.ChargeResult{}, err
	}
	initial, value, err := parseToken(req.Token, req.AccountID)
	if err != nil {
		return gateway.ChargeResult{}, err
	}
	token, err := encryptToken(g.keys.rsa, value, initial)
	if err != nil {
		return gateway.ChargeResult{}, &gateway.RequestError{Field: "Token", Reason: "does not fit MoMo's RSA key"}
	}
	oid := orderID(req.PaymentID)
	body := tokenPayRequest{
		PartnerCode:     g.cfg.PartnerCode,
		RequestID:       oid,
		OrderID:         oid,
		Amount:          amount,
		OrderInfo:       "Payment " + oid,
		PartnerClientID: clientID(req.AccountID),
		Token:           token,
		RedirectURL:     g.cfg.RedirectURL,
		IPNURL:          g.cfg.IPNURL,
		ExtraData:       encodeExtra(req.PaymentID),
		AutoCapture:     true,
		Lang:            g.cfg.Lang,
	}
	body.Signature = sign(g.cfg.SecretKey, rawTokenPay(g.cfg.AccessKey, body))
	var resp tokenPayResponse
	if err := g.post(ctx, "/v2/gateway/api/tokenization/pay", body, &resp); err != nil {
		return gateway.ChargeResult{}, err
	}
	code, ok := int64Of(resp.ResultCode)
	if !ok {
		return gateway.ChargeResult{}, fmt.Errorf("%w: momo: charge: no resultCode in the answer", gateway.ErrTemporary)
	}
	switch classify(code) {
	case classSucceeded:
		paid, ok1 := int64Of(resp.Amount)
		trans, ok2 := int64Of(resp.TransID)
		if resp.PartnerCode != g.cfg.PartnerCode || resp.OrderID != oid || !ok1 || paid != amount || !ok2 || trans <= 0 {
			return gateway.ChargeResult{}, fmt.Errorf("%w: %w: charge", gateway.ErrTemporary, errBadAnswer)
		}
		return gateway.ChargeResult{GatewayRef: strconv.FormatInt(trans, 10), Status: gateway.ChargeSucceeded}, nil
	case classPending:
		return gateway.ChargeResult{GatewayRef: oid, Status: gateway.ChargePending}, nil
	case classDeclined, classExpired:
		return gateway.ChargeResult{GatewayRef: oid, Status: gateway.ChargeFailed, FailureReason: reason(code)}, nil
	case classConflict:
		return g.chargeState(ctx, req, oid)
	}
	return gateway.ChargeResult{}, resultError("charge", code)
}

// chargeState is the answer to a Charge whose orderId MoMo already has:
// the order's current state when it is for the same amount, ErrConflict
// when not. The query's request id is made from req.CreatedAt, the
// library's time, as the adapter reads no clock.
func (g *Gateway) chargeState(ctx context.Context, req gateway.ChargeRequest, oid string) (gateway.ChargeResult, error) {
	if req.CreatedAt.IsZero() {
		return gateway.ChargeResult{}, fmt.Errorf("%w: momo: charge: the order exists and CreatedAt is missing to query it", gateway.ErrTemporary)
	}
	st, err := g.QueryPayment(ctx, gateway.PaymentQuery{PaymentID: req.PaymentID, AccountID: req.AccountID, Amount: req.Amount, Now: req.CreatedAt})
	if err != nil {
		return gateway.ChargeResult{}, err
	}
	switch st.State {
	case gateway.PaymentSucceeded:
		if !st.Amount.Equal(req.Amount) {
			return gateway.ChargeResult{}, fmt.Errorf("%w: momo: charge: the order was paid with another amount", gateway.ErrConflict)
		}
		return gateway.ChargeResult{GatewayRef: st.GatewayRef, Status: gateway.ChargeSucceeded}, nil
	case gateway.PaymentPending:
		return gateway.ChargeResult{GatewayRef: oid, Status: gateway.ChargePending}, nil
	case gateway.PaymentFailed, gateway.PaymentExpired:
		return gateway.ChargeResult{GatewayRef: oid, Status: gateway.ChargeFailed, FailureReason: st.FailureReason}, nil
	}
	return gateway.ChargeResult{}, fmt.Errorf("%w: momo: charge: MoMo reported the order as used but cannot find it", gateway.ErrTemporary)
}
