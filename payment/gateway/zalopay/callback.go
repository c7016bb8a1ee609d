package zalopay

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// callbackBody is the envelope ZaloPay POSTs.
type callbackBody struct {
	Data *string      `json:"data"`
	Mac  *string      `json:"mac"`
	Type *json.Number `json:"type"`
}

// callbackData is the signed order data of a type 1 callback.
type callbackData struct {
	AppID      json.Number `json:"app_id"`
	AppTransID string      `json:"app_trans_id"`
	Amount     json.Number `json:"amount"`
	EmbedData  string      `json:"embed_data"`
	ZPTransID  json.Number `json:"zp_trans_id"`
	ServerTime json.Number `json:"server_time"`
}

// ReadCallback authenticates and decodes one callback: a POST of
// {"data","mac","type"} whose mac must be the HMAC-SHA256 of data under
// key2 and whose type is 1 (an order; the agreement callbacks of type 2 are
// refused). The order must be this app's; the PaymentID comes from
// embed_data, or, for an order created without it, from the app_trans_id's
// suffix when that is not a hash. The result is payment.succeeded (see the
// package documentation), or a *gateway.SignatureError or
// *gateway.EventError and the zero Event. The data carries no signed time
// to judge its age by beyond server_time, which becomes OccurredAt; a
// replay is harmless, as the library applies each event id once.
func (g *Gateway) ReadCallback(_ time.Time, req gateway.CallbackRequest) (gateway.Event, error) {
	if req.Method != http.MethodPost {
		return gateway.Event{}, &gateway.EventError{Reason: "was not delivered by POST"}
	}
	if len(req.Body) > gateway.MaxEventSize {
		return gateway.Event{}, &gateway.EventError{Reason: "is larger than the callback size limit"}
	}
	var body callbackBody
	dec := json.NewDecoder(bytes.NewReader(req.Body))
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil {
		return gateway.Event{}, &gateway.EventError{Reason: "is not a JSON object of data, mac and type"}
	}
	if dec.More() {
		return gateway.Event{}, &gateway.EventError{Reason: "has data after the JSON object"}
	}
	if body.Mac == nil || body.Data == nil {
		return gateway.Event{}, &gateway.SignatureError{Err: gateway.ErrNotSigned, Reason: "the callback has no data or mac"}
	}
	if !macMatches(g.cfg.Key2, []byte(*body.Data), *body.Mac) {
		return gateway.Event{}, &gateway.SignatureError{Err: gateway.ErrBadSignature, Reason: "the callback mac does not match"}
	}
	if body.Type != nil && string(*body.Type) != "1" {
		return gateway.Event{}, &gateway.EventError{Field: "type", Reason: "is not an order callback"}
	}
	return g.event([]byte(*body.Data))
}

// event turns authentic callback data into an Event.
func (g *Gateway) event(data []byte) (gateway.Event, error) {
	var d callbackData
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&d); err != nil {
		return gateway.Event{}, &gateway.EventError{Field: "data", Reason: "is not the JSON of an order"}
	}
	if string(d.AppID) != strconv.FormatInt(g.cfg.AppID, 10) {
		return gateway.Event{}, &gateway.EventError{Field: "app_id", Reason: "is not this gateway's app"}
	}
	_, sfx, ok := strings.Cut(d.AppTransID, "_")
	if !ok || sfx == "" {
		return gateway.Event{}, &gateway.EventError{Field: "app_trans_id", Reason: "is not yymmdd_<id>"}
	}
	var e embed
	_ = json.Unmarshal([]byte(d.EmbedData), &e) // embed_data is the merchant's free JSON; ours may be absent
	pid := e.PaymentID
	switch {
	case pid != "" && suffix(pid) != sfx:
		return gateway.Event{}, &gateway.EventError{Field: "embed_data", Reason: "names another payment than app_trans_id"}
	case pid == "" && hashedForm(sfx):
		return gateway.Event{}, &gateway.EventError{Field: "embed_data", Reason: "does not name the payment"}
	case pid == "":
		pid = sfx
	}
	amount, err := strconv.ParseInt(string(d.Amount), 10, 64)
	if err != nil || amount <= 0 {
		return gateway.Event{}, &gateway.EventError{Field: "amount", Reason: "is not a positive amount"}
	}
	trans, err := strconv.ParseInt(string(d.ZPTransID), 10, 64)
	if err != nil || trans <= 0 {
		return gateway.Event{}, &gateway.EventError{Field: "zp_trans_id", Reason: "is missing"}
	}
	ms, err := strconv.ParseInt(string(d.ServerTime), 10, 64)
	if err != nil || ms <= 0 {
		return gateway.Event{}, &gateway.EventError{Field: "server_time", Reason: "is missing"}
	}
	ev := gateway.Event{
		ID:         "zalopay:" + strconv.FormatInt(trans, 10) + ":succeeded",
		Gateway:    g.cfg.Name,
		Type:       gateway.EventPaymentSucceeded,
		PaymentID:  pid,
		GatewayRef: strconv.FormatInt(trans, 10),
		Amount:     fromVND(amount),
		OccurredAt: time.UnixMilli(ms).UTC(),
	}
	if _, err := gateway.EncodeEvent(ev); err != nil { // every rule of an Event, so the library can store it
		return gateway.Event{}, err
	}
	return ev, nil
}

// Reply is ZaloPay's expected answer, always HTTP 200 with a JSON body:
//
//	applied          {"return_code":1,"return_message":"success"}
//	duplicate        {"return_code":2,"return_message":"duplicate"}
//	unknown payment  {"return_code":-1,"return_message":"unknown order"}
//	wrong amount     {"return_code":-1,"return_message":"amount mismatch"}
//	rejected         {"return_code":-1,"return_message":"mac not equal"}
//	failed, other    {"return_code":0,"return_message":"retry"}
//
// Only 0 makes ZaloPay call again (up to three times); retrying cannot
// help the -1 cases.
func (g *Gateway) Reply(outcome gateway.CallbackOutcome) gateway.CallbackReply {
	body := `{"return_code":0,"return_message":"retry"}`
	switch outcome {
	case gateway.CallbackApplied:
		body = `{"return_code":1,"return_message":"success"}`
	case gateway.CallbackDuplicate, gateway.CallbackIgnored:
		body = `{"return_code":2,"return_message":"duplicate"}`
	case gateway.CallbackUnknownPayment:
		body = `{"return_code":-1,"return_message":"unknown order"}`
	case gateway.CallbackWrongAmount:
		body = `{"return_code":-1,"return_message":"amount mismatch"}`
	case gateway.CallbackRejected:
		body = `{"return_code":-1,"return_message":"mac not equal"}`
	}
	return gateway.CallbackReply{Status: http.StatusOK, ContentType: "application/json", Body: []byte(body)}
}
