package billing

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/cloudbill/cloudbill/billing/clock"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/storage"
)

// Config is everything a System needs. Zero fields take the documented
// defaults; New validates the result once.
type Config struct {
	// Store keeps every record. Required: storage/memory for tests and a
	// single process, storage/postgres for production, or the host's own.
	Store storage.Store
	// Catalog prices configurations. Required; its currency must equal
	// DefaultCurrency.
	Catalog *pricing.Catalog
	// Clock is the only source of time. Default: clock.System{}.
	Clock clock.Clock
	// Logger receives operational logs (never secrets or gateway tokens).
	// Default: a logger that discards everything.
	Logger *slog.Logger
	// DefaultCurrency is given to accounts created without one.
	// Default: "VND".
	DefaultCurrency string
	// DefaultTimeZone is the billing-calendar zone of accounts created
	// without one. Default: period.DefaultTimeZone ("Asia/Ho_Chi_Minh").
	DefaultTimeZone string
	// Basis is the day-count basis of terms. Default: period.ThirtyDayMonths.
	Basis period.Basis
}

// withDefaults returns c with every zero field set to its default.
func (c Config) withDefaults() Config {
	if c.Clock == nil {
		c.Clock = clock.System{}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if c.DefaultCurrency == "" {
		c.DefaultCurrency = "VND"
	}
	if c.DefaultTimeZone == "" {
		c.DefaultTimeZone = period.DefaultTimeZone
	}
	return c
}

// validate reports the first problem with a defaulted config.
func (c Config) validate() error {
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
	return nil
}
