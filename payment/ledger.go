package payment

import (
	"strings"
)

// AccountKind is one account of the chart (see the package documentation),
// by its stable name. Kinds that exist once per customer ledger have no
// sub-key; the others exist once per grant, payment or gateway and need one.
// The names are stored, so they never change.
type AccountKind string

// The chart of accounts. Every customer account holds credit the provider
// owes the customer, so its balance is never negative. House accounts
// record where that credit came from and where it went.
const (
	// AccountCash is the customer's cash credit: top-ups and refunds. Its
	// string form is "customer:cash".
	AccountCash AccountKind = "customer:cash"
	// AccountPromo is the customer's promotional credit from one grant, which
	// has an expiry; its sub-key is the grant ID: "customer:promo:<grantID>".
	AccountPromo AccountKind = "customer:promo"
	// AccountHeld is credit set aside for one Top up & Pay payment while its
	// gateway part is in progress; its sub-key is the payment ID:
	// "customer:held:<paymentID>". It is captured to revenue or released
	// back, whole.
	AccountHeld AccountKind = "customer:held"
	// AccountClearing is money received through one payment gateway and not
	// yet settled by it; its sub-key is the gateway's name:
	// "gateway:clearing:<gateway>". Value flows out of it, so its balance is
	// zero or negative: minus what the gateway has collected for us.
	AccountClearing AccountKind = "gateway:clearing"
	// AccountSales is sales revenue, "revenue:sales": orders, invoices and
	// renewals paid from credit or through a gateway.
	AccountSales AccountKind = "revenue:sales"
	// AccountRefunds is "revenue:refunds", the contra-revenue account that
	// funds refunds to credit, so sales revenue stays gross and refunds are
	// visible on their own. Its balance is zero or negative.
	AccountRefunds AccountKind = "revenue:refunds"
	// AccountPromotions is "expense:promotions", the cost of the promotional
	// credit granted. Its balance is zero or negative.
	AccountPromotions AccountKind = "expense:promotions"
	// AccountPromoExpired is "income:promo_expired", breakage: promotional
	// credit that expired unspent.
	AccountPromoExpired AccountKind = "income:promo_expired"
)

// accountKinds lists every kind, keyed kinds last so that none is tried as a
// prefix before an exact match. It is a function, not a variable, so the
// chart cannot be changed at run time.
func accountKinds() [8]AccountKind {
	return [...]AccountKind{
		AccountCash, AccountSales, AccountRefunds, AccountPromotions, AccountPromoExpired,
		AccountPromo, AccountHeld, AccountClearing,
	}
}

// Valid reports whether k is one of the kinds of the chart.
func (k AccountKind) Valid() bool {
	for _, c := range accountKinds() {
		if k == c {
			return true
		}
	}
	return false
}

// Keyed reports whether accounts of kind k need a sub-key (a grant ID, a
// payment ID or a gateway name).
func (k AccountKind) Keyed() bool {
	return k == AccountPromo || k == AccountHeld || k == AccountClearing
}

// Customer reports whether k holds the customer's credit (cash, promotional
// or held), whose balance may never go below zero.
func (k AccountKind) Customer() bool {
	return k == AccountCash || k == AccountPromo || k == AccountHeld
}

// LedgerAccount identifies one account of a customer's ledger: a kind of the
// chart and, for keyed kinds, the sub-key. A ledger is kept per billing
// account, so "customer:cash" is that customer's cash and "revenue:sales" is
// the revenue earned from that customer; summing a house account over all
// customers gives the provider's total.
//
// It is a comparable value, usable as a map key. Its string form, which is
// stored, is the kind alone ("customer:cash") or the kind, a colon and the
// sub-key ("customer:promo:G-1"). Build one with the functions below and
// check it with Validate.
type LedgerAccount struct {
	Kind AccountKind
	// Key is the grant ID, payment ID or gateway name for keyed kinds, and
	// empty for the others.
	Key string
}

// CashAccount returns "customer:cash".
func CashAccount() LedgerAccount { return LedgerAccount{Kind: AccountCash} }

// PromoAccount returns "customer:promo:<grantID>".
func PromoAccount(grantID string) LedgerAccount {
	return LedgerAccount{Kind: AccountPromo, Key: grantID}
}

// HeldAccount returns "customer:held:<paymentID>".
func HeldAccount(paymentID string) LedgerAccount {
	return LedgerAccount{Kind: AccountHeld, Key: paymentID}
}

// ClearingAccount returns "gateway:clearing:<gateway>".
func ClearingAccount(gateway string) LedgerAccount {
	return LedgerAccount{Kind: AccountClearing, Key: gateway}
}

// SalesAccount returns "revenue:sales".
func SalesAccount() LedgerAccount { return LedgerAccount{Kind: AccountSales} }

// RefundsAccount returns "revenue:refunds".
func RefundsAccount() LedgerAccount { return LedgerAccount{Kind: AccountRefunds} }

// PromotionsAccount returns "expense:promotions".
func PromotionsAccount() LedgerAccount { return LedgerAccount{Kind: AccountPromotions} }

// PromoExpiredAccount returns "income:promo_expired".
func PromoExpiredAccount() LedgerAccount { return LedgerAccount{Kind: AccountPromoExpired} }

// String returns the stored form: "customer:cash", "customer:promo:G-1".
// ParseLedgerAccount reads it back for every valid account.
func (a LedgerAccount) String() string {
	if a.Key == "" {
		return string(a.Kind)
	}
	return string(a.Kind) + ":" + a.Key
}

// Validate reports an *AccountError unless the kind is in the chart, and
// the sub-key is present (an ID as described under MaxIDLen) exactly when the kind
// needs one.
func (a LedgerAccount) Validate() error {
	switch {
	case !a.Kind.Valid():
		return &AccountError{Input: a.String(), Reason: "unknown account kind"}
	case !a.Kind.Keyed() && a.Key != "":
		return &AccountError{Input: a.String(), Reason: "this kind has no sub-key"}
	case a.Kind.Keyed():
		if reason := idProblem(a.Key); reason != "" {
			return &AccountError{Input: a.String(), Reason: "sub-key " + reason}
		}
	}
	return nil
}

// IsCustomer reports whether a holds the customer's credit; see
// AccountKind.Customer.
func (a LedgerAccount) IsCustomer() bool { return a.Kind.Customer() }

// ParseLedgerAccount reads the string form of an account. Text that is not
// exactly a kind of the chart, or a keyed kind followed by ':' and a valid
// sub-key (which may itself contain ':'), is an *AccountError. Nothing is
// trimmed or case-folded.
func ParseLedgerAccount(s string) (LedgerAccount, error) {
	for _, k := range accountKinds() {
		if !k.Keyed() {
			if s == string(k) {
				return LedgerAccount{Kind: k}, nil
			}
			continue
		}
		key, ok := strings.CutPrefix(s, string(k)+":")
		if !ok {
			continue
		}
		if reason := idProblem(key); reason != "" {
			return LedgerAccount{}, &AccountError{Input: s, Reason: "sub-key " + reason}
		}
		return LedgerAccount{Kind: k, Key: key}, nil
	}
	return LedgerAccount{}, &AccountError{Input: s, Reason: "not an account of the chart"}
}

// MarshalText returns the string form, so accounts work as JSON strings and
// JSON object keys. An invalid account is an *AccountError.
func (a LedgerAccount) MarshalText() ([]byte, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	return []byte(a.String()), nil
}

// UnmarshalText parses the string form; on error a is unchanged.
func (a *LedgerAccount) UnmarshalText(text []byte) error {
	v, err := ParseLedgerAccount(string(text))
	if err != nil {
		return err
	}
	*a = v
	return nil
}
