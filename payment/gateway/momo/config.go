package momo

import (
	"crypto/rsa"
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
	DefaultName = "momo"
	// SandboxEndpoint is MoMo's test environment, the default Endpoint.
	SandboxEndpoint = "https://test-payment.momo.vn"
	// ProductionEndpoint is MoMo's live environment.
	ProductionEndpoint = "https://payment.momo.vn"
	// DefaultLang is the language of MoMo's messages.
	DefaultLang = "vi"
	// DefaultCallbackTimeout bounds the request ReadCallback makes to turn
	// an account-binding IPN into a token: 30 seconds, the wait MoMo asks
	// of callers.
	DefaultCallbackTimeout = 30 * time.Second
)

// ErrInvalidConfig: New was given an unusable Config. Every *ConfigError
// matches it.
var ErrInvalidConfig = errors.New("momo: invalid config")

// ConfigError says which Config field New rejected and why. It never quotes
// the value, so it is safe to log even for a key.
type ConfigError struct {
	Field  string
	Reason string
}

// Error names the field and the rule it broke.
func (e *ConfigError) Error() string {
	return "momo: invalid config: " + e.Field + " " + e.Reason
}

// Is makes a *ConfigError match ErrInvalidConfig.
func (e *ConfigError) Is(target error) bool { return target == ErrInvalidConfig }

// Config configures a MoMo gateway. PartnerCode, AccessKey, SecretKey and
// IPNURL are required; zero fields take the documented defaults. Printing or
// logging a Config (fmt, slog) shows the partner code and endpoints but never
// AccessKey, SecretKey or AESKey.
//
// Linked wallets (StartLink, Charge, QueryLink) are enabled by
// RSAPublicKey; without it those calls return gateway.ErrUnsupported. MoMo
// grants account binding per merchant, so a merchant that has not been
// granted it leaves RSAPublicKey empty.
type Config struct {
	// Name is the gateway's Name and every event's Gateway; default "momo".
	Name string
	// PartnerCode identifies the merchant at MoMo.
	PartnerCode string
	// AccessKey is MoMo's access key; it is part of every signed string.
	AccessKey string
	// SecretKey is the HMAC-SHA256 key of every signature.
	SecretKey string
	// Endpoint is MoMo's base URL; default SandboxEndpoint.
	Endpoint string
	// IPNURL is where MoMo POSTs its payment notifications.
	IPNURL string
	// RedirectURL is where MoMo sends the payer back when a PaymentRequest
	// has no ReturnURL; optional.
	RedirectURL string
	// Lang is the language of MoMo's messages, "vi" (default) or "en".
	Lang string
	// HTTPClient sends the requests; default a client with a 30-second
	// timeout, the minimum MoMo asks callers to wait.
	HTTPClient *http.Client

	// RSAPublicKey is MoMo's RSA public key from the merchant portal, which
	// encrypts a linked wallet's token on every payment: PEM ("PUBLIC KEY"
	// or "RSA PUBLIC KEY") or the bare base64 DER the portal shows, at least
	// 2048 bits. Empty disables linked wallets.
	RSAPublicKey string
	// AESKey is the 32-byte AES-256 key that decrypts the token MoMo
	// returns for a linked wallet; default SecretKey, which MoMo uses for
	// it. Only used with RSAPublicKey.
	AESKey string
	// CallbackTimeout bounds the request ReadCallback makes for an
	// account-binding IPN (fetching the wallet's token); default
	// DefaultCallbackTimeout.
	CallbackTimeout time.Duration
}

// linkKeys are the parsed keys of linked wallets; nil when they are off.
type linkKeys struct {
	rsa *rsa.PublicKey
	aes []byte
}

// normalise applies defaults and validates.
func (c Config) normalise() (Config, error) {
	if c.Name == "" {
		c.Name = DefaultName
	}
	if len(c.Name) > 64 || strings.ContainsFunc(c.Name, notPrintableASCII) {
		return c, &ConfigError{Field: "Name", Reason: "must be at most 64 bytes of printable ASCII"}
	}
	if c.PartnerCode == "" || len(c.PartnerCode) > 50 || strings.ContainsFunc(c.PartnerCode, notPrintableASCII) {
		return c, &ConfigError{Field: "PartnerCode", Reason: "must be 1 to 50 bytes of printable ASCII"}
	}
	if c.AccessKey == "" || strings.ContainsFunc(c.AccessKey, notPrintableASCII) {
		return c, &ConfigError{Field: "AccessKey", Reason: "must be non-empty printable ASCII"}
	}
	if c.SecretKey == "" {
		return c, &ConfigError{Field: "SecretKey", Reason: "is required"}
	}
	if c.Endpoint == "" {
		c.Endpoint = SandboxEndpoint
	}
	if !absoluteURL(c.Endpoint, false) {
		return c, &ConfigError{Field: "Endpoint", Reason: "must be an absolute http(s) URL without query or fragment"}
	}
	c.Endpoint = strings.TrimRight(c.Endpoint, "/")
	if !absoluteURL(c.IPNURL, true) {
		return c, &ConfigError{Field: "IPNURL", Reason: "must be an absolute http(s) URL"}
	}
	if c.RedirectURL != "" && !absoluteURL(c.RedirectURL, true) {
		return c, &ConfigError{Field: "RedirectURL", Reason: "must be an absolute http(s) URL"}
	}
	switch c.Lang {
	case "":
		c.Lang = DefaultLang
	case "vi", "en":
	default:
		return c, &ConfigError{Field: "Lang", Reason: `must be "vi" or "en"`}
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: defaultTimeout}
	}
	if c.CallbackTimeout < 0 {
		return c, &ConfigError{Field: "CallbackTimeout", Reason: "is negative"}
	}
	if c.CallbackTimeout == 0 {
		c.CallbackTimeout = DefaultCallbackTimeout
	}
	return c, nil
}

// keys parses the linked-wallet keys of a normalised config: nil when
// RSAPublicKey is empty.
func (c Config) keys() (*linkKeys, error) {
	if c.RSAPublicKey == "" {
		if c.AESKey != "" {
			return nil, &ConfigError{Field: "AESKey", Reason: "is set without RSAPublicKey, which enables linked wallets"}
		}
		return nil, nil
	}
	pub, err := parseRSAPublicKey(c.RSAPublicKey)
	if err != nil {
		return nil, err
	}
	field, key := "AESKey", c.AESKey
	if key == "" {
		field, key = "SecretKey", c.SecretKey
	}
	if len(key) != aesKeyLen {
		return nil, &ConfigError{Field: field, Reason: "must be 32 bytes to decrypt linked-wallet tokens (AES-256); set AESKey"}
	}
	return &linkKeys{rsa: pub, aes: []byte(key)}, nil
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
	return fmt.Sprintf("momo.Config{Name:%q PartnerCode:%q Endpoint:%q IPNURL:%q AccessKey:%s SecretKey:%s LinkedWallets:%t AESKey:%s}",
		c.Name, c.PartnerCode, c.Endpoint, c.IPNURL, redact(c.AccessKey), redact(c.SecretKey), c.RSAPublicKey != "", redact(c.AESKey))
}

// GoString is String, so %#v hides the keys too.
func (c Config) GoString() string { return c.String() }

// Format prints String's text for every verb.
func (c Config) Format(f fmt.State, _ rune) { fmt.Fprint(f, c.String()) }

// LogValue logs the config without its keys.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("name", c.Name),
		slog.String("partner_code", c.PartnerCode),
		slog.String("endpoint", c.Endpoint),
		slog.String("ipn_url", c.IPNURL),
		slog.String("access_key", redact(c.AccessKey)),
		slog.String("secret_key", redact(c.SecretKey)),
		slog.Bool("linked_wallets", c.RSAPublicKey != ""),
		slog.String("aes_key", redact(c.AESKey)),
	)
}

// redact shows whether a key is set, never its value.
func redact(s string) string {
	if s == "" {
		return `""`
	}
	return "[REDACTED]"
}
