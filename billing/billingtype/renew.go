package billingtype

import (
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
)

// PaySpec says how an action on existing resources is paid; the fields are
// as in CheckoutRequest.
type PaySpec struct {
	Method          payment.Method `json:"method"`
	Gateway         string         `json:"gateway,omitempty"`
	LinkedAccountID string         `json:"linked_account_id,omitempty"`
	ReturnURL       string         `json:"return_url,omitempty"`
	Coupons         []string       `json:"coupons,omitempty"`
	ExpectedTotal   money.Amount   `json:"expected_total"`
	Actor           string         `json:"actor,omitempty"`
}
