package billing

import (
	"context"

	"github.com/cloudbill/cloudbill/billing/internal/invoicing"
	"github.com/cloudbill/cloudbill/billing/internal/txn"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/storage"
)

// SetTaxTreatment records how the account's purchases are taxed (an
// audited, idempotent operation, "account.tax_treatment_changed"); see
// SetTaxTreatmentRequest. Every price taxed from then on uses it, with the
// catalog's per-category rates (pricing.Catalog.TaxRate): in a catalog at
// 10 % exclusive, a 1,000,000 server costs a standard account 1,100,000
// (tax 100,000); an exempt account 1,000,000, its invoice line declared
// KCT; a zero-rated (export) account 1,000,000, declared 0 %; a product
// of an 8 % category costs a standard account 1,080,000. Invoices issued
// before keep their tax, and a refund reverses the tax its invoice
// charged. Setting the treatment the account has changes nothing and
// writes no audit record.
//
// Errors: a *RequestError naming AccountID, Treatment (not one of
// invoice.TaxStandard, TaxExempt, TaxZeroRated, TaxNotDeclared), Actor or
// Reason; ErrAccountNotFound; ErrIdempotencyConflict for another request
// under the same key. Nothing changes on an error.
func (s *System) SetTaxTreatment(ctx context.Context, key string, req SetTaxTreatmentRequest) (_ Account, err error) {
	ctx, op := s.env.Tel.Start(ctx, "SetTaxTreatment")
	defer op.End(&err)
	if err := checkAuditedChange(req.AccountID, req.Actor, req.Reason); err != nil {
		return Account{}, err
	}
	if req.Treatment == "" || !req.Treatment.Valid() {
		return Account{}, &RequestError{Field: "Treatment", Reason: "must be " + string(invoice.TaxStandard) + ", " + string(invoice.TaxExempt) +
			", " + string(invoice.TaxZeroRated) + " or " + string(invoice.TaxNotDeclared)}
	}
	return txn.Idempotent(ctx, s.env, req.AccountID, key, "account.set_tax_treatment", req, func(ctx context.Context, tx storage.Tx) (Account, error) {
		return invoicing.SetTaxTreatment(ctx, s.env, tx, req)
	})
}
