package billing

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/lifecycle"
)

// CurrencyConfig is one more currency a System serves besides
// Config.DefaultCurrency: the catalog its accounts buy from, the prices of
// their metered usage and their credit limit, all in that currency. The
// metered items themselves (metrics, units, aggregation, rounding), the
// lifecycle, postpaid and payment policies, the time-zone default and the
// day-count basis are the System's and the same in every currency.
type CurrencyConfig struct {
	// Catalog prices configurations for accounts in its currency, with its
	// own products, terms, term discounts and tax policy. Required; its
	// currency is the one this entry serves and must differ from
	// DefaultCurrency and from every other entry's.
	Catalog *pricing.Catalog
	// MeteredPrices is the unit price, in this currency, of every metered
	// item of Config.Metering, by metric: each metric declared there needs
	// exactly one price here, and no other metric may appear. A price may
	// carry more digits than the currency (0.0003 USD per GB-hour) and is
	// never negative.
	MeteredPrices map[string]money.Amount
	// CreditLimit is the credit limit of postpaid accounts in this
	// currency: whole minor units, or the zero Amount for no limit. The
	// notice threshold and whether the limit blocks purchases are
	// Config.Postpaid.CreditLimit's.
	CreditLimit money.Amount
}

// servedCurrency is what a System prices one currency's accounts with.
type servedCurrency struct {
	catalog *pricing.Catalog
	meter   metering.Meter
	limit   lifecycle.CreditLimitPolicy
}

// served builds what the System serves, by currency code: DefaultCurrency
// from Catalog, Metering and Postpaid.CreditLimit, then every Currencies
// entry. A problem is a *ConfigError naming the field. Call it on a
// defaulted config whose Catalog, Metering and Postpaid are valid.
func (c Config) served() (map[string]servedCurrency, error) {
	m, err := c.meter()
	if err != nil {
		return nil, err
	}
	out := map[string]servedCurrency{c.DefaultCurrency: {catalog: c.Catalog, meter: m, limit: c.Postpaid.CreditLimit}}
	for i, cc := range c.Currencies {
		field := fmt.Sprintf("Currencies[%d]", i)
		if cc.Catalog == nil {
			return nil, &ConfigError{Field: field + ".Catalog", Reason: "is required"}
		}
		cur := cc.Catalog.Currency().Code()
		if _, dup := out[cur]; dup {
			return nil, &ConfigError{Field: field + ".Catalog", Reason: fmt.Sprintf("prices in %s, which the System already serves (each currency has one catalog)", cur)}
		}
		items := m.Items()
		for metric := range cc.MeteredPrices {
			if !slices.ContainsFunc(items, func(it metering.Item) bool { return it.Metric == metric }) {
				return nil, &ConfigError{Field: field + ".MeteredPrices", Reason: fmt.Sprintf("prices %q, which Metering does not declare", metric)}
			}
		}
		for j := range items {
			p, ok := cc.MeteredPrices[items[j].Metric]
			switch {
			case !ok:
				return nil, &ConfigError{Field: field + ".MeteredPrices", Reason: fmt.Sprintf("has no price for %q", items[j].Metric)}
			case p.Currency().Code() != cur:
				return nil, &ConfigError{Field: field + ".MeteredPrices", Reason: fmt.Sprintf("prices %q in %q, not %s", items[j].Metric, p.Currency().Code(), cur)}
			}
			items[j].UnitPrice = p
		}
		meter, err := metering.NewMeter(c.MeteringPolicy, items...)
		if err != nil {
			return nil, &ConfigError{Field: field + ".MeteredPrices", Reason: err.Error()}
		}
		limit := c.Postpaid.CreditLimit
		limit.Limit = cc.CreditLimit
		if err := checkCreditLimit(limit, cur); err != nil {
			return nil, &ConfigError{Field: field + ".CreditLimit", Reason: err.Error()}
		}
		out[cur] = servedCurrency{catalog: cc.Catalog, meter: meter, limit: limit}
	}
	return out, nil
}

// Currencies returns the codes of the currencies the System serves,
// DefaultCurrency first, then the others in alphabetical order. An
// account can be created in any of them and in no other.
func (s *System) Currencies() []string { return slices.Clone(s.currencyOrder) }

// currencyOrder is what Currencies returns: the default currency, then
// the others in alphabetical order.
func currencyOrder(defaultCurrency string, served map[string]servedCurrency) []string {
	rest := slices.Sorted(maps.Keys(served))
	rest = slices.DeleteFunc(rest, func(c string) bool { return c == defaultCurrency })
	return append([]string{defaultCurrency}, rest...)
}

// CatalogFor returns the catalog accounts in currency (an ISO 4217 code)
// buy from: Config.Catalog for DefaultCurrency, a Config.Currencies entry's
// for another. A currency the System does not serve is an error matching
// ErrCurrencyMismatch.
func (s *System) CatalogFor(currency string) (*pricing.Catalog, error) {
	return s.catalogFor(currency)
}

// catalogFor is the catalog of currency's accounts, or an error matching
// ErrCurrencyMismatch when no catalog prices in it.
func (s *System) catalogFor(currency string) (*pricing.Catalog, error) {
	sc, err := s.servedIn(currency)
	return sc.catalog, err
}

// meterFor is the meter pricing the usage of currency's accounts.
func (s *System) meterFor(currency string) (metering.Meter, error) {
	sc, err := s.servedIn(currency)
	return sc.meter, err
}

// creditLimitFor is the credit-limit policy of postpaid accounts in
// currency; no limit for a currency the System does not serve (nothing can
// be bought in it).
func (s *System) creditLimitFor(currency string) lifecycle.CreditLimitPolicy {
	return s.currencies[currency].limit
}

// taxFor is the tax policy of the catalog of currency's accounts.
func (s *System) taxFor(currency string) (pricing.TaxPolicy, error) {
	cat, err := s.catalogFor(currency)
	if err != nil {
		return pricing.TaxPolicy{}, err
	}
	return cat.Tax(), nil
}

// servedIn looks currency up among the served currencies.
func (s *System) servedIn(currency string) (servedCurrency, error) {
	sc, ok := s.currencies[currency]
	if !ok {
		return servedCurrency{}, fmt.Errorf("%w: no catalog prices in %q; this system serves %s",
			ErrCurrencyMismatch, currency, strings.Join(s.currencyOrder, ", "))
	}
	return sc, nil
}

// checkServed refuses, as a *RequestError on field matching both
// ErrInvalidRequest and ErrCurrencyMismatch, a currency the System does not
// serve.
func (s *System) checkServed(field, currency string) error {
	if _, ok := s.currencies[currency]; !ok {
		return &RequestError{Field: field, Reason: fmt.Sprintf("%s has no catalog; this system serves %s", currency, strings.Join(s.currencyOrder, ", ")),
			Err: ErrCurrencyMismatch}
	}
	return nil
}

// badTermFor is the *RequestError for field's term t of product productID
// when the catalog of currency's accounts refuses it (malformed, or not
// sold), nil otherwise; an unknown product or currency is left to the
// pricing that follows.
func (s *System) badTermFor(currency, field, productID string, t period.Term) error {
	cat, err := s.catalogFor(currency)
	if err != nil {
		return nil
	}
	return termRefusal(field, cat.CheckTerm(productID, t))
}

// checkItemTerms is badTermFor of every item's term, on field
// Items[i].Term.
func (s *System) checkItemTerms(currency string, items []OrderItem) error {
	cat, err := s.catalogFor(currency)
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

// badTermAnywhere is badTermFor before the account is known: the term is
// refused only when every catalog that sells productID refuses it (with
// the first refusal, in Currencies order); the account's own catalog
// checks it again once the account is read.
func (s *System) badTermAnywhere(field, productID string, t period.Term) error {
	var first error
	for _, cur := range s.currencyOrder {
		err := s.currencies[cur].catalog.CheckTerm(productID, t)
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
		return &RequestError{Field: field, Reason: err.Error(), Err: err}
	}
	return nil
}
