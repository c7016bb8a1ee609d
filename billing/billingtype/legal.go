package billingtype

import "github.com/cloudbill/cloudbill/invoice"

// SetLegalDetailsRequest records the legal details an account's documents
// name the buyer by (legal name, tax code, address, contacts, the person
// who buys), or removes them.
type SetLegalDetailsRequest struct {
	AccountID string `json:"account_id"`
	// Legal replaces the account's details whole (invoice.CheckParty: a
	// Name unless all empty, every field at most 400 bytes of text without
	// control characters, line breaks only in Address). The zero Party
	// removes them. Documents already issued keep the details they were
	// issued with; only later ones carry the new.
	Legal invoice.Party `json:"legal"`
	// Actor identifies the operator; required, it goes to the audit trail.
	Actor string `json:"actor"`
	// Reason is free text kept in the audit trail.
	Reason string `json:"reason,omitempty"`
}
