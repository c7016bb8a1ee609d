package invoicing

import (
	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/storage"
)

// LineTax is the VAT an invoice line is issued with: its rate and, for a
// line without VAT, why (invoice.Line.TaxTreatment; empty for a line taxed
// at Rate).
type LineTax struct {
	Rate      decimal.Decimal
	Treatment invoice.TaxTreatment
}

// TaxOfLine is the VAT quote line q was priced with, which is what the
// customer paid for it: the invoice issued when the order is paid (or the
// resource provisioned) declares it, whatever the account's treatment has
// become since. A line priced before lines carried their tax is taxed, as
// it was then, at the catalog's rate.
func TaxOfLine(s *core.Env, acct storage.Account, q pricing.QuoteLine) (LineTax, error) {
	if q.TaxTreatment == "" {
		tax, err := s.TaxFor(acct.Currency)
		return LineTax{Rate: tax.Rate}, err
	}
	return lineTaxOf(q.TaxRate, q.TaxTreatment), nil
}

// lineTaxOf is the LineTax of a rate and treatment, a taxed line's
// treatment left empty as on every line issued before treatments.
func lineTaxOf(rate decimal.Decimal, t invoice.TaxTreatment) LineTax {
	if !t.Untaxed() {
		t = ""
	}
	return LineTax{Rate: rate, Treatment: t}
}

// AccountLineTax is the VAT of product productID sold to acct now: the
// account's treatment and the product's category rate.
func AccountLineTax(s *core.Env, acct storage.Account, productID string) (LineTax, error) {
	rate, t, err := s.LineTax(acct, productID)
	if err != nil {
		return LineTax{}, err
	}
	return lineTaxOf(rate, t), nil
}
