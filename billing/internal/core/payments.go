package core

import (
	"context"
	"errors"
	"fmt"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/storage"
)

func PaymentView(p storage.Payment) billingtype.Payment {
	return billingtype.Payment{
		ID: p.ID, AccountID: p.AccountID,
		Purpose: payment.Purpose{Kind: payment.PurposeKind(p.Purpose), Ref: p.PurposeRef},
		Method:  payment.Method(p.Method), Status: payment.Status(p.Status),
		Amount: p.Amount, FromCredit: p.FromCredit, FromGateway: p.FromGateway, Refunded: p.Refunded,
		Gateway: p.Gateway, GatewayRef: p.GatewayRef, RedirectURL: p.RedirectURL,
		LinkedAccountID: p.LinkedAccountID, FailureReason: p.FailureReason, Description: p.Description,
		ExpiresAt: p.ExpiresAt, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
	}
}

// readPayment reads one payment of an account in its own transaction.
func (s *Env) ReadPayment(ctx context.Context, accountID, id string) (billingtype.Payment, error) {
	var out storage.Payment
	err := s.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		var err error
		out, err = tx.Payments().Get(ctx, accountID, id)
		return MapNotFound(err, billingtype.ErrPaymentNotFound, id)
	})
	if err != nil {
		return billingtype.Payment{}, err
	}
	return PaymentView(out), nil
}

// gateway returns the configured gateway called name.
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

// mapNotFound turns storage.ErrNotFound into the caller's typed error.
func MapNotFound(err, target error, id string) error {
	if errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("%w: %q", target, id)
	}
	return err
}
