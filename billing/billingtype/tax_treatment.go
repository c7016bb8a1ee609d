package billingtype

import "github.com/cloudbill/cloudbill/invoice"

// SetTaxTreatmentRequest says how an account's purchases are taxed (VAT).
type SetTaxTreatmentRequest struct {
	AccountID string `json:"account_id"`
	// Treatment is invoice.TaxStandard (taxed at the catalog's rate, or
	// its product category's), TaxExempt (no VAT; documents write "KCT"),
	// TaxZeroRated (0 %, exported services; documents write "0%") or
	// TaxNotDeclared ("KKKNT"). Any other value, empty included, is
	// refused. It applies to what is priced from then on: quotes,
	// checkouts, renewals, resizes, recoveries, month closes; invoices
	// already issued, and the credit notes that reverse them, keep the
	// tax they were issued with.
	Treatment invoice.TaxTreatment `json:"treatment"`
	// Actor identifies the operator; required, it goes to the audit trail.
	Actor string `json:"actor"`
	// Reason is free text kept in the audit trail.
	Reason string `json:"reason,omitempty"`
}
