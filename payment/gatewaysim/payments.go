package gatewaysim

import (
	"context"
	"fmt"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// CreatePayment records a pending redirect payment and returns
// BaseURL/pay/<ref>. Nothing is queued: the test decides when the user pays
// by calling Complete (or Expire). Repeating it with the same PaymentID,
// account and amount returns the same Redirect; a different account or
// amount, or an id used by Charge, is gateway.ErrConflict. ExpiresAt is not
// enforced: expiry happens when the test calls Expire, so no test depends on
// the clock reaching it.
func (g *Gateway) CreatePayment(ctx context.Context, req gateway.PaymentRequest) (redirect gateway.Redirect, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	applied := false
	defer func() {
		g.record(Call{Method: MethodCreatePayment, PaymentID: req.PaymentID, AccountID: req.AccountID,
			Amount: req.Amount, ReturnURL: req.ReturnURL, ClientIP: req.ClientIP, Applied: applied, Err: err})
	}()
	if err := ctx.Err(); err != nil {
		return gateway.Redirect{}, temporary(err)
	}
	if err := req.Validate(); err != nil {
		return gateway.Redirect{}, err
	}
	if p, ok := g.payments[req.PaymentID]; ok {
		if p.charge || p.accountID != req.AccountID || !p.amount.Equal(req.Amount) {
			return gateway.Redirect{}, conflict("payment", req.PaymentID)
		}
		return p.redirect, nil
	}
	ref := g.next("pay")
	p := &payment{
		accountID: req.AccountID,
		amount:    req.Amount,
		redirect:  gateway.Redirect{URL: g.cfg.BaseURL + "/pay/" + ref, GatewayRef: ref},
		expiresAt: req.ExpiresAt,
	}
	g.payments[req.PaymentID] = p
	applied = true
	return p.redirect, nil
}

// Charge charges a token that CompleteLink issued to req.AccountID and
// applies the payment's outcome at once: Succeed returns ChargeSucceeded and
// queues payment.succeeded; Decline returns ChargeFailed and queues
// payment.failed; Pending returns ChargePending and queues nothing (Complete
// settles it); Timeout returns gateway.ErrTemporary and records nothing;
// LostResponse charges and queues but returns gateway.ErrTemporary.
//
// Repeating it with the same PaymentID, account, token and amount returns
// the payment's current state without charging or queueing again. A token
// the simulator did not issue to req.AccountID is gateway.ErrInvalidRequest.
func (g *Gateway) Charge(ctx context.Context, req gateway.ChargeRequest) (result gateway.ChargeResult, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	applied := false
	defer func() {
		g.record(Call{Method: MethodCharge, PaymentID: req.PaymentID, AccountID: req.AccountID,
			Amount: req.Amount, Applied: applied, Err: err})
	}()
	if err := ctx.Err(); err != nil {
		return gateway.ChargeResult{}, temporary(err)
	}
	if err := req.Validate(); err != nil {
		return gateway.ChargeResult{}, err
	}
	if owner, ok := g.tokens[req.Token.Reveal()]; !ok || owner != req.AccountID {
		return gateway.ChargeResult{}, &gateway.RequestError{Field: "Token", Reason: "is not a token linked by this account"}
	}
	if p, ok := g.payments[req.PaymentID]; ok {
		if !p.charge || p.accountID != req.AccountID || !p.token.Equal(req.Token) || !p.amount.Equal(req.Amount) {
			return gateway.ChargeResult{}, conflict("payment", req.PaymentID)
		}
		return p.chargeResult(), nil
	}
	o := g.outcomeFor(req.PaymentID)
	if o.kind == timeout {
		return gateway.ChargeResult{}, fmt.Errorf("%w: simulated timeout charging %q", gateway.ErrTemporary, req.PaymentID)
	}
	ref := g.next("pay")
	p := &payment{
		charge:    true,
		accountID: req.AccountID,
		amount:    req.Amount,
		token:     req.Token,
		redirect:  gateway.Redirect{GatewayRef: ref},
	}
	if o.kind != pending {
		cb, err := g.settle(req.PaymentID, p, o)
		if err != nil {
			return gateway.ChargeResult{}, err
		}
		g.queue = append(g.queue, cb)
	}
	g.payments[req.PaymentID] = p
	applied = true
	if o.kind == lostResponse {
		return gateway.ChargeResult{}, fmt.Errorf("%w: simulated lost response charging %q", gateway.ErrTemporary, req.PaymentID)
	}
	return p.chargeResult(), nil
}

// chargeResult reports a payment's current state as a ChargeResult.
func (p *payment) chargeResult() gateway.ChargeResult {
	r := gateway.ChargeResult{GatewayRef: p.redirect.GatewayRef}
	switch p.state {
	case stateSucceeded:
		r.Status = gateway.ChargeSucceeded
	case stateFailed, stateExpired:
		r.Status, r.FailureReason = gateway.ChargeFailed, p.reason
	default:
		r.Status = gateway.ChargePending
	}
	return r
}

// settle moves a pending payment to the outcome's final state (failed for
// Decline, succeeded otherwise) and returns its callback; the caller holds
// mu and has ruled out Timeout. p is changed only on success.
func (g *Gateway) settle(paymentID string, p *payment, o Outcome) (Callback, error) {
	ev := gateway.Event{PaymentID: paymentID, GatewayRef: p.redirect.GatewayRef, Amount: p.amount}
	if !p.reported.Currency().IsZero() {
		ev.Amount = p.reported
	}
	state := stateSucceeded
	if o.kind == decline {
		state = stateFailed
		ev.Type, ev.FailureReason = gateway.EventPaymentFailed, o.reason
	} else {
		ev.Type = gateway.EventPaymentSucceeded
	}
	cb, err := g.emit(ev)
	if err != nil {
		return Callback{}, err
	}
	p.state, p.reason = state, ev.FailureReason
	return cb, nil
}

// Complete settles a pending payment (from CreatePayment, or a Charge that
// returned ChargePending) by its programmed outcome and returns the signed
// callback: payment.failed for Decline, payment.succeeded otherwise. The
// callback is returned, not queued; deliver it to the host's handler. An
// unknown id matches gateway.ErrNotFound; a payment already settled is
// ErrNotPending (use Duplicate to redeliver); Timeout is ErrNoCallback.
func (g *Gateway) Complete(paymentID string) (Callback, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	p, err := g.pendingPayment(paymentID)
	if err != nil {
		return Callback{}, err
	}
	o := g.outcomeFor(paymentID)
	if o.kind == timeout {
		return Callback{}, fmt.Errorf("%w: payment %q", ErrNoCallback, paymentID)
	}
	cb, err := g.settle(paymentID, p, o)
	if err != nil {
		return Callback{}, err
	}
	return cb.clone(), nil
}

// Expire ends a pending payment unpaid and returns the signed
// payment.expired callback, whatever the programmed outcome. It is returned,
// not queued. An unknown id matches gateway.ErrNotFound; a settled payment is
// ErrNotPending.
func (g *Gateway) Expire(paymentID string) (Callback, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	p, err := g.pendingPayment(paymentID)
	if err != nil {
		return Callback{}, err
	}
	cb, err := g.emit(gateway.Event{Type: gateway.EventPaymentExpired, PaymentID: paymentID,
		GatewayRef: p.redirect.GatewayRef, Amount: p.amount})
	if err != nil {
		return Callback{}, err
	}
	p.state, p.reason = stateExpired, "expired"
	return cb.clone(), nil
}

// pendingPayment finds a payment that has no final callback yet; the caller
// holds mu.
func (g *Gateway) pendingPayment(paymentID string) (*payment, error) {
	p, ok := g.payments[paymentID]
	if !ok {
		return nil, fmt.Errorf("%w: payment %q", gateway.ErrNotFound, paymentID)
	}
	if p.state != statePending {
		return nil, fmt.Errorf("%w: payment %q is settled", ErrNotPending, paymentID)
	}
	return p, nil
}

// conflict reports an id reused with a different request.
func conflict(kind, id string) error {
	return fmt.Errorf("%w: %s %q", gateway.ErrConflict, kind, id)
}
