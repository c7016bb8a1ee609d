package core

import (
	"fmt"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/payment/gateway"
)

// Gateway returns the configured gateway called name.
func (s *Env) Gateway(name string) (gateway.Gateway, error) {
	if name == "" {
		return nil, &billingtype.RequestError{Field: "Gateway", Reason: "is required for this payment method", Err: billingtype.ErrUnknownGateway}
	}
	g, ok := s.Gateways[name]
	if !ok {
		return nil, fmt.Errorf("%w: %q", billingtype.ErrUnknownGateway, name)
	}
	return g, nil
}
