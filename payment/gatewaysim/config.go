package gatewaysim

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// Errors of the simulator's own API (Complete, Expire, CompleteLink,
// FailLink, New). Gateway methods return the gateway package's sentinels.
var (
	// ErrInvalidConfig: New was given an unusable Config.
	ErrInvalidConfig = errors.New("gatewaysim: invalid config")
	// ErrNotPending: the payment or link already has its final callback;
	// use Duplicate to redeliver it.
	ErrNotPending = errors.New("gatewaysim: not pending")
	// ErrNoCallback: the programmed outcome is Timeout, so the provider
	// never calls back.
	ErrNoCallback = errors.New("gatewaysim: the outcome sends no callback")
)

// Defaults for zero Config fields.
const (
	DefaultName    = "sim"
	DefaultBaseURL = "https://sim.example"
)

// Config configures a simulated gateway. Zero fields take the documented
// defaults; Secret and Now are required.
type Config struct {
	// Name is the gateway's Name and every event's Gateway; default "sim".
	Name string
	// Secret signs every callback; the host's Verifier must hold it.
	Secret []byte
	// Now supplies the time of events, of callback signatures and of
	// recorded calls. Tests pass a manual clock, so signatures are
	// reproducible. It is called with the simulator's lock held, so it must
	// not call back into the simulator.
	Now func() time.Time
	// BaseURL prefixes redirect URLs (BaseURL/pay/<ref>, BaseURL/link/<ref>);
	// default "https://sim.example".
	BaseURL string
	// Tolerance is ParseCallback's signature tolerance; zero means
	// gateway.DefaultTolerance.
	Tolerance time.Duration
	// IDPrefix is put before every id the simulator makes ("run7-evt_000001"),
	// so that simulators of several runs sharing one database never reuse an
	// event id, as a real gateway never does. Default: none. At most 32
	// bytes of [A-Za-z0-9-].
	IDPrefix string
}

// ConfigError says which Config field New rejected and why. It matches
// ErrInvalidConfig.
type ConfigError struct {
	Field  string
	Reason string
}

// Error names the field and the rule it broke.
func (e *ConfigError) Error() string {
	return fmt.Sprintf("gatewaysim: invalid config: %s %s", e.Field, e.Reason)
}

// Is makes a *ConfigError match ErrInvalidConfig.
func (e *ConfigError) Is(target error) bool { return target == ErrInvalidConfig }

// normalise applies defaults and validates, returning the config New uses.
func (c Config) normalise() (Config, error) {
	if c.Name == "" {
		c.Name = DefaultName
	}
	if len(c.Name) > 64 || !utf8.ValidString(c.Name) || strings.ContainsFunc(c.Name, isControl) {
		return c, &ConfigError{Field: "Name", Reason: "must be at most 64 bytes of printable UTF-8"}
	}
	if len(c.Secret) == 0 {
		return c, &ConfigError{Field: "Secret", Reason: "is required"}
	}
	c.Secret = append([]byte(nil), c.Secret...)
	if c.Now == nil {
		return c, &ConfigError{Field: "Now", Reason: "is required: the simulator never reads the system clock"}
	}
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || u.Scheme == "" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return c, &ConfigError{Field: "BaseURL", Reason: "must be an absolute URL without query or fragment"}
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.Tolerance < 0 {
		return c, &ConfigError{Field: "Tolerance", Reason: "is negative"}
	}
	if len(c.IDPrefix) > 32 || strings.ContainsFunc(c.IDPrefix, func(r rune) bool {
		return !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) {
		return c, &ConfigError{Field: "IDPrefix", Reason: "must be at most 32 bytes of [A-Za-z0-9-]"}
	}
	return c, nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

// temporary reports a cancelled or expired context the way an adapter must:
// as ErrTemporary, since the caller may retry later with the same id.
func temporary(ctxErr error) error {
	return fmt.Errorf("%w: %w", gateway.ErrTemporary, ctxErr)
}
