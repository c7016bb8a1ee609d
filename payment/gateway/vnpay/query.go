package vnpay

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// queryRequest is a querydr request, members in the documented order.
type queryRequest struct {
	RequestID       string `json:"vnp_RequestId"`
	Version         string `json:"vnp_Version"`
	Command         string `json:"vnp_Command"`
	TmnCode         string `json:"vnp_TmnCode"`
	TxnRef          string `json:"vnp_TxnRef"`
	OrderInfo       string `json:"vnp_OrderInfo"`
	TransactionNo   string `json:"vnp_TransactionNo,omitempty"`
	TransactionDate string `json:"vnp_TransactionDate"`
	CreateDate      string `json:"vnp_CreateDate"`
	IPAddr          string `json:"vnp_IpAddr"`
	SecureHash      string `json:"vnp_SecureHash"`
}

// queryAnswerFields are the members of a querydr answer its checksum
// covers, in order.
func queryAnswerFields() []string {
	return []string{"vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode",
		"vnp_TxnRef", "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo", "vnp_TransactionType",
		"vnp_TransactionStatus", "vnp_OrderInfo", "vnp_PromotionCode", "vnp_PromotionAmount"}
}

// queryDR asks VNPay where the transaction txnRef, created at created,
// stands. The answer is authenticated when it says "00"; its
// vnp_ResponseCode is returned with it.
func (g *Gateway) queryDR(ctx context.Context, txnRef, transNo string, created, now time.Time) (answer, string, error) {
	r := queryRequest{
		RequestID:       requestID("querydr", txnRef, now.UTC().Format(time.RFC3339Nano)),
		Version:         Version,
		Command:         "querydr",
		TmnCode:         g.cfg.TmnCode,
		TxnRef:          txnRef,
		OrderInfo:       "Query " + txnRef,
		TransactionNo:   transNo,
		TransactionDate: formatVNTime(created),
		CreateDate:      formatVNTime(now),
		IPAddr:          g.cfg.ServerIP,
	}
	r.SecureHash = macHex(g.secret(), pipeData(r.RequestID, r.Version, r.Command, r.TmnCode, r.TxnRef,
		r.TransactionDate, r.CreateDate, r.IPAddr, r.OrderInfo))
	a, err := g.post(ctx, r)
	if err != nil {
		return nil, "", err
	}
	code := a["vnp_ResponseCode"]
	if err := g.verify(a, queryAnswerFields(), code == "00"); err != nil {
		return nil, "", err
	}
	if err := g.belongs(a, "querydr", txnRef); err != nil {
		return nil, "", err
	}
	return a, code, nil
}

// QueryPayment asks VNPay's querydr where the payment q.PaymentID stands.
// It needs q.CreatedAt (the payment's vnp_CreateDate, sent as
// vnp_TransactionDate) and q.Now (vnp_CreateDate of the query, and the seed
// of its vnp_RequestId); q.GatewayRef is sent as vnp_TransactionNo when it
// is one.
//
// VNPay's "00" answer is authenticated (HMAC-SHA512 over its fields joined
// by '|' in the documented order) and mapped by vnp_TransactionStatus: 00
// PaymentSucceeded with the answer's amount; 01 (not completed), 04
// (reversed) and 07 (held for fraud review) PaymentPending; 02
// PaymentFailed; 08 PaymentExpired. When the answer is a refund of the
// payment (vnp_TransactionType 02 or 03) the payment was paid:
// PaymentSucceeded, without an Amount, since the answer's is the refund's.
// Answer "91" (no such transaction) is PaymentNotFound. Other answers
// follow apiFailure's rules; an unknown status matches ErrTemporary. An
// answer other than "00" is checked too when it carries a checksum, and
// refused when it does not match.
func (g *Gateway) QueryPayment(ctx context.Context, q gateway.PaymentQuery) (gateway.PaymentStatus, error) {
	txnRef, err := TxnRef(q.PaymentID)
	if err != nil {
		return gateway.PaymentStatus{}, err
	}
	if err := checkNow("CreatedAt", q.CreatedAt); err != nil {
		return gateway.PaymentStatus{}, err
	}
	if err := checkNow("Now", q.Now); err != nil {
		return gateway.PaymentStatus{}, err
	}
	a, code, err := g.queryDR(ctx, txnRef, transactionNo(q.GatewayRef, txnRef), q.CreatedAt, q.Now)
	switch {
	case err != nil:
		return gateway.PaymentStatus{}, err
	case code == "91":
		return gateway.PaymentStatus{State: gateway.PaymentNotFound}, nil
	case code != "00":
		return gateway.PaymentStatus{}, apiFailure("querydr", code, a)
	}
	st := gateway.PaymentStatus{GatewayRef: txnRef}
	if no := a["vnp_TransactionNo"]; no != "" && no != "0" && digits(no) {
		st.GatewayRef = no
	}
	if at, ok := parseVNTime(a["vnp_PayDate"]); ok {
		st.OccurredAt = at
	}
	ts := a["vnp_TransactionStatus"]
	if typ := a["vnp_TransactionType"]; typ == "02" || typ == "03" {
		st.State = gateway.PaymentSucceeded
		return st, nil
	}
	switch ts {
	case "00":
		amount, ok := parseVNPAmount(a["vnp_Amount"])
		if !ok {
			return gateway.PaymentStatus{}, fmt.Errorf("%w: vnpay: querydr's vnp_Amount is not an amount", gateway.ErrTemporary)
		}
		st.State, st.Amount = gateway.PaymentSucceeded, amount
	case "01", "04", "07":
		st.State = gateway.PaymentPending
	case "02":
		st.State, st.FailureReason = gateway.PaymentFailed, failureReason("", ts)
	case "08":
		st.State, st.FailureReason = gateway.PaymentExpired, failureReason("", ts)
	default:
		return gateway.PaymentStatus{}, fmt.Errorf("%w: vnpay: querydr reports an unknown transaction status", gateway.ErrTemporary)
	}
	return st, nil
}

// QueryRefund asks querydr about the refunded payment and reads its
// refund. q.GatewayRef must be the reference Refund returned (it carries the
// payment's vnp_TxnRef and vnp_TransactionDate, which querydr needs and a
// RefundQuery does not otherwise hold); anything else is a
// *gateway.RequestError. q.Now is required.
//
// querydr reports the payment's latest transaction: a refund
// (vnp_TransactionType 02 or 03) with status 00 is RefundSucceeded, with
// the answer's amount; 05 or 06 (VNPay or the bank is paying it)
// RefundPending; 09 RefundFailed. A payment with no refund on record, or
// answer "91", is RefundNotFound. With several refunds of one payment the
// answer is about the latest.
func (g *Gateway) QueryRefund(ctx context.Context, q gateway.RefundQuery) (gateway.RefundStatus, error) {
	ref, ok := parseRefundRef(q.GatewayRef)
	if !ok {
		return gateway.RefundStatus{}, &gateway.RequestError{Field: "GatewayRef", Reason: "is not a reference that Refund returned"}
	}
	if want, err := TxnRef(q.PaymentID); err != nil || want != ref.txnRef {
		return gateway.RefundStatus{}, &gateway.RequestError{Field: "GatewayRef", Reason: "belongs to another payment"}
	}
	if err := checkNow("Now", q.Now); err != nil {
		return gateway.RefundStatus{}, err
	}
	a, code, err := g.queryDR(ctx, ref.txnRef, ref.paymentNo, ref.paymentDate, q.Now)
	switch {
	case err != nil:
		return gateway.RefundStatus{}, err
	case code == "91":
		return gateway.RefundStatus{State: gateway.RefundNotFound}, nil
	case code != "00":
		return gateway.RefundStatus{}, apiFailure("querydr", code, a)
	}
	st := gateway.RefundStatus{GatewayRef: q.GatewayRef}
	if at, ok := parseVNTime(a["vnp_PayDate"]); ok {
		st.OccurredAt = at
	}
	ts, typ := a["vnp_TransactionStatus"], a["vnp_TransactionType"]
	switch {
	case ts == "09":
		st.State, st.FailureReason = gateway.RefundFailed, failureReason("", ts)
	case typ != "02" && typ != "03":
		st.State = gateway.RefundNotFound
	case ts == "00":
		amount, ok := parseVNPAmount(a["vnp_Amount"])
		if !ok {
			return gateway.RefundStatus{}, fmt.Errorf("%w: vnpay: querydr's vnp_Amount is not an amount", gateway.ErrTemporary)
		}
		st.State, st.Amount = gateway.RefundSucceeded, amount
	case ts == "05" || ts == "06":
		st.State = gateway.RefundPending
	default:
		return gateway.RefundStatus{}, fmt.Errorf("%w: vnpay: querydr reports an unknown refund status", gateway.ErrTemporary)
	}
	return st, nil
}
