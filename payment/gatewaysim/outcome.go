package gatewaysim

// outcomeKind is what the simulated provider does with a request.
type outcomeKind uint8

const (
	succeed outcomeKind = iota // the zero Outcome succeeds
	decline
	timeout
	pending
	lostResponse
)

// Outcome is what the simulated provider does with a payment (or, when set
// for a RefundID, a refund). Build one with Succeed, Decline, Timeout,
// Pending or LostResponse; the zero Outcome is Succeed.
type Outcome struct {
	kind   outcomeKind
	reason string
}

// Succeed pays: Charge returns ChargeSucceeded and queues payment.succeeded;
// Complete sends payment.succeeded.
func Succeed() Outcome { return Outcome{kind: succeed} }

// Decline refuses with reason (default "declined"): Charge returns
// ChargeFailed with that FailureReason and queues payment.failed; Complete
// sends payment.failed; Refund returns a *gateway.DeclineError.
func Decline(reason string) Outcome {
	if reason == "" {
		reason = "declined"
	}
	return Outcome{kind: decline, reason: reason}
}

// Timeout never answers: Charge and Refund return an error matching
// gateway.ErrTemporary and take no effect, no callback is queued, and
// Complete returns ErrNoCallback. Change the outcome and retry with the same
// id to let the request through.
func Timeout() Outcome { return Outcome{kind: timeout} }

// Pending defers the decision: Charge returns ChargePending and queues
// nothing; Complete later sends payment.succeeded (set Decline before
// Complete to make it fail instead).
func Pending() Outcome { return Outcome{kind: pending} }

// LostResponse takes effect but loses the answer, the case idempotency keys
// exist for: Charge charges and queues payment.succeeded, and Refund
// refunds, yet both return an error matching gateway.ErrTemporary. A retry
// with the same id returns the stored result without a second effect.
func LostResponse() Outcome { return Outcome{kind: lostResponse} }

// String names the outcome: "succeed", "decline: <reason>", "timeout",
// "pending" or "lost response".
func (o Outcome) String() string {
	switch o.kind {
	case decline:
		return "decline: " + o.reason
	case timeout:
		return "timeout"
	case pending:
		return "pending"
	case lostResponse:
		return "lost response"
	}
	return "succeed"
}
