package gatewaysim

import (
	"context"
	"fmt"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// QueryPayment reports where a payment stands at the simulated provider:
// pending until Complete or Expire settles it (or, for a redirect payment
// with an ExpiresAt, until q.Now reaches it: then expired, the page having
// expired unpaid), then succeeded (with its amount and reference), failed
// or expired; an id the simulator never saw
// is PaymentNotFound. While SetQueryFailure holds an error, every query
// returns it. A test loses a callback by not delivering what Complete
// returned; the query still tells the truth.
func (g *Gateway) QueryPayment(ctx context.Context, q gateway.PaymentQuery) (gateway.PaymentStatus, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return gateway.PaymentStatus{}, temporary(err)
	}
	if g.queryErr != nil {
		return gateway.PaymentStatus{}, g.queryErr
	}
	p, ok := g.payments[q.PaymentID]
	if !ok {
		return gateway.PaymentStatus{State: gateway.PaymentNotFound}, nil
	}
	st := gateway.PaymentStatus{GatewayRef: p.redirect.GatewayRef}
	switch p.state {
	case stateSucceeded:
		st.State, st.Amount = gateway.PaymentSucceeded, p.amount
		if !p.reported.Currency().IsZero() {
			st.Amount = p.reported
		}
	case stateFailed:
		st.State, st.FailureReason = gateway.PaymentFailed, p.reason
	case stateExpired:
		st.State = gateway.PaymentExpired
	default:
		st.State = gateway.PaymentPending
		if !p.expiresAt.IsZero() && !q.Now.Before(p.expiresAt) {
			st.State = gateway.PaymentExpired // the page expired unpaid
		}
	}
	return st, nil
}

// QueryRefund reports where a refund stands: succeeded or failed once
// settled, pending while a Pending outcome waits for CompleteRefund, and
// RefundNotFound for a refund the simulator never accepted (a Timeout, a
// decline).
func (g *Gateway) QueryRefund(ctx context.Context, q gateway.RefundQuery) (gateway.RefundStatus, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return gateway.RefundStatus{}, temporary(err)
	}
	if g.queryErr != nil {
		return gateway.RefundStatus{}, g.queryErr
	}
	r, ok := g.refunds[q.RefundID]
	if !ok {
		return gateway.RefundStatus{State: gateway.RefundNotFound}, nil
	}
	st := gateway.RefundStatus{State: r.state, GatewayRef: r.result.GatewayRef, FailureReason: r.reason}
	if r.state == gateway.RefundSucceeded {
		st.Amount = r.req.Amount
	}
	return st, nil
}

// SetQueryFailure makes every QueryPayment and QueryRefund fail with an
// error matching gateway.ErrTemporary while fail is true, as when the
// provider's query API is down.
func (g *Gateway) SetQueryFailure(fail bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.queryErr = nil
	if fail {
		g.queryErr = fmt.Errorf("%w: simulated query failure", gateway.ErrTemporary)
	}
}

// Send signs ev as the provider's next callback (a fresh event id, this
// gateway's name, Now) and returns it, not queued: a test builds reports
// the provider would not make on its own — the same success under a new
// event id, another amount, a refund outcome.
func (g *Gateway) Send(ev gateway.Event) (Callback, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	cb, err := g.emit(ev)
	if err != nil {
		return Callback{}, err
	}
	return cb.clone(), nil
}
