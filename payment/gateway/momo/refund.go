package momo

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// refundRequest is the body of /v2/gateway/api/refund.
type refundRequest struct {
	PartnerCode string `json:"partnerCode"`
	OrderID     string `json:"orderId"`
	RequestID   string `json:"requestId"`
	Amount      int64  `json:"amount"`
	TransID     int64  `json:"transId"`
	Lang        string `json:"lang"`
	Description string `json:"description"`
	Signature   string `json:"signature"`
}

// rawRefund is the signed string of a refund request.
func rawRefund(accessKey string, r refundRequest) string {
	return rawString(
		field{"accessKey", accessKey},
		field{"amount", strconv.FormatInt(r.Amount, 10)},
		field{"description", r.Description},
		field{"orderId", r.OrderID},
		field{"partnerCode", r.PartnerCode},
		field{"requestId", r.RequestID},
		field{"transId", strconv.FormatInt(r.TransID, 10)},
	)
}

// refundResponse is MoMo's answer to a refund.
type refundResponse struct {
	PartnerCode string      `json:"partnerCode"`
	OrderID     string      `json:"orderId"`
	Amount      json.Number `json:"amount"`
	TransID     json.Number `json:"transId"`
	ResultCode  json.Number `json:"resultCode"`
}

// Refund refunds part or all of the payment whose MoMo transId is
// req.GatewayRef. The refund is its own MoMo order, named from the RefundID
// (see the package documentation), and its requestId is the same, so a
// retry is the same request. MoMo answers at once: RefundSucceeded with
// GatewayRef the refund's transId, RefundPending for 7000/7002, a
// *gateway.DeclineError for a refusal (1080, 1081, 1088).
func (g *Gateway) Refund(ctx context.Context, req gateway.RefundRequest) (gateway.RefundResult, error) {
	if err := req.Validate(); err != nil {
		return gateway.RefundResult{}, err
	}
	amount, err := vnd("Amount", req.Amount)
	if err != nil {
		return gateway.RefundResult{}, err
	}
	if !req.PaymentAmount.Currency().IsZero() {
		if cmp, err := req.Amount.Cmp(req.PaymentAmount); err != nil || cmp > 0 {
			return gateway.RefundResult{}, &gateway.RequestError{Field: "Amount", Reason: "is more than the payment"}
		}
	}
	transID, err := strconv.ParseInt(req.GatewayRef, 10, 64)
	if err != nil || transID <= 0 {
		return gateway.RefundResult{}, &gateway.RequestError{Field: "GatewayRef", Reason: "is not a MoMo transId"}
	}
	description := req.Reason
	if len(description) > MaxOrderInfoLen {
		return gateway.RefundResult{}, &gateway.RequestError{Field: "Reason", Reason: "is longer than MoMo's 255 bytes"}
	}
	oid := orderID(req.RefundID)
	body := refundRequest{
		PartnerCode: g.cfg.PartnerCode,
		OrderID:     oid,
		RequestID:   oid,
		Amount:      amount,
		TransID:     transID,
		Lang:        g.cfg.Lang,
		Description: description,
	}
	body.Signature = sign(g.cfg.SecretKey, rawRefund(g.cfg.AccessKey, body))
	var resp refundResponse
	if err := g.post(ctx, "/v2/gateway/api/refund", body, &resp); err != nil {
		return gateway.RefundResult{}, err
	}
	code, ok := int64Of(resp.ResultCode)
	if !ok {
		return gateway.RefundResult{}, fmt.Errorf("%w: momo: refund: no resultCode in the answer", gateway.ErrTemporary)
	}
	switch classify(code) {
	case classSucceeded:
	case classPending:
		return gateway.RefundResult{GatewayRef: oid, Status: gateway.RefundPending}, nil
	default:
		return gateway.RefundResult{}, resultError("refund", code)
	}
	refunded, _ := int64Of(resp.Amount)
	ref, ok := int64Of(resp.TransID)
	if resp.PartnerCode != g.cfg.PartnerCode || resp.OrderID != oid || refunded != amount || !ok || ref <= 0 {
		return gateway.RefundResult{}, fmt.Errorf("%w: %w: refund", gateway.ErrTemporary, errBadAnswer)
	}
	return gateway.RefundResult{GatewayRef: strconv.FormatInt(ref, 10), Status: gateway.RefundSucceeded}, nil
}
