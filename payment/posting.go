package payment

import (
	"fmt"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cloudbill/cloudbill/billing/money"
)

// Posting is one line of a journal entry: Amount moved into or out of
// Account.
//
// Sign convention: a positive Amount means the account's balance grows
// (value flows into it), a negative Amount means it shrinks (value flows out
// of it). An account's balance is the sum of all its postings. The postings
// of an entry sum to zero, so value is only ever moved, never created.
type Posting struct {
	Account LedgerAccount
	Amount  money.Amount
}

// EntryKind says which movement a journal entry records. The names are
// stored, so they never change; new kinds are only ever added.
type EntryKind string

// The movements of the wallet and of payments. Each kind touches a fixed set
// of accounts, each in one direction; Entry.Validate enforces it.
const (
	// EntryTopUp: money received through a gateway becomes cash credit.
	// gateway:clearing:<gw> −x, customer:cash +x.
	EntryTopUp EntryKind = "top_up"
	// EntryPayment: an order or invoice paid from credit. Promotional and
	// cash buckets −, revenue:sales +total.
	EntryPayment EntryKind = "payment"
	// EntryHold: credit set aside for a Top up & Pay payment while its
	// gateway part is in progress. Buckets −, customer:held:<payment> +total.
	EntryHold EntryKind = "hold"
	// EntryCapture: a Top up & Pay payment succeeded; the held credit and the
	// gateway part both become revenue. customer:held:<payment> −held,
	// gateway:clearing:<gw> −gateway part, revenue:sales +total.
	EntryCapture EntryKind = "capture"
	// EntryRelease: a Top up & Pay payment failed, was canceled or expired;
	// the held credit goes back to the buckets it came from.
	// customer:held:<payment> −total, buckets +.
	EntryRelease EntryKind = "release"
	// EntryRefund: a refund to cash credit (failed provisioning, downgrade,
	// delete). revenue:refunds −x, customer:cash +x.
	EntryRefund EntryKind = "refund"
	// EntryPromoGrant: promotional credit granted.
	// expense:promotions −x, customer:promo:<grant> +x.
	EntryPromoGrant EntryKind = "promo_grant"
	// EntryPromoExpire: the unspent rest of a grant expired.
	// customer:promo:<grant> −x, income:promo_expired +x.
	EntryPromoExpire EntryKind = "promo_expire"
	// EntryGatewayPayment: an order or invoice paid wholly through a gateway
	// (or a linked account). gateway:clearing:<gw> −x, revenue:sales +x.
	EntryGatewayPayment EntryKind = "gateway_payment"
	// EntryGatewayRefund: money goes back to the payer through the gateway
	// that collected it (a refund to the original method), so it leaves
	// the business: gateway:clearing:<gw> +x, and revenue:refunds −x for a
	// paid order, invoice or link, or customer:held:<refund> −x for a
	// top-up, whose cash was set aside when the refund was asked for.
	EntryGatewayRefund EntryKind = "gateway_refund"
)

// Valid reports whether k is one of the kinds above.
func (k EntryKind) Valid() bool {
	switch k {
	case EntryTopUp, EntryPayment, EntryHold, EntryCapture, EntryRelease,
		EntryRefund, EntryPromoGrant, EntryPromoExpire, EntryGatewayPayment, EntryGatewayRefund:
		return true
	}
	return false
}

// direction returns +1 if an entry of kind k may only grow accounts of kind
// a, -1 if it may only shrink them, and 0 if it never touches them. It is
// the table written out under each EntryKind.
func (k EntryKind) direction(a AccountKind) int {
	type pair struct {
		e EntryKind
		a AccountKind
	}
	switch (pair{k, a}) {
	case pair{EntryTopUp, AccountCash},
		pair{EntryPayment, AccountSales},
		pair{EntryHold, AccountHeld},
		pair{EntryCapture, AccountSales},
		pair{EntryRelease, AccountCash}, pair{EntryRelease, AccountPromo},
		pair{EntryRefund, AccountCash},
		pair{EntryPromoGrant, AccountPromo},
		pair{EntryPromoExpire, AccountPromoExpired},
		pair{EntryGatewayPayment, AccountSales},
		pair{EntryGatewayRefund, AccountClearing}:
		return +1
	case pair{EntryTopUp, AccountClearing},
		pair{EntryPayment, AccountCash}, pair{EntryPayment, AccountPromo},
		pair{EntryHold, AccountCash}, pair{EntryHold, AccountPromo},
		pair{EntryCapture, AccountHeld}, pair{EntryCapture, AccountClearing},
		pair{EntryRelease, AccountHeld},
		pair{EntryRefund, AccountRefunds},
		pair{EntryPromoGrant, AccountPromotions},
		pair{EntryPromoExpire, AccountPromo},
		pair{EntryGatewayPayment, AccountClearing},
		pair{EntryGatewayRefund, AccountRefunds}, pair{EntryGatewayRefund, AccountHeld}:
		return -1
	}
	return 0
}

// ReferenceType names what a journal entry is about. Any identifier (see
// MaxIDLen) is accepted, so a host can add its own; the constants are the
// ones this library uses.
type ReferenceType string

// Reference types this library uses.
const (
	// RefPayment: the entry moves the money of a payment (top-up, spend,
	// hold, capture, release, gateway payment).
	RefPayment ReferenceType = "payment"
	// RefOrder: the entry concerns an order (a refund after failed
	// provisioning, a downgrade or a delete).
	RefOrder ReferenceType = "order"
	// RefInvoice: the entry concerns an invoice or credit note.
	RefInvoice ReferenceType = "invoice"
	// RefGrant: the entry grants or expires promotional credit.
	RefGrant ReferenceType = "promo_grant"
	// RefResource: the entry refunds part of a resource's paid value (a
	// downgrade, a delete).
	RefResource ReferenceType = "resource"
)

// Reference points from a journal entry to the business object that caused
// it: the payment, order, invoice or grant. Both fields are required.
type Reference struct {
	Type ReferenceType
	ID   string
}

// MaxMemoLen bounds Entry.Memo in bytes; a memo is a human note, not a
// document.
const MaxMemoLen = 1024

// Entry is one journal entry of a customer's ledger. A valid entry
// (Validate) has an ID (up to MaxEntryIDLen bytes), a known Kind, a Reference, a non-zero At, and at
// least two postings in one currency, each rounded to the currency, non-zero
// and on a distinct account the Kind may touch in that direction (at most
// one held account and one gateway clearing account), summing to exactly
// zero. Build entries with the constructors (TopUpEntry,
// SpendEntry, ...), which always return valid ones.
type Entry struct {
	ID        string
	Kind      EntryKind
	Reference Reference
	// Memo is an optional note for people reading the history.
	Memo string
	// At is when the movement happened, as given by the caller.
	At       time.Time
	Postings []Posting
}

// Validate returns nil for a valid entry (see Entry) and otherwise the first
// problem found: an *EntryError (ErrInvalidEntry) for the header,
// ErrEmptyEntry for fewer than two postings, a *PostingError
// (ErrInvalidPosting, unwrapping to money.ErrCurrencyMismatch,
// money.ErrNotRounded or ErrInvalidAccount where that is the cause), or an
// *UnbalancedError (ErrUnbalanced).
func (e Entry) Validate() error {
	if err := e.validateHeader(); err != nil {
		return err
	}
	if len(e.Postings) < 2 {
		return fmt.Errorf("%w: entry %q has %d", ErrEmptyEntry, clip(e.ID), len(e.Postings))
	}
	cur := e.Postings[0].Amount.Currency()
	seen := make(map[LedgerAccount]bool, len(e.Postings))
	amounts := make([]money.Amount, len(e.Postings))
	for i, p := range e.Postings {
		if err := e.validatePosting(i, p, cur, seen); err != nil {
			return err
		}
		amounts[i] = p.Amount
	}
	sum, err := money.Sum(cur.Code(), amounts...)
	if err != nil { // unreachable: every currency was checked above
		return &PostingError{EntryID: e.ID, Posting: e.Postings[0], Reason: "no valid currency", Err: err}
	}
	if !sum.IsZero() {
		return &UnbalancedError{EntryID: e.ID, Sum: sum}
	}
	return nil
}

func (e Entry) validateHeader() error {
	if reason := idProblemMax(e.ID, MaxEntryIDLen); reason != "" {
		return &EntryError{EntryID: e.ID, Field: "ID", Reason: reason}
	}
	if !e.Kind.Valid() {
		return &EntryError{EntryID: e.ID, Field: "Kind", Reason: "is not a known entry kind: " + strconv.Quote(clip(string(e.Kind)))}
	}
	if reason := idProblem(string(e.Reference.Type)); reason != "" {
		return &EntryError{EntryID: e.ID, Field: "Reference.Type", Reason: reason}
	}
	if reason := idProblem(e.Reference.ID); reason != "" {
		return &EntryError{EntryID: e.ID, Field: "Reference.ID", Reason: reason}
	}
	if reason := memoProblem(e.Memo); reason != "" {
		return &EntryError{EntryID: e.ID, Field: "Memo", Reason: reason}
	}
	if e.At.IsZero() {
		return &EntryError{EntryID: e.ID, Field: "At", Reason: "is the zero time"}
	}
	return nil
}

func (e Entry) validatePosting(i int, p Posting, cur money.Currency, seen map[LedgerAccount]bool) error {
	perr := func(reason string, cause error) error {
		return &PostingError{EntryID: e.ID, Index: i, Posting: p, Reason: reason, Err: cause}
	}
	if err := p.Account.Validate(); err != nil {
		return perr("account is invalid", err)
	}
	if seen[p.Account] {
		return perr("account appears twice in the entry", nil)
	}
	if k := p.Account.Kind; k == AccountHeld || k == AccountClearing {
		// A movement concerns one payment and one gateway at a time; the
		// capture and release of a hold rely on finding its one held account.
		if seen[LedgerAccount{Kind: k}] {
			return perr("a second "+string(k)+" account in one entry", nil)
		}
		seen[LedgerAccount{Kind: k}] = true
	}
	seen[p.Account] = true
	if c := p.Amount.Currency(); c.IsZero() || c != cur {
		return perr("currency differs from the entry's "+strconv.Quote(cur.Code()),
			&money.CurrencyMismatchError{A: cur.Code(), B: c.Code()})
	}
	if p.Amount.IsZero() {
		return perr("amount is zero", nil)
	}
	if !p.Amount.IsRounded() {
		return perr("amount is not whole minor units", money.ErrNotRounded)
	}
	switch dir := e.Kind.direction(p.Account.Kind); {
	case dir == 0:
		return perr("a "+string(e.Kind)+" entry never touches "+string(p.Account.Kind), nil)
	case dir > 0 && p.Amount.IsNegative():
		return perr("a "+string(e.Kind)+" entry only grows "+string(p.Account.Kind), nil)
	case dir < 0 && p.Amount.IsPositive():
		return perr("a "+string(e.Kind)+" entry only shrinks "+string(p.Account.Kind), nil)
	}
	return nil
}

// memoProblem returns why s is not an acceptable memo, or "".
func memoProblem(s string) string {
	if len(s) > MaxMemoLen {
		return "is longer than " + strconv.Itoa(MaxMemoLen) + " bytes"
	}
	if !utf8.ValidString(s) {
		return "is not valid UTF-8"
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return "contains a control character"
		}
	}
	return ""
}

// Currency returns the currency of the entry's postings (the first one's),
// or the zero Currency when there are none.
func (e Entry) Currency() money.Currency {
	if len(e.Postings) == 0 {
		return money.Currency{}
	}
	return e.Postings[0].Amount.Currency()
}
