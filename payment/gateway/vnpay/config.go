package vnpay

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// Defaults for zero Config fields. The URLs are VNPay's sandbox; a live
// merchant sets the production URLs VNPay gives it with its terminal.
const (
	// DefaultName is the gateway's Name when Config.Name is empty.
	DefaultName = "vnpay"
	// SandboxPaymentURL is VNPay's sandbox payment page (vpcpay.html).
	SandboxPaymentURL = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
	// SandboxAPIURL is VNPay's sandbox merchant API, where querydr and
	// refund are POSTed.
	SandboxAPIURL = "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction"
	// DefaultLocale is the payment page's language ("vn"; "en" is the other).
	DefaultLocale = "vn"
	// DefaultOrderType is VNPay's goods category for the payment ("other").
	DefaultOrderType = "other"
	// DefaultPaymentTimeout is how long a payment page accepts payment when
	// PaymentRequest.ExpiresAt is zero: 15 minutes, VNPay's sample value.
	DefaultPaymentTimeout = 15 * time.Minute
	// DefaultServerIP is vnp_IpAddr for querydr and refund, and for a payment
	// whose request has no ClientIP.
	DefaultServerIP = "127.0.0.1"
	// DefaultRefundCreatedBy is vnp_CreateBy, who asked for a refund.
	DefaultRefundCreatedBy = "cloudbill"
	// DefaultHTTPTimeout bounds one call to the merchant API when the
	// adapter builds its own HTTP client.
	DefaultHTTPTimeout = 30 * time.Second
)

// ErrInvalidConfig: New was given an unusable Config. Every *ConfigError
// matches it.
var ErrInvalidConfig = errors.New("vnpay: invalid config")

// ConfigError says which Config field New rejected and why. Reason is fixed
// text that never quotes the value, so a rejected HashSecret never reaches
// a log. It matches ErrInvalidConfig.
type ConfigError struct {
	Field  string
	Reason string
}

// Error names the field and the rule it broke.
func (e *ConfigError) Error() string {
	return fmt.Sprintf("vnpay: invalid config: %s %s", e.Field, e.Reason)
}

// Is makes a *ConfigError match ErrInvalidConfig.
func (e *ConfigError) Is(target error) bool { return target == ErrInvalidConfig }

// Config configures a VNPay adapter. TmnCode and HashSecret are required;
// every other zero field takes the documented default.
type Config struct {
	// Name is the gateway's Name and every event's Gateway; default "vnpay".
	Name string
	// TmnCode is the merchant's terminal code (vnp_TmnCode), 8 letters or
	// digits, as VNPay issued it.
	TmnCode string
	// HashSecret is the merchant's secret (vnp_HashSecret) that signs and
	// verifies every message with HMAC-SHA512. It never appears in an error
	// or a log line.
	HashSecret Secret
	// PaymentURL is VNPay's payment page; default SandboxPaymentURL.
	PaymentURL string
	// APIURL is VNPay's merchant API for querydr and refund; default
	// SandboxAPIURL.
	APIURL string
	// ReturnURL is where VNPay sends the payer back (vnp_ReturnUrl) when a
	// PaymentRequest has none; an absolute http or https URL of at most 255
	// bytes. Optional here, but one of the two is required.
	ReturnURL string
	// HTTPClient sends querydr and refund; default a new client with
	// DefaultHTTPTimeout. Inject one for proxies, tracing or tests.
	HTTPClient *http.Client
	// Locale is the payment page's language, "vn" (default) or "en".
	Locale string
	// OrderType is VNPay's goods category (vnp_OrderType), 1 to 100 letters,
	// digits or '_'; default "other".
	OrderType string
	// PaymentTimeout is how long a payment page stays payable when the
	// request has no ExpiresAt; default DefaultPaymentTimeout.
	PaymentTimeout time.Duration
	// ServerIP is the merchant server's address, sent as vnp_IpAddr with
	// querydr and refund and with a payment whose request has no ClientIP;
	// default DefaultServerIP.
	ServerIP string
	// RefundCreatedBy is vnp_CreateBy on refunds; default "cloudbill".
	RefundCreatedBy string
}

// normalise applies defaults and validates, returning the config New uses.
func (c Config) normalise() (Config, error) {
	if c.Name == "" {
		c.Name = DefaultName
	}
	if len(c.Name) > 64 || !printable(c.Name) {
		return c, &ConfigError{Field: "Name", Reason: "must be at most 64 bytes of printable UTF-8"}
	}
	if len(c.TmnCode) != 8 || !alnum(c.TmnCode) {
		return c, &ConfigError{Field: "TmnCode", Reason: "must be 8 letters or digits"}
	}
	if c.HashSecret == "" {
		return c, &ConfigError{Field: "HashSecret", Reason: "is required"}
	}
	if c.PaymentURL == "" {
		c.PaymentURL = SandboxPaymentURL
	}
	if !absoluteURL(c.PaymentURL) || strings.Contains(c.PaymentURL, "?") {
		return c, &ConfigError{Field: "PaymentURL", Reason: "must be an absolute http or https URL without query or fragment"}
	}
	if c.APIURL == "" {
		c.APIURL = SandboxAPIURL
	}
	if !absoluteURL(c.APIURL) {
		return c, &ConfigError{Field: "APIURL", Reason: "must be an absolute http or https URL without fragment"}
	}
	if c.ReturnURL != "" && !returnURLOK(c.ReturnURL) {
		return c, &ConfigError{Field: "ReturnURL", Reason: "must be an absolute http or https URL of 10 to 255 bytes"}
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: DefaultHTTPTimeout}
	}
	switch c.Locale {
	case "":
		c.Locale = DefaultLocale
	case "vn", "en":
	default:
		return c, &ConfigError{Field: "Locale", Reason: `must be "vn" or "en"`}
	}
	if c.OrderType == "" {
		c.OrderType = DefaultOrderType
	}
	if len(c.OrderType) > 100 || strings.ContainsFunc(c.OrderType, func(r rune) bool { return r != '_' && !isAlnum(r) }) {
		return c, &ConfigError{Field: "OrderType", Reason: "must be 1 to 100 letters, digits or '_'"}
	}
	if c.PaymentTimeout == 0 {
		c.PaymentTimeout = DefaultPaymentTimeout
	}
	if c.PaymentTimeout < 0 {
		return c, &ConfigError{Field: "PaymentTimeout", Reason: "is negative"}
	}
	if c.ServerIP == "" {
		c.ServerIP = DefaultServerIP
	}
	if !ipOK(c.ServerIP) {
		return c, &ConfigError{Field: "ServerIP", Reason: "must be an IPv4 or IPv6 address"}
	}
	if c.RefundCreatedBy == "" {
		c.RefundCreatedBy = DefaultRefundCreatedBy
	}
	if len(c.RefundCreatedBy) > 255 || !printable(c.RefundCreatedBy) || strings.Contains(c.RefundCreatedBy, "|") {
		return c, &ConfigError{Field: "RefundCreatedBy", Reason: "must be at most 255 bytes of printable UTF-8 without '|'"}
	}
	return c, nil
}

// absoluteURL reports whether s is an absolute http(s) URL with a host and
// no fragment.
func absoluteURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.Fragment == "" &&
		!strings.ContainsFunc(s, isControl)
}

// returnURLOK applies VNPay's vnp_ReturnUrl limits (10 to 255 characters)
// on top of absoluteURL.
func returnURLOK(s string) bool { return len(s) >= 10 && len(s) <= 255 && absoluteURL(s) }

// ipOK reports whether s is an IP address VNPay's vnp_IpAddr accepts
// (7 to 45 characters).
func ipOK(s string) bool {
	_, err := netip.ParseAddr(s)
	return err == nil && len(s) >= 7 && len(s) <= 45
}

func printable(s string) bool { return utf8.ValidString(s) && !strings.ContainsFunc(s, isControl) }

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

func isAlnum(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}

// alnum reports whether s is non-empty ASCII letters and digits.
func alnum(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool { return !isAlnum(r) })
}

// digits reports whether s is non-empty ASCII digits.
func digits(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
}
