package document

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// Sentinel errors. Each typed error below matches one of them with
// errors.Is; their meanings never change.
var (
	// ErrInvalidConfig: NewRenderer was given an unusable Config (a
	// template that does not parse, one font without the other, a font
	// that cannot be read).
	ErrInvalidConfig = errors.New("document: invalid config")
	// ErrInvalidOptions: the Options of one rendering are unusable (an
	// unsupported locale, a party without a name, text that is not
	// printable UTF-8 or too long).
	ErrInvalidOptions = errors.New("document: invalid options")
	// ErrRender: the document could not be written (the template failed,
	// the PDF library reported an error, or the writer failed).
	ErrRender = errors.New("document: render failed")
)

// ConfigError says which Config field NewRenderer rejected and why. It
// matches ErrInvalidConfig.
type ConfigError struct {
	// Field is the Config field, e.g. "HTMLTemplate".
	Field string
	// Reason says which rule it broke.
	Reason string
	// Err is the underlying error (a template parse error), or nil.
	Err error
}

// Error names the field and the reason.
func (e *ConfigError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("document: invalid config: %s %s: %v", e.Field, e.Reason, e.Err)
	}
	return fmt.Sprintf("document: invalid config: %s %s", e.Field, e.Reason)
}

// Is makes a *ConfigError match ErrInvalidConfig.
func (e *ConfigError) Is(target error) bool { return target == ErrInvalidConfig }

// Unwrap returns the underlying error, if any.
func (e *ConfigError) Unwrap() error { return e.Err }

// OptionError says which Options field was rejected and why. It matches
// ErrInvalidOptions.
type OptionError struct {
	// Field is the Options field, e.g. "Buyer.Name" or "Locale".
	Field string
	// Reason says which rule it broke.
	Reason string
}

// Error names the field and the reason.
func (e *OptionError) Error() string {
	return fmt.Sprintf("document: invalid options: %s %s", e.Field, e.Reason)
}

// Is makes an *OptionError match ErrInvalidOptions.
func (e *OptionError) Is(target error) bool { return target == ErrInvalidOptions }

// renderError wraps a failure to write a document so that it matches
// ErrRender and the cause.
func renderError(format string, err error) error {
	return fmt.Errorf("%w: "+format+": %w", ErrRender, err)
}

// clip shortens s for an error message, on a rune boundary.
func clip(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "..."
}
