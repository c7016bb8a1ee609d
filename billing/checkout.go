package billing

import (
	"context"
	"fmt"

	"github.com/cloudbill/cloudbill/billing/order"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// CheckoutRequest is step 2 of the seed's flow: quantity and usage time,
// coupons, and the way to pay.
type CheckoutRequest struct {
	AccountID string      `json:"account_id"`
	Items     []OrderItem `json:"items"`
	// Coupons are the codes the customer entered, in order.
	Coupons []string `json:"coupons,omitempty"`
	// Method, Gateway, LinkedAccountID and ReturnURL are as in PayRequest.
	Method          payment.Method `json:"method"`
	Gateway         string         `json:"gateway,omitempty"`
	LinkedAccountID string         `json:"linked_account_id,omitempty"`
	ReturnURL       string         `json:"return_url,omitempty"`
	// ExpectedTotal, when set, is the total of the quote the customer
	// confirmed. If prices or coupons changed since, the checkout is
	// rejected with a *QuoteChangedError and nothing changes: the host
	// shows the new quote and asks again. Leave it zero to accept the
	// current price.
	ExpectedTotal money.Amount `json:"expected_total"`
	// Actor is who placed the order (for the action log); default the
	// account id.
	Actor string `json:"actor,omitempty"`
}

// CheckoutResult is what the host needs after checkout: the order, its one
// payment (redirect the customer to Payment.RedirectURL when it is
// pending), and one resource per unit bought.
type CheckoutResult struct {
	Order     Order      `json:"order"`
	Payment   Payment    `json:"payment"`
	Resources []Resource `json:"resources"`
}

// PreviewCheckout quotes a checkout request — the lines, each resource's
// share of every coupon, tax and total — exactly as Checkout would charge
// it now, without changing anything. Coupon rejections come back as
// *coupon.Rejection errors.
func (s *System) PreviewCheckout(ctx context.Context, req CheckoutRequest) (pricing.Quote, error) {
	if err := s.validateCheckout(req); err != nil {
		return pricing.Quote{}, err
	}
	if err := validateItems(req.Items); err != nil {
		return pricing.Quote{}, err
	}
	var q pricing.Quote
	err := s.store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		acct, err := getAccount(ctx, tx, req.AccountID, false)
		if err != nil {
			return err
		}
		q, _, err = s.priceOrder(ctx, tx, acct, req)
		return err
	})
	return q, err
}

// Checkout places an order and pays it in one transaction: it prices the
// items (one quote line and one resource per unit), applies and reserves
// the coupons, records the order, the resources (pending payment) and the
// single payment. Paid by credit it completes at once; through a gateway
// the result's payment is pending and the order completes on the gateway's
// callback. Once paid, each resource gets an EventProvision event; the host
// provisions it and reports with ProvisioningSucceeded (the resource turns
// active and its invoice is issued Paid) or ProvisioningFailed (its share is
// refunded to credit and its coupon share released).
//
// Idempotent per (AccountID, key): a double-submitted checkout returns the
// first order. Rejections — bad items, a coupon rejection
// (coupon.ErrRejected), insufficient credit, a changed quote — change
// nothing and reserve nothing.
func (s *System) Checkout(ctx context.Context, key string, req CheckoutRequest) (CheckoutResult, error) {
	if err := s.validateCheckout(req); err != nil {
		return CheckoutResult{}, err
	}
	if err := validateItems(req.Items); err != nil {
		return CheckoutResult{}, err
	}
	if req.Method == payment.MethodGateway || req.Method == payment.MethodTopUpAndPay {
		if _, err := s.gateway(req.Gateway); err != nil {
			return CheckoutResult{}, err
		}
	}
	placed, err := idempotent(ctx, s, req.AccountID, key, "order.checkout", req, func(ctx context.Context, tx storage.Tx) (placedOrder, error) {
		acct, err := getAccount(ctx, tx, req.AccountID, true)
		if err != nil {
			return placedOrder{}, err
		}
		return s.placeOrder(ctx, tx, acct, req)
	})
	if err != nil {
		return CheckoutResult{}, err
	}
	return s.placedResult(ctx, req.AccountID, placed, req.ReturnURL)
}

// placedResult reads back what a placed order looks like now: its payment,
// the order and its resources, in one transaction. A payment still to be
// submitted to its gateway is submitted first, so what is read includes
// the outcome. The order is committed before this runs: a failure reading
// it back is reported (a retry with the same key returns the whole
// result), never hidden behind an empty one.
func (s *System) placedResult(ctx context.Context, accountID string, placed placedOrder, returnURL string) (CheckoutResult, error) {
	res, unsubmitted, err := s.readPlaced(ctx, accountID, placed, true)
	if err != nil || !unsubmitted {
		return res, err
	}
	_, submitErr := s.submitPayment(ctx, accountID, placed.PaymentID, returnURL)
	res, _, err = s.readPlaced(ctx, accountID, placed, false)
	return res, firstError(submitErr, err)
}

// readPlaced reads a placed order's payment, order and resources in one
// transaction. With stopIfUnsubmitted, a payment still "created" (not yet
// sent to its gateway) ends the read early and is reported, so that the
// caller submits it before reading the rest.
func (s *System) readPlaced(ctx context.Context, accountID string, placed placedOrder, stopIfUnsubmitted bool) (CheckoutResult, bool, error) {
	var res CheckoutResult
	unsubmitted := false
	err := s.store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		res, unsubmitted = CheckoutResult{}, false
		if placed.PaymentID != "" { // an order a coupon made free has no payment
			sp, err := tx.Payments().Get(ctx, accountID, placed.PaymentID)
			if err != nil {
				return mapNotFound(err, ErrPaymentNotFound, placed.PaymentID)
			}
			res.Payment = paymentView(sp)
			if unsubmitted = sp.Status == payment.StatusCreated && stopIfUnsubmitted; unsubmitted {
				return nil
			}
		}
		acct, err := getAccount(ctx, tx, accountID, false)
		if err != nil {
			return err
		}
		o, err := tx.Orders().Get(ctx, accountID, placed.OrderID)
		if err != nil {
			return mapNotFound(err, ErrOrderNotFound, placed.OrderID)
		}
		if res.Order, err = orderView(o); err != nil {
			return err
		}
		list, err := tx.Resources().ListByOrder(ctx, accountID, placed.OrderID)
		if err != nil {
			return err
		}
		res.Resources, err = s.resourceViews(acct, list)
		return err
	})
	return res, unsubmitted, err
}

// firstError returns a if it is set, else b.
func firstError(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// expandItems turns order items into one quote item per resource.
func expandItems(items []OrderItem) []pricing.QuoteItem {
	var out []pricing.QuoteItem
	for _, it := range items {
		for range it.Quantity {
			out = append(out, pricing.QuoteItem{ProductID: it.ProductID, Configuration: it.Configuration, Quantity: 1, Term: it.Term})
		}
	}
	return out
}

// priceOrder quotes a checkout for acct: one line per resource, coupons
// applied to the eligible lines, each term checked by the catalog of the
// account's currency.
func (s *System) priceOrder(ctx context.Context, tx storage.Tx, acct Account, req CheckoutRequest) (pricing.Quote, coupon.Result, error) {
	if err := s.checkItemTerms(acct.Currency, req.Items); err != nil {
		return pricing.Quote{}, coupon.Result{}, err
	}
	return s.priceLines(ctx, tx, acct, coupon.ActionCreate, expandItems(req.Items), req.Coupons)
}

// priceLines quotes items (quantity 1 each) for acct, by the catalog of
// its currency, with the entered coupons evaluated for action.
func (s *System) priceLines(ctx context.Context, tx storage.Tx, acct Account, action coupon.Action, items []pricing.QuoteItem, codes []string) (pricing.Quote, coupon.Result, error) {
	cat, err := s.catalogFor(acct.Currency)
	if err != nil {
		return pricing.Quote{}, coupon.Result{}, err
	}
	base, err := cat.Quote(pricing.QuoteRequest{Items: items})
	if err != nil {
		return pricing.Quote{}, coupon.Result{}, err
	}
	discounts, cres, err := s.applyCoupons(ctx, tx, acct, action, codes, base.Lines)
	if err != nil || len(discounts) == 0 {
		return base, cres, err
	}
	q, err := cat.Quote(pricing.QuoteRequest{Items: items, Discounts: discounts})
	if err != nil {
		return pricing.Quote{}, coupon.Result{}, err
	}
	// The quote splits each coupon exactly as the coupon rules did; a
	// difference would be a bug, never silently charged.
	for _, a := range cres.Applied {
		for i, share := range a.Shares {
			got := money.Amount{}
			for _, d := range q.Lines[i].Discounts {
				if d.Code == a.Code {
					got = d.Amount
				}
			}
			if !share.IsZero() && !got.Equal(share) {
				return pricing.Quote{}, coupon.Result{}, fmt.Errorf("billing: coupon %s split %s on line %d but quoted %s", a.Code, share, i, got)
			}
		}
	}
	return q, cres, nil
}

// placeOrder records a checkout inside its transaction (the account
// locked).
func (s *System) placeOrder(ctx context.Context, tx storage.Tx, acct Account, req CheckoutRequest) (placedOrder, error) {
	if acct.Type == Postpaid {
		return s.placePostpaidOrder(ctx, tx, acct, req)
	}
	q, cres, err := s.priceOrder(ctx, tx, acct, req)
	if err != nil {
		return placedOrder{}, err
	}
	return s.recordOrder(ctx, tx, acct, orderSpec{Kind: order.KindCreate, Items: req.Items, Coupons: req.Coupons, Actor: req.Actor,
		Method: req.Method, Gateway: req.Gateway, LinkedAccountID: req.LinkedAccountID, ReturnURL: req.ReturnURL,
		ExpectedTotal: req.ExpectedTotal}, q, cres)
}

// orderSpec is what recordOrder needs besides the quote.
type orderSpec struct {
	Kind    order.Kind
	Items   []OrderItem
	Coupons []string
	Actor   string
	// Targets are the existing resources the lines act on (renew,
	// recover, match end time), by line; empty for a checkout, which
	// creates its resources.
	Targets         []order.Target
	Method          payment.Method
	Gateway         string
	LinkedAccountID string
	ReturnURL       string
	ExpectedTotal   money.Amount
}

// placedOrder is what recording an order gives back: the order and its
// payment ("" when nothing was left to pay).
type placedOrder struct {
	OrderID   string `json:"order_id"`
	PaymentID string `json:"payment_id,omitempty"`
}

// recordOrder stores an order for quote q, the coupon reservations, the
// resources it creates (checkout) and its single payment, and settles the
// order at once when nothing is left to pay through a gateway.
func (s *System) recordOrder(ctx context.Context, tx storage.Tx, acct Account, spec orderSpec, q pricing.Quote, cres coupon.Result) (placedOrder, error) {
	if !spec.ExpectedTotal.IsZero() && !spec.ExpectedTotal.Equal(q.Total) {
		return placedOrder{}, &QuoteChangedError{Expected: spec.ExpectedTotal, Current: q.Total}
	}
	now := s.now()
	orderID, err := s.newID("ord")
	if err != nil {
		return placedOrder{}, err
	}
	actor := orDefault(spec.Actor, acct.ID)
	detail := order.Detail{Kind: spec.Kind, Items: spec.Items, Coupons: spec.Coupons, Quote: q, Actor: actor, Targets: spec.Targets}
	if err := tx.Orders().Create(ctx, storage.Order{ID: orderID, AccountID: acct.ID, Status: order.StatusPending, Total: q.Total,
		Detail: detail, CreatedAt: now, UpdatedAt: now}); err != nil {
		return placedOrder{}, err
	}
	for _, a := range cres.Applied {
		rid, err := s.newID("rdm")
		if err != nil {
			return placedOrder{}, err
		}
		if err := tx.Redemptions().Create(ctx, storage.Redemption{ID: rid, Code: a.Code, AccountID: acct.ID, OrderID: orderID,
			Status: redemptionReserved, Amount: a.Amount, CreatedAt: now, UpdatedAt: now}); err != nil {
			return placedOrder{}, err
		}
	}
	if spec.Kind == order.KindCreate {
		if err := s.createResources(ctx, tx, acct, orderID, q, cres, false); err != nil {
			return placedOrder{}, err
		}
	}
	if !q.Total.IsPositive() {
		// Nothing to pay (a 100% coupon): the order is paid as placed.
		return placedOrder{OrderID: orderID}, s.orderPaid(ctx, tx, acct, orderID, nil)
	}
	p, err := s.preparePayment(ctx, tx, acct, PayRequest{
		AccountID: acct.ID, Amount: q.Total, Method: spec.Method, Gateway: spec.Gateway, LinkedAccountID: spec.LinkedAccountID,
		ReturnURL: spec.ReturnURL, Description: fmt.Sprintf("%s order %s", spec.Kind, orderID),
		Purpose: payment.Purpose{Kind: payment.PurposeOrder, Ref: orderID},
	})
	if err != nil {
		return placedOrder{}, err
	}
	if p.Status == payment.StatusSucceeded {
		// Settled already (credit): settling recorded the payment id.
		return placedOrder{OrderID: orderID, PaymentID: p.ID}, nil
	}
	cur, err := tx.Orders().GetForUpdate(ctx, acct.ID, orderID)
	if err != nil {
		return placedOrder{}, err
	}
	cur.PaymentID = p.ID
	return placedOrder{OrderID: orderID, PaymentID: p.ID}, tx.Orders().Update(ctx, cur)
}

// createResources stores one resource per quote line, pending payment.
func (s *System) createResources(ctx context.Context, tx storage.Tx, acct Account, orderID string, q pricing.Quote, cres coupon.Result, postpaid bool) error {
	now := s.now()
	cat, err := s.catalogFor(acct.Currency)
	if err != nil {
		return err
	}
	for i, line := range q.Lines {
		price, err := cat.PricePer30Days(line.ProductID, line.Configuration)
		if err != nil {
			return err
		}
		d := resourceData{Configuration: line.Configuration, Term: line.Term, PricePer30Days: price.Amount, Line: line,
			AutoRenewTerm: s.rules(acct, line.ProductID).Policy().AutoRenewTerm, CouponShares: lineShares(cres, i), Postpaid: postpaid}
		rid, err := s.newID("res")
		if err != nil {
			return err
		}
		r := storage.Resource{ID: rid, AccountID: acct.ID, OrderID: orderID, ProductID: line.ProductID,
			Status: lifecycle.StatePendingPayment, CreatedAt: now, UpdatedAt: now}
		r.ResourceDetail = d
		if err := tx.Resources().Create(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

// lineShares returns line i's share of each applied coupon, by code.
func lineShares(cres coupon.Result, i int) map[string]money.Amount {
	var out map[string]money.Amount
	for _, a := range cres.Applied {
		if i < len(a.Shares) && a.Shares[i].IsPositive() {
			if out == nil {
				out = map[string]money.Amount{}
			}
			out[a.Code] = a.Shares[i]
		}
	}
	return out
}

// validateItems rejects empty or absurd orders before any work.
func validateItems(items []OrderItem) error {
	if len(items) == 0 {
		return &RequestError{Field: "Items", Reason: "an order needs at least one item"}
	}
	total := int64(0)
	for i, it := range items {
		if it.Quantity < 1 || it.Quantity > MaxOrderResources {
			return &RequestError{Field: fmt.Sprintf("Items[%d].Quantity", i), Reason: fmt.Sprintf("%d is outside 1–%d", it.Quantity, MaxOrderResources)}
		}
		if err := it.Term.Validate(); err != nil {
			return &RequestError{Field: fmt.Sprintf("Items[%d].Term", i), Reason: err.Error(), Err: err}
		}
		total += it.Quantity
	}
	if total > MaxOrderResources {
		return &RequestError{Field: "Items", Reason: fmt.Sprintf("%d resources in one order (at most %d)", total, MaxOrderResources)}
	}
	return nil
}

// QuoteChangedError reports a checkout whose price changed since the
// customer confirmed the quote.
type QuoteChangedError struct {
	Expected, Current money.Amount
}

// Error says what the order costs now and what was quoted.
func (e *QuoteChangedError) Error() string {
	return fmt.Sprintf("billing: the order now costs %s, not the %s quoted", e.Current, e.Expected)
}

// Is makes a *QuoteChangedError match ErrQuoteChanged.
func (e *QuoteChangedError) Is(target error) bool { return target == ErrQuoteChanged }

// emptyCoupons is the coupon result of an order without coupons.
func emptyCoupons() coupon.Result { return coupon.Result{} }
