package billingtype

import (
	"strconv"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
)

// The events of gateway money that does not add up, and of refunds to a
// payment's original method. The values are stored and never change.
const (
	// EventPaymentMismatch: a gateway reported a payment paid with another
	// amount or currency than the payment asked for (in a callback or in
	// answer to a status query). Nothing was applied; the payload, a
	// PaymentMismatchPayload, says what each side says, for an operator.
	EventPaymentMismatch EventKind = "payment.mismatch"
	// EventRefundRequested: a refund to a payment's original method was
	// asked for and its amount reserved (RefundPayload).
	EventRefundRequested EventKind = "refund.requested"
	// EventRefundSucceeded: the gateway returned the refund's money to the
	// payer (RefundPayload).
	EventRefundSucceeded EventKind = "refund.succeeded"
	// EventRefundFailed: the gateway refused or gave up the refund and its
	// reservation was released (RefundPayload, with the reason).
	EventRefundFailed EventKind = "refund.failed"
)

// AuditPaymentMismatch is the audit action recording a gateway's report of
// a payment with the wrong amount or currency.
const AuditPaymentMismatch = "payment.amount_mismatch"

// PaymentMismatchPayload is the body of an EventPaymentMismatch event (and
// the detail of its audit record).
type PaymentMismatchPayload struct {
	PaymentID string `json:"payment_id"`
	Gateway   string `json:"gateway"`
	// Source is "callback" or "query": where the report came from.
	Source string `json:"source"`
	// EventID is the callback's event id; empty for a query.
	EventID    string `json:"event_id,omitempty"`
	GatewayRef string `json:"gateway_ref,omitempty"`
	// Expected is what the payment asked of the gateway; Reported what the
	// gateway says was paid.
	Expected money.Amount `json:"expected"`
	Reported money.Amount `json:"reported"`
}

// RefundPayload is the body of the refund events EventRefundRequested,
// EventRefundSucceeded and EventRefundFailed.
type RefundPayload struct {
	RefundID  string `json:"refund_id"`
	PaymentID string `json:"payment_id"`
	// Purpose and Ref say what the refunded payment paid for.
	Purpose payment.PurposeKind  `json:"purpose"`
	Ref     string               `json:"ref"`
	Gateway string               `json:"gateway"`
	Amount  money.Amount         `json:"amount"`
	Status  payment.RefundStatus `json:"status"`
	// Reason is why the refund failed, for a failed one; else why it was
	// asked for.
	Reason string `json:"reason,omitempty"`
}

// RefundPaymentRequest asks to return (part of) a succeeded gateway
// payment to the method that paid it.
type RefundPaymentRequest struct {
	AccountID string `json:"account_id"`
	PaymentID string `json:"payment_id"`
	// Amount is positive, whole minor units, in the account's currency.
	Amount money.Amount `json:"amount"`
	// Reason is kept with the refund and sent to the gateway; optional.
	Reason string `json:"reason,omitempty"`
}

// GatewayRefund is a refund to a payment's original method as the host
// sees it.
type GatewayRefund struct {
	ID        string               `json:"id"`
	AccountID string               `json:"account_id"`
	PaymentID string               `json:"payment_id"`
	Gateway   string               `json:"gateway"`
	Amount    money.Amount         `json:"amount"`
	Status    payment.RefundStatus `json:"status"`
	// GatewayRef is the gateway's reference of the refund, once it gave one.
	GatewayRef    string    `json:"gateway_ref,omitempty"`
	Reason        string    `json:"reason,omitempty"`
	FailureReason string    `json:"failure_reason,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// ReconcileAction says what reconciling a payment did. The values are
// stable.
type ReconcileAction string

// The actions of a reconciliation.
const (
	// ReconcileApplied: the gateway says paid; the payment was settled as a
	// payment.succeeded callback would have settled it.
	ReconcileApplied ReconcileAction = "applied"
	// ReconcileEnded: the gateway says failed or expired; the payment was
	// ended.
	ReconcileEnded ReconcileAction = "ended"
	// ReconcileMismatch: the gateway says paid with another amount or
	// currency; the mismatch was recorded (EventPaymentMismatch) and
	// nothing applied.
	ReconcileMismatch ReconcileAction = "mismatch"
	// ReconcileNone: the payment had already reached the state the gateway
	// reports (a callback got there first), or the gateway has no final
	// answer yet; nothing changed.
	ReconcileNone ReconcileAction = "none"
	// ReconcileUnsupported: the payment's gateway cannot be asked
	// (it does not implement gateway.Querier), or the payment has no
	// gateway part.
	ReconcileUnsupported ReconcileAction = "unsupported"
)

// ReconcileResult is what ReconcilePayment found at the gateway and did.
type ReconcileResult struct {
	// Found is the state the gateway reported; zero when it was not asked.
	Found  gateway.PaymentState `json:"found,omitempty"`
	Action ReconcileAction      `json:"action"`
	// Payment is the payment after reconciliation.
	Payment Payment `json:"payment"`
}

// CallbackUnknownError reports a verified callback that names a payment,
// refund or link the library does not have (or that belongs to another
// gateway's records). Nothing changed. It matches ErrCallbackRejected.
type CallbackUnknownError struct {
	// Kind is "payment", "refund" or "link"; ID the id the event named.
	Kind string
	ID   string
}

// Error names what was not found.
func (e *CallbackUnknownError) Error() string {
	return "billing: gateway callback rejected: unknown " + e.Kind + " " + strconv.Quote(e.ID)
}

// Is makes a *CallbackUnknownError match ErrCallbackRejected.
func (e *CallbackUnknownError) Is(target error) bool { return target == ErrCallbackRejected }

// RefundUnsupportedError reports a refund to the original method that the
// payment's gateway (or the store) cannot make. Nothing was refunded and
// the payment's refundable amount is unchanged. It matches
// ErrNotRefundable and the cause, gateway.ErrUnsupported.
type RefundUnsupportedError struct {
	Gateway string
	Err     error
}

// Error names the gateway.
func (e *RefundUnsupportedError) Error() string {
	return "billing: payment not refundable to its original method: gateway " + strconv.Quote(e.Gateway) + " cannot refund: " + e.Err.Error()
}

// Is makes a *RefundUnsupportedError match ErrNotRefundable.
func (e *RefundUnsupportedError) Is(target error) bool { return target == ErrNotRefundable }

// Unwrap returns the cause, which matches gateway.ErrUnsupported.
func (e *RefundUnsupportedError) Unwrap() error { return e.Err }

// RefundFailedError reports a refund to the original method that the
// gateway refused at once (declined, invalid, unknown payment). The refund
// is recorded as failed and its reservation released; nothing was
// refunded. It matches ErrNotRefundable.
type RefundFailedError struct {
	RefundID string
	Reason   string
}

// Error names the refund and the gateway's reason.
func (e *RefundFailedError) Error() string {
	return "billing: refund " + strconv.Quote(e.RefundID) + " failed at the gateway: " + e.Reason
}

// Is makes a *RefundFailedError match ErrNotRefundable.
func (e *RefundFailedError) Is(target error) bool { return target == ErrNotRefundable }

// CreditToTakeBackError reports a refund of a top-up to its original
// method larger than the cash credit the account has to give back: a
// top-up's money is in the wallet, and only what is still there can leave
// it. Nothing changed. It matches payment.ErrInsufficientCredit.
type CreditToTakeBackError struct {
	PaymentID string
	// Cash is the account's cash credit now; Requested the refund.
	Cash, Requested money.Amount
}

// Error states both amounts.
func (e *CreditToTakeBackError) Error() string {
	return "billing: top-up " + strconv.Quote(e.PaymentID) + " cannot refund " + e.Requested.String() +
		": the wallet has " + e.Cash.String() + " of cash credit to take back"
}

// Is makes a *CreditToTakeBackError match payment.ErrInsufficientCredit.
func (e *CreditToTakeBackError) Is(target error) bool { return target == payment.ErrInsufficientCredit }
