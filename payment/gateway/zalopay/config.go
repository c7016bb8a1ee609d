package zalopay

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults for zero Config fields.
const (
	// DefaultName is the gateway's Name.
	DefaultName = "zalopay"
	// SandboxEndpoint is ZaloPay's test environment, the default Endpoint.
	SandboxEndpoint = "https://sb-openapi.zalopay.vn"
	// ProductionEndpoint is ZaloPay's live environment.
	ProductionEndpoint = "https://openapi.zalopay.vn"
	// defaultTimeout bounds each request when no HTTPClient is configured.
	defaultTimeout = 30 * time.Second
)

// ErrInvalidConfig: New was given an unusable Config. Every *ConfigError
// matches it.
var ErrInvalidConfig = errors.New("zalopay: invalid config")

// ConfigError says which Config field New rejected and why. It never quotes
// the value, so it is safe to log even for a key.
type ConfigError struct {
	Field  string
	Reason string
}

// Error names the field and the rule it broke.
func (e *ConfigError) Error() string {
	return "zalopay: invalid config: " + e.Field + " " + e.Reason
}

// Is makes a *ConfigError match ErrInvalidConfig.
func (e *ConfigError) Is(target error) bool { return target == ErrInvalidConfig }

// Config configures a ZaloPay gateway. AppID, Key1 and Key2 are required;
// zero fields take the documented defaults. Printing or logging a Config
// (fmt, slog) never shows Key1 or Key2.
type Config struct {
	// Name is the gateway's Name and every event's Gateway; default "zalopay".
	Name string
	// AppID is the app_id ZaloPay issued.
	AppID int64
	// Key1 signs requests (mac).
	Key1 string
	// Key2 authenticates callbacks.
	Key2 string
	// Endpoint is ZaloPay's base URL; default SandboxEndpoint.
	Endpoint string
	// CallbackURL is where ZaloPay POSTs paid orders; empty means the URL
	// registered for the app.
	CallbackURL string
	// RedirectURL is where the payer returns when a PaymentRequest has no
	// ReturnURL; optional.
	RedirectURL string
	// BankCode preselects a payment method ("zalopayapp", a bank); empty
	// lets the payer choose on ZaloPay's page.
	BankCode string
	// HTTPClient sends the requests; default a client with a 30-second
	// timeout.
	HTTPClient *http.Client
}

// normalise applies defaults and validates.
func (c Config) normalise() (Config, error) {
	if c.Name == "" {
		c.Name = DefaultName
	}
	if len(c.Name) > 64 || strings.ContainsFunc(c.Name, notPrintableASCII) {
		return c, &ConfigError{Field: "Name", Reason: "must be at most 64 bytes of printable ASCII"}
	}
	if c.AppID <= 0 {
		return c, &ConfigError{Field: "AppID", Reason: "must be positive"}
	}
	if c.Key1 == "" {
		return c, &ConfigError{Field: "Key1", Reason: "is required"}
	}
	if c.Key2 == "" {
		return c, &ConfigError{Field: "Key2", Reason: "is required"}
	}
	if c.Endpoint == "" {
		c.Endpoint = SandboxEndpoint
	}
	if !absoluteURL(c.Endpoint, false) {
		return c, &ConfigError{Field: "Endpoint", Reason: "must be an absolute http(s) URL without query or fragment"}
	}
	c.Endpoint = strings.TrimRight(c.Endpoint, "/")
	if c.CallbackURL != "" && !absoluteURL(c.CallbackURL, true) {
		return c, &ConfigError{Field: "CallbackURL", Reason: "must be an absolute http(s) URL"}
	}
	if c.RedirectURL != "" && !absoluteURL(c.RedirectURL, true) {
		return c, &ConfigError{Field: "RedirectURL", Reason: "must be an absolute http(s) URL"}
	}
	if len(c.BankCode) > 20 || strings.ContainsFunc(c.BankCode, notPrintableASCII) {
		return c, &ConfigError{Field: "BankCode", Reason: "must be at most 20 bytes of printable ASCII"}
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: defaultTimeout}
	}
	return c, nil
}

// absoluteURL reports whether s is an absolute http or https URL; query
// strings are allowed only when query is true.
func absoluteURL(s string, query bool) bool {
	if s == "" || len(s) > 1024 || strings.ContainsFunc(s, notPrintableASCII) {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Fragment != "" {
		return false
	}
	return query || u.RawQuery == ""
}

func notPrintableASCII(r rune) bool { return r < '!' || r > '~' }

// String describes the config without its keys.
func (c Config) String() string {
	return fmt.Sprintf("zalopay.Config{Name:%q AppID:%d Endpoint:%q CallbackURL:%q Key1:%s Key2:%s}",
		c.Name, c.AppID, c.Endpoint, c.CallbackURL, redact(c.Key1), redact(c.Key2))
}

// GoString is String, so %#v hides the keys too.
func (c Config) GoString() string { return c.String() }

// Format prints String's text for every verb.
func (c Config) Format(f fmt.State, _ rune) { fmt.Fprint(f, c.String()) }

// LogValue logs the config without its keys.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("name", c.Name),
		slog.Int64("app_id", c.AppID),
		slog.String("endpoint", c.Endpoint),
		slog.String("callback_url", c.CallbackURL),
		slog.String("key1", redact(c.Key1)),
		slog.String("key2", redact(c.Key2)),
	)
}

// redact shows whether a key is set, never its value.
func redact(s string) string {
	if s == "" {
		return `""`
	}
	return "[REDACTED]"
}
