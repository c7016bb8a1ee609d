package billing

import (
	"context"
	"fmt"

	"github.com/cloudbill/cloudbill/billing/internal/invoicing"
	"github.com/cloudbill/cloudbill/billing/internal/resource"
	"github.com/cloudbill/cloudbill/billing/internal/txn"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

// AutoRenewRequest switches a resource's automatic renewal.
type AutoRenewRequest struct {
	AccountID  string `json:"account_id"`
	ResourceID string `json:"resource_id"`
	On         bool   `json:"on"`
	// Term is the period each automatic renewal buys; zero keeps the
	// current one (default the policy's, 1 month).
	Term period.Term `json:"term"`
	// Actor is who switched it, for the action log; default the account.
	Actor string `json:"actor,omitempty"`
}

// SetAutoRenew switches automatic renewal on or off (cancellable any time)
// and sets its term; the action log records it.
func (s *System) SetAutoRenew(ctx context.Context, key string, req AutoRenewRequest) (_ Resource, err error) {
	ctx, op := s.env.Tel.Start(ctx, "SetAutoRenew")
	defer op.End(&err)
	if err := validateAutoRenew(req); err != nil {
		return Resource{}, err
	}
	if req.Term != (period.Term{}) {
		if err := req.Term.Validate(); err != nil {
			return Resource{}, &RequestError{Field: "Term", Reason: err.Error(), Err: err}
		}
	}
	_, err = txn.Idempotent(ctx, s.env, req.AccountID, key, "resource.auto_renew", req, func(ctx context.Context, tx storage.Tx) (bool, error) {
		acct, r, d, err := txn.LockResource(ctx, tx, req.AccountID, req.ResourceID)
		if err != nil {
			return false, err
		}
		if d.Postpaid {
			return false, resource.ErrPostpaidTerm(r.ID, "renew automatically")
		}
		if st := lifecycle.State(r.Status); st.Terminal() || st == lifecycle.StateReleased {
			return false, fmt.Errorf("%w: auto-renewal of a %s resource", lifecycle.ErrIllegalTransition, st)
		}
		d.AutoRenew = req.On
		if req.Term != (period.Term{}) {
			if err := s.env.BadTermFor(acct.Currency, "Term", r.ProductID, req.Term); err != nil {
				return false, err
			}
			d.AutoRenewTerm = req.Term
		}
		r.UpdatedAt = s.env.Now()
		if err := resource.SaveResource(ctx, s.env, tx, &r, &d, s.env.Rules(acct, r.ProductID)); err != nil {
			return false, err
		}
		kind := invoice.ActionAutoRenewOff
		if req.On {
			kind = invoice.ActionAutoRenewOn
		}
		return true, invoicing.LogAction(ctx, s.env, tx, acct, req.Actor, r.ID, kind, pricing.Configuration{}, pricing.Configuration{}, period.Span{}, period.Span{}, "", d.AutoRenewTerm.String())
	})
	if err != nil {
		return Resource{}, err
	}
	return s.Resource(ctx, req.AccountID, req.ResourceID)
}
