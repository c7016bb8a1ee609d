package vnpay

import (
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment/gateway"
)

// maxParams bounds how many parameters a delivery may carry, so that a
// hostile sender cannot make the adapter sort and hash thousands.
const maxParams = 64

// ErrNotFinal: an authentic IPN or return reports a payment VNPay has not
// settled (status 01 not completed, 04 reversed, 07 or code 07 held for
// fraud review). The payment stays pending; QueryPayment tells its state
// later. Every *StatusError matches it.
var ErrNotFinal = gateway.ErrNotFinal

// StatusError is an authentic message whose codes do not settle the
// payment. It matches ErrNotFinal.
type StatusError struct {
	ResponseCode      string
	TransactionStatus string
}

// Error names the codes and their meaning.
func (e *StatusError) Error() string {
	return "vnpay: the payment is not final (code " + e.ResponseCode + ", status " + e.TransactionStatus + ": " +
		statusText(e.TransactionStatus) + ")"
}

// Is makes a *StatusError match ErrNotFinal.
func (e *StatusError) Is(target error) bool { return target == ErrNotFinal }

// CallbackMethods returns ["GET"]: VNPay calls the IPN URL with a GET whose
// query string carries the signed result.
func (g *Gateway) CallbackMethods() []string { return []string{http.MethodGet} }

// ReadCallback authenticates and decodes one IPN. The vnp_ parameters
// (taken from RawQuery when set, else Query; each at most once) must carry
// a vnp_SecureHash equal to HMAC-SHA512, under the hash secret, of the other
// vnp_ parameters except vnp_SecureHashType, sorted by name and form-encoded
// as VNPay's samples do. Parameters not starting with "vnp_" are ignored, as
// VNPay's samples ignore them. vnp_TmnCode must be the configured terminal.
//
// The event: PaymentID is PaymentID(vnp_TxnRef); Amount is vnp_Amount ÷ 100
// VND; GatewayRef is vnp_TransactionNo; OccurredAt is vnp_PayDate (GMT+7),
// or now when VNPay sends none. Type by vnp_ResponseCode and
// vnp_TransactionStatus: "00" and "00" is payment.succeeded; code "11" or
// status "08" payment.expired; code "24" (cancelled by the payer) and every
// other refusal payment.failed with FailureReason; codes and statuses that
// leave the payment open (see ErrNotFinal) are a *StatusError.
//
// Event.ID is "<vnp_TxnRef>:<vnp_TransactionNo>:<vnp_ResponseCode>:<vnp_TransactionStatus>":
// VNPay redelivers an IPN with the same values, so a redelivery has the
// same ID and is applied once, while a later, different result of the same
// payment has another.
//
// VNPay's IPN has no timestamp of its own, so now bounds nothing; a replay
// of an authentic IPN is harmless because of the ID. Failures: a
// *gateway.SignatureError (ErrNotSigned, ErrMalformedSignature,
// ErrBadSignature) for authentication, a *gateway.EventError for malformed
// or foreign data, a *StatusError for an open payment; always with the
// zero Event.
func (g *Gateway) ReadCallback(now time.Time, req gateway.CallbackRequest) (gateway.Event, error) {
	if req.Method != http.MethodGet {
		return gateway.Event{}, &gateway.EventError{Reason: "was not delivered with GET"}
	}
	params, err := g.signedParams(req.RawQuery, req.Query)
	if err != nil {
		return gateway.Event{}, err
	}
	r, err := g.decodeResult(params)
	if err != nil {
		return gateway.Event{}, err
	}
	typ, err := r.eventType()
	if err != nil {
		return gateway.Event{}, err
	}
	ev := gateway.Event{
		ID:         r.txnRef + ":" + r.transactionNo + ":" + r.responseCode + ":" + r.status,
		Gateway:    g.cfg.Name,
		Type:       typ,
		PaymentID:  r.paymentID,
		GatewayRef: r.gatewayRef(),
		Amount:     r.amount,
		OccurredAt: r.payDate,
	}
	if ev.OccurredAt.IsZero() {
		ev.OccurredAt = now.UTC()
	}
	if typ != gateway.EventPaymentSucceeded {
		ev.FailureReason = failureReason(r.responseCode, r.status)
	}
	if _, err := gateway.EncodeEvent(ev); err != nil { // the contract's own rules
		return gateway.Event{}, err
	}
	return ev, nil
}

// signedParams reads the vnp_ parameters of a query and checks their
// checksum.
func (g *Gateway) signedParams(raw string, decoded url.Values) (map[string]string, error) {
	if len(raw) > gateway.MaxEventSize {
		return nil, &gateway.EventError{Reason: "is larger than " + strconv.Itoa(gateway.MaxEventSize) + " bytes"}
	}
	values := decoded
	if raw != "" {
		var err error
		if values, err = url.ParseQuery(raw); err != nil {
			return nil, &gateway.EventError{Reason: "is not a valid query string"}
		}
	}
	if len(values) > maxParams {
		return nil, &gateway.EventError{Reason: "has more than " + strconv.Itoa(maxParams) + " parameters"}
	}
	params := make(map[string]string, len(values))
	for name, vs := range values {
		if !strings.HasPrefix(name, paramPrefix) {
			continue
		}
		if len(vs) != 1 {
			return nil, &gateway.EventError{Reason: "repeats a vnp_ parameter"}
		}
		params[name] = vs[0]
	}
	got, ok := params[paramSecureHash]
	switch {
	case !ok || got == "":
		return nil, &gateway.SignatureError{Err: gateway.ErrNotSigned, Reason: "vnp_SecureHash is missing"}
	case len(got) != 128 || !isHex(got):
		return nil, &gateway.SignatureError{Err: gateway.ErrMalformedSignature, Reason: "vnp_SecureHash is not 128 hex digits"}
	}
	if !g.queryHashMatches(params, got) {
		return nil, &gateway.SignatureError{Err: gateway.ErrBadSignature, Reason: "vnp_SecureHash does not match the parameters", Signatures: 1}
	}
	return params, nil
}

// queryHashMatches tries the checksum under each sample encoder (see
// sampleEncoders), computing each distinct input once.
func (g *Gateway) queryHashMatches(params map[string]string, got string) bool {
	var tried [3]string
	for i, keep := range sampleEncoders() {
		data := hashData(params, keep)
		if i > 0 && (data == tried[0] || data == tried[i-1]) {
			continue
		}
		tried[i] = data
		if hashMatches(g.secret(), data, got) {
			return true
		}
	}
	return false
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil
}

// result is the decoded content of an authentic IPN or return.
type result struct {
	txnRef, paymentID    string
	transactionNo        string
	responseCode, status string
	amount               money.Amount
	payDate              time.Time
}

// decodeResult checks and reads the fields of an authentic IPN or return.
func (g *Gateway) decodeResult(p map[string]string) (result, error) {
	bad := func(field, reason string) (result, error) {
		return result{}, &gateway.EventError{Field: field, Reason: reason}
	}
	if p["vnp_TmnCode"] != g.cfg.TmnCode {
		return bad("vnp_TmnCode", "is not this merchant's terminal")
	}
	r := result{txnRef: p["vnp_TxnRef"], transactionNo: p["vnp_TransactionNo"],
		responseCode: p["vnp_ResponseCode"], status: p["vnp_TransactionStatus"]}
	var ok bool
	if r.paymentID, ok = PaymentID(r.txnRef); !ok {
		return bad("vnp_TxnRef", "does not name a payment of this adapter")
	}
	if r.amount, ok = parseVNPAmount(p["vnp_Amount"]); !ok {
		return bad("vnp_Amount", "is not a positive whole number of dong × 100 of at most 12 digits")
	}
	if len(r.responseCode) != 2 || !digits(r.responseCode) {
		return bad("vnp_ResponseCode", "is not two digits")
	}
	if len(r.status) != 2 || !digits(r.status) {
		return bad("vnp_TransactionStatus", "is not two digits")
	}
	if r.transactionNo != "" && (len(r.transactionNo) > 32 || !digits(r.transactionNo)) {
		return bad("vnp_TransactionNo", "is not 1 to 32 digits")
	}
	if d, present := p["vnp_PayDate"]; present && d != "" {
		if r.payDate, ok = parseVNTime(d); !ok {
			return bad("vnp_PayDate", "is not yyyyMMddHHmmss")
		}
	}
	return r, nil
}

// gatewayRef is VNPay's transaction number, or "" when VNPay gave none
// (it sends "0" for a payment that never reached a bank).
func (r result) gatewayRef() string {
	if r.transactionNo == "0" {
		return ""
	}
	return r.transactionNo
}

// eventType maps the codes to the contract (see ReadCallback).
func (r result) eventType() (gateway.EventType, error) {
	rc, ts := r.responseCode, r.status
	switch {
	case rc == "00" && ts == "00":
		if r.gatewayRef() == "" {
			return 0, &gateway.EventError{Field: "vnp_TransactionNo", Reason: "is missing on a successful payment"}
		}
		return gateway.EventPaymentSucceeded, nil
	case rc == "07" || ts == "01" || ts == "04" || ts == "05" || ts == "06" || ts == "07" || ts == "09":
		return 0, &StatusError{ResponseCode: rc, TransactionStatus: ts}
	case rc == "11" || ts == "08":
		return gateway.EventPaymentExpired, nil
	case rc == "00" && ts != "02":
		return 0, &StatusError{ResponseCode: rc, TransactionStatus: ts}
	}
	return gateway.EventPaymentFailed, nil
}
