package momo

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// ErrNotFinal: an authentic IPN reports a state that is not final (1000,
// 7000, 7002, 8000); it carries no event. MoMo notifies the final state
// later.
var ErrNotFinal = gateway.ErrNotFinal

// ipnFields returns the IPN's signed fields, in the order of the signed
// string after accessKey. Numbers are kept as their JSON text, since the
// signature covers that text.
func ipnFields() [12]string {
	return [...]string{"amount", "extraData", "message", "orderId", "orderInfo", "orderType",
		"partnerCode", "payType", "requestId", "responseTime", "resultCode", "transId"}
}

// bindingFields returns the signed fields of an IPN that carries
// partnerClientId or callbackToken (an account binding, or a payment with a
// linked wallet), in the order of the signed string after accessKey: the
// payment IPN's fields with callbackToken and partnerClientId in their
// alphabetical places.
func bindingFields() [14]string {
	return [...]string{"amount", "callbackToken", "extraData", "message", "orderId", "orderInfo", "orderType",
		"partnerClientId", "partnerCode", "payType", "requestId", "responseTime", "resultCode", "transId"}
}

// numeric marks the IPN fields that MoMo sends as JSON numbers.
func numeric(name string) bool {
	switch name {
	case "amount", "responseTime", "resultCode", "transId":
		return true
	}
	return false
}

// ReadCallbackContext authenticates and decodes one IPN: a POST of one
// JSON object whose signature (hex HMAC-SHA256 under the secret key of the
// fields listed in the package documentation, accessKey first; with
// callbackToken and partnerClientId when the IPN has them) must match,
// whose partnerCode must be this gateway's and whose extraData must carry
// the PaymentID, or the LinkID and AccountID of a binding.
//
// A payment's IPN becomes payment.succeeded, payment.failed or
// payment.expired (see the package documentation). A binding's IPN becomes
// link.succeeded once ctx's one request to MoMo has exchanged its
// callbackToken for the wallet's token, or link.failed; if that request
// fails the error matches gateway.ErrTemporary, and QueryLink completes
// the link later. A state that is not final is ErrNotFinal. Anything else
// is a *gateway.SignatureError or *gateway.EventError and the zero Event.
// MoMo's IPN has no signed timestamp beyond responseTime, which becomes
// OccurredAt; now only makes the bind request's id, because the library
// applies each event id once, so a replayed IPN changes nothing.
func (g *Gateway) ReadCallbackContext(ctx context.Context, now time.Time, req gateway.CallbackRequest) (gateway.Event, error) {
	if req.Method != http.MethodPost {
		return gateway.Event{}, &gateway.EventError{Reason: "was not delivered by POST"}
	}
	if len(req.Body) > gateway.MaxEventSize {
		return gateway.Event{}, &gateway.EventError{Reason: "is larger than the callback size limit"}
	}
	values, binding, sig, err := decodeIPN(req.Body)
	if err != nil {
		return gateway.Event{}, err
	}
	signed := make([]field, 0, 15)
	signed = append(signed, field{"accessKey", g.cfg.AccessKey})
	if binding {
		for _, name := range bindingFields() {
			signed = append(signed, field{name, values[name]})
		}
	} else {
		for _, name := range ipnFields() {
			signed = append(signed, field{name, values[name]})
		}
	}
	if !signatureMatches(g.cfg.SecretKey, rawString(signed...), sig) {
		return gateway.Event{}, &gateway.SignatureError{Err: gateway.ErrBadSignature, Reason: "the IPN signature does not match"}
	}
	if e := decodeExtraOf(values["extraData"]); e.LinkID != "" && e.PaymentID == "" {
		return g.linkEvent(ctx, now, values, e)
	}
	return g.event(values)
}

// decodeIPN reads the body as one JSON object and returns the text of every
// signed field (a missing one is "", which then fails the signature),
// whether the IPN is signed with callbackToken and partnerClientId (it has
// either), and the signature. Fields MoMo adds later are ignored, as they
// are not signed.
func decodeIPN(body []byte) (map[string]string, bool, string, error) {
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil || raw == nil {
		return nil, false, "", &gateway.EventError{Reason: "is not a JSON object"}
	}
	if dec.More() {
		return nil, false, "", &gateway.EventError{Reason: "has data after the JSON object"}
	}
	_, hasClient := raw["partnerClientId"]
	_, hasCallback := raw["callbackToken"]
	binding := hasClient || hasCallback
	values := make(map[string]string, 14)
	for _, name := range bindingFields() {
		v, ok := raw[name]
		if !ok {
			continue
		}
		text, ok := scalar(v, numeric(name))
		if !ok {
			return nil, false, "", &gateway.EventError{Field: name, Reason: "is not of the type MoMo sends"}
		}
		values[name] = text
	}
	var sig string
	if v, ok := raw["signature"]; !ok || json.Unmarshal(v, &sig) != nil || sig == "" {
		return nil, false, "", &gateway.SignatureError{Err: gateway.ErrNotSigned, Reason: "the IPN has no signature"}
	}
	return values, binding, sig, nil
}

// scalar returns the text of a JSON string, or of an integer (as a JSON
// number or a string of digits) when number is true.
func scalar(v json.RawMessage, number bool) (string, bool) {
	v = bytes.TrimSpace(v)
	if len(v) > 0 && v[0] == '"' {
		var s string
		if json.Unmarshal(v, &s) != nil {
			return "", false
		}
		if number {
			if _, err := strconv.ParseInt(s, 10, 64); err != nil {
				return "", false
			}
		}
		return s, true
	}
	if !number {
		return "", false
	}
	if _, err := strconv.ParseInt(string(v), 10, 64); err != nil {
		return "", false
	}
	return string(v), true
}

// event turns an authentic IPN into an Event.
func (g *Gateway) event(v map[string]string) (gateway.Event, error) {
	if v["partnerCode"] != g.cfg.PartnerCode {
		return gateway.Event{}, &gateway.EventError{Field: "partnerCode", Reason: "is not this gateway's partner"}
	}
	pid := decodeExtra(v["extraData"])
	if pid == "" || orderID(pid) != v["orderId"] {
		return gateway.Event{}, &gateway.EventError{Field: "extraData", Reason: "does not name this order's payment"}
	}
	code, _ := strconv.ParseInt(v["resultCode"], 10, 64)
	ms, _ := strconv.ParseInt(v["responseTime"], 10, 64)
	trans, _ := strconv.ParseInt(v["transId"], 10, 64)
	ev := gateway.Event{
		ID:         "momo:" + v["orderId"] + ":" + strconv.FormatInt(trans, 10) + ":" + strconv.FormatInt(code, 10),
		Gateway:    g.cfg.Name,
		PaymentID:  pid,
		OccurredAt: time.UnixMilli(ms).UTC(),
	}
	if ms <= 0 {
		return gateway.Event{}, &gateway.EventError{Field: "responseTime", Reason: "is missing"}
	}
	switch classify(code) {
	case classSucceeded:
		amount, err := strconv.ParseInt(v["amount"], 10, 64)
		if err != nil || amount <= 0 {
			return gateway.Event{}, &gateway.EventError{Field: "amount", Reason: "is not a positive amount"}
		}
		if trans <= 0 {
			return gateway.Event{}, &gateway.EventError{Field: "transId", Reason: "is missing"}
		}
		ev.Type = gateway.EventPaymentSucceeded
		ev.GatewayRef = strconv.FormatInt(trans, 10)
		ev.Amount = fromVND(amount)
	case classPending:
		return gateway.Event{}, ErrNotFinal
	case classExpired:
		ev.Type = gateway.EventPaymentExpired
		ev.FailureReason = reason(code)
	default:
		ev.Type = gateway.EventPaymentFailed
		ev.FailureReason = reason(code)
		if trans > 0 {
			ev.GatewayRef = strconv.FormatInt(trans, 10)
		}
	}
	// Encoding checks every rule of an Event (id lengths, characters), so
	// what is returned is always an event the library can store.
	if _, err := gateway.EncodeEvent(ev); err != nil {
		return gateway.Event{}, err
	}
	return ev, nil
}

// Reply is MoMo's expected answer: 204 No Content for every delivery the
// library has dealt with (applied, duplicate, unknown payment, wrong amount;
// retrying cannot change those), 400 for a rejected delivery and 500 for a
// failure to record it, so that MoMo may deliver it again. None has a body.
func (g *Gateway) Reply(outcome gateway.CallbackOutcome) gateway.CallbackReply {
	switch outcome {
	case gateway.CallbackApplied, gateway.CallbackDuplicate, gateway.CallbackUnknownPayment, gateway.CallbackWrongAmount, gateway.CallbackIgnored:
		return gateway.CallbackReply{Status: http.StatusNoContent}
	case gateway.CallbackRejected:
		return gateway.CallbackReply{Status: http.StatusBadRequest}
	}
	return gateway.CallbackReply{Status: http.StatusInternalServerError}
}
