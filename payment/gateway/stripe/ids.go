package stripe

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// Metadata keys the adapter writes on every object it creates and reads
// back from webhooks and queries. Stripe copies nothing between objects, so
// the Checkout Session, its PaymentIntent (payment_intent_data) and its
// SetupIntent (setup_intent_data) each carry their own copy.
const (
	// MetaPaymentID holds the library's PaymentID.
	MetaPaymentID = "cloudbill_payment_id"
	// MetaAccountID holds the library's AccountID.
	MetaAccountID = "cloudbill_account_id"
	// MetaRefundID holds the library's RefundID.
	MetaRefundID = "cloudbill_refund_id"
	// MetaLinkID holds the library's LinkID.
	MetaLinkID = "cloudbill_link_id"
	// MetaFlow says which call made a PaymentIntent: "checkout"
	// (CreatePayment) or "charge" (Charge). The PaymentIntent events of a
	// checkout are ignored, because a card declined on the Checkout page
	// is not a failed payment: the user may try another card until the
	// session expires.
	MetaFlow = "cloudbill_flow"
	// MetaReason holds RefundRequest.Reason (Stripe's own refund reason is
	// an enumeration).
	MetaReason = "cloudbill_reason"
)

// The values of MetaFlow.
const (
	flowCheckout = "checkout"
	flowCharge   = "charge"
)

// maxMetaValue is Stripe's limit on a metadata value, in characters.
const maxMetaValue = 500

// maxIdempotencyKey is Stripe's limit on an Idempotency-Key.
const maxIdempotencyKey = 255

// idempotencyKey returns the Idempotency-Key for one kind of request made
// for the library's id: "cloudbill-<kind>-<id>". Stripe's keys are shared
// by every endpoint of the account, so the kind keeps a PaymentID from
// colliding with an equal RefundID or LinkID. An id that would make the
// key longer than Stripe's 255 characters is replaced by its SHA-256, so
// the key stays a function of the id.
func idempotencyKey(kind, id string) string {
	k := "cloudbill-" + kind + "-" + id
	if len(k) <= maxIdempotencyKey {
		return k
	}
	sum := sha256.Sum256([]byte(id))
	return "cloudbill-" + kind + "-sha256-" + hex.EncodeToString(sum[:])
}

// clip shortens s to Stripe's metadata limit, on a rune boundary.
func clip(s string) string {
	if len(s) <= maxMetaValue {
		return s
	}
	n := 0
	for i := range s {
		if n == maxMetaValue {
			return s[:i]
		}
		n++
	}
	return s
}

// tokenPrefix starts every token this adapter issues, so a token of
// another format (another gateway's, or a future version) is refused
// before it reaches Stripe.
const tokenPrefix = "stripe1"

// newToken returns the linked card's Token: "stripe1:<customer>:<payment
// method>:<account tag>". Charging off-session needs both Stripe ids, and
// the account tag (the first 16 hex digits of SHA-256 of the AccountID)
// lets Charge refuse a token linked by another account without an API
// request.
func newToken(customer, paymentMethod, accountID string) gateway.Token {
	return gateway.NewToken(tokenPrefix + ":" + customer + ":" + paymentMethod + ":" + accountTag(accountID))
}

// accountTag is the part of a token that binds it to an account.
func accountTag(accountID string) string {
	sum := sha256.Sum256([]byte(accountID))
	return hex.EncodeToString(sum[:8])
}

// parseToken returns the customer and payment method of a token this
// adapter issued for accountID, or a *gateway.RequestError that never
// quotes the token.
func parseToken(t gateway.Token, accountID string) (customer, paymentMethod string, err error) {
	parts := strings.Split(t.Reveal(), ":")
	if len(parts) != 4 || parts[0] != tokenPrefix || !stripeID(parts[1], "cus_") || !stripeID(parts[2], "pm_") {
		return "", "", &gateway.RequestError{Field: "Token", Reason: "is not a Stripe token of this adapter"}
	}
	if parts[3] != accountTag(accountID) {
		return "", "", &gateway.RequestError{Field: "Token", Reason: "was linked by another account"}
	}
	return parts[1], parts[2], nil
}

// stripeID reports whether s is an id with prefix and at least one more
// character of [A-Za-z0-9_].
func stripeID(s, prefix string) bool {
	if !strings.HasPrefix(s, prefix) || len(s) == len(prefix) || len(s) > 255 {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}
