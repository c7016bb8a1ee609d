package vnpay

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// maxAnswerSize bounds a merchant API answer read into memory.
const maxAnswerSize = 64 << 10

// answer is a merchant API answer: every member a JSON string or number,
// kept as its text ("" for null).
type answer map[string]string

// post sends body as JSON to the merchant API and decodes the answer. A
// transport failure, a status other than 200, or an answer that is not a
// JSON object of strings and numbers matches gateway.ErrTemporary: the
// request may or may not have taken effect.
func (g *Gateway) post(ctx context.Context, body any) (answer, error) {
	b, err := json.Marshal(body)
	if err != nil { // unreachable: the request types hold only strings and numbers
		return nil, fmt.Errorf("vnpay: encode request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.cfg.APIURL, bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%w: vnpay: build request: %w", gateway.ErrTemporary, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := g.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: vnpay: %w", gateway.ErrTemporary, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerSize+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("%w: vnpay: read answer: %w", gateway.ErrTemporary, err)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("%w: vnpay: the merchant API answered HTTP %d", gateway.ErrTemporary, resp.StatusCode)
	case len(raw) > maxAnswerSize:
		return nil, fmt.Errorf("%w: vnpay: the answer is larger than %d bytes", gateway.ErrTemporary, maxAnswerSize)
	}
	a, err := decodeAnswer(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: vnpay: %w", gateway.ErrTemporary, err)
	}
	return a, nil
}

// errMalformedAnswer: the answer is not what the protocol describes.
var errMalformedAnswer = errors.New("the merchant API's answer is not a JSON object of strings and numbers")

func decodeAnswer(raw []byte) (answer, error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil || members == nil {
		return nil, errMalformedAnswer
	}
	a := make(answer, len(members))
	for name, v := range members {
		switch {
		case len(v) > 0 && v[0] == '"':
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return nil, errMalformedAnswer
			}
			a[name] = s
		case string(v) == "null":
			a[name] = ""
		default:
			var n json.Number
			if err := json.Unmarshal(v, &n); err != nil {
				return nil, errMalformedAnswer
			}
			a[name] = n.String()
		}
	}
	return a, nil
}

// verify checks an answer's vnp_SecureHash: HMAC-SHA512 of the values of
// fields joined by '|', a missing field counting as "". The terminal is
// this adapter's, whatever the answer says, so an answer for another
// terminal never verifies. An answer without a checksum passes only when
// signed is false. Failures match gateway.ErrTemporary and wrap a
// *gateway.SignatureError: an unauthenticated answer says nothing.
func (g *Gateway) verify(a answer, fields []string, signed bool) error {
	got, ok := a[paramSecureHash]
	if !ok || got == "" {
		if !signed {
			return nil
		}
		return fmt.Errorf("%w: vnpay: %w", gateway.ErrTemporary,
			&gateway.SignatureError{Err: gateway.ErrNotSigned, Reason: "the answer has no vnp_SecureHash"})
	}
	values := make([]string, len(fields))
	for i, f := range fields {
		values[i] = a[f]
		if f == "vnp_TmnCode" {
			values[i] = g.cfg.TmnCode
		}
	}
	if !hashMatches(g.secret(), pipeData(values...), got) {
		return fmt.Errorf("%w: vnpay: %w", gateway.ErrTemporary,
			&gateway.SignatureError{Err: gateway.ErrBadSignature, Reason: "the answer's vnp_SecureHash does not match", Signatures: 1})
	}
	return nil
}

// belongs checks that a verified answer is about this request: its
// command, terminal and vnp_TxnRef, where present, are the ones sent.
func (g *Gateway) belongs(a answer, command, txnRef string) error {
	for _, c := range [...]struct{ field, want string }{
		{"vnp_Command", command}, {"vnp_TmnCode", g.cfg.TmnCode}, {"vnp_TxnRef", txnRef},
	} {
		if v, ok := a[c.field]; ok && v != "" && v != c.want {
			return fmt.Errorf("%w: vnpay: the answer's %s is not the request's", gateway.ErrTemporary, c.field)
		}
	}
	return nil
}

// requestID derives vnp_RequestId (Alphanumeric[1,32], unique in a day)
// from parts: the first 32 hex digits of SHA-256 over them, each
// length-prefixed so that no two lists of parts collide.
func requestID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(strconv.Itoa(len(p))))
		h.Write([]byte{':'})
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// transactionNo is the VNPay transaction number a reference names, or "":
// only digits qualify, and the vnp_TxnRef (which CreatePayment returns as
// the reference) never does.
func transactionNo(ref, txnRef string) string {
	if ref == txnRef || len(ref) > 32 || !digits(ref) {
		return ""
	}
	return ref
}

// apiFailure turns a merchant API refusal into the contract's error. Codes
// shared by querydr and refund: 02 (unknown terminal), 03 (malformed
// request) and 97 (our checksum refused, a wrong HashSecret) can never
// succeed; 08 (maintenance), 94 (a querydr repeated too soon), 99 and
// anything unknown leave the outcome unknown.
func apiFailure(command, code string, a answer) error {
	msg := a["vnp_Message"]
	if len(msg) > 200 || !printable(msg) {
		msg = ""
	}
	detail := fmt.Sprintf("vnpay: %s answered %s", command, code)
	if msg != "" {
		detail += " (" + msg + ")"
	}
	switch code {
	case "02", "03", "97":
		return fmt.Errorf("%w: %s", gateway.ErrInvalidRequest, detail)
	}
	return fmt.Errorf("%w: %s", gateway.ErrTemporary, detail)
}

// checkNow requires a time the protocol can carry.
func checkNow(field string, t time.Time) error {
	if !timeOK(t) {
		return &gateway.RequestError{Field: field, Reason: "is required and must be within years 1000 to 9999"}
	}
	return nil
}
