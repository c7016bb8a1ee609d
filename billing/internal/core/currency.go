package core

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

// AccountCreditLimit is the credit-limit policy of acct's postpaid
// purchases: the configured one for its currency, with the account's own
// limit when it has one.
func (s *Env) AccountCreditLimit(acct storage.Account) lifecycle.CreditLimitPolicy {
	p := s.creditLimitFor(acct.Currency)
	if !acct.CreditLimit.Currency().IsZero() {
		p.Limit = acct.CreditLimit
	}
	return p
}

// ServedCurrency is what a System prices one currency's accounts with.
type ServedCurrency struct {
	Catalog *pricing.Catalog
	Meter   metering.Meter
	Limit   lifecycle.CreditLimitPolicy
}

// CatalogFor is the catalog of currency's accounts, or an error matching
// ErrCurrencyMismatch when no catalog prices in it.
func (s *Env) CatalogFor(currency string) (*pricing.Catalog, error) {
	sc, err := s.servedIn(currency)
	return sc.Catalog, err
}

// MeterFor is the meter pricing the usage of currency's accounts.
func (s *Env) MeterFor(currency string) (metering.Meter, error) {
	sc, err := s.servedIn(currency)
	return sc.Meter, err
}

// creditLimitFor is the credit-limit policy of postpaid accounts in
// currency; no limit for a currency the System does not serve (nothing can
// be bought in it).
func (s *Env) creditLimitFor(currency string) lifecycle.CreditLimitPolicy {
	return s.Currencies[currency].Limit
}

// TaxFor is the tax policy of the catalog of currency's accounts.
func (s *Env) TaxFor(currency string) (pricing.TaxPolicy, error) {
	cat, err := s.CatalogFor(currency)
	if err != nil {
		return pricing.TaxPolicy{}, err
	}
	return cat.Tax(), nil
}

// servedIn looks currency up among the served currencies.
func (s *Env) servedIn(currency string) (ServedCurrency, error) {
	sc, ok := s.Currencies[currency]
	if !ok {
		return ServedCurrency{}, fmt.Errorf("%w: no catalog prices in %q; this system serves %s",
			billingtype.ErrCurrencyMismatch, currency, strings.Join(s.CurrencyOrder, ", "))
	}
	return sc, nil
}

// CheckServed refuses, as a *RequestError on field matching both
// ErrInvalidRequest and ErrCurrencyMismatch, a currency the System does not
// serve.
func (s *Env) CheckServed(field, currency string) error {
	if _, ok := s.Currencies[currency]; !ok {
		return &billingtype.RequestError{Field: field, Reason: fmt.Sprintf("%s has no catalog; this system serves %s", currency, strings.Join(s.CurrencyOrder, ", ")),
			Err: billingtype.ErrCurrencyMismatch}
	}
	return nil
}

// BadTermFor is the *RequestError for field's term t of product productID
// when the catalog of currency's accounts refuses it (malformed, or not
// sold), nil otherwise; an unknown product or currency is left to the
// pricing that follows.
func (s *Env) BadTermFor(currency, field, productID string, t period.Term) error {
	cat, err := s.CatalogFor(currency)
	if err != nil {
		return nil
	}
	return termRefusal(field, cat.CheckTerm(productID, t))
}

// CheckItemTerms is BadTermFor of every item's term, on field
// Items[i].Term.
func (s *Env) CheckItemTerms(currency string, items []order.Item) error {
	cat, err := s.CatalogFor(currency)
	if err != nil {
		return nil // the pricing that follows refuses the currency
	}
	for i, it := range items {
		if err := cat.CheckTerm(it.ProductID, it.Term); err != nil {
			if refusal := termRefusal(fmt.Sprintf("Items[%d].Term", i), err); refusal != nil {
				return refusal
			}
		}
	}
	return nil
}

// BadTermAnywhere is BadTermFor before the account is known: the term is
// refused only when every catalog that sells productID refuses it (with
// the first refusal, in Currencies order); the account's own catalog
// checks it again once the account is read.
func (s *Env) BadTermAnywhere(field, productID string, t period.Term) error {
	var first error
	for _, cur := range s.CurrencyOrder {
		err := s.Currencies[cur].Catalog.CheckTerm(productID, t)
		if err == nil {
			return nil
		}
		if refusal := termRefusal(field, err); refusal != nil && first == nil {
			first = refusal
		}
	}
	return first
}

// termRefusal turns a catalog's term check into a *RequestError on field,
// or nil when the check passed or failed for another reason.
func termRefusal(field string, err error) error {
	if errors.Is(err, period.ErrInvalidTerm) || errors.Is(err, period.ErrTermNotSold) {
		return &billingtype.RequestError{Field: field, Reason: err.Error(), Err: err}
	}
	return nil
}

// SameCurrency rejects money not in the account's currency.
func SameCurrency(acct storage.Account, a money.Amount) error {
	if got := a.Currency().Code(); got != acct.Currency {
		return fmt.Errorf("%w: %s for an account in %s", billingtype.ErrCurrencyMismatch, got, acct.Currency)
	}
	return nil
}
