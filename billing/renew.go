package billing

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/order"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// PaySpec says how an action on existing resources is paid; the fields are
// as in CheckoutRequest.
type PaySpec struct {
	Method          payment.Method `json:"method"`
	Gateway         string         `json:"gateway,omitempty"`
	LinkedAccountID string         `json:"linked_account_id,omitempty"`
	ReturnURL       string         `json:"return_url,omitempty"`
	Coupons         []string       `json:"coupons,omitempty"`
	ExpectedTotal   money.Amount   `json:"expected_total"`
	Actor           string         `json:"actor,omitempty"`
}

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
func (s *System) Renew(ctx context.Context, key string, req RenewRequest) (ActionResult, error) {
	if err := validateRenew(req); err != nil {
		return ActionResult{}, err
	}
	if err := req.Term.Validate(); err != nil {
		return ActionResult{}, &RequestError{Field: "Term", Reason: err.Error(), Err: err}
	}
	return s.actOnResources(ctx, key, "resource.renew", req, req.AccountID, req.ResourceIDs, req.PaySpec, coupon.ActionRenew, order.KindRenew,
		func(acct Account, r storage.Resource, d resourceData) (pricing.QuoteItem, order.Target, error) {
			if err := s.badTermFor(acct.Currency, "Term", r.ProductID, req.Term); err != nil {
				return pricing.QuoteItem{}, order.Target{}, err
			}
			if _, err := lifecycle.Next(lifecycle.State(r.Status), lifecycle.EventRenew); err != nil {
				return pricing.QuoteItem{}, order.Target{}, err
			}
			ren, err := lifecycle.RenewFromAnchor(s.rules(acct, r.ProductID).Calendar(), d.Anchor, r.PeriodEnd, s.now(), req.Term)
			if err != nil {
				return pricing.QuoteItem{}, order.Target{}, err
			}
			return pricing.QuoteItem{ProductID: r.ProductID, Configuration: d.Configuration, Quantity: 1, Term: req.Term},
				order.Target{ResourceID: r.ID, Start: ren.Span.Start, End: ren.Span.End, Anchor: ren.Anchor}, nil
		})
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
func (s *System) MatchEndTime(ctx context.Context, key string, req MatchEndTimeRequest) (ActionResult, error) {
	if err := validateMatchEndTime(req); err != nil {
		return ActionResult{}, err
	}
	return s.actOnResources(ctx, key, "resource.match_end_time", req, req.AccountID, req.ResourceIDs, req.PaySpec, coupon.ActionRenew, order.KindMatchEndTime,
		func(acct Account, r storage.Resource, d resourceData) (pricing.QuoteItem, order.Target, error) {
			if _, err := lifecycle.Next(lifecycle.State(r.Status), lifecycle.EventRenew); err != nil {
				return pricing.QuoteItem{}, order.Target{}, err
			}
			spans, err := lifecycle.MatchEndTime([]time.Time{r.PeriodEnd}, req.End, s.now())
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
func (s *System) Recover(ctx context.Context, key string, req RecoverRequest) (ActionResult, error) {
	if err := s.validateRecover(req); err != nil {
		return ActionResult{}, err
	}
	if err := req.Term.Validate(); err != nil {
		return ActionResult{}, &RequestError{Field: "Term", Reason: err.Error(), Err: err}
	}
	return s.actOnResources(ctx, key, "resource.recover", req, req.AccountID, []string{req.ResourceID}, req.PaySpec, coupon.ActionCreate, order.KindRecover,
		func(acct Account, r storage.Resource, d resourceData) (pricing.QuoteItem, order.Target, error) {
			if err := s.badTermFor(acct.Currency, "Term", r.ProductID, req.Term); err != nil {
				return pricing.QuoteItem{}, order.Target{}, err
			}
			if _, err := s.rules(acct, r.ProductID).Next(lifecycle.State(r.Status), lifecycle.EventRecover); err != nil {
				return pricing.QuoteItem{}, order.Target{}, err
			}
			return pricing.QuoteItem{ProductID: r.ProductID, Configuration: d.Configuration, Quantity: 1, Term: req.Term},
				order.Target{ResourceID: r.ID}, nil
		})
}

// lineFor turns one existing resource into a quote item and its target,
// or rejects it.
type lineFor func(acct Account, r storage.Resource, d resourceData) (pricing.QuoteItem, order.Target, error)

// actOnResources is the shared body of Renew, MatchEndTime and Recover: one
// idempotent transaction locks the resources, prices one line each, and
// records an order with its payment; the gateway is called after it.
func (s *System) actOnResources(ctx context.Context, key, op string, req any, accountID string, ids []string, spec PaySpec,
	action coupon.Action, kind order.Kind, line lineFor) (ActionResult, error) {
	if len(ids) == 0 || len(ids) > MaxOrderResources {
		return ActionResult{}, &RequestError{Field: "ResourceIDs", Reason: fmt.Sprintf("%d resources (want 1–%d)", len(ids), MaxOrderResources)}
	}
	if spec.Method == payment.MethodGateway || spec.Method == payment.MethodTopUpAndPay {
		if _, err := s.gateway(spec.Gateway); err != nil {
			return ActionResult{}, err
		}
	}
	placed, err := idempotent(ctx, s, accountID, key, op, req, func(ctx context.Context, tx storage.Tx) (placedOrder, error) {
		acct, err := getAccount(ctx, tx, accountID, true)
		if err != nil {
			return placedOrder{}, err
		}
		var items []pricing.QuoteItem
		var targets []order.Target
		seen := map[string]bool{}
		for _, id := range ids {
			if seen[id] {
				return placedOrder{}, &RequestError{Field: "ResourceIDs", Reason: fmt.Sprintf("%q is listed twice", id)}
			}
			seen[id] = true
			r, err := tx.Resources().GetForUpdate(ctx, acct.ID, id)
			if err != nil {
				return placedOrder{}, mapNotFound(err, ErrResourceNotFound, id)
			}
			d := r.ResourceDetail
			if d.Postpaid {
				return placedOrder{}, errPostpaidTerm(r.ID, string(kind))
			}
			item, target, err := line(acct, r, d)
			if err != nil {
				return placedOrder{}, err
			}
			items, targets = append(items, item), append(targets, target)
		}
		q, cres, err := s.priceLines(ctx, tx, acct, action, items, spec.Coupons)
		if err != nil {
			return placedOrder{}, err
		}
		return s.recordOrder(ctx, tx, acct, orderSpec{Kind: kind, Coupons: spec.Coupons, Actor: spec.Actor, Targets: targets,
			Method: spec.Method, Gateway: spec.Gateway, LinkedAccountID: spec.LinkedAccountID, ReturnURL: spec.ReturnURL,
			ExpectedTotal: spec.ExpectedTotal}, q, cres)
	})
	if err != nil {
		return ActionResult{}, err
	}
	var res ActionResult
	if placed.PaymentID != "" {
		res.Payment, err = s.submitPayment(ctx, accountID, placed.PaymentID, spec.ReturnURL)
	}
	o, oerr := s.Order(ctx, accountID, placed.OrderID)
	if oerr != nil {
		return res, firstError(err, oerr)
	}
	res.Order = o
	for _, id := range ids {
		r, rerr := s.Resource(ctx, accountID, id)
		if rerr != nil {
			return res, firstError(err, rerr)
		}
		res.Resources = append(res.Resources, r)
	}
	return res, err
}

// applyPaidTargets applies a paid renew, match, recover or resize order
// to its resources, in the payment's transaction. A resource that can no
// longer take its line — released or deleted before a renewal's money
// arrived, no longer active for a resize — does not keep the money: that
// line's total goes back to the account's cash credit.
func (s *System) applyPaidTargets(ctx context.Context, tx storage.Tx, acct Account, o storage.Order, od order.Detail, sp *storage.Payment) error {
	paymentID := ""
	if sp != nil {
		paymentID = sp.ID
	}
	for i, target := range od.Targets {
		r, err := tx.Resources().GetForUpdate(ctx, acct.ID, target.ResourceID)
		if err != nil {
			return err
		}
		d := r.ResourceDetail
		line := od.Quote.Lines[i]
		why := s.targetGone(acct, r, od.Kind)
		if why == "" && (od.Kind == order.KindRenew || od.Kind == order.KindMatchEndTime) && !target.Start.Equal(r.PeriodEnd) {
			// Renewed since this order was placed: it would extend from the
			// new end by the same length, which must stay within range.
			if err := period.CheckEnd(r.PeriodEnd.Add(target.End.Sub(target.Start))); err != nil {
				why = fmt.Sprintf("resource %s: %v", r.ID, err)
			}
		}
		if why != "" {
			paid := line.Total
			if od.Kind == order.KindResize {
				// A resize order's line is the new configuration's price
				// for the rest of the term; what was paid is the upgrade.
				paid = o.Total
			}
			if err := s.creditToCash(ctx, tx, acct, sp, paid, why, ""); err != nil {
				return err
			}
			continue
		}
		d.PaymentID = paymentID
		if od.Kind == order.KindResize {
			if target.Resize == nil {
				return fmt.Errorf("billing: resize order %q has no resize for resource %q", o.ID, r.ID)
			}
			if _, err := s.applyResize(ctx, tx, acct, &r, &d, *target.Resize, o.Total, od.Actor); err != nil {
				return err
			}
			continue
		}
		if od.Kind == order.KindRecover {
			err = s.recoverPaid(ctx, tx, acct, &r, &d, line, o.ID, od.Actor)
		} else {
			err = s.extendPaid(ctx, tx, acct, &r, &d, line, target, od.Kind, od.Actor)
		}
		if err != nil {
			return err
		}
		if od.Actor == ActorAutoRenew || od.Actor == legacyAutoRenewActor {
			if err := s.notify(ctx, tx, acct, &r, NoticeAutoRenewed, "", "renewed until "+r.PeriodEnd.Format(time.RFC3339)); err != nil {
				return err
			}
		}
	}
	return nil
}

// targetGone says why a paid order's line can no longer apply to resource
// r ("" when it can).
func (s *System) targetGone(acct Account, r storage.Resource, kind order.Kind) string {
	st := lifecycle.State(r.Status)
	var err error
	switch kind {
	case order.KindRecover:
		_, err = s.rules(acct, r.ProductID).Next(st, lifecycle.EventRecover)
	case order.KindResize:
		_, err = lifecycle.Next(st, lifecycle.EventResize)
		if err == nil && !s.now().Before(r.PeriodEnd) {
			return fmt.Sprintf("resource %s: its term ended before the resize was paid", r.ID)
		}
	default:
		_, err = lifecycle.Next(st, lifecycle.EventRenew)
	}
	if err != nil {
		return fmt.Sprintf("resource %s is %s and can no longer take this %s", r.ID, st, kind)
	}
	return ""
}

// extendPaid renews one resource to target.End and issues its invoice.
func (s *System) extendPaid(ctx context.Context, tx storage.Tx, acct Account, r *storage.Resource, d *resourceData,
	line pricing.QuoteLine, target order.Target, kind order.Kind, actor string) error {
	rules := s.rules(acct, r.ProductID)
	from := lifecycle.State(r.Status)
	anchor := target.Anchor
	if !target.Start.Equal(r.PeriodEnd) {
		// The resource changed since the order was placed (renewed twice):
		// extend from where it ends now, by the same length.
		target.End = r.PeriodEnd.Add(target.End.Sub(target.Start))
		target.Start = r.PeriodEnd
		anchor = time.Time{}
	}
	if anchor.IsZero() {
		// A matched end, or a renewal that had to move: the anchor is kept
		// if the new end is one of its boundaries, else it restarts there.
		anchor = rules.Calendar().Reanchor(d.Anchor, target.End)
	}
	d.Anchor = anchor
	v, err := viewOf(*r, *d).Renewed(target.End, s.now())
	if err != nil {
		return err
	}
	value, err := s.paidValue(ctx, tx, acct, *r, *d)
	if err != nil {
		return err
	}
	oldSpan := period.Span{Start: r.PeriodStart, End: r.PeriodEnd}
	r.Status, r.PeriodEnd, r.UpdatedAt = v.State, v.End, s.now()
	d.Since, d.NextReminder, d.NextAttempt = v.Since, v.NextReminder, v.NextAttempt
	discount, err := line.TermDiscount.Add(line.Discount)
	if err != nil {
		return err
	}
	inv, err := s.issueInvoice(ctx, tx, acct, r, d, line.Breakdown, period.Span{Start: target.Start, End: target.End}, line.Base, discount, string(kind))
	if err != nil {
		return err
	}
	d.InvoiceIDs = append(d.InvoiceIDs, inv.ID)
	list, err := listValue(line)
	if err != nil {
		return err
	}
	if value, err = value.Append(target.Start, target.End, inv.Total, list); err != nil {
		return err
	}
	setValue(d, value)
	if err := s.hostEffects(ctx, tx, acct, r, from, v.State); err != nil {
		return err
	}
	if err := s.saveResource(ctx, tx, r, d, rules); err != nil {
		return err
	}
	return s.logAction(ctx, tx, acct, actor, r.ID, actionKindFor(kind), d.Configuration, d.Configuration, oldSpan,
		period.Span{Start: r.PeriodStart, End: r.PeriodEnd}, inv.ID, "")
}

// recoverPaid sends a released resource back to provisioning with its new
// line; ProvisioningSucceeded then starts its term and invoices it.
func (s *System) recoverPaid(ctx context.Context, tx storage.Tx, acct Account, r *storage.Resource, d *resourceData, line pricing.QuoteLine, orderID, actor string) error {
	next, err := s.rules(acct, r.ProductID).Next(lifecycle.State(r.Status), lifecycle.EventRecover)
	if err != nil {
		return err
	}
	r.Status, r.OrderID, r.PeriodStart, r.PeriodEnd, r.NextDueAt, r.UpdatedAt = next, orderID, time.Time{}, time.Time{}, time.Time{}, s.now()
	d.Line, d.Term = line, line.Term
	// The released term's value is spent; provisioning starts a new one.
	setValue(d, lifecycle.PaidValue{})
	r.ResourceDetail = *d
	if _, err := tx.Resources().Update(ctx, *r); err != nil {
		return err
	}
	if err := s.logAction(ctx, tx, acct, actor, r.ID, invoice.ActionRecover, d.Configuration, d.Configuration, period.Span{}, period.Span{}, "", ""); err != nil {
		return err
	}
	return s.emit(ctx, tx, acct.ID, r.ID, EventProvision, "", ProvisionPayload{
		ResourceID: r.ID, ProductID: r.ProductID, Configuration: d.Configuration, Term: d.Term.String(),
	})
}

// hostEffects emits the events the host must act on for a state change.
func (s *System) hostEffects(ctx context.Context, tx storage.Tx, acct Account, r *storage.Resource, from, to lifecycle.State) error {
	if from == to {
		return nil
	}
	actions, err := lifecycle.Effects(from, to)
	if err != nil {
		return err
	}
	return s.emitHostActions(ctx, tx, acct, r, from, to, actions)
}

// emitHostActions writes one host event per action of a move from → to.
func (s *System) emitHostActions(ctx context.Context, tx storage.Tx, acct Account, r *storage.Resource, from, to lifecycle.State,
	actions []lifecycle.HostAction) error {
	for _, a := range actions {
		kind, ok := map[lifecycle.HostAction]EventKind{
			lifecycle.HostProvision: EventProvision, lifecycle.HostRestrict: EventRestrict, lifecycle.HostUnrestrict: EventUnrestrict,
			lifecycle.HostSuspend: EventSuspend, lifecycle.HostResume: EventResume, lifecycle.HostRelease: EventRelease,
		}[a]
		if !ok {
			continue
		}
		if err := s.emit(ctx, tx, acct.ID, r.ID, kind, "", StatePayload{ResourceID: r.ID, From: from, To: to, PeriodEnd: r.PeriodEnd}); err != nil {
			return err
		}
	}
	return nil
}

// viewOf is the lifecycle view of a stored resource.
func viewOf(r storage.Resource, d resourceData) lifecycle.ResourceView {
	return lifecycle.ResourceView{State: lifecycle.State(r.Status), End: r.PeriodEnd, Since: d.Since, AutoRenew: d.AutoRenew,
		NextReminder: d.NextReminder, NextAttempt: d.NextAttempt}
}

// saveResource reschedules and stores a resource.
func (s *System) saveResource(ctx context.Context, tx storage.Tx, r *storage.Resource, d *resourceData, rules lifecycle.Rules) error {
	if err := s.schedule(r, d, rules); err != nil {
		return err
	}
	r.ResourceDetail = *d
	_, err := tx.Resources().Update(ctx, *r)
	return err
}

func actionKindFor(orderKind order.Kind) invoice.ActionKind {
	if orderKind == order.KindMatchEndTime {
		return invoice.ActionMatchEndTime
	}
	return invoice.ActionRenew
}
