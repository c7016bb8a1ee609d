package billing

import (
	"context"
	"fmt"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/ordering"
	"github.com/cloudbill/cloudbill/billing/internal/pay"
	"github.com/cloudbill/cloudbill/billing/internal/txn"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

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
func (s *System) PreviewCheckout(ctx context.Context, req CheckoutRequest) (_ pricing.Quote, err error) {
	ctx, op := s.env.Tel.Start(ctx, "PreviewCheckout")
	defer op.End(&err)
	if err := s.validateCheckout(req); err != nil {
		return pricing.Quote{}, err
	}
	if err := validateItems(req.Items); err != nil {
		return pricing.Quote{}, err
	}
	var q pricing.Quote
	err = s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		acct, err := core.GetAccount(ctx, tx, req.AccountID, false)
		if err != nil {
			return err
		}
		q, _, err = ordering.PriceOrder(ctx, s.env, tx, acct, req)
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
func (s *System) Checkout(ctx context.Context, key string, req CheckoutRequest) (_ CheckoutResult, err error) {
	ctx, op := s.env.Tel.Start(ctx, "Checkout")
	defer op.End(&err)
	if err := s.validateCheckout(req); err != nil {
		return CheckoutResult{}, err
	}
	if err := validateItems(req.Items); err != nil {
		return CheckoutResult{}, err
	}
	if req.Method == payment.MethodGateway || req.Method == payment.MethodTopUpAndPay {
		if _, err := s.env.Gateway(req.Gateway); err != nil {
			return CheckoutResult{}, err
		}
	}
	// A replay reads the order as it is now in the claim's transaction.
	var now replayedOrder
	placed, _, err := txn.IdempotentRanOr(ctx, s.env, req.AccountID, key, "order.checkout", req, func(ctx context.Context, tx storage.Tx) (ordering.PlacedOrder, error) {
		// The account's lock and its wallet go out with the key's claim;
		// everything after is written, held back, with COMMIT.
		storage.ReadAhead(ctx, tx, storage.ReadAccount(req.AccountID, true), storage.ReadBalances(req.AccountID))
		acct, err := core.GetAccount(ctx, tx, req.AccountID, true)
		if err != nil {
			return ordering.PlacedOrder{}, err
		}
		return ordering.PlaceOrder(ctx, s.env, tx, acct, req)
	}, func(ctx context.Context, tx storage.Tx, placed ordering.PlacedOrder) error {
		var err error
		now.res, now.unsubmitted, err = s.readPlacedIn(ctx, tx, req.AccountID, placed, true)
		now.read = err == nil
		return err
	})
	if err != nil {
		return CheckoutResult{}, err
	}
	return s.placedResult(ctx, req.AccountID, placed, now, pay.Payer{ReturnURL: req.ReturnURL, ClientIP: req.ClientIP})
}

// replayedOrder is what a replayed checkout read of its order in the
// claim's transaction.
type replayedOrder struct {
	res         CheckoutResult
	unsubmitted bool
	read        bool
}

// placedResult is what a placed order looks like now: its payment, the
// order and its resources — as this call's transaction wrote them, as a
// replay read them in the claim's transaction (replayed), or read back in
// a transaction of their own. A payment still to be submitted to its
// gateway is submitted first, so what is shown includes the outcome. The
// order is committed before this runs: a failure reading it back is
// reported (a retry with the same key returns the whole result), never
// hidden behind an empty one.
func (s *System) placedResult(ctx context.Context, accountID string, placed ordering.PlacedOrder, replayed replayedOrder, payer pay.Payer) (CheckoutResult, error) {
	if w := placed.Written; w != nil && (w.Payment == nil || w.Payment.Status != payment.StatusCreated) {
		// Placed by this call and nothing left to submit: the result is
		// what the transaction wrote, with no second transaction to read
		// it back.
		return s.writtenResult(w)
	}
	if placed.Written == nil {
		// A replay: the payment may have been submitted since.
		if replayed.read && !replayed.unsubmitted {
			return replayed.res, nil
		}
		if !replayed.read {
			res, unsubmitted, err := s.readPlaced(ctx, accountID, placed, true)
			if err != nil || !unsubmitted {
				return res, err
			}
		}
	}
	_, submitErr := pay.SubmitPayment(ctx, s.env, accountID, placed.PaymentID, payer)
	res, _, err := s.readPlaced(ctx, accountID, placed, false)
	return res, ordering.FirstError(submitErr, err)
}

// writtenResult shows an order as its placing transaction wrote it, in
// the account's zone, as readPlaced would read it right after the commit.
func (s *System) writtenResult(w *ordering.Written) (CheckoutResult, error) {
	var res CheckoutResult
	zone := s.env.Zone(w.Account)
	if w.Payment != nil {
		res.Payment = core.PaymentView(*w.Payment, zone)
	}
	var err error
	if res.Order, err = orderView(w.Order, zone); err != nil {
		return CheckoutResult{}, err
	}
	res.Resources, err = s.resourceViews(w.Account, w.Resources)
	return res, err
}

// readPlaced reads a placed order's payment, order and resources in one
// transaction. With stopIfUnsubmitted, a payment still "created" (not yet
// sent to its gateway) ends the read early and is reported, so that the
// caller submits it before reading the rest.
func (s *System) readPlaced(ctx context.Context, accountID string, placed ordering.PlacedOrder, stopIfUnsubmitted bool) (CheckoutResult, bool, error) {
	var res CheckoutResult
	unsubmitted := false
	err := s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		var err error
		res, unsubmitted, err = s.readPlacedIn(ctx, tx, accountID, placed, stopIfUnsubmitted)
		return err
	})
	return res, unsubmitted, err
}

// readPlacedIn is readPlaced inside the caller's transaction tx.
func (s *System) readPlacedIn(ctx context.Context, tx storage.Tx, accountID string, placed ordering.PlacedOrder, stopIfUnsubmitted bool) (CheckoutResult, bool, error) {
	var res CheckoutResult
	unsubmitted := false
	err := func() error {
		// The four reads are independent: one round trip.
		reads := []storage.Read{storage.ReadAccount(accountID, false), storage.ReadOrder(accountID, placed.OrderID, false),
			storage.ReadResourcesByOrder(accountID, placed.OrderID)}
		if placed.PaymentID != "" {
			reads = append([]storage.Read{storage.ReadPayment(accountID, placed.PaymentID)}, reads...)
		}
		// They are the transaction's last statements: a transaction that
		// wrote nothing (a replay's, or the read-back's own) ends with
		// them.
		storage.ReadAhead(storage.LastReads(ctx), tx, reads...)
		var sp storage.Payment
		if placed.PaymentID != "" { // an order a coupon made free has no payment
			var err error
			if sp, err = tx.Payments().Get(ctx, accountID, placed.PaymentID); err != nil {
				return core.MapNotFound(err, ErrPaymentNotFound, placed.PaymentID)
			}
			res.Payment = core.PaymentView(sp, nil) // shown in the account's zone below
			if unsubmitted = sp.Status == payment.StatusCreated && stopIfUnsubmitted; unsubmitted {
				return nil
			}
		}
		acct, err := core.GetAccount(ctx, tx, accountID, false)
		if err != nil {
			return err
		}
		o, err := tx.Orders().Get(ctx, accountID, placed.OrderID)
		if err != nil {
			return core.MapNotFound(err, ErrOrderNotFound, placed.OrderID)
		}
		if placed.PaymentID != "" {
			res.Payment = core.PaymentView(sp, s.env.Zone(acct))
		}
		if res.Order, err = orderView(o, s.env.Zone(acct)); err != nil {
			return err
		}
		list, err := tx.Resources().ListByOrder(ctx, accountID, placed.OrderID)
		if err != nil {
			return err
		}
		res.Resources, err = s.resourceViews(acct, list)
		return err
	}()
	if err != nil {
		return CheckoutResult{}, false, err
	}
	return res, unsubmitted, nil
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
		if reason := textProblem(it.Name, MaxResourceNameBytes); reason != "" {
			return &RequestError{Field: fmt.Sprintf("Items[%d].Name", i), Reason: reason}
		}
		total += it.Quantity
	}
	if total > MaxOrderResources {
		return &RequestError{Field: "Items", Reason: fmt.Sprintf("%d resources in one order (at most %d)", total, MaxOrderResources)}
	}
	return nil
}
