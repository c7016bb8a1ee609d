package momo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// queryRequest is the body of /v2/gateway/api/query.
type queryRequest struct {
	PartnerCode string `json:"partnerCode"`
	RequestID   string `json:"requestId"`
	OrderID     string `json:"orderId"`
	Lang        string `json:"lang"`
	Signature   string `json:"signature"`
}

// rawQuery is the signed string of a query request.
func rawQuery(accessKey string, r queryRequest) string {
	return rawString(
		field{"accessKey", accessKey},
		field{"orderId", r.OrderID},
		field{"partnerCode", r.PartnerCode},
		field{"requestId", r.RequestID},
	)
}

// queryResponse is MoMo's answer to a query.
type queryResponse struct {
	PartnerCode  string      `json:"partnerCode"`
	OrderID      string      `json:"orderId"`
	Amount       json.Number `json:"amount"`
	TransID      json.Number `json:"transId"`
	ResultCode   json.Number `json:"resultCode"`
	ResponseTime json.Number `json:"responseTime"`
	RefundTrans  []refundTx  `json:"refundTrans"`
}

// refundTx is one refund of a queried payment.
type refundTx struct {
	OrderID     string      `json:"orderId"`
	Amount      json.Number `json:"amount"`
	ResultCode  json.Number `json:"resultCode"`
	TransID     json.Number `json:"transId"`
	CreatedTime json.Number `json:"createdTime"`
}

// query asks MoMo for the order oid. Queries change nothing, so each gets a
// fresh requestId made from now (MoMo wants one per request): "q", now in
// Unix milliseconds, '-' and 16 hex digits of the orderId's SHA-256.
func (g *Gateway) query(ctx context.Context, oid string, now time.Time) (queryResponse, int64, error) {
	if now.IsZero() {
		return queryResponse{}, 0, &gateway.RequestError{Field: "Now", Reason: "is missing"}
	}
	sum := sha256.Sum256([]byte(oid))
	body := queryRequest{
		PartnerCode: g.cfg.PartnerCode,
		RequestID:   "q" + strconv.FormatInt(now.UnixMilli(), 10) + "-" + hex.EncodeToString(sum[:8]),
		OrderID:     oid,
		Lang:        g.cfg.Lang,
	}
	body.Signature = sign(g.cfg.SecretKey, rawQuery(g.cfg.AccessKey, body))
	var resp queryResponse
	if err := g.post(ctx, "/v2/gateway/api/query", body, &resp); err != nil {
		return queryResponse{}, 0, err
	}
	code, ok := int64Of(resp.ResultCode)
	if !ok {
		return queryResponse{}, 0, fmt.Errorf("%w: momo: query: no resultCode in the answer", gateway.ErrTemporary)
	}
	if classify(code) != classNotFound && (resp.PartnerCode != g.cfg.PartnerCode || resp.OrderID != oid) {
		return queryResponse{}, 0, fmt.Errorf("%w: %w: query", gateway.ErrTemporary, errBadAnswer)
	}
	return resp, code, nil
}

// QueryPayment asks MoMo where the payment q.PaymentID stands: resultCode 0
// or 9000 is PaymentSucceeded (Amount and GatewayRef, the transId, from
// MoMo), 1000/7000/7002/8000 PaymentPending, 1005 PaymentExpired, 42 (no
// such order) PaymentNotFound, a refusal PaymentFailed; any other code is an
// error.
func (g *Gateway) QueryPayment(ctx context.Context, q gateway.PaymentQuery) (gateway.PaymentStatus, error) {
	if err := checkID("PaymentID", q.PaymentID); err != nil {
		return gateway.PaymentStatus{}, err
	}
	resp, code, err := g.query(ctx, orderID(q.PaymentID), q.Now)
	if err != nil {
		return gateway.PaymentStatus{}, err
	}
	at := time.Time{}
	if ms, ok := int64Of(resp.ResponseTime); ok && ms > 0 {
		at = time.UnixMilli(ms).UTC()
	}
	switch classify(code) {
	case classSucceeded:
		amount, ok1 := int64Of(resp.Amount)
		trans, ok2 := int64Of(resp.TransID)
		if !ok1 || !ok2 || amount <= 0 || trans <= 0 {
			return gateway.PaymentStatus{}, fmt.Errorf("%w: %w: query of a paid order", gateway.ErrTemporary, errBadAnswer)
		}
		return gateway.PaymentStatus{State: gateway.PaymentSucceeded, GatewayRef: strconv.FormatInt(trans, 10),
			Amount: fromVND(amount), OccurredAt: at}, nil
	case classPending:
		return gateway.PaymentStatus{State: gateway.PaymentPending}, nil
	case classExpired:
		return gateway.PaymentStatus{State: gateway.PaymentExpired, FailureReason: reason(code), OccurredAt: at}, nil
	case classNotFound:
		return gateway.PaymentStatus{State: gateway.PaymentNotFound}, nil
	case classDeclined:
		return gateway.PaymentStatus{State: gateway.PaymentFailed, FailureReason: reason(code), OccurredAt: at}, nil
	}
	return gateway.PaymentStatus{}, resultError("query", code)
}

// QueryRefund finds the refund q.RefundID among the refunds MoMo lists for
// the payment q.PaymentID: resultCode 0 is RefundSucceeded, a pending code
// RefundPending, any other RefundFailed; a refund MoMo does not list, or an
// unknown payment, is RefundNotFound.
func (g *Gateway) QueryRefund(ctx context.Context, q gateway.RefundQuery) (gateway.RefundStatus, error) {
	if err := checkID("PaymentID", q.PaymentID); err != nil {
		return gateway.RefundStatus{}, err
	}
	if err := checkID("RefundID", q.RefundID); err != nil {
		return gateway.RefundStatus{}, err
	}
	resp, code, err := g.query(ctx, orderID(q.PaymentID), q.Now)
	if err != nil {
		return gateway.RefundStatus{}, err
	}
	if classify(code) == classNotFound {
		return gateway.RefundStatus{State: gateway.RefundNotFound}, nil
	}
	want := orderID(q.RefundID)
	for _, r := range resp.RefundTrans {
		if r.OrderID != want {
			continue
		}
		rc, ok := int64Of(r.ResultCode)
		if !ok {
			return gateway.RefundStatus{}, fmt.Errorf("%w: %w: refund without resultCode", gateway.ErrTemporary, errBadAnswer)
		}
		at := time.Time{}
		if ms, ok := int64Of(r.CreatedTime); ok && ms > 0 {
			at = time.UnixMilli(ms).UTC()
		}
		switch classify(rc) {
		case classSucceeded:
			amount, ok1 := int64Of(r.Amount)
			trans, ok2 := int64Of(r.TransID)
			if !ok1 || !ok2 || amount <= 0 {
				return gateway.RefundStatus{}, fmt.Errorf("%w: %w: refund without amount", gateway.ErrTemporary, errBadAnswer)
			}
			return gateway.RefundStatus{State: gateway.RefundSucceeded, GatewayRef: strconv.FormatInt(trans, 10),
				Amount: fromVND(amount), OccurredAt: at}, nil
		case classPending, classTemporary:
			return gateway.RefundStatus{State: gateway.RefundPending, GatewayRef: want}, nil
		}
		return gateway.RefundStatus{State: gateway.RefundFailed, GatewayRef: want, FailureReason: reason(rc), OccurredAt: at}, nil
	}
	return gateway.RefundStatus{State: gateway.RefundNotFound}, nil
}
