package vnpay

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// Gateway is a VNPay adapter. It implements gateway.Gateway,
// gateway.WireFormat and gateway.Querier, is immutable after New and safe
// for concurrent use. It keeps no state between calls: every request is
// built from its arguments, so a retry with the same request sends the same
// bytes.
type Gateway struct {
	cfg Config
	// secret returns the hash secret. A closure rather than a field, so
	// that reflection-based printers of a Gateway find nothing to show.
	secret func() []byte
}

// Interfaces the adapter implements.
var (
	_ gateway.Gateway    = (*Gateway)(nil)
	_ gateway.WireFormat = (*Gateway)(nil)
	_ gateway.Querier    = (*Gateway)(nil)
)

// New returns an adapter for cfg, or a *ConfigError (matching
// ErrInvalidConfig) naming the first unusable field. The secret is copied.
func New(cfg Config) (*Gateway, error) {
	c, err := cfg.normalise()
	if err != nil {
		return nil, err
	}
	secret := []byte(string(c.HashSecret))
	c.HashSecret = "" // held only by the closure
	return &Gateway{cfg: c, secret: func() []byte { return secret }}, nil
}

// Name returns Config.Name ("vnpay" by default).
func (g *Gateway) Name() string { return g.cfg.Name }

// String returns `vnpay.Gateway("<name>")`; it never shows the secret.
func (g *Gateway) String() string {
	if g == nil {
		return "vnpay.Gateway(nil)"
	}
	return fmt.Sprintf("vnpay.Gateway(%q)", g.cfg.Name)
}

// Format prints String's text for every verb, so %+v and %#v of a Gateway
// show no field.
func (g *Gateway) Format(f fmt.State, _ rune) { fmt.Fprint(f, g.String()) }

// Charge is not supported and returns an error matching
// gateway.ErrUnsupported. VNPay's token payments (vnp_command=token_pay)
// exist only in some merchant contracts and, as published, still send the
// payer to VNPay's page to confirm with the bank's OTP, so no
// merchant-initiated charge without a redirect exists to implement.
func (g *Gateway) Charge(context.Context, gateway.ChargeRequest) (gateway.ChargeResult, error) {
	return gateway.ChargeResult{}, fmt.Errorf("%w: VNPay has no charge without the payer's confirmation at VNPay", gateway.ErrUnsupported)
}

// StartLink is not supported and returns an error matching
// gateway.ErrUnsupported: a linked VNPay card (token_create) could not be
// charged without a redirect (see Charge), and tokenization is not part of
// VNPay's standard payment contract.
func (g *Gateway) StartLink(context.Context, gateway.LinkRequest) (gateway.Redirect, error) {
	return gateway.Redirect{}, fmt.Errorf("%w: VNPay account linking is not offered by this adapter", gateway.ErrUnsupported)
}

// ParseCallback always fails with an error matching gateway.ErrUnsupported:
// VNPay's IPN is a signed GET query, which a header and a body do not
// carry. The library uses ReadCallback, since Gateway implements
// gateway.WireFormat.
func (g *Gateway) ParseCallback(time.Time, http.Header, []byte) (gateway.Event, error) {
	return gateway.Event{}, fmt.Errorf("%w: VNPay IPNs are read with ReadCallback", gateway.ErrUnsupported)
}
