package stripe

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// Defaults for zero Config fields.
const (
	// DefaultName is the gateway's Name when Config.Name is empty.
	DefaultName = "stripe"
	// DefaultAPIURL is Stripe's API.
	DefaultAPIURL = "https://api.stripe.com"
	// DefaultTolerance is how far a webhook's signed timestamp may be from
	// the library's time, before or after: Stripe's own libraries default
	// to 300 seconds.
	DefaultTolerance = 5 * time.Minute
	// DefaultHTTPTimeout bounds one API request when Config.HTTPClient is
	// nil; Stripe's libraries use 80 seconds.
	DefaultHTTPTimeout = 80 * time.Second
	// DefaultCallbackTimeout bounds the one API request a callback may
	// need (reading a saved card's brand and last digits for a link).
	DefaultCallbackTimeout = 10 * time.Second
)

// ErrInvalidConfig: New was given an unusable Config. Every *ConfigError
// matches it.
var ErrInvalidConfig = errors.New("stripe: invalid config")

// ConfigError says which Config field New rejected and why; it never
// quotes the field's value, which may be a secret.
type ConfigError struct {
	Field  string
	Reason string
}

// Error names the field and the rule it broke.
func (e *ConfigError) Error() string {
	return fmt.Sprintf("stripe: invalid config: %s %s", e.Field, e.Reason)
}

// Is makes a *ConfigError match ErrInvalidConfig.
func (e *ConfigError) Is(target error) bool { return target == ErrInvalidConfig }

// Config configures a Stripe gateway. Zero fields take the documented
// defaults; SecretKey and WebhookSecrets are required. Printing or logging
// a Config (fmt, log/slog) never shows either secret.
type Config struct {
	// Name is the gateway's Name and every event's Gateway; default
	// "stripe".
	Name string
	// SecretKey is the account's secret API key ("sk_live_…", "sk_test_…")
	// or a restricted key ("rk_…") allowed to write Checkout Sessions,
	// Customers, PaymentIntents and Refunds and to read PaymentMethods and
	// SetupIntents. Required.
	SecretKey string
	// WebhookSecrets are the webhook endpoint's signing secrets
	// ("whsec_…"). A delivery is authentic when one of its v1 signatures
	// verifies under any of them, so a host rolling the secret lists the
	// old and the new one until the old one expires. At least one.
	WebhookSecrets []string
	// Tolerance is how far a webhook's signed timestamp may be before or
	// after the library's time; default DefaultTolerance.
	Tolerance time.Duration
	// ReturnURL is where Stripe's pages send the user back when a request
	// has no ReturnURL of its own. A Checkout Session needs one, so
	// CreatePayment and StartLink refuse a request when both are empty.
	ReturnURL string
	// APIURL is the API's base URL; default DefaultAPIURL. Tests point it
	// at stripe-mock.
	APIURL string
	// HTTPClient sends the API requests; default a client with
	// DefaultHTTPTimeout.
	HTTPClient *http.Client
	// MaxNetworkRetries is how many times the SDK itself repeats a request
	// that failed in transit or with a retryable status, with the same
	// idempotency key; zero means none, leaving retries to the library,
	// which repeats a call with the same ids.
	MaxNetworkRetries int
	// CallbackTimeout bounds the API request ReadCallback makes for a
	// setup_intent.succeeded event (the card's brand and last four digits);
	// default DefaultCallbackTimeout.
	CallbackTimeout time.Duration
}

// String describes c without its secrets.
func (c Config) String() string {
	return fmt.Sprintf("stripe.Config{Name: %q, SecretKey: %s, WebhookSecrets: %d×%s, APIURL: %q}",
		c.Name, redact(c.SecretKey), len(c.WebhookSecrets), redacted, c.APIURL)
}

// GoString is String, so %#v hides the secrets too.
func (c Config) GoString() string { return c.String() }

// Format prints String's text for every verb, so that no verb (%+v
// included) reaches the secret fields.
func (c Config) Format(f fmt.State, _ rune) { fmt.Fprint(f, c.String()) }

// LogValue shows c to log/slog without its secrets.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("name", c.Name),
		slog.String("secret_key", redact(c.SecretKey)),
		slog.Int("webhook_secrets", len(c.WebhookSecrets)),
		slog.String("api_url", c.APIURL),
	)
}

// redacted replaces every secret in printed output.
const redacted = "[REDACTED]"

// redact hides a secret but keeps whether it is present.
func redact(s string) string {
	if s == "" {
		return `""`
	}
	return redacted
}

// normalise applies defaults and validates, returning the config New uses
// (with its own copy of WebhookSecrets).
func (c Config) normalise() (Config, error) {
	if c.Name == "" {
		c.Name = DefaultName
	}
	if len(c.Name) > 64 || !utf8.ValidString(c.Name) || strings.ContainsFunc(c.Name, isControl) {
		return c, &ConfigError{Field: "Name", Reason: "must be at most 64 bytes of printable UTF-8"}
	}
	if !strings.HasPrefix(c.SecretKey, "sk_") && !strings.HasPrefix(c.SecretKey, "rk_") {
		return c, &ConfigError{Field: "SecretKey", Reason: `must be a secret ("sk_…") or restricted ("rk_…") key`}
	}
	if strings.ContainsFunc(c.SecretKey, isControl) {
		return c, &ConfigError{Field: "SecretKey", Reason: "contains a control character"}
	}
	if len(c.WebhookSecrets) == 0 {
		return c, &ConfigError{Field: "WebhookSecrets", Reason: "must hold at least one signing secret"}
	}
	for _, s := range c.WebhookSecrets {
		if !strings.HasPrefix(s, "whsec_") || len(s) == len("whsec_") {
			return c, &ConfigError{Field: "WebhookSecrets", Reason: `must hold webhook signing secrets ("whsec_…")`}
		}
	}
	c.WebhookSecrets = append([]string(nil), c.WebhookSecrets...)
	if c.Tolerance < 0 {
		return c, &ConfigError{Field: "Tolerance", Reason: "is negative"}
	}
	if c.Tolerance == 0 {
		c.Tolerance = DefaultTolerance
	}
	if c.ReturnURL != "" && !absoluteURL(c.ReturnURL) {
		return c, &ConfigError{Field: "ReturnURL", Reason: "must be an absolute http(s) URL"}
	}
	if c.APIURL == "" {
		c.APIURL = DefaultAPIURL
	}
	if !absoluteURL(c.APIURL) {
		return c, &ConfigError{Field: "APIURL", Reason: "must be an absolute http(s) URL"}
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: DefaultHTTPTimeout}
	}
	if c.MaxNetworkRetries < 0 {
		return c, &ConfigError{Field: "MaxNetworkRetries", Reason: "is negative"}
	}
	if c.CallbackTimeout < 0 {
		return c, &ConfigError{Field: "CallbackTimeout", Reason: "is negative"}
	}
	if c.CallbackTimeout == 0 {
		c.CallbackTimeout = DefaultCallbackTimeout
	}
	return c, nil
}

// absoluteURL reports whether s is an absolute http or https URL.
func absoluteURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }
