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
	cfg Config
}

var (
	_ gateway.Gateway    = (*Gateway)(nil)
	_ gateway.WireFormat = (*Gateway)(nil)
	_ gateway.Querier    = (*Gateway)(nil)
)

// New returns a MoMo gateway for cfg, or a *ConfigError.
func New(cfg Config) (*Gateway, error) {
	cfg, err := cfg.normalise()
	if err != nil {
		return nil, err
	}
	return &Gateway{cfg: cfg}, nil
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

// Charge returns gateway.ErrUnsupported: see the package documentation on
// linked accounts.
func (g *Gateway) Charge(context.Context, gateway.ChargeRequest) (gateway.ChargeResult, error) {
	return gateway.ChargeResult{}, fmt.Errorf("%w: momo: charging a linked wallet", gateway.ErrUnsupported)
}

// StartLink returns gateway.ErrUnsupported: see the package documentation
// on linked accounts.
func (g *Gateway) StartLink(context.Context, gateway.LinkRequest) (gateway.Redirect, error) {
	return gateway.Redirect{}, fmt.Errorf("%w: momo: linking a wallet", gateway.ErrUnsupported)
}

// CallbackMethods returns POST, the only method MoMo's IPN uses.
func (g *Gateway) CallbackMethods() []string { return []string{http.MethodPost} }

// ParseCallback reads an IPN POSTed with header and body; see ReadCallback.
func (g *Gateway) ParseCallback(now time.Time, header http.Header, body []byte) (gateway.Event, error) {
	return g.ReadCallback(now, gateway.CallbackRequest{Method: http.MethodPost, Header: header, Body: body})
}
