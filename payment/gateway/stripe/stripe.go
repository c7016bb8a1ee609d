package stripe

import (
	"fmt"

	stripego "github.com/stripe/stripe-go/v82"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// Gateway is the Stripe adapter. It implements gateway.Gateway,
// gateway.WireFormat, gateway.Querier and gateway.LinkQuerier, is safe for
// concurrent use, and holds no state besides its configuration and its
// own API client: every call is made idempotent by Stripe's Idempotency-Key
// and every answer comes from Stripe.
type Gateway struct {
	cfg Config
	api *stripego.Client
}

var (
	_ gateway.Gateway     = (*Gateway)(nil)
	_ gateway.WireFormat  = (*Gateway)(nil)
	_ gateway.Querier     = (*Gateway)(nil)
	_ gateway.LinkQuerier = (*Gateway)(nil)
)

// New returns a Stripe gateway for cfg, or a *ConfigError. It makes no
// request. The API client is the SDK's non-global stripe.Client with its
// own backend (cfg.APIURL, cfg.HTTPClient, cfg.MaxNetworkRetries) and a
// logger that logs nothing, so the SDK neither reads nor writes any
// package-level setting and never logs a request.
func New(cfg Config) (*Gateway, error) {
	cfg, err := cfg.normalise()
	if err != nil {
		return nil, err
	}
	backend := &stripego.BackendConfig{
		URL:               stripego.String(cfg.APIURL),
		HTTPClient:        cfg.HTTPClient,
		MaxNetworkRetries: stripego.Int64(int64(cfg.MaxNetworkRetries)),
		LeveledLogger:     &stripego.LeveledLogger{Level: stripego.LevelNull},
		EnableTelemetry:   stripego.Bool(false),
	}
	api := stripego.NewClient(cfg.SecretKey, stripego.WithBackends(&stripego.Backends{
		API:         stripego.GetBackendWithConfig(stripego.APIBackend, backend),
		Connect:     stripego.GetBackendWithConfig(stripego.ConnectBackend, backend),
		Uploads:     stripego.GetBackendWithConfig(stripego.UploadsBackend, backend),
		MeterEvents: stripego.GetBackendWithConfig(stripego.MeterEventsBackend, backend),
	}))
	return &Gateway{cfg: cfg, api: api}, nil
}

// Name returns Config.Name ("stripe" by default).
func (g *Gateway) Name() string { return g.cfg.Name }

// Format prints the gateway as stripe.Gateway("<name>") for every verb, so
// that printing or logging it never shows its keys.
func (g *Gateway) Format(f fmt.State, _ rune) {
	if g == nil {
		fmt.Fprint(f, "stripe.Gateway(nil)")
		return
	}
	fmt.Fprintf(f, "stripe.Gateway(%q)", g.cfg.Name)
}
