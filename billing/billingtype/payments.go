package billingtype

import (
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
)

// Payment is a payment as the portal and the host see it.
type Payment struct {
	ID        string          `json:"id"`
	AccountID string          `json:"account_id"`
	Purpose   payment.Purpose `json:"purpose"`
	Method    payment.Method  `json:"method"`
	Status    payment.Status  `json:"status"`
	// Amount = FromCredit + FromGateway.
	Amount      money.Amount `json:"amount"`
	FromCredit  money.Amount `json:"from_credit"`
	FromGateway money.Amount `json:"from_gateway"`
	Refunded    money.Amount `json:"refunded"`
	Gateway     string       `json:"gateway,omitempty"`
	GatewayRef  string       `json:"gateway_ref,omitempty"`
	// RedirectURL is where to send the customer to finish a pending
	// redirect payment.
	RedirectURL     string    `json:"redirect_url,omitempty"`
	LinkedAccountID string    `json:"linked_account_id,omitempty"`
	FailureReason   string    `json:"failure_reason,omitempty"`
	Description     string    `json:"description,omitempty"`
	ExpiresAt       time.Time `json:"expires_at"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
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
}
