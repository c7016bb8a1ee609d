package core

import (
	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/storage"
)

// LineTax returns the VAT rate of product productID sold to acct now and
// the treatment its line declares (pricing.Catalog.TaxRate of the
// account's treatment), by the catalog of the account's currency.
func (s *Env) LineTax(acct storage.Account, productID string) (decimal.Decimal, invoice.TaxTreatment, error) {
	cat, err := s.CatalogFor(acct.Currency)
	if err != nil {
		return decimal.Zero, "", err
	}
	return cat.TaxRate(productID, acct.TaxTreatment)
}

// PriceTax is the tax policy a price of product productID in currency
// carries: the catalog's mode at the product's category rate. It turns a
// tax-inclusive catalog price into its price before tax, whoever buys.
func (s *Env) PriceTax(currency, productID string) (pricing.TaxPolicy, error) {
	cat, err := s.CatalogFor(currency)
	if err != nil {
		return pricing.TaxPolicy{}, err
	}
	tax := cat.Tax()
	if r, err := cat.CategoryRate(productID); err == nil {
		tax.Rate = r
	}
	return tax, nil
}
