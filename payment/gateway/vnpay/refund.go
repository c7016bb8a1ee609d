package vnpay

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// refundRequest is a refund request, members in the documented order.
// vnp_Amount is a JSON number, as in VNPay's samples.
type refundRequest struct {
	RequestID       string      `json:"vnp_RequestId"`
	Version         string      `json:"vnp_Version"`
	Command         string      `json:"vnp_Command"`
	TmnCode         string      `json:"vnp_TmnCode"`
	TransactionType string      `json:"vnp_TransactionType"`
	TxnRef          string      `json:"vnp_TxnRef"`
	Amount          json.Number `json:"vnp_Amount"`
	OrderInfo       string      `json:"vnp_OrderInfo"`
	TransactionNo   string      `json:"vnp_TransactionNo"`
	TransactionDate string      `json:"vnp_TransactionDate"`
	CreateBy        string      `json:"vnp_CreateBy"`
	CreateDate      string      `json:"vnp_CreateDate"`
	IPAddr          string      `json:"vnp_IpAddr"`
	SecureHash      string      `json:"vnp_SecureHash"`
}

// refundAnswerFields are the members of a refund answer its checksum
// covers, in order.
func refundAnswerFields() []string {
	return []string{"vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode",
		"vnp_TxnRef", "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo", "vnp_TransactionType",
		"vnp_TransactionStatus", "vnp_OrderInfo"}
}

// Refund asks VNPay to return req.Amount of the payment req.PaymentID
// (vnp_Command=refund). vnp_TransactionType is 02 (full) when
// req.PaymentAmount is given and equal to req.Amount, 03 (partial)
// otherwise; an Amount above PaymentAmount is refused. req.PaymentCreatedAt
// (the payment's vnp_CreateDate, sent as vnp_TransactionDate) and
// req.CreatedAt (vnp_CreateDate) are required; req.GatewayRef is sent as
// vnp_TransactionNo when it is VNPay's transaction number, else "0" as in
// VNPay's sample; req.Reason becomes vnp_OrderInfo; vnp_CreateBy is
// Config.RefundCreatedBy.
//
// VNPay has no idempotency key for refunds. vnp_RequestId, which VNPay
// refuses to see twice in a day, is derived from req.RefundID alone, and a
// refund VNPay is already processing for the payment is answered "94"; both
// make a same-day retry harmless, and the adapter reports "94" as
// RefundPending. A retry on a later day of a refund whose answer was lost
// could refund again: ask QueryRefund before retrying an old refund.
//
// Answers: "00" (authenticated) is RefundSucceeded when its
// vnp_TransactionStatus is 00, RefundFailed when 09, RefundPending
// otherwise; "94" RefundPending; "91" (no such payment) ErrNotFound; "95"
// (the payment did not succeed) and "93" (amount not refundable) a
// *gateway.DeclineError; "16" (not refundable at this time) ErrTemporary,
// nothing having happened; others follow apiFailure. RefundResult.GatewayRef
// is "<vnp_TxnRef>:<payment's vnp_TransactionDate>:<vnp_TransactionNo>",
// what QueryRefund needs.
func (g *Gateway) Refund(ctx context.Context, req gateway.RefundRequest) (gateway.RefundResult, error) {
	r, err := g.refundRequest(req)
	if err != nil {
		return gateway.RefundResult{}, err
	}
	a, err := g.post(ctx, r)
	if err != nil {
		return gateway.RefundResult{}, err
	}
	code := a["vnp_ResponseCode"]
	if err := g.verify(a, refundAnswerFields(), code == "00"); err != nil {
		return gateway.RefundResult{}, err
	}
	if err := g.belongs(a, "refund", r.TxnRef); err != nil {
		return gateway.RefundResult{}, err
	}
	ref := refundRef{txnRef: r.TxnRef, paymentNo: r.TransactionNo}
	ref.paymentDate, _ = parseVNTime(r.TransactionDate)
	switch code {
	case "00":
		res := gateway.RefundResult{GatewayRef: ref.String(), Status: gateway.RefundPending}
		switch a["vnp_TransactionStatus"] {
		case "00":
			res.Status = gateway.RefundSucceeded
		case "09":
			res.Status, res.FailureReason = gateway.RefundFailed, failureReason("", "09")
		}
		return res, nil
	case "94":
		return gateway.RefundResult{GatewayRef: ref.String(), Status: gateway.RefundPending}, nil
	case "91":
		return gateway.RefundResult{}, fmt.Errorf("%w: vnpay: refund answered 91: VNPay has no such payment", gateway.ErrNotFound)
	case "95":
		return gateway.RefundResult{}, &gateway.DeclineError{Code: "95", Reason: "the payment did not succeed at VNPay"}
	case "93":
		return gateway.RefundResult{}, &gateway.DeclineError{Code: "93", Reason: "the refund amount is not refundable"}
	case "16":
		return gateway.RefundResult{}, fmt.Errorf("%w: vnpay: refund answered 16: VNPay cannot refund this payment at this time", gateway.ErrTemporary)
	}
	return gateway.RefundResult{}, apiFailure("refund", code, a)
}

// refundRequest validates req and builds the signed request.
func (g *Gateway) refundRequest(req gateway.RefundRequest) (refundRequest, error) {
	if err := req.Validate(); err != nil {
		return refundRequest{}, err
	}
	txnRef, err := TxnRef(req.PaymentID)
	if err != nil {
		return refundRequest{}, err
	}
	amount, err := vnpAmount("Amount", req.Amount)
	if err != nil {
		return refundRequest{}, err
	}
	kind := "03"
	if !req.PaymentAmount.Currency().IsZero() {
		paid, err := vnpAmount("PaymentAmount", req.PaymentAmount)
		if err != nil {
			return refundRequest{}, err
		}
		switch c, _ := req.Amount.Cmp(req.PaymentAmount); {
		case c > 0:
			return refundRequest{}, &gateway.RequestError{Field: "Amount", Reason: "is more than the payment paid"}
		case c == 0 && amount == paid:
			kind = "02"
		}
	}
	if err := checkNow("PaymentCreatedAt", req.PaymentCreatedAt); err != nil {
		return refundRequest{}, err
	}
	if err := checkNow("CreatedAt", req.CreatedAt); err != nil {
		return refundRequest{}, err
	}
	no := transactionNo(req.GatewayRef, txnRef)
	if no == "" {
		no = "0"
	}
	r := refundRequest{
		RequestID:       requestID("refund", req.RefundID),
		Version:         Version,
		Command:         "refund",
		TmnCode:         g.cfg.TmnCode,
		TransactionType: kind,
		TxnRef:          txnRef,
		Amount:          json.Number(amount),
		OrderInfo:       orderInfo(req.Reason, "Refund "+txnRef),
		TransactionNo:   no,
		TransactionDate: formatVNTime(req.PaymentCreatedAt),
		CreateBy:        g.cfg.RefundCreatedBy,
		CreateDate:      formatVNTime(req.CreatedAt),
		IPAddr:          g.cfg.ServerIP,
	}
	r.SecureHash = macHex(g.secret(), pipeData(r.RequestID, r.Version, r.Command, r.TmnCode, r.TransactionType,
		r.TxnRef, string(r.Amount), r.TransactionNo, r.TransactionDate, r.CreateBy, r.CreateDate, r.IPAddr, r.OrderInfo))
	return r, nil
}

// refundRef is what a refund's GatewayRef carries for QueryRefund.
type refundRef struct {
	txnRef      string
	paymentDate time.Time
	paymentNo   string // "0" when unknown
}

// String is "<txnRef>:<yyyyMMddHHmmss>:<paymentNo>".
func (r refundRef) String() string {
	return r.txnRef + ":" + formatVNTime(r.paymentDate) + ":" + r.paymentNo
}

func parseRefundRef(s string) (refundRef, bool) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 || !alnum(parts[0]) || len(parts[0]) > MaxTxnRefLen || len(parts[2]) > 32 || !digits(parts[2]) {
		return refundRef{}, false
	}
	at, ok := parseVNTime(parts[1])
	if !ok {
		return refundRef{}, false
	}
	no := parts[2]
	if no == "0" {
		no = ""
	}
	return refundRef{txnRef: parts[0], paymentDate: at, paymentNo: no}, true
}
