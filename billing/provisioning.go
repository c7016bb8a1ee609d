package billing

import (
	"context"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/resource"
	"github.com/cloudbill/cloudbill/billing/internal/txn"
	"github.com/cloudbill/cloudbill/storage"
)

// ProvisioningRequest reports the host's outcome for one EventProvision.
type ProvisioningRequest struct {
	AccountID  string `json:"account_id"`
	ResourceID string `json:"resource_id"`
	// Reason explains a failure (ProvisioningFailed only).
	Reason string `json:"reason,omitempty"`
	// Actor is who reports the outcome, for the action log. Default: the
	// actor who placed the order for a success, ActorProvisioning for a
	// failure.
	Actor string `json:"actor,omitempty"`
}

// ProvisioningSucceeded records that the host created a paid resource: the
// resource turns active, its term starts now and ends after the bought term
// (in the account's billing calendar), its invoice is issued Paid with the
// next number of the year's series, and the action log records the
// creation — in one transaction. Idempotent per (AccountID, key); a
// resource that is not provisioning is an illegal transition
// (lifecycle.ErrIllegalTransition).
func (s *System) ProvisioningSucceeded(ctx context.Context, key string, req ProvisioningRequest) (_ Resource, err error) {
	ctx, op := s.env.Tel.Start(ctx, "ProvisioningSucceeded")
	defer op.End(&err)
	if err := validateProvisioning(req); err != nil {
		return Resource{}, err
	}
	return s.provisioningOutcome(ctx, key, "resource.provisioned", req, true)
}

// ProvisioningFailed records that the host could not create a paid
// resource: the resource is marked provisioning_failed, the amount paid for
// it is refunded to the account's credit, its coupon share is released (the
// whole redemption once every resource of the order failed), and no invoice
// is issued — in one transaction.
func (s *System) ProvisioningFailed(ctx context.Context, key string, req ProvisioningRequest) (_ Resource, err error) {
	ctx, op := s.env.Tel.Start(ctx, "ProvisioningFailed")
	defer op.End(&err)
	if err := validateProvisioning(req); err != nil {
		return Resource{}, err
	}
	return s.provisioningOutcome(ctx, key, "resource.provision_failed", req, false)
}

func (s *System) provisioningOutcome(ctx context.Context, key, op string, req ProvisioningRequest, ok bool) (Resource, error) {
	id, err := txn.Idempotent(ctx, s.env, req.AccountID, key, op, req, func(ctx context.Context, tx storage.Tx) (string, error) {
		acct, r, d, err := txn.LockResource(ctx, tx, req.AccountID, req.ResourceID)
		if err != nil {
			return "", err
		}
		if ok {
			err = resource.Activate(ctx, s.env, tx, acct, &r, &d, req.Actor)
		} else {
			err = resource.FailProvisioning(ctx, s.env, tx, acct, &r, &d, req.Reason, core.OrDefault(req.Actor, ActorProvisioning))
		}
		if err != nil {
			return "", err
		}
		if err := resource.CompleteOrderIfDone(ctx, s.env, tx, acct, r.OrderID); err != nil {
			return "", err
		}
		return r.ID, nil
	})
	if err != nil {
		return Resource{}, err
	}
	return s.Resource(ctx, req.AccountID, id)
}
