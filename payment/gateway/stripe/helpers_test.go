package stripe_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/internal/testenv"
	"github.com/cloudbill/cloudbill/payment/gateway/stripe"
)

const (
	testKey    = "sk_test_4eC39HqLyjWDarjtT1zdp7dcCloudbill"
	testSecret = "whsec_cloudbill_test_secret"
)

var t0 = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

// sent is one API request as the adapter sent it.
type sent struct {
	Method string
	Path   string
	Form   url.Values // the form body of a POST, the query of a GET
	Header http.Header
}

// Key is the request's Idempotency-Key.
func (s sent) Key() string { return s.Header.Get("Idempotency-Key") }

// canned is a whole response that replaces stripe-mock's.
type canned struct {
	status int
	body   string
}

// recorder is the HTTP transport of the gateway under test. It records
// every request, forwards it to stripe-mock (which checks its shape against
// Stripe's OpenAPI specification) and can change the answer: stripe-mock
// answers with fixtures, not state, so a test patches the fields a real
// Stripe would set (status, metadata) or replaces the answer (errors).
type recorder struct {
	upstream string // stripe-mock's base URL; "" answers only canned responses

	mu       sync.Mutex
	requests []sent
	patches  map[string]map[string]any // "METHOD /path" -> top-level fields to set
	canned   map[string]canned         // "METHOD /path" -> whole answer
}

func (r *recorder) patch(route string, fields map[string]any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.patches == nil {
		r.patches = map[string]map[string]any{}
	}
	r.patches[route] = fields
}

func (r *recorder) answer(route string, status int, body string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.canned == nil {
		r.canned = map[string]canned{}
	}
	r.canned[route] = canned{status, body}
}

func (r *recorder) sent() []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]sent(nil), r.requests...)
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	var body []byte
	if req.Body != nil {
		var err error
		body, err = io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
	}
	form := req.URL.Query()
	if req.Method == http.MethodPost {
		f, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, err
		}
		form = f
	}
	route := req.Method + " " + req.URL.Path
	r.mu.Lock()
	r.requests = append(r.requests, sent{Method: req.Method, Path: req.URL.Path, Form: form, Header: req.Header.Clone()})
	c, hasCanned := r.canned[route]
	fields := r.patches[route]
	r.mu.Unlock()
	if hasCanned {
		return response(req, c.status, []byte(c.body)), nil
	}
	if r.upstream == "" {
		return nil, errors.New("recorder: no canned answer for " + route)
	}
	u, _ := url.Parse(r.upstream)
	out := req.Clone(req.Context())
	out.URL.Scheme, out.URL.Host, out.Host = u.Scheme, u.Host, u.Host
	out.Body = io.NopCloser(bytes.NewReader(body))
	out.RequestURI = ""
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil || fields == nil {
		return resp, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	var obj map[string]any
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, err
	}
	for k, v := range fields {
		obj[k] = v
	}
	patched, _ := json.Marshal(obj)
	return response(req, resp.StatusCode, patched), nil
}

func response(req *http.Request, status int, body []byte) *http.Response {
	return &http.Response{
		StatusCode: status,
		Header:     http.Header{"Content-Type": {"application/json"}, "Request-Id": {"req_test"}},
		Body:       io.NopCloser(bytes.NewReader(body)),
		Request:    req,
	}
}

// newGateway returns a gateway whose requests go through a recorder to
// stripe-mock; without stripe-mock the test skips, or fails under CI.
func newGateway(t *testing.T) (*stripe.Gateway, *recorder) {
	t.Helper()
	if mockURL == "" {
		testenv.Unavailable(t, mockErr, stripeMockFix)
	}
	return gatewayWith(t, &recorder{upstream: mockURL})
}

// newOfflineGateway returns a gateway whose API requests get only the
// recorder's canned answers, for tests that need no API.
func newOfflineGateway(t *testing.T) (*stripe.Gateway, *recorder) {
	t.Helper()
	return gatewayWith(t, &recorder{})
}

func gatewayWith(t *testing.T, rec *recorder) (*stripe.Gateway, *recorder) {
	t.Helper()
	apiURL := rec.upstream
	if apiURL == "" {
		apiURL = "http://stripe.invalid"
	}
	g, err := stripe.New(stripe.Config{
		SecretKey:      testKey,
		WebhookSecrets: []string{testSecret},
		ReturnURL:      "https://portal.example/payments/return",
		APIURL:         apiURL,
		HTTPClient:     &http.Client{Transport: rec, Timeout: 10 * time.Second},
	})
	require.NoError(t, err)
	return g, rec
}

// amt parses "10.50 USD".
func amt(t testing.TB, s string) money.Amount {
	t.Helper()
	a, err := money.Parse(s)
	require.NoError(t, err)
	return a
}

// only returns the single request sent to route, failing otherwise.
func only(t *testing.T, rec *recorder, method, path string) sent {
	t.Helper()
	var found []sent
	for _, s := range rec.sent() {
		if s.Method == method && s.Path == path {
			found = append(found, s)
		}
	}
	require.Len(t, found, 1, "requests %s %s to %s", method, path, describeMock())
	return found[0]
}

// stripeError is the JSON body of a Stripe error answer.
func stripeError(typ, code, declineCode, extra string) string {
	s := `{"error":{"type":"` + typ + `","code":"` + code + `","message":"test error"`
	if declineCode != "" {
		s += `,"decline_code":"` + declineCode + `"`
	}
	if extra != "" {
		s += "," + extra
	}
	return s + `}}`
}

// contextCancelled returns a context that is already cancelled.
func contextCancelled(t *testing.T) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	return ctx, cancel
}

func sprint(format string, v any) string { return fmt.Sprintf(format, v) }

// logged is v as log/slog's JSON handler writes it.
func logged(v any) string {
	var b strings.Builder
	slog.New(slog.NewJSONHandler(&b, nil)).Info("config", "value", v)
	return b.String()
}

// amtNoT parses an amount in a table built outside a test.
func amtNoT(s string) money.Amount {
	a, err := money.Parse(s)
	if err != nil {
		panic(err)
	}
	return a
}
