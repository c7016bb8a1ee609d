package pay

import (
	"context"
	"fmt"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/storage"
)

// querier returns sp's gateway as a gateway.Querier, when it is one and sp
// has a gateway part to ask about.
func querier(s *core.Env, sp storage.Payment) (gateway.Querier, bool) {
	if sp.Gateway == "" || !sp.FromGateway.IsPositive() {
		return nil, false
	}
	gw, err := s.Gateway(sp.Gateway)
	if err != nil {
		return nil, false
	}
	q, ok := gw.(gateway.Querier)
	return q, ok
}

// queryPayment asks sp's gateway where it stands, outside any
// transaction. An answer that is not a defined state is an error.
func queryPayment(ctx context.Context, s *core.Env, q gateway.Querier, sp storage.Payment) (gateway.PaymentStatus, error) {
	gctx, call := s.Tel.StartGateway(ctx, sp.Gateway, "QueryPayment")
	st, err := q.QueryPayment(gctx, gateway.PaymentQuery{PaymentID: sp.ID, AccountID: sp.AccountID, GatewayRef: sp.GatewayRef,
		Amount: sp.FromGateway, CreatedAt: sp.CreatedAt, Now: s.Now()})
	call.End(err)
	if err == nil && !st.State.Valid() {
		err = fmt.Errorf("%w: gateway %s answered a query with state %s", gateway.ErrTemporary, sp.Gateway, st.State)
	}
	return st, err
}

// paidAsAsked reports whether a succeeded answer's amount is the payment's
// gateway part; an answer without an amount (the zero Amount) is taken at
// its word.
func paidAsAsked(st gateway.PaymentStatus, sp storage.Payment) bool {
	return st.Amount.IsZero() && st.Amount.Currency().IsZero() || st.Amount.Equal(sp.FromGateway)
}

// applyAnswer applies a gateway's answer about sp inside tx, which holds
// the account's and the payment's locks, by the rules of the callback the
// answer stands for, and says what it did. sp is stored when changed.
func applyAnswer(ctx context.Context, s *core.Env, tx storage.Tx, sp *storage.Payment, st gateway.PaymentStatus) (billingtype.ReconcileAction, error) {
	var changed bool
	var err error
	switch st.State {
	case gateway.PaymentSucceeded:
		if !paidAsAsked(st, *sp) {
			return billingtype.ReconcileMismatch, RecordMismatch(ctx, s, tx, *sp, mismatchQuery, "", st.GatewayRef, st.Amount)
		}
		var late bool
		if changed, err = paymentPaid(ctx, s, tx, sp, st.GatewayRef, &late); changed {
			return billingtype.ReconcileApplied, err
		}
	case gateway.PaymentFailed:
		if changed, err = paymentEnded(ctx, s, tx, sp, payment.EventFail, core.OrDefault(st.FailureReason, "declined by the gateway")); changed {
			return billingtype.ReconcileEnded, err
		}
	case gateway.PaymentExpired:
		if changed, err = paymentEnded(ctx, s, tx, sp, payment.EventExpire, "expired at the gateway"); changed {
			return billingtype.ReconcileEnded, err
		}
	}
	return billingtype.ReconcileNone, err
}

// ReconcilePayment asks the gateway of one of the account's payments where
// it stands and applies a final answer as the callback it stands for
// would have (see billing.System.ReconcilePayment). It is safe to run at
// any time and concurrently with callbacks: the answer is applied under
// the account's and the payment's locks to the payment as it is then.
func ReconcilePayment(ctx context.Context, s *core.Env, accountID, paymentID string) (billingtype.ReconcileResult, error) {
	p, err := s.ReadPayment(ctx, accountID, paymentID)
	if err != nil {
		return billingtype.ReconcileResult{}, err
	}
	sp := storage.Payment{ID: p.ID, AccountID: p.AccountID, Gateway: p.Gateway, GatewayRef: p.GatewayRef, FromGateway: p.FromGateway, CreatedAt: p.CreatedAt}
	q, ok := querier(s, sp)
	if !ok {
		return billingtype.ReconcileResult{Action: billingtype.ReconcileUnsupported, Payment: p}, nil
	}
	st, err := queryPayment(ctx, s, q, sp)
	if err != nil {
		if gateway.Retryable(err) {
			err = fmt.Errorf("%w: %s: %w", billingtype.ErrGatewayUnavailable, sp.Gateway, err)
		}
		return billingtype.ReconcileResult{Action: billingtype.ReconcileNone, Payment: p}, err
	}
	res := billingtype.ReconcileResult{Found: st.State}
	res.Payment, err = updateLocked(ctx, s, accountID, paymentID, func(ctx context.Context, tx storage.Tx, sp *storage.Payment) error {
		var err error
		res.Action, err = applyAnswer(ctx, s, tx, sp, st)
		return err
	})
	if err != nil {
		return billingtype.ReconcileResult{}, err
	}
	return res, nil
}

// updateLocked locks the account and then one of its payments and runs
// change, which stores the payment itself when it changes it; it returns
// the payment as it is after.
func updateLocked(ctx context.Context, s *core.Env, accountID, id string, change func(ctx context.Context, tx storage.Tx, sp *storage.Payment) error) (billingtype.Payment, error) {
	var out storage.Payment
	var acct storage.Account
	err := s.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		var err error
		if acct, err = core.GetAccount(ctx, tx, accountID, true); err != nil {
			return err
		}
		sp, err := tx.Payments().GetForUpdate(ctx, accountID, id)
		if err != nil {
			return core.MapNotFound(err, billingtype.ErrPaymentNotFound, id)
		}
		if err := change(ctx, tx, &sp); err != nil {
			return err
		}
		out, err = tx.Payments().Get(ctx, accountID, id)
		return err
	})
	if err != nil {
		return billingtype.Payment{}, err
	}
	return core.PaymentView(out, s.Zone(acct)), nil
}

// reconcileDue is the expiry sweep's question to a Querier gateway about a
// payment due for expiry, p. It reports whether the payment is dealt with
// (settled, ended, or waiting for its next query); false means expire it
// as before: the gateway cannot be asked, its queries are used up, or it
// reported another amount (recorded).
func reconcileDue(ctx context.Context, s *core.Env, p storage.Payment, res *core.Sweep) (bool, error) {
	q, ok := querier(s, p)
	if !ok || p.QueryAttempts >= s.Cfg.ReconcileAttempts {
		return false, nil
	}
	st, qerr := queryPayment(ctx, s, q, p)
	switch {
	case qerr == nil && st.State == gateway.PaymentExpired:
		return false, nil // the gateway agrees: expire it as before
	case qerr == nil && st.State == gateway.PaymentNotFound && payment.Status(p.Status) == payment.StatusCreated:
		// The retry sweep sent it again with the same id until now; a
		// gateway that still does not know it never got it.
		return false, nil
	}
	final := qerr == nil && (st.State == gateway.PaymentSucceeded || st.State == gateway.PaymentFailed)
	expire, settled := false, false
	_, err := updateLocked(ctx, s, p.AccountID, p.ID, func(ctx context.Context, tx storage.Tx, sp *storage.Payment) error {
		expire, settled = false, false
		if s := payment.Status(sp.Status); s != payment.StatusCreated && s != payment.StatusPending {
			return nil // a callback got here first
		}
		if final {
			action, err := applyAnswer(ctx, s, tx, sp, st)
			expire = action == billingtype.ReconcileMismatch
			settled = action == billingtype.ReconcileApplied || action == billingtype.ReconcileEnded
			return err
		}
		// No final answer: ask again later, with backoff, until the
		// queries are used up.
		now := s.Now()
		sp.QueryAttempts++
		sp.RetryAt, sp.UpdatedAt = now.Add(s.RetryBackoff(sp.QueryAttempts)), now
		if qerr != nil {
			sp.LastError = core.Truncate("query: "+qerr.Error(), core.MaxReason)
		} else {
			sp.LastError = "query: the gateway says " + st.State.String()
		}
		if sp.QueryAttempts >= s.Cfg.ReconcileAttempts {
			expire = true
			return nil
		}
		_, err := tx.Payments().Update(ctx, *sp)
		return err
	})
	if err != nil {
		return false, err
	}
	if settled {
		res.Reconciled++
	}
	return !expire, nil
}
