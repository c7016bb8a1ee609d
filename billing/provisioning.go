package billing

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/billing/pricing"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
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
func (s *System) ProvisioningSucceeded(ctx context.Context, key string, req ProvisioningRequest) (Resource, error) {
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
func (s *System) ProvisioningFailed(ctx context.Context, key string, req ProvisioningRequest) (Resource, error) {
	if err := validateProvisioning(req); err != nil {
		return Resource{}, err
	}
	return s.provisioningOutcome(ctx, key, "resource.provision_failed", req, false)
}

func (s *System) provisioningOutcome(ctx context.Context, key, op string, req ProvisioningRequest, ok bool) (Resource, error) {
	id, err := idempotent(ctx, s, req.AccountID, key, op, req, func(ctx context.Context, tx storage.Tx) (string, error) {
		acct, r, d, err := lockResource(ctx, tx, req.AccountID, req.ResourceID)
		if err != nil {
			return "", err
		}
		if ok {
			err = s.activate(ctx, tx, acct, &r, &d, req.Actor)
		} else {
			err = s.failProvisioning(ctx, tx, acct, &r, &d, req.Reason, orDefault(req.Actor, ActorProvisioning))
		}
		if err != nil {
			return "", err
		}
		if err := s.completeOrderIfDone(ctx, tx, acct, r.OrderID); err != nil {
			return "", err
		}
		return r.ID, nil
	})
	if err != nil {
		return Resource{}, err
	}
	return s.Resource(ctx, req.AccountID, id)
}

// activate starts a provisioned resource's term and issues its invoice.
func (s *System) activate(ctx context.Context, tx storage.Tx, acct Account, r *storage.Resource, d *resourceData, actor string) error {
	if d.Postpaid {
		return s.activatePostpaid(ctx, tx, acct, r, d, actor)
	}
	rules := s.rules(acct, r.ProductID)
	next, err := rules.Next(lifecycle.State(r.Status), lifecycle.EventProvisioned)
	if err != nil {
		return err
	}
	now := s.now()
	// The term is laid from now, which becomes the billing anchor its
	// renewals count from.
	ren, err := rules.Calendar().Renew(now, now, d.Term)
	if err != nil {
		return err
	}
	end := ren.Span.End
	d.Anchor = ren.Anchor
	r.Status, r.PeriodStart, r.PeriodEnd, r.UpdatedAt = next, now, end, now
	d.Since, d.NextReminder, d.NextAttempt = now, 0, 0
	discount, err := d.Line.TermDiscount.Add(d.Line.Discount)
	if err != nil {
		return err
	}
	inv, err := s.issueInvoice(ctx, tx, acct, r, d, d.Line.Breakdown, period.Span{Start: now, End: end}, d.Line.Base, discount, "")
	if err != nil {
		return err
	}
	d.InvoiceIDs = append(d.InvoiceIDs, inv.ID)
	// The term's value is what its invoice says was paid.
	list, err := listValue(d.Line)
	if err != nil {
		return err
	}
	v, err := lifecycle.Rebase(now, end, inv.Total, list)
	if err != nil {
		return err
	}
	setValue(d, v)
	if err := s.schedule(r, d, rules); err != nil {
		return err
	}
	r.ResourceDetail = *d
	if _, err := tx.Resources().Update(ctx, *r); err != nil {
		return err
	}
	if actor == "" {
		if actor, err = s.orderActor(ctx, tx, acct, r.OrderID); err != nil {
			return err
		}
	}
	return s.logAction(ctx, tx, acct, actor, r.ID, invoice.ActionCreate, pricing.Configuration{}, d.Configuration,
		period.Span{}, period.Span{Start: now, End: end}, inv.ID, "")
}

// failProvisioning refunds a resource that could not be created.
func (s *System) failProvisioning(ctx context.Context, tx storage.Tx, acct Account, r *storage.Resource, d *resourceData, reason, actor string) error {
	next, err := lifecycle.Next(lifecycle.State(r.Status), lifecycle.EventProvisionFailed)
	if err != nil {
		return err
	}
	now := s.now()
	r.Status, r.UpdatedAt = next, now
	d.FailureReason = orDefault(reason, "provisioning failed")
	// A postpaid resource was not paid for: nothing to refund, and it is
	// never billed (it never ran).
	if !d.Postpaid && d.Line.Total.IsPositive() {
		sp, err := tx.Payments().GetForUpdate(ctx, acct.ID, d.PaymentID)
		if err != nil {
			return mapNotFound(err, ErrPaymentNotFound, d.PaymentID)
		}
		if err := s.refundInTx(ctx, tx, acct, &sp, d.Line.Total, "provisioning failed: "+d.FailureReason); err != nil {
			return err
		}
	}
	if err := s.releaseCouponShares(ctx, tx, acct, r.OrderID, d.CouponShares); err != nil {
		return err
	}
	r.ResourceDetail = *d
	if _, err := tx.Resources().Update(ctx, *r); err != nil {
		return err
	}
	return s.logAction(ctx, tx, acct, actor, r.ID, invoice.ActionProvisionFailed, d.Configuration, pricing.Configuration{},
		period.Span{}, period.Span{}, "", d.FailureReason)
}

// releaseCouponShares gives a failed resource's coupon shares back: each
// redemption of the order shrinks by the share, and is released once
// nothing of it is left in use.
func (s *System) releaseCouponShares(ctx context.Context, tx storage.Tx, acct Account, orderID string, shares map[string]money.Amount) error {
	if len(shares) == 0 {
		return nil
	}
	list, err := tx.Redemptions().ListByOrder(ctx, acct.ID, orderID)
	if err != nil {
		return err
	}
	for _, rd := range list {
		share, ok := shares[rd.Code]
		if !ok || rd.Status == redemptionReleased {
			continue
		}
		left, err := rd.Amount.Sub(share)
		if err != nil {
			return err
		}
		rd.Amount, rd.UpdatedAt = left, s.now()
		if !left.IsPositive() {
			next, err := coupon.NextRedemption(coupon.RedemptionStatus(rd.Status), coupon.RedemptionRelease)
			if err != nil {
				return err
			}
			rd.Status = next
		}
		if err := tx.Redemptions().Update(ctx, rd); err != nil {
			return err
		}
	}
	return nil
}

// completeOrderIfDone marks a paid order completed once every resource has
// a provisioning outcome.
func (s *System) completeOrderIfDone(ctx context.Context, tx storage.Tx, acct Account, orderID string) error {
	resources, err := tx.Resources().ListByOrder(ctx, acct.ID, orderID)
	if err != nil {
		return err
	}
	for _, r := range resources {
		if st := lifecycle.State(r.Status); st == lifecycle.StateProvisioning || st == lifecycle.StatePendingPayment {
			return nil
		}
	}
	o, err := tx.Orders().GetForUpdate(ctx, acct.ID, orderID)
	if err != nil || o.Status != order.StatusPaid {
		return err
	}
	o.Status, o.UpdatedAt = order.StatusCompleted, s.now()
	return tx.Orders().Update(ctx, o)
}

// issueInvoice creates and issues a resource's invoice, Paid, with one line
// for span: amount before discounts, the discounts (term and coupon
// shares), and the catalog's tax. Numbers come from the year's series in
// the account's zone, allocated in this transaction (gapless).
func (s *System) issueInvoice(ctx context.Context, tx storage.Tx, acct Account, r *storage.Resource, d *resourceData,
	details []string, span period.Span, amount, discount money.Amount, memo string) (invoice.Invoice, error) {
	tax, err := s.taxFor(acct.Currency)
	if err != nil {
		return invoice.Invoice{}, err
	}
	mode := invoice.TaxExclusive
	if tax.Mode.String() == "inclusive" {
		mode = invoice.TaxInclusive
	}
	return s.issueInvoiceIn(ctx, tx, acct, r, d, details, span, amount, discount, memo, mode)
}

// issueValueInvoice issues a resource's Paid invoice whose total is
// exactly value, tax included: the line's amount is the list total listTotal
// (tax included) and the difference is the customer's discount. A resize
// uses it for the value carried into the new configuration, which is
// money already paid with its tax, so the document states prices with tax
// included whatever the catalog's mode.
func (s *System) issueValueInvoice(ctx context.Context, tx storage.Tx, acct Account, r *storage.Resource, d *resourceData,
	details []string, span period.Span, listTotal, value money.Amount, memo string) (invoice.Invoice, error) {
	amount := listTotal
	if c, err := value.Cmp(listTotal); err != nil {
		return invoice.Invoice{}, err
	} else if c > 0 {
		amount = value
	}
	discount, err := amount.Sub(value)
	if err != nil {
		return invoice.Invoice{}, err
	}
	return s.issueInvoiceIn(ctx, tx, acct, r, d, details, span, amount, discount, memo, invoice.TaxInclusive)
}

// issueInvoiceIn is issueInvoice with the document's tax mode given.
func (s *System) issueInvoiceIn(ctx context.Context, tx storage.Tx, acct Account, r *storage.Resource, d *resourceData,
	details []string, span period.Span, amount, discount money.Amount, memo string, mode invoice.TaxMode) (invoice.Invoice, error) {
	now := s.now()
	tax, err := s.taxFor(acct.Currency)
	if err != nil {
		return invoice.Invoice{}, err
	}
	id, err := s.newID("inv")
	if err != nil {
		return invoice.Invoice{}, err
	}
	line, err := invoice.PriceLine(invoice.LineInput{
		Description: describeResource(r.ProductID, d), Period: span, Quantity: decimalOne(),
		UnitPrice: amount, Discount: discount, TaxRate: tax.Rate, Details: details,
	}, mode)
	if err != nil {
		return invoice.Invoice{}, err
	}
	draft, err := invoice.New(invoice.Draft{ID: id, AccountID: acct.ID, ResourceID: r.ID, Currency: acct.Currency,
		TaxMode: mode, Lines: []invoice.Line{line}, CreatedAt: now, Memo: memo})
	if err != nil {
		return invoice.Invoice{}, err
	}
	cal := s.rules(acct, r.ProductID).Calendar()
	series, err := invoice.SeriesFor(invoice.KindInvoice, now, cal.Location())
	if err != nil {
		return invoice.Invoice{}, err
	}
	num, err := tx.Invoices().NextNumber(ctx, series)
	if err != nil {
		return invoice.Invoice{}, err
	}
	issued, err := invoice.IssuePaid(draft, series, num, now)
	if err != nil {
		return invoice.Invoice{}, err
	}
	if err := s.storeInvoice(ctx, tx, issued, r.OrderID, true); err != nil {
		return invoice.Invoice{}, err
	}
	return issued, s.emit(ctx, tx, acct.ID, r.ID, EventInvoiceIssued, "", InvoicePayload{InvoiceID: issued.ID,
		Number: issued.DisplayNumber(), ResourceID: r.ID, Total: issued.Total, Status: issued.Status})
}

// storeInvoice writes an invoice value to the store (create or update).
func (s *System) storeInvoice(ctx context.Context, tx storage.Tx, inv invoice.Invoice, orderID string, create bool) error {
	rec := storage.Invoice{Invoice: inv, OrderID: orderID, UpdatedAt: s.now()}
	if create {
		return tx.Invoices().Create(ctx, rec)
	}
	return tx.Invoices().Update(ctx, rec)
}

// logAction appends one action-log record, attributed to actor (the
// account itself when empty).
func (s *System) logAction(ctx context.Context, tx storage.Tx, acct Account, actor, resourceID string, kind invoice.ActionKind,
	oldCfg, newCfg pricing.Configuration, oldSpan, newSpan period.Span, invoiceID, note string) error {
	id, err := s.newID("act")
	if err != nil {
		return err
	}
	_, err = tx.Actions().Append(ctx, storage.Action{Action: invoice.Action{ID: id, AccountID: acct.ID, ResourceID: resourceID,
		Kind: kind, Actor: orDefault(actor, acct.ID), At: s.now(), OldConfiguration: actionConfig(oldCfg),
		NewConfiguration: actionConfig(newCfg), OldPeriod: oldSpan, NewPeriod: newSpan, InvoiceID: invoiceID, Note: note}})
	return err
}

// actionConfig is a catalog configuration as the action log records it.
func actionConfig(c pricing.Configuration) invoice.Configuration {
	return invoice.Configuration{Plan: c.Plan, Components: c.Components}
}

func describeResource(productID string, d *resourceData) string {
	if d.Configuration.Plan != "" {
		return fmt.Sprintf("%s %s", productID, d.Configuration.Plan)
	}
	return productID
}

// schedule sets the resource's next due time from the lifecycle rules.
func (s *System) schedule(r *storage.Resource, d *resourceData, rules lifecycle.Rules) error {
	v := lifecycle.ResourceView{State: lifecycle.State(r.Status), End: r.PeriodEnd, Since: d.Since, AutoRenew: d.AutoRenew,
		NextReminder: d.NextReminder, NextAttempt: d.NextAttempt}
	if !v.State.Scheduled() {
		r.NextDueAt = time.Time{}
		return nil
	}
	at, ok, err := rules.NextDue(v)
	if err != nil {
		return err
	}
	if !ok {
		at = time.Time{}
	}
	r.NextDueAt = at
	return nil
}

func decimalOne() decimal.Decimal { return decimal.NewFromInt(1) }

// orderActor returns who placed an order ("" when unknown).
func (s *System) orderActor(ctx context.Context, tx storage.Tx, acct Account, orderID string) (string, error) {
	if orderID == "" {
		return "", nil
	}
	o, err := tx.Orders().Get(ctx, acct.ID, orderID)
	if err != nil {
		return "", err
	}
	return o.Actor, nil
}
