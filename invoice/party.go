package invoice

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Party is a seller's or a buyer's legal details as a document prints
// them. A document takes a copy of both when it is issued (WithParties),
// so re-rendering it later shows the parties as they were that day, not
// as they are now.
type Party struct {
	// Name is the legal name: of the organisation, or of the person for a
	// buyer who has none ("Công ty TNHH Mây Xanh").
	Name string `json:"name"`
	// TaxCode is the tax identification number ("0312345678", a branch
	// "0312345678-001").
	TaxCode string `json:"tax_code,omitempty"`
	// Address is the registered address; lines are separated by "\n".
	Address string `json:"address,omitempty"`
	// Phone and Email are how to reach the party.
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
	// BankAccount and BankName are where the party is paid.
	BankAccount string `json:"bank_account,omitempty"`
	BankName    string `json:"bank_name,omitempty"`
	// BuyerName is the person who buys for a buyer organisation (the
	// "buyer's name" of a Vietnamese invoice); unused for a seller.
	BuyerName string `json:"buyer_name,omitempty"`
}

// MaxPartyFieldLen is the longest field of a Party, in bytes.
const MaxPartyFieldLen = 400

// IsZero reports whether p has no field set.
func (p Party) IsZero() bool { return p == Party{} }

// CheckParty returns nil for a party a document may carry, else an
// *ArgumentError naming the field: every field valid UTF-8 of at most
// MaxPartyFieldLen bytes without control characters (the address may
// have line breaks), and a Name unless the party is empty. name prefixes
// the field in the error ("Seller").
func CheckParty(name string, p Party) error {
	if p.IsZero() {
		return nil
	}
	for _, f := range []struct {
		field, v  string
		multiline bool
	}{{"Name", p.Name, false}, {"TaxCode", p.TaxCode, false}, {"Address", p.Address, true}, {"Phone", p.Phone, false},
		{"Email", p.Email, false}, {"BankAccount", p.BankAccount, false}, {"BankName", p.BankName, false}, {"BuyerName", p.BuyerName, false}} {
		if r := partyFieldProblem(f.v, f.multiline); r != "" {
			return &ArgumentError{Name: name + "." + f.field, Reason: r}
		}
	}
	if strings.TrimSpace(p.Name) == "" {
		return &ArgumentError{Name: name + ".Name", Reason: "is empty; a party is named"}
	}
	return nil
}

func partyFieldProblem(s string, multiline bool) string {
	switch {
	case len(s) > MaxPartyFieldLen:
		return "is longer than 400 bytes"
	case !utf8.ValidString(s):
		return "is not valid UTF-8"
	}
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && r == '\n') {
			return "contains a control character"
		}
	}
	return ""
}

// WithParties returns a copy of the draft inv carrying seller and buyer
// (either may be empty: nothing is printed for it). Billing calls it as it
// issues every invoice and credit note, with the provider's details and
// the account's as they are at that moment. A document that is not a
// draft gives an *ImmutableError (ErrImmutable); a bad party an
// *ArgumentError.
func WithParties(inv Invoice, seller, buyer Party) (Invoice, error) {
	if inv.Status != StatusDraft {
		return Invoice{}, &ImmutableError{ID: inv.ID, Status: inv.Status}
	}
	if err := CheckParty("Seller", seller); err != nil {
		return Invoice{}, err
	}
	if err := CheckParty("Buyer", buyer); err != nil {
		return Invoice{}, err
	}
	out := inv.Clone()
	out.Seller, out.Buyer = nil, nil
	if !seller.IsZero() {
		out.Seller = &seller
	}
	if !buyer.IsZero() {
		out.Buyer = &buyer
	}
	return out, nil
}
