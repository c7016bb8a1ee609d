package billing

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/ordering"
	"github.com/cloudbill/cloudbill/billing/internal/pay"
	"github.com/cloudbill/cloudbill/billing/internal/resource"
	"github.com/cloudbill/cloudbill/billing/internal/txn"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// RenewRequest renews resources by a term.
type RenewRequest struct {
	AccountID   string      `json:"account_id"`
	ResourceIDs []string    `json:"resource_ids"`
	Term        period.Term `json:"term"`
	PaySpec
}

// ActionResult is the outcome of a paid action on existing resources: its
// order and payment (pending means: redirect the customer; the action
// applies on the gateway's callback) and the resources as they are now.
type ActionResult struct {
	Order     Order      `json:"order"`
	Payment   Payment    `json:"payment"`
	Resources []Resource `json:"resources"`
}

// Renew extends resources by req.Term, priced like a purchase of that term
// (term discounts and renew coupons apply). The new period starts at the
// current end, not now, so renewing early loses nothing and renewing in
// grace or suspension pays for the time already used; a resource in grace
// or suspended resumes (EventUnrestrict / EventResume). A released resource
// cannot be renewed (lifecycle.ErrIllegalTransition; see Recover). Each
// resource gets a Paid invoice for its new period and an action-log entry
// when the payment succeeds — at once by credit, on the callback through a
// gateway. Idempotent per (AccountID, key).
func (s *System) Renew(ctx context.Context, key string, req RenewRequest) (_ ActionResult, err error) {
	ctx, op := s.env.Tel.Start(ctx, "Renew")
	defer op.End(&err)
	if err := validateRenew(req); err != nil {
		return ActionResult{}, err
	}
	if err := req.Term.Validate(); err != nil {
		return ActionResult{}, &RequestError{Field: "Term", Reason: err.Error(), Err: err}
	}
	return s.actOnResources(ctx, key, "resource.renew", req, req.AccountID, req.ResourceIDs, req.PaySpec, coupon.ActionRenew, order.KindRenew,
		s.renewLine(req.Term))
}

// renewLine prices one resource's renewal by term: Renew's line, shared
// with PreviewRenew so that the preview is the charge.
func (s *System) renewLine(term period.Term) lineFor {
	return func(acct Account, r storage.Resource, d ResourceData) (pricing.QuoteItem, order.Target, error) {
		if err := s.env.BadTermFor(acct.Currency, "Term", r.ProductID, term); err != nil {
			return pricing.QuoteItem{}, order.Target{}, err
		}
		if _, err := lifecycle.Next(lifecycle.State(r.Status), lifecycle.EventRenew); err != nil {
			return pricing.QuoteItem{}, order.Target{}, err
		}
		ren, err := lifecycle.RenewFromAnchor(s.env.Rules(acct, r.ProductID).Calendar(), d.Anchor, r.PeriodEnd, s.env.Now(), term)
		if err != nil {
			return pricing.QuoteItem{}, order.Target{}, err
		}
		return pricing.QuoteItem{ProductID: r.ProductID, Configuration: d.Configuration, Quantity: 1, Term: term},
			order.Target{ResourceID: r.ID, Start: ren.Span.Start, End: ren.Span.End, Anchor: ren.Anchor}, nil
	}
}

// MatchEndTimeRequest extends resources so that they all end at End.
type MatchEndTimeRequest struct {
	AccountID   string    `json:"account_id"`
	ResourceIDs []string  `json:"resource_ids"`
	End         time.Time `json:"end"`
	PaySpec
}

// MatchEndTime aligns several resources' end dates: each is extended from
// its current end to req.End, priced to the minute (price/30 per day of the
// extension) and billed like a renewal (a Paid invoice per resource).
// req.End must be after every current end (lifecycle.ErrTargetBeforeEnd).
func (s *System) MatchEndTime(ctx context.Context, key string, req MatchEndTimeRequest) (_ ActionResult, err error) {
	ctx, op := s.env.Tel.Start(ctx, "MatchEndTime")
	defer op.End(&err)
	if err := validateMatchEndTime(req); err != nil {
		return ActionResult{}, err
	}
	return s.actOnResources(ctx, key, "resource.match_end_time", req, req.AccountID, req.ResourceIDs, req.PaySpec, coupon.ActionRenew, order.KindMatchEndTime,
		func(acct Account, r storage.Resource, d ResourceData) (pricing.QuoteItem, order.Target, error) {
			if _, err := lifecycle.Next(lifecycle.State(r.Status), lifecycle.EventRenew); err != nil {
				return pricing.QuoteItem{}, order.Target{}, err
			}
			spans, err := lifecycle.MatchEndTime([]time.Time{r.PeriodEnd}, req.End, s.env.Now())
			if err != nil {
				return pricing.QuoteItem{}, order.Target{}, err
			}
			return pricing.QuoteItem{ProductID: r.ProductID, Configuration: d.Configuration, Quantity: 1, Span: spans[0]},
				order.Target{ResourceID: r.ID, Start: spans[0].Start, End: spans[0].End}, nil
		})
}

// RecoverRequest buys back a released resource.
type RecoverRequest struct {
	AccountID  string      `json:"account_id"`
	ResourceID string      `json:"resource_id"`
	Term       period.Term `json:"term"`
	PaySpec
}

// Recover buys a released resource again with its old configuration,
// billed like a new creation (create coupons apply), if its product's
// policy allows (lifecycle.ErrNotRecoverable otherwise). Once paid the
// resource goes back to provisioning with an EventProvision; the host
// reports the outcome as for a checkout.
func (s *System) Recover(ctx context.Context, key string, req RecoverRequest) (_ ActionResult, err error) {
	ctx, op := s.env.Tel.Start(ctx, "Recover")
	defer op.End(&err)
	if err := s.validateRecover(req); err != nil {
		return ActionResult{}, err
	}
	if err := req.Term.Validate(); err != nil {
		return ActionResult{}, &RequestError{Field: "Term", Reason: err.Error(), Err: err}
	}
	return s.actOnResources(ctx, key, "resource.recover", req, req.AccountID, []string{req.ResourceID}, req.PaySpec, coupon.ActionCreate, order.KindRecover,
		func(acct Account, r storage.Resource, d ResourceData) (pricing.QuoteItem, order.Target, error) {
			if err := s.env.BadTermFor(acct.Currency, "Term", r.ProductID, req.Term); err != nil {
				return pricing.QuoteItem{}, order.Target{}, err
			}
			if _, err := s.env.Rules(acct, r.ProductID).Next(lifecycle.State(r.Status), lifecycle.EventRecover); err != nil {
				return pricing.QuoteItem{}, order.Target{}, err
			}
			return pricing.QuoteItem{ProductID: r.ProductID, Configuration: d.Configuration, Quantity: 1, Term: req.Term},
				order.Target{ResourceID: r.ID}, nil
		})
}

// lineFor turns one existing resource into a quote item and its target,
// or rejects it.
type lineFor func(acct Account, r storage.Resource, d ResourceData) (pricing.QuoteItem, order.Target, error)

// actOnResources is the shared body of Renew, MatchEndTime and Recover: one
// idempotent transaction locks the resources, prices one line each, and
// records an order with its payment (none while a postpaid account is
// overdue: ordering.RefuseWhileOverdue); the gateway is called after it.
func (s *System) actOnResources(ctx context.Context, key, op string, req any, accountID string, ids []string, spec PaySpec,
	action coupon.Action, kind order.Kind, line lineFor) (ActionResult, error) {
	if len(ids) == 0 || len(ids) > MaxOrderResources {
		return ActionResult{}, &RequestError{Field: "ResourceIDs", Reason: fmt.Sprintf("%d resources (want 1–%d)", len(ids), MaxOrderResources)}
	}
	if spec.Method == payment.MethodGateway || spec.Method == payment.MethodTopUpAndPay {
		if _, err := s.env.Gateway(spec.Gateway); err != nil {
			return ActionResult{}, err
		}
	}
	placed, err := txn.Idempotent(ctx, s.env, accountID, key, op, req, func(ctx context.Context, tx storage.Tx) (ordering.PlacedOrder, error) {
		acct, err := core.GetAccount(ctx, tx, accountID, true)
		if err != nil {
			return ordering.PlacedOrder{}, err
		}
		if err := ordering.RefuseWhileOverdue(ctx, s.env, tx, acct); err != nil {
			return ordering.PlacedOrder{}, err
		}
		var items []pricing.QuoteItem
		var targets []order.Target
		seen := map[string]bool{}
		for _, id := range ids {
			if seen[id] {
				return ordering.PlacedOrder{}, &RequestError{Field: "ResourceIDs", Reason: fmt.Sprintf("%q is listed twice", id)}
			}
			seen[id] = true
			r, err := tx.Resources().GetForUpdate(ctx, acct.ID, id)
			if err != nil {
				return ordering.PlacedOrder{}, core.MapNotFound(err, ErrResourceNotFound, id)
			}
			d := r.ResourceDetail
			if d.Postpaid {
				return ordering.PlacedOrder{}, resource.ErrPostpaidTerm(r.ID, string(kind))
			}
			item, target, err := line(acct, r, d)
			if err != nil {
				return ordering.PlacedOrder{}, err
			}
			items, targets = append(items, item), append(targets, target)
		}
		q, cres, err := ordering.PriceLines(ctx, s.env, tx, acct, action, items, spec.Coupons)
		if err != nil {
			return ordering.PlacedOrder{}, err
		}
		return ordering.RecordOrder(ctx, s.env, tx, acct, ordering.OrderSpec{Kind: kind, Coupons: spec.Coupons, Actor: spec.Actor, Targets: targets,
			Method: spec.Method, Gateway: spec.Gateway, LinkedAccountID: spec.LinkedAccountID, ReturnURL: spec.ReturnURL,
			ExpectedTotal: spec.ExpectedTotal}, q, cres)
	})
	if err != nil {
		return ActionResult{}, err
	}
	var res ActionResult
	if placed.PaymentID != "" {
		res.Payment, err = pay.SubmitPayment(ctx, s.env, accountID, placed.PaymentID, pay.Payer{ReturnURL: spec.ReturnURL, ClientIP: spec.ClientIP})
	}
	o, oerr := s.Order(ctx, accountID, placed.OrderID)
	if oerr != nil {
		return res, ordering.FirstError(err, oerr)
	}
	res.Order = o
	for _, id := range ids {
		r, rerr := s.Resource(ctx, accountID, id)
		if rerr != nil {
			return res, ordering.FirstError(err, rerr)
		}
		res.Resources = append(res.Resources, r)
	}
	return res, err
}
