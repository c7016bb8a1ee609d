package billing

import (
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/cloudbill/cloudbill/billing/clock"
	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/storage"
)

// Config is everything a System needs. Zero fields take the documented
// defaults; New validates the result once.
type Config struct {
	// Store keeps every record. Required: storage/memory for tests and a
	// single process, storage/postgres for production, or the host's own.
	Store storage.Store
	// Catalog prices configurations for accounts in DefaultCurrency.
	// Required; its currency is the accounts' default and must equal
	// DefaultCurrency when that is set. Catalogs in other currencies go in
	// Currencies.
	Catalog *pricing.Catalog
	// Currencies are the currencies the System serves besides
	// DefaultCurrency, each at most once, each with its own catalog,
	// metered prices and credit limit (see CurrencyConfig). An account is
	// created in one currency the System serves and keeps it; everything it
	// buys, renews, resizes, recovers, uses and owes is priced by that
	// currency's catalog and metered prices, its wallet, ledger, invoices
	// and coupons are in it, and a currency no catalog serves is refused.
	// Optional: without entries the System serves DefaultCurrency only.
	Currencies []CurrencyConfig
	// Clock is the only source of time. Default: clock.System{}.
	Clock clock.Clock
	// Logger receives operational logs (never secrets or gateway tokens).
	// Default: a logger that discards everything.
	Logger *slog.Logger
	// DefaultCurrency is given to accounts created without one
	// (CreateAccountRequest.Currency sets it per account).
	// Default: Catalog's currency (a USD catalog makes USD accounts;
	// nothing defaults to VND behind the host's back).
	DefaultCurrency string
	// DefaultTimeZone is the billing-calendar zone of accounts created
	// without one (CreateAccountRequest.TimeZone sets it per account, any
	// IANA zone): terms end, months close and daily jobs run in the
	// account's zone. Default: period.DefaultTimeZone ("Asia/Ho_Chi_Minh").
	DefaultTimeZone string
	// Basis is the day-count basis of every term the System sells: how
	// long a month of a term is, and so where a renewal ends. It is the
	// provider's policy, one for all its accounts, not an account setting:
	// two customers buying the same term on the same day get the same end.
	// Default: period.ThirtyDayMonths (12 months from 2023-04-05 end on
	// 2024-03-30); period.CalendarMonths clamps to month ends instead.
	Basis period.Basis

	// Gateways are the payment gateways the host connects, by Name (which
	// must be unique). Optional: without one, only credit payments work.
	Gateways []gateway.Gateway
	// PaymentTimeout is how long a redirect payment stays payable before
	// the worker (Tick) expires it and releases any credit it holds.
	// Default: 30 minutes.
	PaymentTimeout time.Duration
	// SpendPolicy orders the wallet's buckets when paying from credit.
	// Default: payment.SpendPromoFirst (soonest-expiring promotional credit
	// first, then cash).
	SpendPolicy payment.SpendPolicy
	// PaymentLinks is the policy of shareable payment links. Default:
	// valid 3 days.
	PaymentLinks payment.LinkPolicy
	// Random is the source of ids and payment-link tokens. Default:
	// crypto/rand.Reader. Tests may pass a seeded reader for stable ids.
	Random io.Reader

	// EventHandler receives outbox events (provision, suspend, notices…)
	// from DeliverEvents. Optional: a host may instead read Events.
	EventHandler EventHandler
	// Lifecycle is the lifecycle policy per product id; products not listed
	// use DefaultLifecycle.
	Lifecycle map[string]lifecycle.Policy
	// AutoRenewWithLinkedAccount lets automatic renewal charge the
	// account's default linked account when credit is short. Default: off
	// (credit only).
	AutoRenewWithLinkedAccount bool
	// DefaultLifecycle is the policy of products not in Lifecycle.
	// Default: lifecycle.DefaultPolicy() (grace 15 days, release after 30,
	// refunds on downgrade and delete, recoverable).
	DefaultLifecycle *lifecycle.Policy

	// RetryDelay is how long the worker (Tick) waits before it tries
	// again an item that failed — a due resource, a payment it could not
	// expire or submit — and how old a payment left "created" (its gateway
	// never answered) must be before the worker asks the gateway again
	// with the same payment id. Each further failure of the same item
	// doubles the wait, up to MaxRetryDelay; a created payment is asked
	// again only until its expiry, when it is expired instead. Default:
	// 1 minute, or half of PaymentTimeout if that is shorter. From 1
	// second to 24 hours, and less than PaymentTimeout.
	RetryDelay time.Duration
	// MaxRetryDelay caps the worker's wait between tries of a failing
	// item. Default: 1 hour. At least RetryDelay, at most 24 hours.
	MaxRetryDelay time.Duration
	// ReconcileAttempts is how many times the worker asks a gateway that
	// implements gateway.Querier where a payment stands, once the payment
	// is due for expiry, before it expires it anyway. A pending or unknown
	// answer (or none) is asked again after RetryDelay, doubling up to
	// MaxRetryDelay: with the defaults 1, 2, 4, 8, 16, 32, 60 minutes, so
	// 8 queries span about two hours after the expiry. A paid answer
	// settles the payment as its callback would have; a failed or expired
	// one ends it. Default: 8; 1 to 100. A gateway without Querier is not
	// asked and its payments expire at once, as before.
	ReconcileAttempts int

	// Metering declares the metered items of the whole catalog (metric,
	// unit, aggregation, unit price, quantity rounding): New builds one
	// metering.Meter of them, which RecordUsage checks every event with
	// and UsageSoFar prices by. Metrics are unique across the catalog and
	// every unit price is in DefaultCurrency; accounts in another currency
	// are priced by its CurrencyConfig.MeteredPrices. Optional: without
	// items, every usage event is refused as an unknown metric.
	Metering []metering.Item
	// Postpaid is how postpaid accounts and metered usage are billed:
	// month close, due dates, the daily jobs, the overdue schedule, the
	// credit limit and the credit hold (see PostpaidPolicy's defaults).
	Postpaid PostpaidPolicy
	// MeteringPolicy is how strictly usage events are checked (future
	// tolerance, longest event id). Default: metering.Policy{} (5 minutes,
	// 128 bytes).
	MeteringPolicy metering.Policy

	// Seller is the provider's legal details (legal name, tax code,
	// address, contacts, bank account), printed as the seller on every
	// invoice and credit note: each document takes a copy when it is
	// issued, next to the account's own details (SetLegalDetails) as the
	// buyer, so re-rendering it later shows both as they were that day.
	// Optional: without it documents name no seller. Checked by
	// invoice.CheckParty.
	Seller invoice.Party

	// EInvoice, when set, issues legal e-invoices (see EInvoiceConfig);
	// it needs Seller with a name and a tax code. Default: none.
	EInvoice *EInvoiceConfig

	// TracerProvider, when set, receives a span for every public
	// operation (billing.<Operation>), every sweep of a tick
	// (billing.tick.<sweep>) and every payment gateway call
	// (gateway.<Call>), each with its result and, on failure, the error's
	// kind (cloudbill.error.kind: "invalid_request", "insufficient_credit",
	// …): never ids, amounts, tokens or personal data. Spans nest under
	// the caller's span in ctx. Default: none (telemetry off, at the cost
	// of one nil check per operation).
	TracerProvider trace.TracerProvider
	// MeterProvider, when set, receives the System's metrics: operations
	// by operation, result and error kind (cloudbill.operations) and their
	// latency (cloudbill.operation.duration); due items per tick sweep
	// (cloudbill.tick.items), sweep latency, item failures by kind
	// (cloudbill.tick.item_failures) and whether a tick left work behind
	// (cloudbill.tick.backlog); the outbox's lag and backlog
	// (cloudbill.outbox.lag, cloudbill.outbox.undelivered, read after each
	// tick and by Check); gateway call latency and errors
	// (cloudbill.gateway.duration, cloudbill.gateway.errors). The
	// PostgreSQL store counts its serialization retries itself
	// (postgres.Options.MeterProvider). Default: none.
	MeterProvider metric.MeterProvider
}

// withDefaults returns c with every zero field set to its default.
func (c Config) withDefaults() Config {
	if c.Clock == nil {
		c.Clock = clock.System{}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if c.DefaultCurrency == "" && c.Catalog != nil {
		c.DefaultCurrency = c.Catalog.Currency().Code()
	}
	if c.DefaultTimeZone == "" {
		c.DefaultTimeZone = period.DefaultTimeZone
	}
	if c.PaymentTimeout == 0 {
		c.PaymentTimeout = 30 * time.Minute
	}
	if c.SpendPolicy == "" {
		c.SpendPolicy = payment.SpendPromoFirst
	}
	if c.Random == nil {
		c.Random = rand.Reader
	}
	if c.DefaultLifecycle == nil {
		p := lifecycle.DefaultPolicy()
		c.DefaultLifecycle = &p
	}
	if c.RetryDelay == 0 {
		c.RetryDelay = min(time.Minute, c.PaymentTimeout/2)
	}
	if c.ReconcileAttempts == 0 {
		c.ReconcileAttempts = 8
	}
	if c.MaxRetryDelay == 0 {
		c.MaxRetryDelay = max(time.Hour, c.RetryDelay)
	}
	c.Postpaid = postpaidWithDefaults(c.Postpaid)
	return c
}

// validate reports the first problem with a defaulted config.
func (c Config) validate() error {
	if err := invoice.CheckParty("Seller", c.Seller); err != nil {
		return &ConfigError{Field: "Seller", Reason: err.Error()}
	}
	if _, err := c.EInvoice.settings(c.Seller); err != nil {
		return err
	}
	if c.Store == nil {
		return &ConfigError{Field: "Store", Reason: "is required"}
	}
	if c.Catalog == nil {
		return &ConfigError{Field: "Catalog", Reason: "is required"}
	}
	if _, err := money.LookupCurrency(c.DefaultCurrency); err != nil {
		return &ConfigError{Field: "DefaultCurrency", Reason: err.Error()}
	}
	if got := c.Catalog.Currency().Code(); got != c.DefaultCurrency {
		return &ConfigError{Field: "Catalog", Reason: fmt.Sprintf("prices in %s but DefaultCurrency is %s", got, c.DefaultCurrency)}
	}
	if _, err := period.NewCalendar(c.DefaultTimeZone, c.Basis); err != nil {
		return &ConfigError{Field: "DefaultTimeZone", Reason: err.Error()}
	}
	seen := map[string]bool{}
	for i, g := range c.Gateways {
		if g == nil || g.Name() == "" {
			return &ConfigError{Field: fmt.Sprintf("Gateways[%d]", i), Reason: "is nil or has no name"}
		}
		if seen[g.Name()] {
			return &ConfigError{Field: fmt.Sprintf("Gateways[%d]", i), Reason: fmt.Sprintf("repeats the name %q", g.Name())}
		}
		seen[g.Name()] = true
	}
	if c.PaymentTimeout < time.Minute || c.PaymentTimeout > 7*24*time.Hour {
		return &ConfigError{Field: "PaymentTimeout", Reason: fmt.Sprintf("is %s, want 1m to 168h", c.PaymentTimeout)}
	}
	if !c.SpendPolicy.Valid() {
		return &ConfigError{Field: "SpendPolicy", Reason: fmt.Sprintf("%q is unknown", c.SpendPolicy)}
	}
	if err := c.PaymentLinks.Validate(); err != nil {
		return &ConfigError{Field: "PaymentLinks", Reason: err.Error()}
	}
	if err := c.DefaultLifecycle.Validate(); err != nil {
		return &ConfigError{Field: "DefaultLifecycle", Reason: err.Error()}
	}
	for id, p := range c.Lifecycle {
		if err := p.Validate(); err != nil {
			return &ConfigError{Field: "Lifecycle[" + id + "]", Reason: err.Error()}
		}
	}
	if c.RetryDelay < time.Second || c.RetryDelay > 24*time.Hour || c.RetryDelay >= c.PaymentTimeout {
		return &ConfigError{Field: "RetryDelay", Reason: fmt.Sprintf("is %s, want 1s to 24h and less than PaymentTimeout (%s)", c.RetryDelay, c.PaymentTimeout)}
	}
	if c.ReconcileAttempts < 1 || c.ReconcileAttempts > 100 {
		return &ConfigError{Field: "ReconcileAttempts", Reason: fmt.Sprintf("is %d, want 1 to 100", c.ReconcileAttempts)}
	}
	if c.MaxRetryDelay < c.RetryDelay || c.MaxRetryDelay > 24*time.Hour {
		return &ConfigError{Field: "MaxRetryDelay", Reason: fmt.Sprintf("is %s, want RetryDelay (%s) to 24h", c.MaxRetryDelay, c.RetryDelay)}
	}
	if _, err := c.meter(); err != nil {
		return err
	}
	if err := validatePostpaid(c.Postpaid, c.DefaultCurrency); err != nil {
		return err
	}
	if _, err := c.served(); err != nil {
		return err
	}

	return nil
}

// meter builds the Meter of c.Metering under c.MeteringPolicy; a bad item
// or policy, or a price in another currency, is a *ConfigError.
func (c Config) meter() (metering.Meter, error) {
	m, err := metering.NewMeter(c.MeteringPolicy, c.Metering...)
	if err != nil {
		return metering.Meter{}, &ConfigError{Field: "Metering", Reason: err.Error()}
	}
	for _, it := range m.Items() {
		if got := it.UnitPrice.Currency().Code(); got != c.DefaultCurrency {
			return metering.Meter{}, &ConfigError{Field: "Metering", Reason: fmt.Sprintf("item %q is priced in %s but DefaultCurrency is %s", it.Metric, got, c.DefaultCurrency)}
		}
	}
	return m, nil
}
