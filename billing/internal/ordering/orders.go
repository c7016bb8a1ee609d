package ordering

import (
	"context"
	"fmt"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/ledger"
	"github.com/cloudbill/cloudbill/billing/internal/pay"
	"github.com/cloudbill/cloudbill/billing/internal/settle"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// FirstError returns a if it is set, else b.
func FirstError(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// expandItems turns order items into one quote item per resource.
func expandItems(items []order.Item) []pricing.QuoteItem {
	var out []pricing.QuoteItem
	for _, it := range items {
		for range it.Quantity {
			out = append(out, pricing.QuoteItem{ProductID: it.ProductID, Configuration: it.Configuration, Quantity: 1, Term: it.Term})
		}
	}
	return out
}

// resourceNames names the resources of items, one per quote line of
// expandItems: an item's Name as given when it makes one resource, Name-1
// … Name-n when it makes n, "" for every resource of an unnamed item.
func resourceNames(items []order.Item) []string {
	var out []string
	for _, it := range items {
		for k := range it.Quantity {
			name := it.Name
			if name != "" && it.Quantity > 1 {
				name = fmt.Sprintf("%s-%d", it.Name, k+1)
			}
			out = append(out, name)
		}
	}
	return out
}

// PriceOrder quotes a checkout for acct: one line per resource, coupons
// applied to the eligible lines, each term checked by the catalog of the
// account's currency. A postpaid account's quote is marked Estimate.
func PriceOrder(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, req billingtype.CheckoutRequest) (pricing.Quote, coupon.Result, error) {
	if err := s.CheckItemTerms(acct.Currency, req.Items); err != nil {
		return pricing.Quote{}, coupon.Result{}, err
	}
	q, cres, err := PriceLines(ctx, s, tx, acct, coupon.ActionCreate, expandItems(req.Items), req.Coupons)
	// A postpaid account pays nothing at checkout: its quote is what the
	// items would cost for their terms, an estimate of bills to come.
	q.Estimate = err == nil && acct.Type == storage.Postpaid
	return q, cres, err
}

// PriceLines quotes items (quantity 1 each) for acct, by the catalog of
// its currency and taxed by the account's treatment, with the entered
// coupons evaluated for action.
func PriceLines(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, action coupon.Action, items []pricing.QuoteItem, codes []string) (pricing.Quote, coupon.Result, error) {
	cat, err := s.CatalogFor(acct.Currency)
	if err != nil {
		return pricing.Quote{}, coupon.Result{}, err
	}
	base, err := cat.Quote(pricing.QuoteRequest{Items: items, TaxTreatment: acct.TaxTreatment})
	if err != nil {
		return pricing.Quote{}, coupon.Result{}, err
	}
	discounts, cres, err := ApplyCoupons(ctx, s, tx, acct, action, codes, base.Lines)
	if err != nil || len(discounts) == 0 {
		return base, cres, err
	}
	q, err := cat.Quote(pricing.QuoteRequest{Items: items, Discounts: discounts, TaxTreatment: acct.TaxTreatment})
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

// PlaceOrder records a checkout inside its transaction (the account
// locked).
func PlaceOrder(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, req billingtype.CheckoutRequest) (PlacedOrder, error) {
	if acct.Type == storage.Postpaid {
		return placePostpaidOrder(ctx, s, tx, acct, req)
	}
	// The wallet first, before the coupons' reads and the order's
	// writes: it was read ahead with the account's lock (see Checkout).
	ws, err := ledger.LoadWallet(ctx, tx, acct)
	if err != nil {
		return PlacedOrder{}, err
	}
	q, cres, err := PriceOrder(ctx, s, tx, acct, req)
	if err != nil {
		return PlacedOrder{}, err
	}
	return RecordOrder(ctx, s, tx, acct, OrderSpec{Kind: order.KindCreate, Items: req.Items, Coupons: req.Coupons, Actor: req.Actor,
		Method: req.Method, Gateway: req.Gateway, LinkedAccountID: req.LinkedAccountID, ReturnURL: req.ReturnURL,
		ExpectedTotal: req.ExpectedTotal, Wallet: &ws}, q, cres)
}

// OrderSpec is what RecordOrder needs besides the quote.
type OrderSpec struct {
	Kind    order.Kind
	Items   []order.Item
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
	// Wallet is the account's wallet, read under its lock before
	// anything was written (a checkout reads it with the lock, in one
	// round trip); nil reads it when the payment is prepared.
	Wallet *ledger.WalletState
}

// PlacedOrder is what recording an order gives back: the order and its
// payment ("" when nothing was left to pay).
type PlacedOrder struct {
	OrderID   string `json:"order_id"`
	PaymentID string `json:"payment_id,omitempty"`
	// Written is what the transaction that placed the order wrote, for
	// the caller to show without reading it back; nil when the order was
	// placed by an earlier call (a replay) or by a path that does not
	// keep it. It is not part of the stored result.
	Written *Written `json:"-"`
}

// Written is an order as its placing transaction left it: the order, its
// payment (nil when nothing was paid) and its resources.
type Written struct {
	Account   storage.Account
	Order     storage.Order
	Payment   *storage.Payment
	Resources []storage.Resource
}

// RecordOrder stores an order for quote q, the coupon reservations, the
// resources it creates (checkout) and its single payment, and settles the
// order at once when nothing is left to pay through a gateway.
func RecordOrder(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, spec OrderSpec, q pricing.Quote, cres coupon.Result) (PlacedOrder, error) {
	if !spec.ExpectedTotal.IsZero() && !spec.ExpectedTotal.Equal(q.Total) {
		return PlacedOrder{}, &billingtype.QuoteChangedError{Expected: spec.ExpectedTotal, Current: q.Total}
	}
	now := s.Now()
	orderID, err := s.NewID("ord")
	if err != nil {
		return PlacedOrder{}, err
	}
	actor := core.OrDefault(spec.Actor, acct.ID)
	detail := order.Detail{Kind: spec.Kind, Items: spec.Items, Coupons: spec.Coupons, Quote: q, Actor: actor, Targets: spec.Targets}
	// The order's writes are held back and sent with the transaction's
	// next read or its commit; settling it in this transaction uses what
	// was written here rather than reading it back.
	wctx := storage.DeferWrites(ctx)
	k := &settle.Known{Order: storage.Order{ID: orderID, AccountID: acct.ID, Status: order.StatusPending, Total: q.Total,
		Detail: detail, CreatedAt: now, UpdatedAt: now}}
	if err := tx.Orders().Create(wctx, k.Order); err != nil {
		return PlacedOrder{}, err
	}
	if k.Redemptions, err = reserveRedemptions(wctx, s, tx, acct.ID, orderID, cres.Applied, now); err != nil {
		return PlacedOrder{}, err
	}
	k.RedemptionsKnown = true
	if spec.Kind == order.KindCreate {
		if k.Resources, err = createResources(wctx, s, tx, acct, orderID, q, cres, resourceNames(spec.Items), false); err != nil {
			return PlacedOrder{}, err
		}
		k.ResourcesComplete = true
	}
	ctx = settle.WithKnown(ctx, k)
	if !q.Total.IsPositive() {
		// Nothing to pay (a 100% coupon): the order is paid as placed.
		if err := settle.OrderPaid(ctx, s, tx, acct, orderID, nil); err != nil {
			return PlacedOrder{}, err
		}
		return PlacedOrder{OrderID: orderID, Written: writtenOf(acct, k, nil)}, nil
	}
	p, err := pay.PreparePaymentWith(ctx, s, tx, acct, spec.Wallet, billingtype.PayRequest{
		AccountID: acct.ID, Amount: q.Total, Method: spec.Method, Gateway: spec.Gateway, LinkedAccountID: spec.LinkedAccountID,
		ReturnURL: spec.ReturnURL, Description: fmt.Sprintf("%s order %s", spec.Kind, orderID),
		Purpose: payment.Purpose{Kind: payment.PurposeOrder, Ref: orderID},
	})
	if err != nil {
		return PlacedOrder{}, err
	}
	if p.Status == payment.StatusSucceeded {
		// Settled already (credit): settling recorded the payment id.
		return PlacedOrder{OrderID: orderID, PaymentID: p.ID, Written: writtenOf(acct, k, &p)}, nil
	}
	k.Order.PaymentID = p.ID
	if err := tx.Orders().Update(wctx, k.Order); err != nil {
		return PlacedOrder{}, err
	}
	return PlacedOrder{OrderID: orderID, PaymentID: p.ID, Written: writtenOf(acct, k, &p)}, nil
}

// createResources stores one resource per quote line, pending payment,
// line i named names[i].
func createResources(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, orderID string, q pricing.Quote, cres coupon.Result, names []string, postpaid bool) ([]storage.Resource, error) {
	if len(names) != len(q.Lines) {
		return nil, fmt.Errorf("ordering: %d resource names for %d quote lines", len(names), len(q.Lines))
	}
	now := s.Now()
	cat, err := s.CatalogFor(acct.Currency)
	if err != nil {
		return nil, err
	}
	out := make([]storage.Resource, 0, len(q.Lines))
	for i, line := range q.Lines {
		// The line's price is the catalog's price of its configuration:
		// cat.Quote priced it with this catalog (PriceLines), so it is
		// read from the line rather than computed a second time.
		price := line.Price
		if price.ProductID != line.ProductID || price.Amount.Currency() != cat.Currency() {
			if price, err = cat.PricePer30Days(line.ProductID, line.Configuration); err != nil {
				return nil, err
			}
		}
		d := storage.ResourceDetail{Configuration: line.Configuration, Term: line.Term, PricePer30Days: price.Amount, Line: line,
			AutoRenewTerm: s.Rules(acct, line.ProductID).Policy().AutoRenewTerm, CouponShares: lineShares(cres, i), Postpaid: postpaid, Name: names[i]}
		rid, err := s.NewID("res")
		if err != nil {
			return nil, err
		}
		r := storage.Resource{ID: rid, AccountID: acct.ID, OrderID: orderID, ProductID: line.ProductID,
			Status: lifecycle.StatePendingPayment, CreatedAt: now, UpdatedAt: now}
		r.ResourceDetail = d
		if err := tx.Resources().Create(ctx, r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
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

// emptyCoupons is the coupon result of an order without coupons.
func emptyCoupons() coupon.Result { return coupon.Result{} }
