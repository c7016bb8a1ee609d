package ordering

import (
	"context"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/storage"
)

// RecordResizeOrder stores an upgrade's order and payment.
func RecordResizeOrder(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, req billingtype.ResizeRequest, charge pricing.Quote, target order.Resize, cres coupon.Result) (PlacedOrder, error) {
	return RecordOrder(ctx, s, tx, acct, OrderSpec{Kind: order.KindResize, Actor: req.Actor,
		Targets: []order.Target{{ResourceID: target.ResourceID, Start: target.Start, End: target.End, Resize: &target}},
		Method:  req.Method, Gateway: req.Gateway, LinkedAccountID: req.LinkedAccountID, ReturnURL: req.ReturnURL,
		ExpectedTotal: req.ExpectedTotal, Coupons: req.Coupons}, charge, cres)
}
