package momo

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// defaultTimeout is the HTTP client timeout when none is configured; MoMo
// asks callers to wait at least 30 seconds for an answer.
const defaultTimeout = 30 * time.Second

// Gateway is a MoMo adapter. It is immutable after New and safe for
// concurrent use.
type Gateway struct {
	cfg  Config
	keys *linkKeys // nil when linked wallets are off
}

var (
	_ gateway.Gateway     = (*Gateway)(nil)
	_ gateway.WireFormat  = (*Gateway)(nil)
	_ gateway.Querier     = (*Gateway)(nil)
	_ gateway.LinkQuerier = (*Gateway)(nil)
)

// New returns a MoMo gateway for cfg, or a *ConfigError.
func New(cfg Config) (*Gateway, error) {
	cfg, err := cfg.normalise()
	if err != nil {
		return nil, err
	}
	keys, err := cfg.keys()
	if err != nil {
		return nil, err
	}
	return &Gateway{cfg: cfg, keys: keys}, nil
}

// Name returns Config.Name.
func (g *Gateway) Name() string { return g.cfg.Name }

// Format prints the gateway as momo.Gateway("<name>") for every verb, so
// that printing it never shows its keys.
func (g *Gateway) Format(f fmt.State, _ rune) {
	if g == nil {
		fmt.Fprint(f, "momo.Gateway(nil)")
		return
	}
	fmt.Fprintf(f, "momo.Gateway(%q)", g.cfg.Name)
}

// linking reports whether linked wallets are configured, or returns the
// gateway.ErrUnsupported error for op.
func (g *Gateway) linking(op string) error {
	if g.keys == nil {
		return fmt.Errorf("%w: momo: %s needs Config.RSAPublicKey (linked wallets are off)", gateway.ErrUnsupported, op)
	}
	return nil
}

// CallbackMethods returns POST, the only method MoMo's IPN uses.
func (g *Gateway) CallbackMethods() []string { return []string{http.MethodPost} }

// ParseCallback reads an IPN POSTed with header and body; see ReadCallback.
func (g *Gateway) ParseCallback(now time.Time, header http.Header, body []byte) (gateway.Event, error) {
	return g.ReadCallback(now, gateway.CallbackRequest{Method: http.MethodPost, Header: header, Body: body})
}

// ReadCallback is ReadCallbackContext bounded by Config.CallbackTimeout.
// The contract gives ReadCallback no context, and an account-binding IPN
// needs one request to MoMo; a host that has the request's context should
// call ReadCallbackContext.
func (g *Gateway) ReadCallback(now time.Time, req gateway.CallbackRequest) (gateway.Event, error) {
	ctx, cancel := context.WithTimeout(context.Background(), g.cfg.CallbackTimeout)
	defer cancel()
	return g.ReadCallbackContext(ctx, now, req)
}
