package billing

import (
	"context"

	"github.com/cloudbill/cloudbill/billing/internal/pay"
)

// RefundPayment returns (part of) a succeeded gateway payment — of an
// order, an invoice, a payment link or a top-up — to the method that paid
// it, through its gateway's Refund. It is bounded by the payment: the
// refunds to its method, pending ones included, never exceed what the
// gateway collected (FromGateway), and all its refunds, those to credit
// (RefundToCredit) included, never exceed what it paid; an order's refund
// also stays within the unused paid value of its resources, as
// RefundToCredit's does, and takes that value from them (credit notes)
// when it succeeds. An invoice's refund (a bill paid directly or through
// its payment link) is documented by a credit note of as much against the
// invoice when it succeeds, as far as the invoice is still creditable: the
// money returned is a concession, so what the invoice says is due does not
// change. Above that: payment.ErrOverRefund.
//
// A top-up's money is cash in the wallet, so its refund takes that cash
// back: only while the wallet still has it (else a
// *CreditToTakeBackError matching payment.ErrInsufficientCredit, nothing
// changed). Worked example: a top-up of 500,000 VND, 350,000 spent, leaves
// 150,000 cash; a refund of 200,000 is refused, one of 150,000 sets the
// 150,000 aside at once (customer:held:<refund>) and, when the gateway
// returns it, sends it out (held −150,000, gateway:clearing +150,000),
// leaving 0 cash.
//
// The refund is reserved first, in one idempotent transaction with its
// own id (a refund.requested event), so concurrent refunds can never
// exceed the bound; the gateway is called outside any transaction with
// that id, which gateways treat idempotently. Its answer settles the
// refund: succeeded (a gateway_refund journal entry — revenue:refunds −x,
// gateway:clearing +x, or from the top-up's hold — the payment's Refunded
// grows and it becomes partially_refunded or refunded, refund.succeeded),
// failed (the reservation released, refund.failed, and a
// *RefundFailedError), or pending until a refund.succeeded or
// refund.failed callback, or the worker's QueryRefund, settles it. A
// gateway that cannot refund (gateway.ErrUnsupported) gives a
// *RefundUnsupportedError, which wraps it, with nothing refunded. No
// answer at all is ErrGatewayUnavailable: the refund stays pending and
// the worker asks again. The same key and request return the same refund;
// a different request with the key is an *IdempotencyConflictError.
func (s *System) RefundPayment(ctx context.Context, key string, req RefundPaymentRequest) (_ GatewayRefund, err error) {
	ctx, op := s.env.Tel.Start(ctx, "RefundPayment")
	defer op.End(&err)
	if err := validateRefundPayment(req); err != nil {
		return GatewayRefund{}, err
	}
	return pay.RefundPayment(ctx, s.env, key, req)
}

// Refund returns one refund to a payment's original method of the
// account; another account's is ErrPaymentNotFound.
func (s *System) Refund(ctx context.Context, accountID, refundID string) (_ GatewayRefund, err error) {
	ctx, op := s.env.Tel.Start(ctx, "Refund")
	defer op.End(&err)
	if err := validateIDs(accountID, refundID, "RefundID"); err != nil {
		return GatewayRefund{}, err
	}
	return pay.ReadRefund(ctx, s.env, accountID, refundID)
}

// ReconcilePayment asks the gateway of one of the account's payments,
// when the gateway implements gateway.Querier, where the payment stands,
// and applies a final answer exactly as the callback it stands for would
// have: paid settles a created or pending payment (money for something no
// longer payable becomes cash credit) or credits a failed or expired
// one's money as cash, once; failed or expired ends a created or pending
// payment; another amount or currency is recorded (an
// EventPaymentMismatch) and applies nothing. A state the payment has
// already reached, or pending or not found, changes nothing. It is
// idempotent and safe beside a callback for the same payment: whichever
// comes second finds the work done. The worker does the same before it
// expires a payment (Config.ReconcileAttempts).
//
// A gateway without Querier, or a payment without a gateway part, is
// ReconcileUnsupported. No answer from the gateway is
// ErrGatewayUnavailable, with nothing changed.
func (s *System) ReconcilePayment(ctx context.Context, accountID, paymentID string) (_ ReconcileResult, err error) {
	ctx, op := s.env.Tel.Start(ctx, "ReconcilePayment")
	defer op.End(&err)
	if err := validateIDs(accountID, paymentID, "PaymentID"); err != nil {
		return ReconcileResult{}, err
	}
	return pay.ReconcilePayment(ctx, s.env, accountID, paymentID)
}
