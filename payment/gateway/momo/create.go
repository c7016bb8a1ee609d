package momo

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// requestTypeCaptureWallet is the create requestType of a wallet payment.
const requestTypeCaptureWallet = "captureWallet"

// createRequest is the body of /v2/gateway/api/create.
type createRequest struct {
	PartnerCode string `json:"partnerCode"`
	AccessKey   string `json:"accessKey"`
	RequestID   string `json:"requestId"`
	Amount      int64  `json:"amount"`
	OrderID     string `json:"orderId"`
	OrderInfo   string `json:"orderInfo"`
	RedirectURL string `json:"redirectUrl"`
	IPNURL      string `json:"ipnUrl"`
	RequestType string `json:"requestType"`
	ExtraData   string `json:"extraData"`
	Lang        string `json:"lang"`
	Signature   string `json:"signature"`
}

// rawCreate is the signed string of a create request.
func rawCreate(accessKey string, r createRequest) string {
	return rawString(
		field{"accessKey", accessKey},
		field{"amount", strconv.FormatInt(r.Amount, 10)},
		field{"extraData", r.ExtraData},
		field{"ipnUrl", r.IPNURL},
		field{"orderId", r.OrderID},
		field{"orderInfo", r.OrderInfo},
		field{"partnerCode", r.PartnerCode},
		field{"redirectUrl", r.RedirectURL},
		field{"requestId", r.RequestID},
		field{"requestType", r.RequestType},
	)
}

// createResponse is MoMo's answer to a create.
type createResponse struct {
	PartnerCode string      `json:"partnerCode"`
	OrderID     string      `json:"orderId"`
	RequestID   string      `json:"requestId"`
	Amount      json.Number `json:"amount"`
	ResultCode  json.Number `json:"resultCode"`
	PayURL      string      `json:"payUrl"`
}

// CreatePayment creates a captureWallet payment and returns MoMo's payUrl;
// GatewayRef is the MoMo orderId. Repeating it with the same PaymentID sends
// the same request (same requestId), which MoMo answers with the same
// result. ExpiresAt is not sent: MoMo applies its own expiry and reports it
// as resultCode 1005.
func (g *Gateway) CreatePayment(ctx context.Context, req gateway.PaymentRequest) (gateway.Redirect, error) {
	if err := req.Validate(); err != nil {
		return gateway.Redirect{}, err
	}
	amount, err := vnd("Amount", req.Amount)
	if err != nil {
		return gateway.Redirect{}, err
	}
	redirect := req.ReturnURL
	if redirect == "" {
		redirect = g.cfg.RedirectURL
	} else if !absoluteURL(redirect, true) {
		return gateway.Redirect{}, &gateway.RequestError{Field: "ReturnURL", Reason: "is not an absolute http(s) URL"}
	}
	oid := orderID(req.PaymentID)
	info := req.Description
	if info == "" {
		info = "Payment " + oid
	}
	if len(info) > MaxOrderInfoLen {
		return gateway.Redirect{}, &gateway.RequestError{Field: "Description", Reason: "is longer than MoMo's 255 bytes"}
	}
	body := createRequest{
		PartnerCode: g.cfg.PartnerCode,
		AccessKey:   g.cfg.AccessKey,
		RequestID:   oid,
		Amount:      amount,
		OrderID:     oid,
		OrderInfo:   info,
		RedirectURL: redirect,
		IPNURL:      g.cfg.IPNURL,
		RequestType: requestTypeCaptureWallet,
		ExtraData:   encodeExtra(req.PaymentID),
		Lang:        g.cfg.Lang,
	}
	body.Signature = sign(g.cfg.SecretKey, rawCreate(g.cfg.AccessKey, body))
	var resp createResponse
	if err := g.post(ctx, "/v2/gateway/api/create", body, &resp); err != nil {
		return gateway.Redirect{}, err
	}
	code, ok := int64Of(resp.ResultCode)
	if !ok {
		return gateway.Redirect{}, fmt.Errorf("%w: momo: create: no resultCode in the answer", gateway.ErrTemporary)
	}
	if code != 0 {
		return gateway.Redirect{}, resultError("create", code)
	}
	paid, _ := int64Of(resp.Amount)
	if resp.PartnerCode != g.cfg.PartnerCode || resp.OrderID != oid || paid != amount || !absoluteURL(resp.PayURL, true) {
		return gateway.Redirect{}, fmt.Errorf("%w: %w: create", gateway.ErrTemporary, errBadAnswer)
	}
	return gateway.Redirect{URL: resp.PayURL, GatewayRef: oid}, nil
}
