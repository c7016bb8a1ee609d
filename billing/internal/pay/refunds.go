package pay

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/invoicing"
	"github.com/cloudbill/cloudbill/billing/internal/ledger"
	"github.com/cloudbill/cloudbill/billing/internal/outbox"
	"github.com/cloudbill/cloudbill/billing/internal/settle"
	"github.com/cloudbill/cloudbill/billing/internal/txn"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/storage"
)

// refundsOf returns tx's refunds, or a *RefundUnsupportedError for a
// store that keeps none.
func refundsOf(tx storage.Tx, gw string) (storage.Refunds, error) {
	rs, ok := tx.(storage.RefundStore)
	if !ok {
		return nil, &billingtype.RefundUnsupportedError{Gateway: gw, Err: fmt.Errorf("%w: the store keeps no refunds", gateway.ErrUnsupported)}
	}
	return rs.Refunds(), nil
}

// RefundPayment reserves a refund of a succeeded gateway payment to its
// original method in one idempotent transaction, then asks the gateway
// outside any transaction and records its answer (see
// billing.System.RefundPayment).
func RefundPayment(ctx context.Context, s *core.Env, key string, req billingtype.RefundPaymentRequest) (billingtype.GatewayRefund, error) {
	if err := payment.ValidateAmount(req.Amount); err != nil {
		return billingtype.GatewayRefund{}, &billingtype.RequestError{Field: "Amount", Reason: err.Error(), Err: err}
	}
	if len(req.Reason) > gateway.MaxTextLen || core.GatewayText(req.Reason) != req.Reason {
		return billingtype.GatewayRefund{}, &billingtype.RequestError{Field: "Reason", Reason: "must be printable text of at most 2048 bytes"}
	}
	id, err := txn.Idempotent(ctx, s, req.AccountID, key, "payment.refund_to_method", req, func(ctx context.Context, tx storage.Tx) (string, error) {
		acct, err := core.GetAccount(ctx, tx, req.AccountID, true)
		if err != nil {
			return "", err
		}
		if err := core.SameCurrency(acct, req.Amount); err != nil {
			return "", err
		}
		sp, err := tx.Payments().GetForUpdate(ctx, acct.ID, req.PaymentID)
		if err != nil {
			return "", core.MapNotFound(err, billingtype.ErrPaymentNotFound, req.PaymentID)
		}
		rs, err := refundsOf(tx, sp.Gateway)
		if err != nil {
			return "", err
		}
		if err := checkMethodRefund(ctx, s, tx, acct, sp, req.Amount); err != nil {
			return "", err
		}
		rid, err := s.NewID("rfm")
		if err != nil {
			return "", err
		}
		now := s.Now()
		if sp.Purpose == payment.PurposeTopUp {
			// A top-up's money is cash in the wallet: set it aside now so
			// nothing spends it while the gateway returns it.
			e, err := payment.HoldEntry(payment.EntryMeta{ID: ledger.EntryID(payment.EntryHold, rid), At: now,
				Memo: "refund of top-up " + sp.ID + " to its original method", Reference: payment.Reference{Type: payment.RefPayment, ID: sp.ID}},
				rid, payment.RefundHoldPlan(req.Amount))
			if err != nil {
				return "", err
			}
			if _, err := ledger.AppendEntry(ctx, tx, acct, e, time.Time{}); err != nil {
				return "", err
			}
		}
		r := storage.Refund{ID: rid, AccountID: acct.ID, PaymentID: sp.ID, Gateway: sp.Gateway, Amount: req.Amount,
			Status: payment.RefundPending, Reason: req.Reason, CreatedAt: now, UpdatedAt: now}
		if err := rs.Create(ctx, r); err != nil {
			return "", err
		}
		return rid, outbox.Emit(ctx, s, tx, acct.ID, acct.ID, billingtype.EventRefundRequested, "", refundPayload(r, sp))
	})
	if err != nil {
		return billingtype.GatewayRefund{}, err
	}
	return SubmitRefund(ctx, s, req.AccountID, id)
}

// checkMethodRefund refuses a refund of amount to sp's original method
// that is not allowed now: sp must be a succeeded payment with a gateway
// part; the refunds to its method (pending ones included) stay within
// that part, and all its refunds within what it paid; an order's refund
// within its resources' unused paid value (as RefundToCredit's); a
// top-up's within the cash credit still in the wallet.
func checkMethodRefund(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, sp storage.Payment, amount money.Amount) error {
	if sp.Gateway == "" || !sp.FromGateway.IsPositive() {
		return fmt.Errorf("%w: %q paid nothing through a gateway", billingtype.ErrNotRefundable, sp.ID)
	}
	if st := payment.Status(sp.Status); st != payment.StatusSucceeded && st != payment.StatusPartiallyRefunded {
		return fmt.Errorf("%w: %q is %s", billingtype.ErrNotRefundable, sp.ID, sp.Status)
	}
	pending, toMethod, err := settle.MethodRefunds(ctx, tx, sp)
	if err != nil {
		return err
	}
	methodTotal, err := sumAmounts(pending, toMethod, amount)
	if err != nil {
		return err
	}
	allTotal, err := sumAmounts(pending, sp.Refunded, amount)
	if err != nil {
		return err
	}
	if over(methodTotal, sp.FromGateway) || over(allTotal, sp.Amount) {
		return &payment.OverRefundError{Paid: sp.FromGateway, Refunded: mustAdd(pending, toMethod), Requested: amount}
	}
	switch payment.PurposeKind(sp.Purpose) {
	case payment.PurposeTopUp:
		ws, err := ledger.LoadWallet(ctx, tx, acct)
		if err != nil {
			return err
		}
		if over(amount, ws.Wallet.Cash()) {
			return &billingtype.CreditToTakeBackError{PaymentID: sp.ID, Cash: ws.Wallet.Cash(), Requested: amount}
		}
	case payment.PurposeOrder, payment.PurposePaymentLink:
		if err := settle.CheckOrderRefund(ctx, s, tx, acct, sp, amount); err != nil && !errors.Is(err, billingtype.ErrNotRefundable) {
			return err
		}
	}
	return nil
}

// sumAmounts adds amounts of one currency.
func sumAmounts(first money.Amount, rest ...money.Amount) (money.Amount, error) {
	total := first
	for _, a := range rest {
		var err error
		if total, err = total.Add(a); err != nil {
			return money.Amount{}, err
		}
	}
	return total, nil
}

// mustAdd is a + b for amounts already checked to share a currency.
func mustAdd(a, b money.Amount) money.Amount {
	if sum, err := a.Add(b); err == nil {
		return sum
	}
	return a
}

// over reports whether a > b (false when they cannot be compared).
func over(a, b money.Amount) bool {
	c, err := a.Cmp(b)
	return err == nil && c > 0
}

// SubmitRefund sends a pending refund to its gateway, outside any
// transaction, and records the answer: a result that is final settles the
// refund (finishRefund); a pending one, or no answer at all, leaves it
// pending for a callback or the worker. A refund past that point is
// returned as it is.
func SubmitRefund(ctx context.Context, s *core.Env, accountID, id string) (billingtype.GatewayRefund, error) {
	r, sp, err := readRefund(ctx, s, accountID, id)
	if err != nil || r.Status != payment.RefundPending {
		return refundView(r), refundErr(r, err)
	}
	gw, err := s.Gateway(r.Gateway)
	if err != nil {
		return refundView(r), err
	}
	gctx, call := s.Tel.StartGateway(ctx, gw.Name(), "Refund")
	res, gerr := gw.Refund(gctx, gateway.RefundRequest{PaymentID: sp.ID, RefundID: r.ID, GatewayRef: sp.GatewayRef, Amount: r.Amount,
		AccountID: sp.AccountID, PaymentAmount: sp.FromGateway, PaymentCreatedAt: sp.CreatedAt, CreatedAt: r.CreatedAt, Reason: r.Reason})
	call.End(gerr)
	switch {
	case gerr != nil && gateway.Retryable(gerr):
		out, err := changeRefund(ctx, s, accountID, id, func(ctx context.Context, tx storage.Tx, acct storage.Account, r *storage.Refund, sp *storage.Payment) (bool, error) {
			r.Submitted = true // the outcome is unknown: it may have gone through
			return true, nil
		})
		if err != nil {
			return out, err
		}
		return out, fmt.Errorf("%w: %s: %w", billingtype.ErrGatewayUnavailable, gw.Name(), gerr)
	case gerr != nil:
		reason := "gateway refused: " + gerr.Error()
		if errors.Is(gerr, gateway.ErrUnsupported) {
			reason = unsupportedReason
		}
		out, err := settleRefund(ctx, s, accountID, id, false, "", reason)
		if err != nil {
			return out, err
		}
		return out, refundErr(storage.Refund{ID: out.ID, Gateway: out.Gateway, Status: out.Status, FailureReason: out.FailureReason}, nil)
	case res.Status == gateway.RefundSucceeded:
		return settleRefund(ctx, s, accountID, id, true, res.GatewayRef, "")
	case res.Status == gateway.RefundFailed:
		out, err := settleRefund(ctx, s, accountID, id, false, res.GatewayRef, core.OrDefault(res.FailureReason, "refused by the gateway"))
		if err != nil {
			return out, err
		}
		return out, refundErr(storage.Refund{ID: out.ID, Gateway: out.Gateway, Status: out.Status, FailureReason: out.FailureReason}, nil)
	}
	return changeRefund(ctx, s, accountID, id, func(ctx context.Context, tx storage.Tx, acct storage.Account, r *storage.Refund, sp *storage.Payment) (bool, error) {
		if r.Status != payment.RefundPending {
			return false, nil
		}
		r.Submitted = true
		if res.GatewayRef != "" {
			r.GatewayRef = core.ClipText(core.GatewayText(res.GatewayRef), gateway.MaxIDLen)
		}
		return true, nil
	})
}

// unsupportedReason is the failure reason of a refund its gateway cannot
// make; refundErr turns it back into a *RefundUnsupportedError.
const unsupportedReason = "the gateway cannot refund"

// refundErr is the error a failed refund is reported with (nil for any
// other): a *RefundUnsupportedError when the gateway cannot refund, else a
// *RefundFailedError. err, when not nil, is returned as it is.
func refundErr(r storage.Refund, err error) error {
	if err != nil || r.Status != payment.RefundFailed {
		return err
	}
	if r.FailureReason == unsupportedReason {
		return &billingtype.RefundUnsupportedError{Gateway: r.Gateway, Err: gateway.ErrUnsupported}
	}
	return &billingtype.RefundFailedError{RefundID: r.ID, Reason: r.FailureReason}
}

// readRefund reads a refund and its payment in a transaction of their own.
func readRefund(ctx context.Context, s *core.Env, accountID, id string) (storage.Refund, storage.Payment, error) {
	var r storage.Refund
	var sp storage.Payment
	err := s.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		rs, err := refundsOf(tx, "")
		if err != nil {
			return err
		}
		if r, err = rs.Get(ctx, accountID, id); err != nil {
			return core.MapNotFound(err, billingtype.ErrPaymentNotFound, id)
		}
		sp, err = tx.Payments().Get(ctx, accountID, r.PaymentID)
		return err
	})
	return r, sp, err
}

// ReadRefund returns one refund of the account.
func ReadRefund(ctx context.Context, s *core.Env, accountID, id string) (billingtype.GatewayRefund, error) {
	r, _, err := readRefund(ctx, s, accountID, id)
	if err != nil {
		return billingtype.GatewayRefund{}, err
	}
	return refundView(r), nil
}

// changeRefund locks the account, the refund and its payment (that
// order), lets change modify the refund (and the payment, which change
// stores itself), and stores the refund when change reports it changed.
func changeRefund(ctx context.Context, s *core.Env, accountID, id string,
	change func(ctx context.Context, tx storage.Tx, acct storage.Account, r *storage.Refund, sp *storage.Payment) (bool, error)) (billingtype.GatewayRefund, error) {
	var out storage.Refund
	err := s.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		acct, err := core.GetAccount(ctx, tx, accountID, true)
		if err != nil {
			return err
		}
		rs, err := refundsOf(tx, "")
		if err != nil {
			return err
		}
		r, err := rs.GetForUpdate(ctx, accountID, id)
		if err != nil {
			return core.MapNotFound(err, billingtype.ErrPaymentNotFound, id)
		}
		sp, err := tx.Payments().GetForUpdate(ctx, accountID, r.PaymentID)
		if err != nil {
			return err
		}
		changed, err := change(ctx, tx, acct, &r, &sp)
		if err != nil || !changed {
			out = r
			return err
		}
		r.UpdatedAt = s.Now()
		out, err = rs.Update(ctx, r)
		return err
	})
	if err != nil {
		return billingtype.GatewayRefund{}, err
	}
	return refundView(out), nil
}

// settleRefund records a refund's final answer in one transaction (see
// finishRefund).
func settleRefund(ctx context.Context, s *core.Env, accountID, id string, succeeded bool, ref, reason string) (billingtype.GatewayRefund, error) {
	return changeRefund(ctx, s, accountID, id, func(ctx context.Context, tx storage.Tx, acct storage.Account, r *storage.Refund, sp *storage.Payment) (bool, error) {
		return finishRefund(ctx, s, tx, acct, r, sp, succeeded, ref, reason)
	})
}

// finishRefund settles a pending refund inside tx (account, refund and
// payment locked) and reports whether it changed anything; a refund
// already settled is left as it is, so a second report changes nothing.
//
// Succeeded: the money leaves the business — a top-up's held cash goes to
// the gateway (customer:held −x, gateway:clearing +x); for anything else
// revenue:refunds −x, gateway:clearing +x, and an order's resources give
// up as much of their unused paid value (credit notes), as a refund to
// credit would; an invoice's (paid directly or through a link) gets a
// credit note of x, as far as it is still creditable, its amount due
// unchanged. The payment's refunded total grows by x. Failed: the
// reservation is released (a top-up's held cash back to cash) and
// nothing else changes. Either way an event tells the host.
func finishRefund(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Refund, sp *storage.Payment, succeeded bool, ref, reason string) (bool, error) {
	if r.Status != payment.RefundPending {
		return false, nil
	}
	now := s.Now()
	meta := payment.EntryMeta{At: now, Reference: payment.Reference{Type: payment.RefPayment, ID: sp.ID}}
	isTopUp := sp.Purpose == payment.PurposeTopUp
	var hold payment.Entry
	if isTopUp {
		var err error
		if hold, err = ledger.FindEntry(ctx, tx, acct.ID, ledger.EntryID(payment.EntryHold, r.ID)); err != nil {
			return false, fmt.Errorf("billing: hold of refund %q: %w", r.ID, err)
		}
	}
	if ref != "" {
		r.GatewayRef = core.ClipText(core.GatewayText(ref), gateway.MaxIDLen)
	}
	r.Submitted, r.Attempts, r.LastError, r.RetryAt = true, 0, "", time.Time{}
	if !succeeded {
		if isTopUp {
			meta.ID, meta.Memo = ledger.EntryID(payment.EntryRelease, r.ID), "refund "+r.ID+" failed: cash given back"
			e, err := payment.ReleaseEntry(meta, hold)
			if err != nil {
				return false, err
			}
			if _, err := ledger.AppendEntry(ctx, tx, acct, e, time.Time{}); err != nil {
				return false, err
			}
		}
		r.Status, r.FailureReason = payment.RefundFailed, core.Truncate(core.GatewayText(reason), core.MaxReason)
		return true, outbox.Emit(ctx, s, tx, acct.ID, acct.ID, billingtype.EventRefundFailed, "", refundPayload(*r, *sp))
	}
	meta.ID, meta.Memo = ledger.EntryID(payment.EntryGatewayRefund, r.ID), core.ClipText("refund to the original method: "+r.Reason, payment.MaxMemoLen)
	var e payment.Entry
	var err error
	if isTopUp {
		e, err = payment.HeldGatewayRefundEntry(meta, hold, sp.Gateway)
	} else {
		e, err = payment.GatewayRefundEntry(meta, sp.Gateway, r.Amount)
	}
	if err != nil {
		return false, err
	}
	if _, err := ledger.AppendEntry(ctx, tx, acct, e, time.Time{}); err != nil {
		return false, err
	}
	memo := core.OrDefault(r.Reason, "refund to the original method")
	if k := payment.PurposeKind(sp.Purpose); k == payment.PurposeOrder || k == payment.PurposePaymentLink {
		if _, err := settle.TakeOrderValue(ctx, s, tx, acct, *sp, r.Amount, memo); err != nil &&
			!errors.Is(err, billingtype.ErrNotRefundable) {
			return false, err
		}
	}
	if billID, err := refundedBill(ctx, tx, *sp); err != nil {
		return false, err
	} else if billID != "" {
		// The bill stays as paid and due as it was: the money returned is
		// a concession, documented by a credit note of as much.
		coded := invoice.CreditReason{Code: invoice.CreditRefund, Note: core.ClipText(memo, invoice.MaxTextLen)}
		if _, err := invoicing.CreditDocument(ctx, s, tx, acct, billID, r.Amount, core.ClipText(memo, invoice.MaxTextLen), coded); err != nil {
			return false, err
		}
	}
	refunded, status, err := payment.ApplyRefund(payment.Status(sp.Status), sp.Amount, sp.Refunded, r.Amount)
	if err != nil {
		return false, err
	}
	sp.Refunded, sp.Status, sp.UpdatedAt = refunded, status, now
	if _, err := tx.Payments().Update(ctx, *sp); err != nil {
		return false, err
	}
	r.Status, r.FailureReason = payment.RefundSucceeded, ""
	return true, outbox.Emit(ctx, s, tx, acct.ID, acct.ID, billingtype.EventRefundSucceeded, "", refundPayload(*r, *sp))
}

// refundedBill is the invoice a payment paid, directly or through a
// payment link of an invoice; "" for any other payment.
func refundedBill(ctx context.Context, tx storage.Tx, sp storage.Payment) (string, error) {
	switch payment.PurposeKind(sp.Purpose) {
	case payment.PurposeInvoice:
		return sp.PurposeRef, nil
	case payment.PurposePaymentLink:
		l, err := tx.PaymentLinks().GetForUpdate(ctx, sp.PurposeRef)
		if err != nil {
			return "", err
		}
		if payment.PurposeKind(l.Purpose) == payment.PurposeInvoice {
			return l.PurposeRef, nil
		}
	}
	return "", nil
}

// applyRefundEvent applies a refund.succeeded or refund.failed callback
// inside tx (the account locked) and reports whether it changed anything.
func applyRefundEvent(ctx context.Context, s *core.Env, tx storage.Tx, owner string, ev gateway.Event) (bool, error) {
	rs, err := refundsOf(tx, ev.Gateway)
	if err != nil {
		return false, &billingtype.CallbackUnknownError{Kind: "refund", ID: ev.RefundID}
	}
	r, err := rs.GetForUpdate(ctx, owner, ev.RefundID)
	if err != nil {
		return false, unknown(err, "refund", ev.RefundID)
	}
	if r.Gateway != ev.Gateway || ev.PaymentID != "" && ev.PaymentID != r.PaymentID {
		return false, &billingtype.CallbackUnknownError{Kind: "refund", ID: ev.RefundID}
	}
	if ev.Type == gateway.EventRefundSucceeded && !ev.Amount.Equal(r.Amount) {
		return false, fmt.Errorf("%w: refund %q is of %s, callback says %s", billingtype.ErrCallbackRejected, r.ID, r.Amount, ev.Amount)
	}
	acct, err := core.GetAccount(ctx, tx, owner, true)
	if err != nil {
		return false, err
	}
	sp, err := tx.Payments().GetForUpdate(ctx, owner, r.PaymentID)
	if err != nil {
		return false, err
	}
	changed, err := finishRefund(ctx, s, tx, acct, &r, &sp, ev.Type == gateway.EventRefundSucceeded, ev.GatewayRef,
		core.OrDefault(ev.FailureReason, "refused by the gateway"))
	if err != nil || !changed {
		return false, err
	}
	r.UpdatedAt = s.Now()
	_, err = rs.Update(ctx, r)
	return true, err
}

// SettleRefunds is the worker's refund sweep, one page of it: pending
// refunds at least Config.RetryDelay old and due for a try. One never
// submitted (or whose gateway has no query) is sent again with the same
// refund id, which gateways treat idempotently; one submitted is asked
// about with QueryRefund when the gateway is a Querier (not found: sent
// again). A final answer settles it (finishRefund); anything else is
// recorded and tried again after the worker's backoff.
func SettleRefunds(ctx context.Context, s *core.Env, limit int) (core.Sweep, error) {
	now := s.Now()
	var due []storage.Refund
	if err := s.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		rs, ok := tx.(storage.RefundStore)
		if !ok {
			return nil
		}
		var err error
		due, err = rs.Refunds().PendingDue(ctx, now, now.Add(-s.Cfg.RetryDelay), limit)
		return err
	}); err != nil {
		return core.Sweep{}, err
	}
	res := core.Sweep{Full: len(due) == limit}
	for _, r := range due {
		out, err := tryRefund(ctx, s, r)
		if err == nil && out.Status == payment.RefundPending {
			// Accepted and not paid out yet: gateways take days over a
			// refund. Asked again after the backoff, but nothing failed.
			if err := refundTryFailed(ctx, s, r, errRefundNotSettled, nil); err != nil {
				return res, err
			}
			continue
		}
		if err != nil && out.Status != payment.RefundFailed {
			if err := refundTryFailed(ctx, s, r, err, &res); err != nil {
				return res, err
			}
			continue
		}
		res.Done++
	}
	return res, nil
}

// tryRefund is one worker try at a pending refund.
func tryRefund(ctx context.Context, s *core.Env, r storage.Refund) (billingtype.GatewayRefund, error) {
	gw, err := s.Gateway(r.Gateway)
	if err != nil {
		return refundView(r), err
	}
	q, ok := gw.(gateway.Querier)
	if !r.Submitted || !ok {
		return SubmitRefund(ctx, s, r.AccountID, r.ID)
	}
	_, sp, err := readRefund(ctx, s, r.AccountID, r.ID)
	if err != nil {
		return refundView(r), err
	}
	gctx, call := s.Tel.StartGateway(ctx, r.Gateway, "QueryRefund")
	st, err := q.QueryRefund(gctx, gateway.RefundQuery{PaymentID: sp.ID, RefundID: r.ID, PaymentRef: sp.GatewayRef, GatewayRef: r.GatewayRef,
		Amount: r.Amount, CreatedAt: r.CreatedAt, Now: s.Now()})
	call.End(err)
	switch {
	case err != nil:
		return refundView(r), err
	case st.State == gateway.RefundSucceeded:
		return settleRefund(ctx, s, r.AccountID, r.ID, true, st.GatewayRef, "")
	case st.State == gateway.RefundFailed:
		return settleRefund(ctx, s, r.AccountID, r.ID, false, st.GatewayRef, core.OrDefault(st.FailureReason, "refused by the gateway"))
	case st.State == gateway.RefundNotFound:
		return SubmitRefund(ctx, s, r.AccountID, r.ID)
	}
	return refundView(r), nil
}

// errRefundNotSettled is the reason kept on a refund its gateway accepted
// and has not settled yet.
var errRefundNotSettled = errors.New("the gateway has not settled the refund yet")

// refundTryFailed records a try at a pending refund that did not settle
// it (attempts, reason, retry time by the worker's backoff) and, when res
// is not nil, adds it to res as a failure.
func refundTryFailed(ctx context.Context, s *core.Env, r storage.Refund, cause error, res *core.Sweep) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var f billingtype.ItemFailure
	recorded := false
	err := s.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		recorded = false
		rs, err := refundsOf(tx, r.Gateway)
		if err != nil {
			return err
		}
		// Only the refund is locked, as for a payment's failure.
		cur, err := rs.GetForUpdate(ctx, r.AccountID, r.ID)
		if err != nil || cur.Status != payment.RefundPending {
			return err
		}
		now := s.Now()
		cur.Attempts++
		f = s.Failed(billingtype.ItemRefund, cur.ID, cur.AccountID, cur.Attempts, cause, now)
		cur.LastError, cur.RetryAt, cur.UpdatedAt = f.Reason, f.RetryAt, now
		_, err = rs.Update(ctx, cur)
		recorded = err == nil
		return err
	})
	if err != nil {
		return fmt.Errorf("billing: record the failure of refund %q (%v): %w", r.ID, cause, err)
	}
	if recorded && res != nil {
		s.LogFailure(ctx, f)
		res.Failures = append(res.Failures, f)
	}
	return nil
}

// refundView is a refund as the host sees it.
func refundView(r storage.Refund) billingtype.GatewayRefund {
	return billingtype.GatewayRefund{ID: r.ID, AccountID: r.AccountID, PaymentID: r.PaymentID, Gateway: r.Gateway, Amount: r.Amount,
		Status: r.Status, GatewayRef: r.GatewayRef, Reason: r.Reason, FailureReason: r.FailureReason, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

// refundPayload is the body of a refund event.
func refundPayload(r storage.Refund, sp storage.Payment) billingtype.RefundPayload {
	reason := r.Reason
	if r.Status == payment.RefundFailed {
		reason = r.FailureReason
	}
	return billingtype.RefundPayload{RefundID: r.ID, PaymentID: sp.ID, Purpose: sp.Purpose, Ref: sp.PurposeRef, Gateway: sp.Gateway,
		Amount: r.Amount, Status: r.Status, Reason: reason}
}
