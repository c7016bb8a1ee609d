package pricing

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
)

// The JSON of quotes, lines and prices has snake_case keys (see the struct
// tags). Quotes and lines are also stored documents — a PostgreSQL store
// keeps them as JSONB, and idempotent results hold them — and documents
// written before the keys were snake_case used the Go field names. Keys of
// one word still match (encoding/json ignores case), so only the few keys
// of several words and the enumerations that used to be numbers need the
// decoders below; they read both shapes, and write only the new one.

// NameError reports a JSON enumeration value that is not one of its type's
// names, such as a tax mode other than "exclusive" and "inclusive".
type NameError struct {
	// Type is the Go type ("TaxMode", "PartKind").
	Type string
	// Name is the text that was refused.
	Name string
}

// Error names the type and the refused text.
func (e *NameError) Error() string {
	return "pricing: " + strconv.Quote(e.Name) + " is not a " + e.Type
}

// MarshalText returns "exclusive" or "inclusive", so that a TaxMode is a
// JSON string like invoice.TaxMode; an undeclared mode is a *NameError.
func (m TaxMode) MarshalText() ([]byte, error) {
	switch m {
	case TaxExclusive, TaxInclusive:
		return []byte(m.String()), nil
	}
	return nil, &NameError{Type: "TaxMode", Name: m.String()}
}

// UnmarshalText sets m from "exclusive" or "inclusive"; anything else is a
// *NameError and leaves m unchanged.
func (m *TaxMode) UnmarshalText(text []byte) error {
	switch string(text) {
	case "exclusive":
		*m = TaxExclusive
	case "inclusive":
		*m = TaxInclusive
	default:
		return &NameError{Type: "TaxMode", Name: string(text)}
	}
	return nil
}

// UnmarshalJSON reads the JSON string MarshalText gives, and also the
// number (0 exclusive, 1 inclusive) that documents stored before TaxMode
// had a text form hold.
func (m *TaxMode) UnmarshalJSON(b []byte) error {
	return unmarshalEnum(b, m.UnmarshalText, func(n int) bool {
		if v := TaxMode(n); v == TaxExclusive || v == TaxInclusive {
			*m = v
			return true
		}
		return false
	}, "TaxMode")
}

// String returns "plan" or "component", or "PartKind(n)" for an
// undeclared value.
func (k PartKind) String() string {
	switch k {
	case PartPlan:
		return "plan"
	case PartComponent:
		return "component"
	default:
		return "PartKind(" + strconv.Itoa(int(k)) + ")"
	}
}

// MarshalText returns "plan" or "component"; an undeclared kind is a
// *NameError.
func (k PartKind) MarshalText() ([]byte, error) {
	switch k {
	case PartPlan, PartComponent:
		return []byte(k.String()), nil
	}
	return nil, &NameError{Type: "PartKind", Name: k.String()}
}

// UnmarshalText sets k from "plan" or "component"; anything else is a
// *NameError and leaves k unchanged.
func (k *PartKind) UnmarshalText(text []byte) error {
	switch string(text) {
	case "plan":
		*k = PartPlan
	case "component":
		*k = PartComponent
	default:
		return &NameError{Type: "PartKind", Name: string(text)}
	}
	return nil
}

// UnmarshalJSON reads the JSON string MarshalText gives, and also the
// number (1 plan, 2 component) of documents stored before PartKind had a
// text form.
func (k *PartKind) UnmarshalJSON(b []byte) error {
	return unmarshalEnum(b, k.UnmarshalText, func(n int) bool {
		if v := PartKind(n); v == PartPlan || v == PartComponent {
			*k = v
			return true
		}
		return false
	}, "PartKind")
}

// unmarshalEnum decodes a JSON string with text, a JSON number with num
// (false when it is not a declared value) and ignores null, as
// encoding/json does for other types.
func unmarshalEnum(b []byte, text func([]byte) error, num func(int) bool, typ string) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		return text([]byte(s))
	}
	n, err := strconv.Atoi(string(b))
	if err != nil || !num(n) {
		return &NameError{Type: typ, Name: string(b)}
	}
	return nil
}

// UnmarshalJSON reads a quote in its snake_case shape, or as stored before
// (the key "TaxPolicy").
func (q *Quote) UnmarshalJSON(b []byte) error {
	type plain Quote // without methods, so decoding it does not recurse
	var v struct {
		plain
		LegacyTaxPolicy *TaxPolicy `json:"TaxPolicy"`
	}
	v.plain = plain(*q) // decode into what is there, as encoding/json does
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if v.LegacyTaxPolicy != nil {
		v.TaxPolicy = *v.LegacyTaxPolicy
	}
	*q = Quote(v.plain)
	return nil
}

// UnmarshalJSON reads a quote line in its snake_case shape, or as stored
// before (the keys "ProductID", "TermDiscountRate" and "TermDiscount").
func (l *QuoteLine) UnmarshalJSON(b []byte) error {
	type plain QuoteLine
	var v struct {
		plain
		LegacyProductID        *string          `json:"ProductID"`
		LegacyTermDiscountRate *decimal.Decimal `json:"TermDiscountRate"`
		LegacyTermDiscount     *money.Amount    `json:"TermDiscount"`
	}
	v.plain = plain(*l) // decode into what is there, as encoding/json does
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if v.LegacyProductID != nil {
		v.ProductID = *v.LegacyProductID
	}
	if v.LegacyTermDiscountRate != nil {
		v.TermDiscountRate = *v.LegacyTermDiscountRate
	}
	if v.LegacyTermDiscount != nil {
		v.TermDiscount = *v.LegacyTermDiscount
	}
	*l = QuoteLine(v.plain)
	return nil
}

// UnmarshalJSON reads a price in its snake_case shape, or as stored before
// (the key "ProductID").
func (p *Price) UnmarshalJSON(b []byte) error {
	type plain Price
	var v struct {
		plain
		LegacyProductID *string `json:"ProductID"`
	}
	v.plain = plain(*p) // decode into what is there, as encoding/json does
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if v.LegacyProductID != nil {
		v.ProductID = *v.LegacyProductID
	}
	*p = Price(v.plain)
	return nil
}
