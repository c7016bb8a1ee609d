package gatewaysim

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"time"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// Callback is one signed callback as the provider would POST it: the
// headers (with gateway.SignatureHeader), the raw body, and the Event the
// body encodes, for assertions.
type Callback struct {
	Header http.Header
	Body   []byte
	Event  gateway.Event
}

// Request returns a POST of the callback to target, shaped like an incoming
// server request (RequestURI and RemoteAddr set, as httptest.NewRequest does)
// so it can be passed straight to an http.Handler. Headers and body are
// copies. An unparseable target is an error.
func (c Callback) Request(target string) (*http.Request, error) {
	// A fresh inbound request has no caller context; handlers derive theirs
	// from it, exactly as with httptest.NewRequest.
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, target, bytes.NewReader(bytes.Clone(c.Body)))
	if err != nil {
		return nil, fmt.Errorf("gatewaysim: callback request: %w", err)
	}
	req.Header = c.Header.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	req.RequestURI = req.URL.RequestURI()
	req.RemoteAddr = "192.0.2.1:1234"
	return req, nil
}

// clone returns a deep copy, so that no caller shares the queue's slices.
func (c Callback) clone() Callback {
	c.Header = c.Header.Clone()
	c.Body = bytes.Clone(c.Body)
	return c
}

// Pending returns copies of the queued callbacks (from Charge and Refund),
// oldest first, and leaves them queued.
func (g *Gateway) Pending() []Callback {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]Callback, len(g.queue))
	for i, cb := range g.queue {
		out[i] = cb.clone()
	}
	return out
}

// Drain returns the queued callbacks, oldest first, and empties the queue.
func (g *Gateway) Drain() []Callback {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := g.queue
	g.queue = nil
	return out
}

// Duplicate returns the provider's redelivery of cb: the same body, so the
// same event id, signed afresh at Now. The host must apply it at most once.
func (g *Gateway) Duplicate(cb Callback) Callback {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.sign(cb.Event, bytes.Clone(cb.Body), g.cfg.Now())
}

// SignedAt returns cb signed with the real secret at t instead: a late
// delivery when t is older than the host's tolerance, a skewed clock when it
// is ahead.
func (g *Gateway) SignedAt(cb Callback, t time.Time) Callback {
	return g.sign(cb.Event, bytes.Clone(cb.Body), t)
}

// Forge returns cb signed at Now with a secret that differs from the real
// one in every byte, as an attacker without the secret would send it. It
// never verifies.
func (g *Gateway) Forge(cb Callback) Callback {
	g.mu.Lock()
	defer g.mu.Unlock()
	wrong := make([]byte, len(g.cfg.Secret))
	for i, b := range g.cfg.Secret {
		wrong[i] = ^b // every byte differs, so even HMAC's zero padding cannot make the keys equal
	}
	return signWith(wrong, cb.Event, bytes.Clone(cb.Body), g.cfg.Now())
}

// Shuffle returns a copy of cbs in an order determined by seed alone, to
// deliver callbacks out of order reproducibly. cbs is not changed.
func Shuffle(cbs []Callback, seed uint64) []Callback {
	out := slices.Clone(cbs)
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}
