package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
)

// wireEvent is the JSON form of an Event. The field order is the order the
// encoder writes.
type wireEvent struct {
	ID            string `json:"id"`
	Gateway       string `json:"gateway"`
	Type          string `json:"type"`
	PaymentID     string `json:"payment_id,omitempty"`
	LinkID        string `json:"link_id,omitempty"`
	RefundID      string `json:"refund_id,omitempty"`
	GatewayRef    string `json:"gateway_ref,omitempty"`
	Amount        string `json:"amount,omitempty"`
	Token         string `json:"token,omitempty"`
	Display       string `json:"display,omitempty"`
	FailureReason string `json:"failure_reason,omitempty"`
	OccurredAt    string `json:"occurred_at"`
}

// decodeWire reads the body as one JSON object whose members are all JSON
// strings with distinct names from the format, spelled exactly. It walks the
// tokens itself rather than trusting json.Unmarshal, which matches names
// case-insensitively, lets a repeated name silently win and quotes unknown
// names verbatim in its errors.
func decodeWire(body []byte) (wireEvent, error) {
	var w wireEvent
	dec := json.NewDecoder(bytes.NewReader(body))
	tok, err := dec.Token()
	if err != nil {
		return w, jsonError(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return w, &EventError{Reason: "is not a JSON object"}
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return w, jsonError(err)
		}
		name, _ := tok.(string) // an object's keys are always strings
		dst := w.field(name)
		if dst == nil {
			return w, &EventError{Reason: "has a field the format does not define"}
		}
		if seen[name] {
			return w, &EventError{Field: name, Reason: "appears more than once"}
		}
		seen[name] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return w, jsonError(err)
		}
		if len(raw) == 0 || raw[0] != '"' {
			return w, &EventError{Field: name, Reason: "is not a JSON string"}
		}
		if err := json.Unmarshal(raw, dst); err != nil { // unreachable: the decoder validated the string
			return w, &EventError{Field: name, Reason: "is not a JSON string"}
		}
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return w, jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return w, &EventError{Reason: "has data after the JSON object"}
	}
	return w, nil
}

// field returns the member of w that holds the JSON field name, or nil for a
// name the format does not define.
func (w *wireEvent) field(name string) *string {
	switch name {
	case "id":
		return &w.ID
	case "gateway":
		return &w.Gateway
	case "type":
		return &w.Type
	case "payment_id":
		return &w.PaymentID
	case "link_id":
		return &w.LinkID
	case "refund_id":
		return &w.RefundID
	case "gateway_ref":
		return &w.GatewayRef
	case "amount":
		return &w.Amount
	case "token":
		return &w.Token
	case "display":
		return &w.Display
	case "failure_reason":
		return &w.FailureReason
	case "occurred_at":
		return &w.OccurredAt
	}
	return nil
}

// jsonError turns a tokenizer error into an *EventError without copying
// input into the message.
func jsonError(err error) error {
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn):
		return &EventError{Reason: "is not valid JSON (at byte " + strconv.FormatInt(syn.Offset, 10) + ")"}
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return &EventError{Reason: "is empty or truncated JSON"}
	}
	return &EventError{Reason: "is not valid JSON"}
}
