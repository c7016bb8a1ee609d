package billing

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/ordering"
	"github.com/cloudbill/cloudbill/billing/internal/resource"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

// RenewalPreview is what a renewal would charge now, for a customer to
// confirm before paying.
type RenewalPreview struct {
	// Quote prices one line per resource, with the renew coupons split
	// across them, tax and total, exactly as Renew would charge it now.
	// Pass its Total as PaySpec.ExpectedTotal to Renew: a quote that
	// changed in between is refused (QuoteChangedError), never charged.
	Quote pricing.Quote `json:"quote"`
	// Ends are the resources' new period ends, in req.ResourceIDs order,
	// in the account's time zone.
	Ends []time.Time `json:"ends"`
}

// PreviewRenew prices req as Renew would now — the same terms check, the
// same lifecycle check, the same coupons for the renew action — and
// changes nothing: no order, no payment, no coupon reserved. Its errors
// are Renew's (an unknown or another account's resource is
// ErrResourceNotFound, a term the product does not sell a
// *RequestError, a coupon a *coupon.Rejection, a released resource
// lifecycle.ErrIllegalTransition); req's Method and Gateway are not
// needed.
func (s *System) PreviewRenew(ctx context.Context, req RenewRequest) (RenewalPreview, error) {
	if err := validateRenew(req); err != nil {
		return RenewalPreview{}, err
	}
	if err := req.Term.Validate(); err != nil {
		return RenewalPreview{}, &RequestError{Field: "Term", Reason: err.Error(), Err: err}
	}
	line := s.renewLine(req.Term)
	var out RenewalPreview
	err := s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		acct, err := core.GetAccount(ctx, tx, req.AccountID, false)
		if err != nil {
			return err
		}
		items := make([]pricing.QuoteItem, 0, len(req.ResourceIDs))
		out.Ends = make([]time.Time, 0, len(req.ResourceIDs))
		seen := map[string]bool{}
		for _, id := range req.ResourceIDs {
			if seen[id] {
				return &RequestError{Field: "ResourceIDs", Reason: fmt.Sprintf("%q is listed twice", id)}
			}
			seen[id] = true
			r, err := tx.Resources().Get(ctx, acct.ID, id)
			if err != nil {
				return core.MapNotFound(err, ErrResourceNotFound, id)
			}
			if r.ResourceDetail.Postpaid {
				return resource.ErrPostpaidTerm(r.ID, "renew")
			}
			item, target, err := line(acct, r, r.ResourceDetail)
			if err != nil {
				return err
			}
			items = append(items, item)
			out.Ends = append(out.Ends, core.InZone(target.End, s.env.Zone(acct)))
		}
		out.Quote, _, err = ordering.PriceLines(ctx, s.env, tx, acct, coupon.ActionRenew, items, req.Coupons)
		return err
	})
	if err != nil {
		return RenewalPreview{}, err
	}
	return out, nil
}

// DeletionPreview is what deleting a resource now would give back.
type DeletionPreview struct {
	// UnusedValue and Refunded are DeleteResult's, as Delete would return
	// them now: Refunded goes back to credit (zero when the product's
	// policy does not refund deletes, and for a postpaid resource, whose
	// last bill comes at month close).
	UnusedValue money.Amount `json:"unused_value"`
	Refunded    money.Amount `json:"refunded"`
}

// PreviewDelete computes what Delete would refund for the resource now
// and changes nothing. Its errors are Delete's: ErrResourceNotFound for an
// unknown or another account's resource, lifecycle.ErrIllegalTransition
// for one that cannot be deleted (already deleted or released).
func (s *System) PreviewDelete(ctx context.Context, accountID, resourceID string) (DeletionPreview, error) {
	if err := validateDelete(DeleteRequest{AccountID: accountID, ResourceID: resourceID}); err != nil {
		return DeletionPreview{}, err
	}
	var out DeletionPreview
	err := s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		acct, err := core.GetAccount(ctx, tx, accountID, false)
		if err != nil {
			return err
		}
		r, err := tx.Resources().Get(ctx, acct.ID, resourceID)
		if err != nil {
			return core.MapNotFound(err, ErrResourceNotFound, resourceID)
		}
		d := r.ResourceDetail
		if _, err := lifecycle.Next(lifecycle.State(r.Status), lifecycle.EventDelete); err != nil {
			return err
		}
		zero := d.PricePer30Days.MulInt(0)
		out = DeletionPreview{UnusedValue: zero, Refunded: zero}
		if d.Postpaid {
			return nil
		}
		rules, now := s.env.Rules(acct, r.ProductID), s.env.Now()
		if out.UnusedValue, err = lifecycle.DeleteRefund(d.PricePer30Days, now, r.PeriodEnd, rules.Policy()); err != nil {
			return err
		}
		if rules.Policy().RefundOnDelete {
			out.Refunded, _, err = resource.UnusedValue(ctx, s.env, tx, acct, r, d, now)
		}
		return err
	})
	if err != nil {
		return DeletionPreview{}, err
	}
	return out, nil
}
