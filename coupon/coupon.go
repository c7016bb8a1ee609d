package coupon

import (
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
)

// Kind is how a coupon computes its discount. The values are stored, so they
// never change.
type Kind string

// The kinds of coupon.
const (
	// KindPercent takes Percent of the eligible subtotal, at most Cap.
	KindPercent Kind = "percent"
	// KindFixed takes Amount, at most the eligible subtotal.
	KindFixed Kind = "fixed"
)

// Kinds returns every kind.
func Kinds() []Kind { return []Kind{KindPercent, KindFixed} }

// Valid reports whether k is one of the kinds above.
func (k Kind) Valid() bool { return k == KindPercent || k == KindFixed }

// Action is what an order does to a resource. The values are stored, so
// they never change. A recovery is billed like a creation and a match of end
// times like a renewal, so hosts evaluate them as ActionCreate and
// ActionRenew.
type Action string

// The actions a coupon can be limited to.
const (
	// ActionCreate: a new resource is bought.
	ActionCreate Action = "create"
	// ActionRenew: a resource's term is extended.
	ActionRenew Action = "renew"
	// ActionResize: a resource's configuration changes mid-term.
	ActionResize Action = "resize"
)

// Actions returns every action.
func Actions() []Action { return []Action{ActionCreate, ActionRenew, ActionResize} }

// Valid reports whether a is one of the actions above.
func (a Action) Valid() bool { return a == ActionCreate || a == ActionRenew || a == ActionResize }

// Coupon is a coupon's definition, a value the host loads from its own
// configuration or store. It holds no usage counts: those are redemptions,
// counted by the host and passed to Evaluate in Request.Usage. Validate
// states which combinations of fields are allowed.
type Coupon struct {
	// Code identifies the coupon, in normal form (see NormalizeCode).
	Code string
	// Kind says which of Percent or Amount applies.
	Kind Kind
	// Percent is the discount of a KindPercent coupon, in percent:
	// 0 < Percent <= 100, at most 10 fractional digits (12.5 is 12.5%).
	// It must be zero for KindFixed.
	Percent decimal.Decimal
	// Cap optionally bounds a KindPercent discount. The zero Amount means no
	// cap; a set Cap is positive and whole minor units. It must be unset for
	// KindFixed.
	Cap money.Amount
	// Amount is the discount of a KindFixed coupon: positive, whole minor
	// units. Its currency is the only one the coupon applies to. It must be
	// unset for KindPercent.
	Amount money.Amount
	// ValidFrom and ValidUntil bound when the coupon may be used, half-open:
	// valid from ValidFrom inclusive until ValidUntil exclusive. A zero time
	// leaves that side open.
	ValidFrom, ValidUntil time.Time
	// Products lists the ids of the products the coupon applies to, spelled
	// as the host's catalog spells them and compared exactly; lines for
	// other products are neither discounted nor counted towards MinSpend.
	// Empty means every product.
	Products []string
	// Actions lists the actions the coupon applies to. Empty means all.
	Actions []Action
	// MinSpend optionally requires the eligible subtotal (the order's lines
	// for Products, before any coupon) to be at least this much. The zero
	// Amount means no minimum; a set one is non-negative and whole minor
	// units.
	MinSpend money.Amount
	// TotalLimit bounds the redemptions of the coupon over all accounts,
	// and PerAccountLimit those of one account; 0 means unlimited.
	// Reserved redemptions count as well as consumed ones.
	TotalLimit, PerAccountLimit int
	// FirstOrderOnly limits the coupon to an account's first order.
	FirstOrderOnly bool
	// Stackable allows the coupon to be combined with other coupons on one
	// order; it only takes effect when every coupon entered is stackable.
	Stackable bool
}

// maxPercentPlaces is the most fractional digits a percent may have. It is
// far beyond any real offer and keeps the arithmetic small.
const maxPercentPlaces = 10

// Validate checks the definition against the rules stated on each field and
// returns the first broken one as a *DefinitionError (ErrInvalidCoupon).
// Cap, Amount and MinSpend, where set, must share one currency. Validate
// says nothing about an order: Evaluate does that.
func (c Coupon) Validate() error {
	bad := func(field, reason string, err error) error {
		return &DefinitionError{Code: c.Code, Field: field, Reason: reason, Err: err}
	}
	if n, err := NormalizeCode(c.Code); err != nil {
		return bad("code", "malformed", err)
	} else if n != c.Code {
		return bad("code", "not in normal form (want "+n+")", nil)
	}
	switch c.Kind {
	case KindPercent:
		if err := checkPercent(c.Percent); err != "" {
			return bad("percent", err, nil)
		}
		if isSet(c.Amount) {
			return bad("amount", "must be unset for a percent coupon", nil)
		}
		if isSet(c.Cap) {
			if reason, err := checkMoney(c.Cap, true); reason != "" {
				return bad("cap", reason, err)
			}
		}
	case KindFixed:
		if !c.Percent.IsZero() {
			return bad("percent", "must be zero for a fixed coupon", nil)
		}
		if isSet(c.Cap) {
			return bad("cap", "must be unset for a fixed coupon", nil)
		}
		if !isSet(c.Amount) {
			return bad("amount", "must be set for a fixed coupon", nil)
		}
		if reason, err := checkMoney(c.Amount, true); reason != "" {
			return bad("amount", reason, err)
		}
	default:
		return bad("kind", "unknown kind "+quote(string(c.Kind)), nil)
	}
	if isSet(c.MinSpend) {
		if reason, err := checkMoney(c.MinSpend, false); reason != "" {
			return bad("min_spend", reason, err)
		}
	}
	if cur, other, ok := c.currencies(); !ok {
		return bad("currency", "cap, amount and min_spend must share one currency", &money.CurrencyMismatchError{A: cur, B: other})
	}
	if !c.ValidFrom.IsZero() && !c.ValidUntil.IsZero() && !c.ValidFrom.Before(c.ValidUntil) {
		return bad("valid_until", "must be after valid_from", nil)
	}
	seen := make(map[string]bool, len(c.Products))
	for _, p := range c.Products {
		switch {
		case p == "":
			return bad("products", "empty product id", nil)
		case seen[p]:
			return bad("products", "product "+quote(p)+" listed twice", nil)
		}
		seen[p] = true
	}
	seenA := make(map[Action]bool, len(c.Actions))
	for _, a := range c.Actions {
		switch {
		case !a.Valid():
			return bad("actions", "unknown action "+quote(string(a)), nil)
		case seenA[a]:
			return bad("actions", "action "+string(a)+" listed twice", nil)
		}
		seenA[a] = true
	}
	if c.TotalLimit < 0 {
		return bad("total_limit", "must not be negative (0 means unlimited)", nil)
	}
	if c.PerAccountLimit < 0 {
		return bad("per_account_limit", "must not be negative (0 means unlimited)", nil)
	}
	return nil
}

// currency returns the currency code of the coupon's amounts, or "" when it
// has none (a percent coupon without cap or minimum applies in any
// currency). Call it on a valid coupon.
func (c Coupon) currency() string {
	for _, a := range []money.Amount{c.Amount, c.Cap, c.MinSpend} {
		if isSet(a) {
			return a.Currency().Code()
		}
	}
	return ""
}

// currencies reports whether every set amount of c has one currency, and if
// not, two that differ.
func (c Coupon) currencies() (string, string, bool) {
	first := ""
	for _, a := range []money.Amount{c.Amount, c.Cap, c.MinSpend} {
		if !isSet(a) {
			continue
		}
		code := a.Currency().Code()
		if first == "" {
			first = code
		} else if code != first {
			return first, code, false
		}
	}
	return first, "", true
}

// checkPercent returns why p is not a valid percent, or "".
func checkPercent(p decimal.Decimal) string {
	switch {
	case p.Sign() <= 0:
		return "must be positive"
	// Bound the exponent before comparing: comparing aligns exponents, which
	// for a hostile 1e-1000000000 would build an enormous number.
	case p.Exponent() > 2:
		return "must be at most 100" // a non-zero multiple of 1000
	case p.Exponent() < -100 || !p.Equal(p.Truncate(maxPercentPlaces)):
		return "more than 10 fractional digits"
	case p.Cmp(decimal.New(1, 2)) > 0:
		return "must be at most 100"
	}
	return ""
}

// checkMoney returns why a set amount is not acceptable on a coupon, or "".
func checkMoney(a money.Amount, positive bool) (string, error) {
	switch {
	case positive && !a.IsPositive():
		return "must be positive", nil
	case a.IsNegative():
		return "must not be negative", nil
	case !a.IsRounded():
		return "must be whole minor units of " + a.Currency().Code(), money.ErrNotRounded
	}
	return "", nil
}

// isSet reports whether a is an amount rather than the zero Amount, which
// the optional fields use for "unset".
func isSet(a money.Amount) bool { return !a.Currency().IsZero() }
