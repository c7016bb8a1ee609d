package portal_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/portal"
)

// raw sends body as acct with exactly the headers given (no Content-Type
// unless given) and does not follow redirects, so a redirect out of the
// portal's prefix shows as such.
func (e *env) raw(t *testing.T, method, path, acct string, body []byte, header http.Header) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = strings.NewReader(string(body))
	}
	req, err := http.NewRequestWithContext(t.Context(), method, e.srv.URL+path, rd)
	require.NoError(t, err)
	for k, vs := range header {
		req.Header[k] = vs
	}
	req.Header.Set("X-Account", acct)
	client := *e.srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, b
}

// state is what a mutating request could change in an account: the
// wallet's balances, the number of payments, the linked accounts with
// their default.
type state struct {
	Available, Cash, Held string
	Payments              int
	Links                 string
}

func (e *env) state(t *testing.T, acct string) state {
	t.Helper()
	ctx := context.Background()
	w, err := e.sys.Wallet(ctx, acct)
	require.NoError(t, err)
	pays, err := e.sys.Payments(ctx, billing.ListRequest{AccountID: acct, Limit: 100})
	require.NoError(t, err)
	links, err := e.sys.LinkedAccounts(ctx, acct)
	require.NoError(t, err)
	var ls []string
	for _, l := range links {
		ls = append(ls, fmt.Sprintf("%s(default=%v)", l.ID, l.IsDefault))
	}
	return state{Available: w.Available.String(), Cash: w.Cash.String(), Held: w.Held.String(),
		Payments: len(pays.Items), Links: strings.Join(ls, ",")}
}

// linkWith links a simulated account for acct under key and returns its id.
func (e *env) linkWith(t *testing.T, acct, key string) string {
	t.Helper()
	resp, body := e.call(t, http.MethodPost, "/linked-accounts", acct, `{"gateway":"sim"}`, map[string]string{"Idempotency-Key": key})
	require.Equal(t, http.StatusCreated, resp.StatusCode, "%s", body)
	var ls portal.LinkStart
	require.NoError(t, json.Unmarshal(body, &ls))
	cb, err := e.sim.CompleteLink(ls.LinkID, "")
	require.NoError(t, err)
	_, err = e.sys.HandleCallback(context.Background(), "sim", cb.Header, cb.Body)
	require.NoError(t, err)
	return ls.LinkID
}

func obj(members ...string) string { return "{" + strings.Join(members, ",") + "}" }

// Every mutating endpoint reads its body through one strict decoder: a
// hostile body is refused with the stated status before any billing
// operation, so the wallet, the payments and the linked accounts are
// exactly as before; the refused request's Idempotency-Key is not spent,
// and the valid body sent with it afterwards succeeds.
func TestEveryMutatingEndpointRefusesHostileBodies(t *testing.T) {
	e := newEnv(t)
	rid := e.customer(t, "alice")
	link1 := e.linkWith(t, "alice", "link-1")
	link2 := e.linkWith(t, "alice", "link-2")

	endpoints := []struct {
		name, method, path string
		members            []string // of the valid body; none for an endpoint without a body
		dup, dupCase       []string // members that repeat a key, exactly and in another case
		dupField           string
		ok                 int
	}{
		{"POST /top-ups", http.MethodPost, "/top-ups",
			[]string{`"amount":"1000 VND"`, `"linked_account_id":"` + link1 + `"`},
			[]string{`"amount":"99999999 VND"`}, []string{`"AMOUNT":"99999999 VND"`}, "amount", http.StatusCreated},
		{"POST /resources/{id}/auto-renew", http.MethodPost, "/resources/" + rid + "/auto-renew",
			[]string{`"on":false`, `"term":"3 months"`},
			[]string{`"on":true`}, []string{`"ON":true`}, "on", http.StatusOK},
		{"POST /linked-accounts", http.MethodPost, "/linked-accounts",
			[]string{`"gateway":"sim"`},
			[]string{`"gateway":"nope"`}, []string{`"Gateway":"nope"`}, "gateway", http.StatusCreated},
		{"POST /linked-accounts/{id}/default", http.MethodPost, "/linked-accounts/" + link2 + "/default", nil,
			[]string{`"gateway":"sim"`, `"gateway":"sim"`}, []string{`"gateway":"sim"`, `"GATEWAY":"sim"`}, "gateway", http.StatusOK},
		{"DELETE /linked-accounts/{id}/default", http.MethodDelete, "/linked-accounts/" + link2 + "/default", nil,
			[]string{`"gateway":"sim"`, `"gateway":"sim"`}, []string{`"gateway":"sim"`, `"GATEWAY":"sim"`}, "gateway", http.StatusOK},
		{"DELETE /linked-accounts/{id}", http.MethodDelete, "/linked-accounts/" + link2, nil,
			[]string{`"gateway":"sim"`, `"gateway":"sim"`}, []string{`"gateway":"sim"`, `"GATEWAY":"sim"`}, "gateway", http.StatusOK},
	}
	const (
		bad         = http.StatusBadRequest
		unsupported = http.StatusUnsupportedMediaType
	)
	jsonCT := "application/json"
	for _, ep := range endpoints {
		m := ep.members
		with := func(extra ...string) []string { return append(append([]string(nil), m...), extra...) }
		hostile := []struct {
			name, body, contentType string
			extra                   http.Header
			status                  int
			field                   string
		}{
			{"a key twice", obj(with(ep.dup...)...), jsonCT, nil, bad, ep.dupField},
			{"a key twice in another case", obj(with(ep.dupCase...)...), jsonCT, nil, bad, ""},
			{"a key twice in a nested object", obj(with(`"meta":{"a":1,"a":2}`)...), jsonCT, nil, bad, "a"},
			{"a key twice in an object in an array", obj(with(`"meta":[{"a":1},{"b":1,"b":2}]`)...), jsonCT, nil, bad, "b"},
			{"null", `null`, jsonCT, nil, bad, ""},
			{"null with white space", " null\n", jsonCT, nil, bad, ""},
			{"an array holding the object", "[" + obj(m...) + "]", jsonCT, nil, bad, ""},
			{"a JSON string", `"{}"`, jsonCT, nil, bad, ""},
			{"the object twice", obj(m...) + obj(m...), jsonCT, nil, bad, ""},
			{"the object and garbage", obj(m...) + "x", jsonCT, nil, bad, ""},
			{"a byte that is not UTF-8", obj(with(`"return_url":"https://portal.example/` + "\xff" + `"`)...), jsonCT, nil, bad, ""},
			{"a UTF-8 byte order mark", "\xef\xbb\xbf" + obj(m...), jsonCT, nil, bad, ""},
			{"charset ISO-8859-1", obj(m...), "application/json; charset=iso-8859-1", nil, unsupported, "Content-Type"},
			{"charset UTF-16", obj(m...), "application/json; charset=utf-16", nil, unsupported, "Content-Type"},
			{"plain text", obj(m...), "text/plain", nil, unsupported, "Content-Type"},
			{"two Content-Types", obj(m...), "", http.Header{"Content-Type": {jsonCT, "text/plain"}}, unsupported, "Content-Type"},
			{"gzip encoded", obj(m...), jsonCT, http.Header{"Content-Encoding": {"gzip"}}, unsupported, "Content-Encoding"},
		}
		for i, c := range hostile {
			t.Run(ep.name+"/"+c.name, func(t *testing.T) {
				before := e.state(t, "alice")
				h := http.Header{"Idempotency-Key": {fmt.Sprintf("hostile-%s-%s-%d", ep.method, ep.path, i)}}
				if c.contentType != "" {
					h.Set("Content-Type", c.contentType)
				}
				for k, vs := range c.extra {
					h[k] = vs
				}
				resp, body := e.raw(t, ep.method, "/portal"+ep.path, "alice", []byte(c.body), h)
				typ := portal.ProblemInvalidRequest
				if c.status == unsupported {
					typ = portal.ProblemUnsupportedMediaType
				}
				p := problem(t, resp, body, c.status, typ)
				if c.field != "" {
					assert.Equal(t, c.field, p.Field)
				}
				assert.Equal(t, before, e.state(t, "alice"), "nothing changed")
			})
		}
	}

	// The valid bodies, each with the key of its refused duplicate-key
	// attempt: that key was not spent.
	before := e.state(t, "alice")
	for _, ep := range endpoints {
		h := http.Header{"Idempotency-Key": {fmt.Sprintf("hostile-%s-%s-0", ep.method, ep.path)}, "Content-Type": {jsonCT}}
		body := obj(ep.members...)
		if ep.members == nil {
			body = ""
		}
		resp, b := e.raw(t, ep.method, "/portal"+ep.path, "alice", []byte(body), h)
		require.Equal(t, ep.ok, resp.StatusCode, "%s: %s", ep.name, b)
	}
	after := e.state(t, "alice")
	assert.Equal(t, before.Payments+1, after.Payments, "one top-up payment")
	assert.Equal(t, link1+"(default=false)", after.Links, "link 2 was made the default, then unlinked")
	assertMoreBy(t, before.Available, after.Available, "1000 VND")
}

// assertMoreBy asserts after − before is diff, amounts as strings.
func assertMoreBy(t *testing.T, before, after, diff string) {
	t.Helper()
	b, err := money.Parse(before)
	require.NoError(t, err)
	a, err := money.Parse(after)
	require.NoError(t, err)
	d, err := a.Sub(b)
	require.NoError(t, err)
	assert.Equal(t, diff, d.String())
}

// The example: today encoding/json lets the last "amount" win and
// tops up 99,999,999 VND from the linked account. Now it is refused and
// the wallet holds exactly what it held; the same key then tops up 1,000.
func TestADuplicateAmountTopsUpNothing(t *testing.T) {
	e := newEnv(t)
	e.customer(t, "alice")
	link := e.linkWith(t, "alice", "link-1")
	before := e.state(t, "alice")
	require.Equal(t, "901000 VND", before.Available, "1,000,000 topped up − 99,000 for the vServer month")

	key := map[string]string{"Idempotency-Key": "topup-1"}
	for _, body := range []string{
		`{"amount":"1000 VND","amount":"99999999 VND","linked_account_id":"` + link + `"}`,
		`{"amount":"1000 VND","Amount":"99999999 VND","linked_account_id":"` + link + `"}`,
		// U+212A KELVIN SIGN folds to k: encoding/json matches it to linked_account_id.
		`{"amount":"1000 VND","linked_account_id":"lnk_none","lin` + "\u212a" + `ed_account_id":"` + link + `"}`,
	} {
		resp, b := e.call(t, http.MethodPost, "/top-ups", "alice", body, key)
		problem(t, resp, b, http.StatusBadRequest, portal.ProblemInvalidRequest)
		assert.Equal(t, before, e.state(t, "alice"), "901,000 VND, no payment: %s", body)
	}

	resp, b := e.call(t, http.MethodPost, "/top-ups", "alice", `{"amount":"1000 VND","linked_account_id":"`+link+`"}`, key)
	require.Equal(t, http.StatusCreated, resp.StatusCode, "%s", b)
	after := e.state(t, "alice")
	assert.Equal(t, "902000 VND", after.Available)
	assert.Equal(t, before.Payments+1, after.Payments)
}

// http.ServeMux answers a path with "." or ".." segments with a redirect
// to the cleaned path; under http.StripPrefix that path is relative to
// the mount point, so the redirect left the portal ("/wallet", not
// "/portal/wallet"). Such paths, encoded or not, are now a 404 problem
// inside the prefix, and a POST through one changes nothing.
func TestDotSegmentsAreNotFoundInsideThePrefix(t *testing.T) {
	e := newEnv(t)
	e.customer(t, "alice")
	link := e.linkWith(t, "alice", "link-1")
	for _, path := range []string{
		"/portal/invoices/../wallet",
		"/portal/invoices/%2e%2e/wallet",
		"/portal/invoices/%2E%2E",
		"/portal/resources/..%2Fwallet",
		"/portal/resources/x%2F..%2F..%2Fwallet",
		"/portal/./wallet",
		"/portal/wallet/.",
		"/portal//wallet",
		"/portal",
	} {
		t.Run("GET "+path, func(t *testing.T) {
			resp, body := e.raw(t, http.MethodGet, path, "alice", nil, nil)
			p := problem(t, resp, body, http.StatusNotFound, portal.ProblemNotFound)
			assert.Empty(t, resp.Header.Get("Location"), "no redirect")
			assert.Equal(t, path, p.Instance)
		})
	}
	t.Run("POST through ..", func(t *testing.T) {
		before := e.state(t, "alice")
		for _, path := range []string{"/portal/linked-accounts/../top-ups", "/portal/wallet/%2e%2e/top-ups"} {
			resp, body := e.raw(t, http.MethodPost, path, "alice",
				[]byte(`{"amount":"1000 VND","linked_account_id":"`+link+`"}`),
				http.Header{"Idempotency-Key": {"dots-" + path}, "Content-Type": {"application/json"}})
			problem(t, resp, body, http.StatusNotFound, portal.ProblemNotFound)
			assert.Empty(t, resp.Header.Get("Location"))
		}
		assert.Equal(t, before, e.state(t, "alice"), "nothing changed")
	})
	t.Run("the canonical paths still answer", func(t *testing.T) {
		resp, body := e.raw(t, http.MethodGet, "/portal/wallet", "alice", nil, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	})
}

// A problem echoes client text quoted (Go syntax, ASCII) and bounded: an
// id to 40 runes and "...", a field name to 40 runes, detail to 400
// bytes, field to 64, instance to 256.
func TestProblemsEchoBoundedEscapedInput(t *testing.T) {
	e := newEnv(t)
	e.customer(t, "alice")
	long := strings.Repeat("A", 1000) + "\"<b>é"
	json1 := func(s string) string { b, _ := json.Marshal(s); return string(b) }

	t.Run("a long id", func(t *testing.T) {
		resp, body := e.raw(t, http.MethodGet, "/portal/invoices/"+url.PathEscape(long), "alice", nil, nil)
		p := problem(t, resp, body, http.StatusNotFound, portal.ProblemNotFound)
		assert.Equal(t, `billing: invoice not found: "`+strings.Repeat("A", 40)+`..."`, p.Detail)
		assert.LessOrEqual(t, len(p.Instance), 256)
		assert.True(t, strings.HasPrefix(p.Instance, "/portal/invoices/AAAA"))
		assert.True(t, strings.HasSuffix(p.Instance, "..."))
	})
	t.Run("a short hostile id is escaped", func(t *testing.T) {
		resp, body := e.raw(t, http.MethodGet, "/portal/payments/"+url.PathEscape("x\"\n<é"), "alice", nil, nil)
		p := problem(t, resp, body, http.StatusNotFound, portal.ProblemNotFound)
		assert.Equal(t, `billing: payment not found: "x\"\n<\u00e9"`, p.Detail)
	})
	for name, b := range map[string]string{
		"a long unknown field":  `{"amount":"1000 VND",` + json1(long) + `:1}`,
		"a long duplicate key":  `{` + json1(long) + `:1,` + json1(long) + `:2}`,
		"a long nested key":     `{"meta":{` + json1(long) + `:1,` + json1(long) + `:2}}`,
		"a long invalid amount": `{"amount":` + json1(long) + `}`,
	} {
		t.Run(name, func(t *testing.T) {
			resp, body := e.call(t, http.MethodPost, "/top-ups", "alice", b, map[string]string{"Idempotency-Key": "k"})
			p := problem(t, resp, body, http.StatusBadRequest, portal.ProblemInvalidRequest)
			assert.LessOrEqual(t, len(p.Detail), 400)
			assert.LessOrEqual(t, len(p.Field), 64)
			assert.NotContains(t, p.Detail, strings.Repeat("A", 81), "at most 80 of the client's characters")
			assert.NotContains(t, p.Field, strings.Repeat("A", 41))
		})
	}
	t.Run("a long charset", func(t *testing.T) {
		resp, body := e.call(t, http.MethodPost, "/top-ups", "alice", `{"amount":"1000 VND"}`,
			map[string]string{"Idempotency-Key": "k", "Content-Type": "application/json; charset=" + strings.Repeat("A", 1000)})
		p := problem(t, resp, body, http.StatusUnsupportedMediaType, portal.ProblemUnsupportedMediaType)
		assert.Equal(t, `JSON is UTF-8; the charset "`+strings.Repeat("A", 40)+`..." is not accepted`, p.Detail)
	})
}
