package billingtype

import (
	"fmt"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/order"
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

// QuoteChangedError reports a checkout whose price changed since the
// customer confirmed the quote.
type QuoteChangedError struct {
	Expected, Current money.Amount
}

// Error says what the order costs now and what was quoted.
func (e *QuoteChangedError) Error() string {
	return fmt.Sprintf("billing: the order now costs %s, not the %s quoted", e.Current, e.Expected)
}

// Is makes a *QuoteChangedError match ErrQuoteChanged.
func (e *QuoteChangedError) Is(target error) bool { return target == ErrQuoteChanged }
