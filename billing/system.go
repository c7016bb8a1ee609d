package billing

import (
	"maps"
	"slices"
	"time"

	"log/slog"

	"github.com/cloudbill/cloudbill/billing/clock"
	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/storage"
)

// System runs Cloudbill's operations over one store. Apart from a cache of
// lifecycle rules per time zone it holds no mutable state of its own, so one
// System is safe for concurrent use by any number of goroutines, and several
// processes may share one database.
type System struct {
	store    storage.Store
	catalog  *pricing.Catalog
	clock    clock.Clock
	log      *slog.Logger
	cfg      Config
	gateways map[string]gateway.Gateway
	// meter checks and prices usage events (Config.Metering).
	meter metering.Meter
	// currencies are the catalog, meter and credit limit of every
	// currency served, by code (DefaultCurrency's included).
	currencies map[string]servedCurrency
	// currencyOrder lists the served currencies, the default first.
	currencyOrder []string
	// rulesCache is the only thing a System changes after New: lifecycle
	// rules it has built, which never go stale.
	rulesCache rulesCache
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
	return &System{store: cfg.Store, catalog: cfg.Catalog, clock: cfg.Clock, log: cfg.Logger, cfg: cfg, gateways: gws, meter: meter,
		currencies: currencies, currencyOrder: currencyOrder(cfg.DefaultCurrency, currencies)}, nil
}

// Catalog returns the catalog of DefaultCurrency's accounts (Config.Catalog);
// CatalogFor returns any served currency's.
func (s *System) Catalog() *pricing.Catalog { return s.catalog }

// now reads the injected clock; the only place System learns the time.
func (s *System) now() time.Time { return s.clock.Now() }
