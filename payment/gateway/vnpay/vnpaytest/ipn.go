package vnpaytest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// Reply is a merchant's answer to an IPN, VNPay's
// {"RspCode":"00","Message":"Confirm Success"} and the others.
type Reply struct {
	// HTTPStatus is the answer's status; VNPay reads RspCode, not it.
	HTTPStatus int
	// RspCode and Message are the answer's members.
	RspCode string
	Message string
}

// String is the reply as VNPay's JSON.
func (r Reply) String() string {
	b, _ := json.Marshal(struct {
		RspCode string
		Message string
	}{r.RspCode, r.Message})
	return string(b)
}

// maxReply bounds the merchant's answer the fake reads.
const maxReply = 4 << 10

// DeliverIPN sends query to the merchant's IPN URL as VNPay does (a GET,
// the signed fields in the query string) and reads the answer. It sends
// whatever it is given: an IPN again (a replay) or an altered one (a
// forgery). Without Config.IPNURL, or when the answer is not VNPay's JSON,
// the error matches ErrIPNDelivery.
func (s *Server) DeliverIPN(ctx context.Context, query string) (Reply, error) {
	if s.cfg.IPNURL == "" {
		return Reply{}, fmt.Errorf("%w: no IPN URL is configured", ErrIPNDelivery)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, joinQuery(s.cfg.IPNURL, query), nil)
	if err != nil {
		return Reply{}, fmt.Errorf("%w: %w", ErrIPNDelivery, err)
	}
	resp, err := s.cfg.HTTPClient.Do(req)
	if err != nil {
		return Reply{}, fmt.Errorf("%w: %w", ErrIPNDelivery, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxReply))
	if err != nil {
		return Reply{}, fmt.Errorf("%w: %w", ErrIPNDelivery, err)
	}
	var r struct{ RspCode, Message *string }
	if err := json.Unmarshal(body, &r); err != nil || r.RspCode == nil || r.Message == nil {
		return Reply{HTTPStatus: resp.StatusCode}, fmt.Errorf("%w: the merchant answered HTTP %d %q, not {\"RspCode\":…,\"Message\":…}",
			ErrIPNDelivery, resp.StatusCode, body)
	}
	return Reply{HTTPStatus: resp.StatusCode, RspCode: *r.RspCode, Message: *r.Message}, nil
}
