package billingtype

import (
	"fmt"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/payment"
)

// CheckoutRequest is step 2 of the seed's flow: quantity and usage time,
// coupons, and the way to pay.
type CheckoutRequest struct {
	AccountID string       `json:"account_id"`
	Items     []order.Item `json:"items"`
	// Coupons are the codes the customer entered, in order.
	Coupons []string `json:"coupons,omitempty"`
	// Method, Gateway, LinkedAccountID and ReturnURL are as in PayRequest.
	Method          payment.Method `json:"method"`
	Gateway         string         `json:"gateway,omitempty"`
	LinkedAccountID string         `json:"linked_account_id,omitempty"`
	ReturnURL       string         `json:"return_url,omitempty"`
	// ClientIP is the payer's IP address (IPv4 or IPv6) as the host saw
	// it, handed to the gateway, which some require (VNPay's vnp_IpAddr;
	// without it the adapter's configured default). It is not part of the
	// request's idempotency fingerprint: a retry from another address is
	// the same request.
	ClientIP string `json:"-"`
	// ExpectedTotal, when set, is the total of the quote the customer
	// confirmed. If prices or coupons changed since, the checkout is
	// rejected with a *QuoteChangedError and nothing changes: the host
	// shows the new quote and asks again. Leave it zero to accept the
	// current price.
	ExpectedTotal money.Amount `json:"expected_total"`
	// Actor is who placed the order (for the action log); default the
	// account id.
	Actor string `json:"actor,omitempty"`
}

// Error says what the order costs now and what was quoted.
func (e *QuoteChangedError) Error() string {
	return fmt.Sprintf("billing: the order now costs %s, not the %s quoted", e.Current, e.Expected)
}

// Is makes a *QuoteChangedError match ErrQuoteChanged.
func (e *QuoteChangedError) Is(target error) bool { return target == ErrQuoteChanged }

// DeleteRequest deletes a resource at the customer's request.
type DeleteRequest struct {
	AccountID  string `json:"account_id"`
	ResourceID string `json:"resource_id"`
	Reason     string `json:"reason,omitempty"`
	// Actor is who deleted it, for the action log; default the account.
	Actor string `json:"actor,omitempty"`
}

// PayRequest pays an amount of an account by one of the seed's methods.
type PayRequest struct {
	AccountID string       `json:"account_id"`
	Amount    money.Amount `json:"amount"`
	// Method is payment.MethodCredit, MethodTopUpAndPay, MethodGateway or
	// MethodLinkedAccount.
	Method payment.Method `json:"method"`
	// Purpose says what is paid: an order or an invoice (top-ups go
	// through TopUp, payment links through PayLink).
	Purpose payment.Purpose `json:"purpose"`
	// Gateway names the gateway of a MethodGateway or MethodTopUpAndPay
	// payment (ignored when credit covers all of it).
	Gateway string `json:"gateway,omitempty"`
	// LinkedAccountID picks the linked account of a MethodLinkedAccount
	// payment; "" means the account's default.
	LinkedAccountID string `json:"linked_account_id,omitempty"`
	// ReturnURL is where the gateway sends the customer back to.
	ReturnURL   string `json:"return_url,omitempty"`
	Description string `json:"description,omitempty"`
	// ClientIP is the payer's IP address (IPv4 or IPv6) as the host saw
	// it, handed to the gateway, which some require (VNPay's vnp_IpAddr;
	// without it the adapter's configured default). It is not part of the
	// request's idempotency fingerprint: a retry from another address is
	// the same request.
	ClientIP string `json:"-"`
}

// PaySpec says how an action on existing resources is paid; the fields are
// as in CheckoutRequest.
type PaySpec struct {
	Method          payment.Method `json:"method"`
	Gateway         string         `json:"gateway,omitempty"`
	LinkedAccountID string         `json:"linked_account_id,omitempty"`
	ReturnURL       string         `json:"return_url,omitempty"`
	// ClientIP is the payer's IP address (IPv4 or IPv6) as the host saw
	// it, handed to the gateway, which some require (VNPay's vnp_IpAddr;
	// without it the adapter's configured default). It is not part of the
	// request's idempotency fingerprint: a retry from another address is
	// the same request.
	ClientIP      string       `json:"-"`
	Coupons       []string     `json:"coupons,omitempty"`
	ExpectedTotal money.Amount `json:"expected_total"`
	Actor         string       `json:"actor,omitempty"`
}

// ResizeRequest changes a resource's configuration mid-term.
type ResizeRequest struct {
	AccountID     string                `json:"account_id"`
	ResourceID    string                `json:"resource_id"`
	Configuration pricing.Configuration `json:"configuration"`
	PaySpec
}
