package zalopay

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// queryRequest is the body of /v2/query.
type queryRequest struct {
	AppID      int64  `json:"app_id"`
	AppTransID string `json:"app_trans_id"`
	Mac        string `json:"mac"`
}

// queryResponse is ZaloPay's answer to a query.
type queryResponse struct {
	status
	Amount    json.Number `json:"amount"`
	ZPTransID json.Number `json:"zp_trans_id"`
}

// QueryPayment asks ZaloPay where the payment q.PaymentID stands; its
// app_trans_id is rebuilt from q.CreatedAt, which is required. return_code
// 1 is PaymentSucceeded (Amount and GatewayRef, the zp_trans_id, from
// ZaloPay), 3 (unpaid or processing) PaymentPending and 2 PaymentFailed.
// ZaloPay does not tell an order it never saw from a failed one; both are
// PaymentFailed, and neither took money.
func (g *Gateway) QueryPayment(ctx context.Context, q gateway.PaymentQuery) (gateway.PaymentStatus, error) {
	if err := checkID("PaymentID", q.PaymentID); err != nil {
		return gateway.PaymentStatus{}, err
	}
	if q.CreatedAt.IsZero() {
		return gateway.PaymentStatus{}, &gateway.RequestError{Field: "CreatedAt", Reason: "is missing"}
	}
	body := queryRequest{AppID: g.cfg.AppID, AppTransID: appTransID(q.PaymentID, q.CreatedAt)}
	body.Mac = mac(g.cfg.Key1, strconv.FormatInt(body.AppID, 10), body.AppTransID, g.cfg.Key1)
	var resp queryResponse
	if err := g.post(ctx, "/v2/query", body, &resp); err != nil {
		return gateway.PaymentStatus{}, err
	}
	ret, sub, ok := resp.codes()
	switch {
	case !ok:
		return gateway.PaymentStatus{}, fmt.Errorf("%w: zalopay: query: no return_code in the answer", gateway.ErrTemporary)
	case ret == 1:
		amount, err1 := strconv.ParseInt(string(resp.Amount), 10, 64)
		trans, err2 := strconv.ParseInt(string(resp.ZPTransID), 10, 64)
		if err1 != nil || err2 != nil || amount <= 0 || trans <= 0 {
			return gateway.PaymentStatus{}, fmt.Errorf("%w: %w: query of a paid order", gateway.ErrTemporary, errBadAnswer)
		}
		return gateway.PaymentStatus{State: gateway.PaymentSucceeded, GatewayRef: strconv.FormatInt(trans, 10), Amount: fromVND(amount)}, nil
	case ret == 3:
		return gateway.PaymentStatus{State: gateway.PaymentPending}, nil
	case ret == 2:
		return gateway.PaymentStatus{State: gateway.PaymentFailed, FailureReason: "ZaloPay reports the order failed (code " + strconv.FormatInt(sub, 10) + ")"}, nil
	}
	return gateway.PaymentStatus{}, failure("query", ret, sub, false)
}

// refundQueryRequest is the body of /v2/query_refund.
type refundQueryRequest struct {
	AppID     int64  `json:"app_id"`
	MRefundID string `json:"m_refund_id"`
	Timestamp int64  `json:"timestamp"`
	Mac       string `json:"mac"`
}

// QueryRefund asks ZaloPay where the refund q.RefundID stands; its
// m_refund_id is rebuilt from q.CreatedAt and the timestamp is q.Now, both
// required. return_code 1 is RefundSucceeded (ZaloPay's answer has no
// amount; Amount is q.Amount, the amount that m_refund_id asked for), 3
// RefundPending and 2 RefundFailed.
func (g *Gateway) QueryRefund(ctx context.Context, q gateway.RefundQuery) (gateway.RefundStatus, error) {
	if err := checkID("RefundID", q.RefundID); err != nil {
		return gateway.RefundStatus{}, err
	}
	if q.CreatedAt.IsZero() {
		return gateway.RefundStatus{}, &gateway.RequestError{Field: "CreatedAt", Reason: "is missing"}
	}
	if q.Now.IsZero() {
		return gateway.RefundStatus{}, &gateway.RequestError{Field: "Now", Reason: "is missing"}
	}
	body := refundQueryRequest{AppID: g.cfg.AppID, MRefundID: g.mRefundID(q.RefundID, q.CreatedAt), Timestamp: q.Now.UnixMilli()}
	body.Mac = mac(g.cfg.Key1, strconv.FormatInt(body.AppID, 10), body.MRefundID, strconv.FormatInt(body.Timestamp, 10))
	var resp status
	if err := g.post(ctx, "/v2/query_refund", body, &resp); err != nil {
		return gateway.RefundStatus{}, err
	}
	ret, sub, ok := resp.codes()
	switch {
	case !ok:
		return gateway.RefundStatus{}, fmt.Errorf("%w: zalopay: query_refund: no return_code in the answer", gateway.ErrTemporary)
	case ret == 1:
		return gateway.RefundStatus{State: gateway.RefundSucceeded, GatewayRef: body.MRefundID, Amount: q.Amount}, nil
	case ret == 3:
		return gateway.RefundStatus{State: gateway.RefundPending, GatewayRef: body.MRefundID}, nil
	case ret == 2:
		return gateway.RefundStatus{State: gateway.RefundFailed, GatewayRef: body.MRefundID,
			FailureReason: "ZaloPay reports the refund failed (code " + strconv.FormatInt(sub, 10) + ")"}, nil
	}
	return gateway.RefundStatus{}, failure("query_refund", ret, sub, false)
}
