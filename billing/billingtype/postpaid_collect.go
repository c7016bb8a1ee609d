package billingtype

import (
	"github.com/cloudbill/cloudbill/billing/money"
)

// CollectedInvoice is one invoice an automatic payment paid (part of).
type CollectedInvoice struct {
	InvoiceID string `json:"invoice_id"`
	// PaymentID is the credit payment made; it is in the payment history
	// and recorded on the invoice.
	PaymentID string       `json:"payment_id"`
	Amount    money.Amount `json:"amount"`
	// Full says the invoice is now paid; otherwise it is partially paid.
	Full bool `json:"full"`
}

// CollectionPayload is the body of an EventCollection event: what one run
// of automatic invoice payment paid from the account's credit, for the
// host's e-mail.
type CollectionPayload struct {
	// Available is the spendable credit before the run.
	Available money.Amount `json:"available"`
	// Paid lists the invoices paid, in payment order (oldest first, then
	// the smaller amount).
	Paid []CollectedInvoice `json:"paid"`
	// Outstanding is what the account still owes on open invoices after
	// the run.
	Outstanding money.Amount `json:"outstanding"`
}
