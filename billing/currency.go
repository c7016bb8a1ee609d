package billing

import (
	"fmt"
	"maps"
	"slices"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/pricing"
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

// served builds what the System serves, by currency code: DefaultCurrency
// from Catalog, Metering and Postpaid.CreditLimit, then every Currencies
// entry. A problem is a *ConfigError naming the field. Call it on a
// defaulted config whose Catalog, Metering and Postpaid are valid.
func (c Config) served() (map[string]core.ServedCurrency, error) {
	m, err := c.meter()
	if err != nil {
		return nil, err
	}
	out := map[string]core.ServedCurrency{c.DefaultCurrency: {Catalog: c.Catalog, Meter: m, Limit: c.Postpaid.CreditLimit}}
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
		out[cur] = core.ServedCurrency{Catalog: cc.Catalog, Meter: meter, Limit: limit}
	}
	return out, nil
}

// Currencies returns the codes of the currencies the System serves,
// DefaultCurrency first, then the others in alphabetical order. An
// account can be created in any of them and in no other.
func (s *System) Currencies() []string { return slices.Clone(s.env.CurrencyOrder) }

// currencyOrder is what Currencies returns: the default currency, then
// the others in alphabetical order.
func currencyOrder(defaultCurrency string, served map[string]core.ServedCurrency) []string {
	rest := slices.Sorted(maps.Keys(served))
	rest = slices.DeleteFunc(rest, func(c string) bool { return c == defaultCurrency })
	return append([]string{defaultCurrency}, rest...)
}

// CatalogFor returns the catalog accounts in currency (an ISO 4217 code)
// buy from: Config.Catalog for DefaultCurrency, a Config.Currencies entry's
// for another. A currency the System does not serve is an error matching
// ErrCurrencyMismatch.
func (s *System) CatalogFor(currency string) (*pricing.Catalog, error) {
	return s.env.CatalogFor(currency)
}
