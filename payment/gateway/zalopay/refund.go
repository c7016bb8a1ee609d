package zalopay

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// refundRequest is the body of /v2/refund.
type refundRequest struct {
	AppID       int64  `json:"app_id"`
	MRefundID   string `json:"m_refund_id"`
	ZPTransID   string `json:"zp_trans_id"`
	Amount      int64  `json:"amount"`
	Timestamp   int64  `json:"timestamp"`
	Description string `json:"description"`
	Mac         string `json:"mac"`
}

// refundResponse is ZaloPay's answer to a refund.
type refundResponse struct {
	status
	RefundID json.Number `json:"refund_id"`
}

// mRefundID is the m_refund_id of a refund: yymmdd_<app_id>_<suffix>.
func (g *Gateway) mRefundID(refundID string, createdAt time.Time) string {
	return yymmdd(createdAt) + "_" + strconv.FormatInt(g.cfg.AppID, 10) + "_" + suffix(refundID)
}

// Refund refunds part or all of the payment whose zp_trans_id is
// req.GatewayRef. req.CreatedAt is required: it dates m_refund_id and is
// the timestamp, so a retry is the same request. return_code 1 is
// RefundSucceeded (GatewayRef ZaloPay's refund_id), 3 RefundPending
// (GatewayRef the m_refund_id; QueryRefund settles it), 2 a
// *gateway.DeclineError.
func (g *Gateway) Refund(ctx context.Context, req gateway.RefundRequest) (gateway.RefundResult, error) {
	if err := req.Validate(); err != nil {
		return gateway.RefundResult{}, err
	}
	if req.CreatedAt.IsZero() {
		return gateway.RefundResult{}, &gateway.RequestError{Field: "CreatedAt", Reason: "is missing"}
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
	if n, err := strconv.ParseInt(req.GatewayRef, 10, 64); err != nil || n <= 0 {
		return gateway.RefundResult{}, &gateway.RequestError{Field: "GatewayRef", Reason: "is not a zp_trans_id"}
	}
	description := req.Reason
	if description == "" {
		description = "Refund " + suffix(req.RefundID)
	}
	if len(description) > MaxDescriptionLen {
		return gateway.RefundResult{}, &gateway.RequestError{Field: "Reason", Reason: "is longer than 256 bytes"}
	}
	body := refundRequest{
		AppID:       g.cfg.AppID,
		MRefundID:   g.mRefundID(req.RefundID, req.CreatedAt),
		ZPTransID:   req.GatewayRef,
		Amount:      amount,
		Timestamp:   req.CreatedAt.UnixMilli(),
		Description: description,
	}
	body.Mac = mac(g.cfg.Key1, strconv.FormatInt(body.AppID, 10), body.ZPTransID, strconv.FormatInt(body.Amount, 10),
		body.Description, strconv.FormatInt(body.Timestamp, 10))
	var resp refundResponse
	if err := g.post(ctx, "/v2/refund", body, &resp); err != nil {
		return gateway.RefundResult{}, err
	}
	ret, sub, ok := resp.codes()
	switch {
	case !ok:
		return gateway.RefundResult{}, fmt.Errorf("%w: zalopay: refund: no return_code in the answer", gateway.ErrTemporary)
	case ret == 3:
		return gateway.RefundResult{GatewayRef: body.MRefundID, Status: gateway.RefundPending}, nil
	case ret != 1:
		return gateway.RefundResult{}, failure("refund", ret, sub, true)
	}
	ref := string(resp.RefundID)
	if ref == "" {
		ref = body.MRefundID
	}
	return gateway.RefundResult{GatewayRef: ref, Status: gateway.RefundSucceeded}, nil
}
