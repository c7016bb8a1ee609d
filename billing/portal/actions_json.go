package portal

import (
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
)

// The bodies and answers of the portal's actions on resources and bills.
// Terms are written as period.Term.String writes them ("1 month",
// "3 months", "60 days") and read with period.ParseTerm.

// RenewalQuote answers GET /resources/{id}/renewal: what renewing by Term
// with Coupons costs now, priced exactly as POST /resources/{id}/renew
// charges it.
type RenewalQuote struct {
	ResourceID string `json:"resource_id"`
	// Term is the quoted term; AllowedTerms are the terms the product
	// sells, in the catalog's order.
	Term         string   `json:"term"`
	AllowedTerms []string `json:"allowed_terms"`
	// Coupons are the codes applied, as entered.
	Coupons []string `json:"coupons,omitempty"`
	// NewPeriodEnd is when the resource's paid term would end.
	NewPeriodEnd time.Time `json:"new_period_end"`
	// Subtotal − Discount (+ Tax when prices are before tax) = Total.
	Subtotal money.Amount `json:"subtotal"`
	Discount money.Amount `json:"discount"`
	Tax      money.Amount `json:"tax"`
	// Total is what the renewal charges; send it back as expected_total.
	Total money.Amount `json:"total"`
}

// RenewRequest is the body of POST /resources/{id}/renew.
type RenewRequest struct {
	// Term is required, one of the product's terms ("1 month").
	Term string `json:"term"`
	// Coupons are codes for the renew action.
	Coupons []string `json:"coupons,omitempty"`
	// Method is credit, top_up_and_pay, gateway or linked_account;
	// required.
	Method string `json:"method"`
	// Gateway names the gateway of top_up_and_pay and gateway; "" means
	// the portal's default gateway.
	Gateway string `json:"gateway,omitempty"`
	// LinkedAccountID is the linked account a linked_account payment
	// charges; "" means the default one.
	LinkedAccountID string `json:"linked_account_id,omitempty"`
	// ReturnURL is where the gateway sends the customer back to.
	ReturnURL string `json:"return_url,omitempty"`
	// ExpectedTotal is the total of the preview the customer confirmed; a
	// renewal that would now cost another amount is refused
	// (quote-changed) and charges nothing. Absent means no check.
	ExpectedTotal money.Amount `json:"expected_total,omitzero"`
}

// ActionOutcome answers a paid action on a resource: its payment
// (succeeded; pending with a redirect_url for a gateway; failed when
// declined) and the resource as it is now.
type ActionOutcome struct {
	Payment  Payment  `json:"payment"`
	Resource Resource `json:"resource"`
}

// AutoRenewRequest is the body of POST /resources/{id}/auto-renew.
type AutoRenewRequest struct {
	// On switches automatic renewal on (true) or off (false); required.
	On *bool `json:"on"`
	// Term is what each automatic renewal buys ("3 months"); absent keeps
	// the current one.
	Term string `json:"term,omitempty"`
}

// DeletionQuote answers GET /resources/{id}/deletion: what deleting the
// resource now gives back, as DELETE /resources/{id} would.
type DeletionQuote struct {
	ResourceID string `json:"resource_id"`
	// UnusedValue is the list price of the unused time; Refund is what
	// goes back to credit (zero when the product does not refund deletes
	// or the resource is postpaid).
	UnusedValue money.Amount `json:"unused_value"`
	Refund      money.Amount `json:"refund"`
}

// Deletion answers DELETE /resources/{id}.
type Deletion struct {
	Resource Resource `json:"resource"`
	// UnusedValue and Refunded are as DeletionQuote's, as they happened.
	UnusedValue money.Amount `json:"unused_value"`
	Refunded    money.Amount `json:"refunded"`
}

// OpenInvoices answers GET /open-invoices: the invoices still owed on,
// oldest first, and the total outstanding.
type OpenInvoices struct {
	Data []OpenInvoice `json:"data"`
	// Outstanding is the sum of the invoices' amounts due.
	Outstanding money.Amount `json:"outstanding"`
}

// OpenInvoice is an invoice with something left to pay.
type OpenInvoice struct {
	Invoice
	// Overdue says its due time has passed.
	Overdue bool `json:"overdue"`
}

// PayInvoiceRequest is the body of POST /invoices/{id}/pay.
type PayInvoiceRequest struct {
	// Amount is what to pay, as the customer confirmed it: usually the
	// invoice's amount_due, or less to pay in part; required. More than is
	// due is refused (quote-changed). Being part of the request, it makes
	// a retry with the same Idempotency-Key the same request, even once
	// the invoice is paid.
	Amount money.Amount `json:"amount"`
	// Method is credit, top_up_and_pay, gateway or linked_account;
	// required.
	Method          string `json:"method"`
	Gateway         string `json:"gateway,omitempty"`
	LinkedAccountID string `json:"linked_account_id,omitempty"`
	ReturnURL       string `json:"return_url,omitempty"`
}

// PayAllRequest is the body of POST /open-invoices/pay: the listed
// invoices are paid one after another, in the order given (the page sends
// them oldest first, as GET /open-invoices lists them), by credit or a
// linked account — methods that need no redirect.
type PayAllRequest struct {
	// Invoices are the invoices to pay with the amounts confirmed, 1–100;
	// required.
	Invoices []PayAllItem `json:"invoices"`
	// Method is credit or linked_account; required.
	Method          string `json:"method"`
	LinkedAccountID string `json:"linked_account_id,omitempty"`
}

// PayAllItem is one invoice of a PayAllRequest.
type PayAllItem struct {
	ID     string       `json:"id"`
	Amount money.Amount `json:"amount"`
}

// PayAllResult answers POST /open-invoices/pay: the payments made, in
// order. Paying stops at the first invoice that could not be paid
// (StoppedAt, with the Problem saying why); the invoices after it are
// left as they were.
type PayAllResult struct {
	Payments  []Payment `json:"payments"`
	StoppedAt string    `json:"stopped_at,omitempty"`
	Problem   *Problem  `json:"problem,omitempty"`
}
