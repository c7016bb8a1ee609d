package payment

import (
	"fmt"
	"slices"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxDisplayLen bounds LinkedAccount.Display in bytes.
const MaxDisplayLen = 128

// LinkedAccount is a gateway account (a wallet, a card) the customer has
// linked, as listed to the customer. It holds no secret: the gateway's
// Token for it is kept apart by the host, so listing, logging or encoding a
// LinkedAccount can never leak it.
type LinkedAccount struct {
	ID      string
	Gateway string
	// Display is what the customer sees, such as "MoMo •••• 4242"; build
	// the number part with MaskToken.
	Display string
	// IsDefault marks the account charged when none is chosen (automatic
	// renewal, invoice payment). At most one account is the default.
	IsDefault bool
	CreatedAt time.Time
}

// Validate reports an *ArgumentError unless ID and Gateway are valid IDs
// (see MaxIDLen), Display is 1 to MaxDisplayLen bytes of printable UTF-8,
// and CreatedAt is set.
func (a LinkedAccount) Validate() error {
	if err := checkID("linked account ID", a.ID); err != nil {
		return err
	}
	if err := checkID("linked account Gateway", a.Gateway); err != nil {
		return err
	}
	if reason := displayProblem(a.Display); reason != "" {
		return &ArgumentError{Name: "linked account Display", Reason: reason}
	}
	if a.CreatedAt.IsZero() {
		return &ArgumentError{Name: "linked account CreatedAt", Reason: "is the zero time"}
	}
	return nil
}

func displayProblem(s string) string {
	switch {
	case s == "":
		return "is empty"
	case len(s) > MaxDisplayLen:
		return "is longer than " + strconv.Itoa(MaxDisplayLen) + " bytes"
	case !utf8.ValidString(s):
		return "is not valid UTF-8"
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return "contains a character that is not printable"
		}
	}
	return ""
}

// ValidateLinkedAccounts reports the first problem of a customer's list:
// an invalid account (*ArgumentError), an ID listed twice
// (ErrDuplicateLinkedAccount) or more than one default (*ArgumentError).
func ValidateLinkedAccounts(list []LinkedAccount) error {
	seen := make(map[string]bool, len(list))
	defaults := 0
	for _, a := range list {
		if err := a.Validate(); err != nil {
			return err
		}
		if seen[a.ID] {
			return fmt.Errorf("%w: %q", ErrDuplicateLinkedAccount, clip(a.ID))
		}
		seen[a.ID] = true
		if a.IsDefault {
			defaults++
		}
	}
	if defaults > 1 {
		return &ArgumentError{Name: "linked accounts", Reason: strconv.Itoa(defaults) + " are marked default, want at most 1"}
	}
	return nil
}

// Link returns list with acc added at the end. acc becomes the default when
// it asks to (IsDefault) or when no account in list is the default, so the
// first account linked is the default; a new default takes the mark from
// the old one. list is not modified. Errors: those of
// ValidateLinkedAccounts for list or acc, and ErrDuplicateLinkedAccount for
// an ID already linked.
func Link(list []LinkedAccount, acc LinkedAccount) ([]LinkedAccount, error) {
	if err := ValidateLinkedAccounts(list); err != nil {
		return nil, err
	}
	if err := acc.Validate(); err != nil {
		return nil, err
	}
	if indexOfLinked(list, acc.ID) >= 0 {
		return nil, fmt.Errorf("%w: %q", ErrDuplicateLinkedAccount, clip(acc.ID))
	}
	_, hasDefault := DefaultLinkedAccount(list)
	acc.IsDefault = acc.IsDefault || !hasDefault
	out := make([]LinkedAccount, 0, len(list)+1)
	for _, a := range list {
		a.IsDefault = a.IsDefault && !acc.IsDefault
		out = append(out, a)
	}
	return append(out, acc), nil
}

// SetDefault returns list with the account id as the only default. list is
// not modified. An unknown id is ErrLinkedAccountNotFound; an invalid list
// gives ValidateLinkedAccounts' error.
func SetDefault(list []LinkedAccount, id string) ([]LinkedAccount, error) {
	if err := ValidateLinkedAccounts(list); err != nil {
		return nil, err
	}
	if indexOfLinked(list, id) < 0 {
		return nil, fmt.Errorf("%w: %q", ErrLinkedAccountNotFound, clip(id))
	}
	out := slices.Clone(list)
	for i := range out {
		out[i].IsDefault = out[i].ID == id
	}
	return out, nil
}

// ClearDefault returns list with the account id no longer the default, so
// that no account is: payments that name none are charged to none until
// the customer picks one again. Clearing an account that is not the
// default changes nothing. list is not modified. An unknown id is
// ErrLinkedAccountNotFound; an invalid list gives ValidateLinkedAccounts'
// error.
func ClearDefault(list []LinkedAccount, id string) ([]LinkedAccount, error) {
	if err := ValidateLinkedAccounts(list); err != nil {
		return nil, err
	}
	i := indexOfLinked(list, id)
	if i < 0 {
		return nil, fmt.Errorf("%w: %q", ErrLinkedAccountNotFound, clip(id))
	}
	out := slices.Clone(list)
	out[i].IsDefault = false
	return out, nil
}

// Unlink returns list without the account id. When it was the default, no
// account is the default afterwards: which account is charged
// automatically is the customer's choice, never guessed. list is not
// modified. An unknown id is ErrLinkedAccountNotFound; an invalid list
// gives ValidateLinkedAccounts' error.
func Unlink(list []LinkedAccount, id string) ([]LinkedAccount, error) {
	if err := ValidateLinkedAccounts(list); err != nil {
		return nil, err
	}
	i := indexOfLinked(list, id)
	if i < 0 {
		return nil, fmt.Errorf("%w: %q", ErrLinkedAccountNotFound, clip(id))
	}
	return slices.Delete(slices.Clone(list), i, i+1), nil
}

// DefaultLinkedAccount returns the first account of list marked default,
// if any.
func DefaultLinkedAccount(list []LinkedAccount) (LinkedAccount, bool) {
	for _, a := range list {
		if a.IsDefault {
			return a, true
		}
	}
	return LinkedAccount{}, false
}

func indexOfLinked(list []LinkedAccount, id string) int {
	return slices.IndexFunc(list, func(a LinkedAccount) bool { return a.ID == id })
}
