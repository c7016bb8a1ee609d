package billing

import (
	"maps"
	"slices"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/payment/gateway"
)

// System runs Cloudbill's operations over one store. Apart from a cache of
// lifecycle rules per time zone it holds no mutable state of its own, so one
// System is safe for concurrent use by any number of goroutines, and several
// processes may share one database.
type System struct {
	// env is what every capability reads: store, clock, ids, gateways,
	// currencies, rules and settings. It never changes after New.
	env *core.Env
	// cfg is the host's Config with its defaults applied.
	cfg Config
}

// New validates cfg (after applying defaults) and returns a System. An
// unusable config returns a *ConfigError.
func New(cfg Config) (*System, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	// The System keeps its own copies: a host changing its slices or maps
	// later changes nothing here.
	cfg.Gateways = slices.Clone(cfg.Gateways)
	cfg.Lifecycle = maps.Clone(cfg.Lifecycle)
	if cfg.DefaultLifecycle != nil {
		p := *cfg.DefaultLifecycle
		cfg.DefaultLifecycle = &p
	}
	gws := make(map[string]gateway.Gateway, len(cfg.Gateways))
	for _, g := range cfg.Gateways {
		gws[g.Name()] = g
	}
	meter, err := cfg.meter() // validated above; the Meter copies the items
	if err != nil {
		return nil, err
	}
	cfg.Metering = slices.Clone(cfg.Metering)
	currencies, err := cfg.served() // validated above; maps and meters are the System's own
	if err != nil {
		return nil, err
	}
	cfg.Currencies = slices.Clone(cfg.Currencies)
	for i := range cfg.Currencies {
		cfg.Currencies[i].MeteredPrices = maps.Clone(cfg.Currencies[i].MeteredPrices)
	}
	einv, err := cfg.EInvoice.settings(cfg.Seller) // validated above; the settings are the System's own
	if err != nil {
		return nil, err
	}
	tel, err := core.NewTelemetry(cfg.TracerProvider, cfg.MeterProvider)
	if err != nil {
		return nil, &ConfigError{Field: "MeterProvider", Reason: err.Error()}
	}
	env := &core.Env{Tel: tel, Store: cfg.Store, Catalog: cfg.Catalog, Clock: cfg.Clock, Log: cfg.Logger, Gateways: gws, Meter: meter,
		Currencies: currencies, CurrencyOrder: currencyOrder(cfg.DefaultCurrency, currencies),
		Cfg: core.Settings{DefaultCurrency: cfg.DefaultCurrency, DefaultTimeZone: cfg.DefaultTimeZone, Basis: cfg.Basis,
			PaymentTimeout: cfg.PaymentTimeout, SpendPolicy: cfg.SpendPolicy, PaymentLinks: cfg.PaymentLinks, Random: cfg.Random,
			Lifecycle: cfg.Lifecycle, DefaultLifecycle: cfg.DefaultLifecycle, AutoRenewWithLinkedAccount: cfg.AutoRenewWithLinkedAccount,
			RetryDelay: cfg.RetryDelay, MaxRetryDelay: cfg.MaxRetryDelay, ReconcileAttempts: cfg.ReconcileAttempts, Postpaid: cfg.Postpaid,
			Seller: cfg.Seller, EInvoice: einv}}
	return &System{env: env, cfg: cfg}, nil
}

// Catalog returns the catalog of DefaultCurrency's accounts (Config.Catalog);
// CatalogFor returns any served currency's.
func (s *System) Catalog() *pricing.Catalog { return s.env.Catalog }
