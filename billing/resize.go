package billing

import (
	"context"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/ordering"
	"github.com/cloudbill/cloudbill/billing/internal/pay"
	"github.com/cloudbill/cloudbill/billing/internal/txn"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// ErrSameConfiguration: a resize to the configuration the resource has.
var ErrSameConfiguration = billingtype.ErrSameConfiguration

// ResizeResult is a resize's outcome.
type ResizeResult struct {
	Resource Resource `json:"resource"`
	// Difference is new price/30 × remaining days − old price/30 ×
	// remaining days, to the minute, before tax: positive is charged,
	// negative refunded to credit (when the product refunds downgrades).
	Difference money.Amount `json:"difference"`
	// Charged is what the payment takes (Difference plus its tax); zero
	// for a downgrade.
	Charged money.Amount `json:"charged"`
	// Refunded is what went back to credit (a downgrade).
	Refunded money.Amount `json:"refunded"`
	// Payment is the upgrade's payment (pending: the resize applies on the
	// gateway's callback); zero for a downgrade.
	Payment Payment `json:"payment"`
}

// Resize changes an active resource's configuration keeping its end date:
// the difference new/30 × remaining days − old/30 × remaining days, to the
// minute (upgrade 181,000 → 520,000 with 50 days left: 866,667 − 301,667 =
// 565,000; downgrade 520,000 → 181,000 with 20 days left: −226,000). The
// current invoice is adjusted by a credit note for the old configuration's
// remaining value and a new Paid invoice is issued for the rest of the term
// at the new one. An upgrade is paid like any order (applied at once by
// credit, on the callback through a gateway); a downgrade is applied at once
// and the difference refunded to credit if the product's policy allows.
// Coupons valid for the resize action discount an upgrade: evaluated on the
// difference and taken off the new invoice, so the charge drops by the
// discount and its tax (a downgrade with coupons is a *RequestError).
// The host gets an EventResize. Resizing to the same configuration is
// ErrSameConfiguration; outside active, lifecycle.ErrIllegalTransition; a
// postpaid upgrade (a higher price per 30 days) while the account has a bill
// past due, lifecycle.ErrAccountOverdue; nothing changes on rejection.
func (s *System) Resize(ctx context.Context, key string, req ResizeRequest) (_ ResizeResult, err error) {
	ctx, op := s.env.Tel.Start(ctx, "Resize")
	defer op.End(&err)
	if err := validateResize(req); err != nil {
		return ResizeResult{}, err
	}
	if req.PaySpec.Method == payment.MethodGateway || req.PaySpec.Method == payment.MethodTopUpAndPay {
		if _, err := s.env.Gateway(req.Gateway); err != nil {
			return ResizeResult{}, err
		}
	}
	out, err := txn.Idempotent(ctx, s.env, req.AccountID, key, "resource.resize", req, func(ctx context.Context, tx storage.Tx) (ordering.ResizeOutcome, error) {
		return ordering.Resize(ctx, s.env, tx, req)
	})
	if err != nil {
		return ResizeResult{}, err
	}
	res := ResizeResult{Difference: out.Difference, Charged: out.Charged, Refunded: out.Refunded}
	if out.PaymentID != "" { // none for a downgrade or an upgrade a coupon made free
		res.Payment, err = pay.SubmitPayment(ctx, s.env, req.AccountID, out.PaymentID, pay.Payer{ReturnURL: req.ReturnURL, ClientIP: req.ClientIP})
		if err != nil {
			return res, err
		}
	}
	res.Resource, err = s.Resource(ctx, req.AccountID, req.ResourceID)
	return res, err
}
