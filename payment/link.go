package payment

import (
	"encoding/base64"
	"fmt"
	"io"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
)

// DefaultLinkValidity is how long a payment link can be used when
// LinkPolicy.Validity is zero: 3 days, the provider's rule.
const DefaultLinkValidity = 72 * time.Hour

// MaxLinkValidity bounds LinkPolicy.Validity: a link that pays an order a
// year later would pay a price nobody quoted.
const MaxLinkValidity = 366 * 24 * time.Hour

// LinkPolicy is the host's rule for payment links (payment on behalf).
type LinkPolicy struct {
	// Validity is how long a new link can be used. Zero means
	// DefaultLinkValidity; it must not be negative or above MaxLinkValidity.
	Validity time.Duration
}

// Validate reports an *ArgumentError for a negative or too long Validity.
func (p LinkPolicy) Validate() error {
	if p.Validity < 0 || p.Validity > MaxLinkValidity {
		return &ArgumentError{Name: "LinkPolicy.Validity", Reason: fmt.Sprintf("is %s, want 0 (default %s) up to %s", p.Validity, DefaultLinkValidity, MaxLinkValidity)}
	}
	return nil
}

// validity returns Validity with the default applied.
func (p LinkPolicy) validity() time.Duration {
	if p.Validity == 0 {
		return DefaultLinkValidity
	}
	return p.Validity
}

// Link token sizes. A token carries LinkTokenBytes random bytes by default,
// and at least MinLinkTokenBytes, so that it cannot be guessed.
const (
	LinkTokenBytes    = 32
	MinLinkTokenBytes = 16
	MaxLinkTokenBytes = 64
)

// linkEncoding is base64url without padding, strict so that every token
// has exactly one spelling.
func linkEncoding() *base64.Encoding { return base64.RawURLEncoding.Strict() }

// LinkToken is the unguessable part of a payment link's URL: random bytes
// in URL-safe base64 without padding (RFC 4648 §5), such as
// "q2-5Z0c7mSZVnLZb_2XH2w". Anyone holding it can pay the linked order, so
// it is shared only with the intended payer.
type LinkToken string

// NewLinkToken encodes random, which must be MinLinkTokenBytes to
// MaxLinkTokenBytes bytes from a cryptographically secure source (the
// caller's crypto/rand), as a LinkToken. Other lengths are an error matching
// ErrInvalidToken.
func NewLinkToken(random []byte) (LinkToken, error) {
	if n := len(random); n < MinLinkTokenBytes || n > MaxLinkTokenBytes {
		return "", fmt.Errorf("%w: link token needs %d to %d random bytes, got %d", ErrInvalidToken, MinLinkTokenBytes, MaxLinkTokenBytes, n)
	}
	return LinkToken(linkEncoding().EncodeToString(random)), nil
}

// ReadLinkToken reads LinkTokenBytes bytes from r (pass crypto/rand.Reader)
// and encodes them as a LinkToken. A short read is an error wrapping the
// reader's error.
func ReadLinkToken(r io.Reader) (LinkToken, error) {
	var b [LinkTokenBytes]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("payment: reading link token randomness: %w", err)
	}
	return NewLinkToken(b[:])
}

// ParseLinkToken checks that s is a LinkToken as NewLinkToken makes them:
// canonical unpadded base64url of MinLinkTokenBytes to MaxLinkTokenBytes
// bytes. Anything else is an error matching ErrInvalidToken whose message
// does not contain s.
func ParseLinkToken(s string) (LinkToken, error) {
	enc := linkEncoding()
	if len(s) < enc.EncodedLen(MinLinkTokenBytes) || len(s) > enc.EncodedLen(MaxLinkTokenBytes) {
		return "", fmt.Errorf("%w: link token of %d characters", ErrInvalidToken, len(s))
	}
	// The decoder skips '\r' and '\n' even when strict, so only a round trip
	// proves the spelling canonical.
	b, err := enc.DecodeString(s)
	if err != nil || len(b) < MinLinkTokenBytes || enc.EncodeToString(b) != s {
		return "", fmt.Errorf("%w: link token is not canonical base64url", ErrInvalidToken)
	}
	return LinkToken(s), nil
}

// String returns the token text, for building the link's URL.
func (t LinkToken) String() string { return string(t) }

// PaymentLink is a shareable link that lets anyone holding it pay an order
// or invoice on behalf of the account's owner, through a gateway only (see
// Purpose.Allows). It is usable until ExpiresAt or until it is paid,
// whichever comes first.
type PaymentLink struct {
	ID    string
	Token LinkToken
	// Purpose is the order or invoice the link pays.
	Purpose   Purpose
	Amount    money.Amount
	CreatedAt time.Time
	ExpiresAt time.Time
	// PaidAt is when it was paid, and PaymentID the payment that paid it;
	// both are zero while unpaid.
	PaidAt    time.Time
	PaymentID string
}

// NewPaymentLink returns an unpaid link for amount of purpose (an order or
// an invoice), created at at and expiring policy's validity later. Errors:
// an *ArgumentError for an invalid policy, id (see MaxIDLen), purpose, or a
// zero at; an error matching ErrInvalidToken for a token ParseLinkToken
// rejects; an *AmountError for an amount that is not payable.
func NewPaymentLink(policy LinkPolicy, id string, token LinkToken, purpose Purpose, amount money.Amount, at time.Time) (PaymentLink, error) {
	if err := policy.Validate(); err != nil {
		return PaymentLink{}, err
	}
	if err := checkID("link ID", id); err != nil {
		return PaymentLink{}, err
	}
	if _, err := ParseLinkToken(string(token)); err != nil {
		return PaymentLink{}, err
	}
	if err := purpose.Validate(); err != nil {
		return PaymentLink{}, err
	}
	if purpose.Kind != PurposeOrder && purpose.Kind != PurposeInvoice {
		return PaymentLink{}, &ArgumentError{Name: "purpose.Kind", Reason: "a payment link pays an order or an invoice, not " + string(purpose.Kind)}
	}
	if err := checkAmount("amount", amount); err != nil {
		return PaymentLink{}, err
	}
	if at.IsZero() {
		return PaymentLink{}, &ArgumentError{Name: "at", Reason: "is the zero time"}
	}
	return PaymentLink{
		ID: id, Token: token, Purpose: purpose, Amount: amount,
		CreatedAt: at, ExpiresAt: at.Add(policy.validity()),
	}, nil
}

// Paid reports whether the link has been paid.
func (l PaymentLink) Paid() bool { return !l.PaidAt.IsZero() }

// Usable reports whether the link can be paid at at: it is unpaid and at is
// before ExpiresAt. The zero PaymentLink is never usable.
func (l PaymentLink) Usable(at time.Time) bool { return l.Check(at) == nil }

// Check returns nil when the link is usable at at, ErrLinkPaid once it is
// paid, and ErrLinkExpired at or after ExpiresAt (both wrapped with the
// link's ID). A link that is both paid and expired reports ErrLinkPaid.
func (l PaymentLink) Check(at time.Time) error {
	if l.Paid() {
		return fmt.Errorf("%w: link %q", ErrLinkPaid, clip(l.ID))
	}
	if !at.Before(l.ExpiresAt) {
		return fmt.Errorf("%w: link %q expired at %s", ErrLinkExpired, clip(l.ID), l.ExpiresAt.Format(time.RFC3339))
	}
	return nil
}

// MarkPaid returns the link paid at at by payment paymentID. A link that
// is not usable at at gives Check's error and is returned unchanged; an
// invalid paymentID is an *ArgumentError. The gateway confirms a payment
// after the payer started it, so the host passes the instant the payer
// started paying, not the instant of the callback.
func (l PaymentLink) MarkPaid(paymentID string, at time.Time) (PaymentLink, error) {
	if err := checkID("paymentID", paymentID); err != nil {
		return l, err
	}
	if err := l.Check(at); err != nil {
		return l, err
	}
	l.PaidAt, l.PaymentID = at, paymentID
	return l, nil
}
