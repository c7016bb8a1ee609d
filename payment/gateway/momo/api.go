package momo

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

// maxResponse bounds how much of MoMo's answer is read.
const maxResponse = 1 << 20

// errBadAnswer: an answer that is not what the request asked about.
var errBadAnswer = errors.New("momo: answer does not match the request")

// post sends body as JSON to path and decodes the JSON answer into out.
// Transport failures, 5xx and unreadable answers match
// gateway.ErrTemporary: the request may have taken effect.
func (g *Gateway) post(ctx context.Context, path string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil { // unreachable: request structs hold strings and numbers
		return fmt.Errorf("momo: encode %s: %w", path, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.cfg.Endpoint+path, bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("%w: momo: %s: %w", gateway.ErrTemporary, path, err)
	}
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	resp, err := g.cfg.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("%w: momo: %s: %w", gateway.ErrTemporary, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return fmt.Errorf("%w: momo: %s: reading the answer: %w", gateway.ErrTemporary, path, err)
	}
	if resp.StatusCode >= 500 {
		return fmt.Errorf("%w: momo: %s: HTTP %d", gateway.ErrTemporary, path, resp.StatusCode)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("%w: momo: %s: HTTP %d with an unreadable answer", gateway.ErrTemporary, path, resp.StatusCode)
	}
	return nil
}

// int64Of reads a JSON number (or a string of digits) as an int64.
func int64Of(n json.Number) (int64, bool) {
	v, err := strconv.ParseInt(string(n), 10, 64)
	return v, err == nil
}
