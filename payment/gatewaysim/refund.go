package gatewaysim

import (
	"context"
	"fmt"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment/gateway"
)

// Refund refunds part or all of a succeeded payment named by PaymentID and
// its GatewayRef, queues refund.succeeded and returns the refund's
// reference. The refunds of a payment never exceed what was paid: a refund
// beyond the rest is gateway.ErrInvalidRequest, as is a refund of an unpaid
// payment or in another currency; an unknown payment or reference matches
// gateway.ErrNotFound.
//
// Refunds succeed unless SetOutcome names the RefundID: Timeout returns
// gateway.ErrTemporary without refunding, Decline a *gateway.DeclineError,
// LostResponse refunds but returns gateway.ErrTemporary. Repeating a refund
// with the same RefundID and request returns the first result without
// refunding again; a different request is gateway.ErrConflict.
func (g *Gateway) Refund(ctx context.Context, req gateway.RefundRequest) (result gateway.RefundResult, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	applied := false
	defer func() {
		g.record(Call{Method: MethodRefund, PaymentID: req.PaymentID, RefundID: req.RefundID,
			Amount: req.Amount, Applied: applied, Err: err})
	}()
	if err := ctx.Err(); err != nil {
		return gateway.RefundResult{}, temporary(err)
	}
	if err := req.Validate(); err != nil {
		return gateway.RefundResult{}, err
	}
	if r, ok := g.refunds[req.RefundID]; ok {
		if r.req.PaymentID != req.PaymentID || r.req.GatewayRef != req.GatewayRef || !r.req.Amount.Equal(req.Amount) {
			return gateway.RefundResult{}, conflict("refund", req.RefundID)
		}
		return r.result, nil
	}
	p, ok := g.payments[req.PaymentID]
	if !ok || p.redirect.GatewayRef != req.GatewayRef {
		return gateway.RefundResult{}, fmt.Errorf("%w: no payment %q with that reference", gateway.ErrNotFound, req.PaymentID)
	}
	if p.state != stateSucceeded {
		return gateway.RefundResult{}, &gateway.RequestError{Field: "PaymentID", Reason: "is not a paid payment"}
	}
	if req.Amount.Currency() != p.amount.Currency() {
		return gateway.RefundResult{}, &gateway.RequestError{Field: "Amount", Reason: "is not in the payment's currency"}
	}
	total := req.Amount
	if !p.refunded.Currency().IsZero() {
		if total, err = p.refunded.Add(req.Amount); err != nil { // unreachable: currencies checked
			return gateway.RefundResult{}, err
		}
	}
	if c, err := total.Cmp(p.amount); err != nil || c > 0 {
		return gateway.RefundResult{}, &gateway.RequestError{Field: "Amount", Reason: "exceeds the amount paid less earlier refunds"}
	}

	o, ok := g.outcomes[req.RefundID]
	if !ok {
		o = g.refundOutcome
	}
	switch o.kind {
	case timeout:
		return gateway.RefundResult{}, fmt.Errorf("%w: simulated timeout refunding %q", gateway.ErrTemporary, req.RefundID)
	case decline:
		return gateway.RefundResult{}, &gateway.DeclineError{Reason: o.reason}
	}
	ref := g.next("re")
	r := &refund{req: req, result: gateway.RefundResult{GatewayRef: ref}, state: gateway.RefundSucceeded}
	p.refunded = total
	if o.kind == pending {
		// Accepted, not paid out: CompleteRefund settles it.
		r.state, r.result.Status = gateway.RefundPending, gateway.RefundPending
	} else {
		if g.refundMode == RefundAtOnce {
			r.result.Status = gateway.RefundSucceeded
		}
		if g.refundMode != RefundByQuery {
			cb, err := g.emit(gateway.Event{Type: gateway.EventRefundSucceeded, PaymentID: req.PaymentID,
				RefundID: req.RefundID, GatewayRef: ref, Amount: req.Amount})
			if err != nil {
				return gateway.RefundResult{}, err
			}
			g.queue = append(g.queue, cb)
		}
	}
	g.refunds[req.RefundID] = r
	applied = true
	if o.kind == lostResponse {
		return gateway.RefundResult{}, fmt.Errorf("%w: simulated lost response refunding %q", gateway.ErrTemporary, req.RefundID)
	}
	return r.result, nil
}

// RefundSettlement is how the simulator settles a refund it accepts.
type RefundSettlement uint8

// The refund settlements.
const (
	// RefundByCallback (the default): Refund answers with no status (the
	// refund is pending for the library) and queues refund.succeeded.
	RefundByCallback RefundSettlement = iota
	// RefundAtOnce: Refund answers RefundSucceeded and also queues
	// refund.succeeded, which the library then finds applied.
	RefundAtOnce
	// RefundByQuery: Refund answers with no status and queues nothing;
	// only QueryRefund tells that it succeeded, as when a callback is lost.
	RefundByQuery
)

// SetDefaultRefundOutcome programs what happens to every refund without
// its own outcome (SetOutcome with its RefundID); refunds succeed until
// it is called.
func (g *Gateway) SetDefaultRefundOutcome(o Outcome) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.refundOutcome = o
}

// SetRefundSettlement programs how refunds accepted from now on settle.
func (g *Gateway) SetRefundSettlement(m RefundSettlement) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.refundMode = m
}

// CompleteRefund settles a refund accepted with the Pending outcome by the
// outcome now programmed for its RefundID: refund.failed (and the payment's
// refundable amount restored) for Decline, refund.succeeded otherwise. The
// callback is returned, not queued. An unknown refund matches
// gateway.ErrNotFound; a settled one is ErrNotPending.
func (g *Gateway) CompleteRefund(refundID string) (Callback, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	r, ok := g.refunds[refundID]
	if !ok {
		return Callback{}, fmt.Errorf("%w: refund %q", gateway.ErrNotFound, refundID)
	}
	if r.state != gateway.RefundPending {
		return Callback{}, fmt.Errorf("%w: refund %q is settled", ErrNotPending, refundID)
	}
	ev := gateway.Event{Type: gateway.EventRefundSucceeded, PaymentID: r.req.PaymentID, RefundID: refundID,
		GatewayRef: r.result.GatewayRef, Amount: r.req.Amount}
	o, ok := g.outcomes[refundID]
	if !ok {
		o = g.refundOutcome
	}
	if o.kind == decline {
		ev.Type, ev.FailureReason, ev.Amount = gateway.EventRefundFailed, o.reason, money.Amount{}
	}
	cb, err := g.emit(ev)
	if err != nil {
		return Callback{}, err
	}
	r.state = gateway.RefundSucceeded
	if o.kind == decline {
		r.state, r.reason = gateway.RefundFailed, o.reason
		if p, ok := g.payments[r.req.PaymentID]; ok {
			if rest, err := p.refunded.Sub(r.req.Amount); err == nil {
				p.refunded = rest
			}
		}
	}
	return cb.clone(), nil
}
