package zalopay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// maxResponse bounds how much of ZaloPay's answer is read.
const maxResponse = 1 << 20

// errBadAnswer: an answer that is not what the request asked about.
var errBadAnswer = errors.New("zalopay: answer does not match the request")

// status is the part every ZaloPay answer shares.
type status struct {
	ReturnCode    json.Number `json:"return_code"`
	SubReturnCode json.Number `json:"sub_return_code"`
}

// codes returns the return and sub-return codes, ok false when return_code
// is missing.
func (s status) codes() (ret, sub int64, ok bool) {
	ret, err := strconv.ParseInt(string(s.ReturnCode), 10, 64)
	sub, _ = strconv.ParseInt(string(s.SubReturnCode), 10, 64)
	return ret, sub, err == nil
}

// post sends body as JSON to path and decodes the JSON answer into out.
// Transport failures, 5xx and unreadable answers match
// gateway.ErrTemporary.
func (g *Gateway) post(ctx context.Context, path string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil { // unreachable: request structs hold strings and numbers
		return fmt.Errorf("zalopay: encode %s: %w", path, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.cfg.Endpoint+path, bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("%w: zalopay: %s: %w", gateway.ErrTemporary, path, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := g.cfg.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("%w: zalopay: %s: %w", gateway.ErrTemporary, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return fmt.Errorf("%w: zalopay: %s: reading the answer: %w", gateway.ErrTemporary, path, err)
	}
	if resp.StatusCode >= 500 {
		return fmt.Errorf("%w: zalopay: %s: HTTP %d", gateway.ErrTemporary, path, resp.StatusCode)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("%w: zalopay: %s: HTTP %d with an unreadable answer", gateway.ErrTemporary, path, resp.StatusCode)
	}
	return nil
}

// failure turns a return code other than success or processing into the
// error of the gateway contract: -401 to -405 (the request is malformed,
// unsigned or from an unknown app) are ErrInvalidRequest, -68 (the order
// already exists) ErrConflict, 2 with another sub-code a decline from
// declined, and everything else (-500, -429, codes ZaloPay may add)
// ErrTemporary.
func failure(op string, ret, sub int64, declined bool) error {
	code := sub
	if ret < 0 {
		code = ret
	}
	switch {
	case code == -68:
		return fmt.Errorf("%w: zalopay: %s: the id was already used (sub_return_code -68)", gateway.ErrConflict, op)
	case code <= -401 && code >= -405:
		return fmt.Errorf("%w: zalopay: %s refused with code %d", gateway.ErrInvalidRequest, op, code)
	case ret == 2 && declined && code != -500 && code != -429 && code != -33:
		return &gateway.DeclineError{Code: strconv.FormatInt(sub, 10), Reason: "ZaloPay refused the " + op + " (code " + strconv.FormatInt(sub, 10) + ")"}
	}
	return fmt.Errorf("%w: zalopay: %s answered return_code %d, sub_return_code %d", gateway.ErrTemporary, op, ret, sub)
}
