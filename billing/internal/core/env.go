// Package core is the environment every capability of a System runs in:
// the store, the clock, ids, the logger, gateways, the served currencies
// with their catalogs, meters and credit limits, the lifecycle rules, and
// the settings taken from the host's Config. An Env is built once by
// billing.New and never changes afterwards (apart from the rules cache,
// which only fills), so a store may rerun a transaction's function safely.
package core

import (
	"io"
	"log/slog"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/clock"
	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/einvoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/storage"
)

// Env is a System's environment. Every field is set by billing.New from a
// validated Config with its defaults applied.
type Env struct {
	Store storage.Store
	// Catalog prices the default currency's accounts.
	Catalog *pricing.Catalog
	Clock   clock.Clock
	Log     *slog.Logger
	Cfg     Settings
	// Gateways are the host's payment gateways by name.
	Gateways map[string]gateway.Gateway
	// Meter checks and prices usage events (Config.Metering).
	Meter metering.Meter
	// Currencies are the catalog, meter and credit limit of every
	// currency served, by code (the default currency's included).
	Currencies map[string]ServedCurrency
	// CurrencyOrder lists the served currencies, the default first.
	CurrencyOrder []string
	// Tel is the System's telemetry; nil when the host passed no
	// providers (every call on it then returns at once).
	Tel *Telemetry
	// RulesCache is the only thing an Env changes after it is built,
	// with ids' scratch below: lifecycle rules it has built, which never
	// go stale.
	RulesCache RulesCache
	// ids is the scratch NewID reads random bytes into.
	ids idScratch
}

// Settings are the host's policies from Config that the capabilities read;
// each field means what the Config field of the same name documents.
type Settings struct {
	DefaultCurrency            string
	DefaultTimeZone            string
	Basis                      period.Basis
	PaymentTimeout             time.Duration
	SpendPolicy                payment.SpendPolicy
	PaymentLinks               payment.LinkPolicy
	Random                     io.Reader
	Lifecycle                  map[string]lifecycle.Policy
	DefaultLifecycle           *lifecycle.Policy
	AutoRenewWithLinkedAccount bool
	RetryDelay                 time.Duration
	MaxRetryDelay              time.Duration
	ReconcileAttempts          int
	Postpaid                   billingtype.PostpaidPolicy
	Seller                     invoice.Party
	// EInvoice is nil when the System issues no e-invoices.
	EInvoice *EInvoiceSettings
}

// EInvoiceSettings are Config.EInvoice's, checked and with defaults set.
type EInvoiceSettings struct {
	Form          einvoice.Form
	Symbol        einvoice.Symbol
	Grouping      billingtype.EInvoiceGrouping
	Zone          *time.Location
	PaymentMethod string
	ZeroRate      einvoice.VATRate
	Signer        *einvoice.Signer
	Provider      billingtype.EInvoiceProvider
}
