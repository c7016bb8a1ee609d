package billingtype

import (
	"time"

	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/storage"
)

// MaxUsageBatch is the most events one RecordUsage call takes (1,000).
const MaxUsageBatch = storage.MaxUsageBatch

// Limits on what a public request may carry. Every public call checks its
// request against them before it does anything, and answers a
// *RequestError naming the field (errors.Is ErrInvalidRequest) that changes
// nothing. Each limit is no larger than the smallest limit of the layers the
// value later reaches — the ledger, the invoice and action log, gateway
// adapters and both shipped stores — so input that is accepted never fails
// later, and behaves the same on every store.
//
// Text rules, the same for every field:
//
//   - valid UTF-8, never more bytes than the field's limit;
//   - no control characters (Unicode category Cc: U+0000–U+001F, U+007F–
//     U+009F), so no NUL, tab or newline: descriptions and reasons become
//     journal-entry memos, which refuse every control character, and
//     PostgreSQL text refuses NUL. Other Unicode, including format
//     characters, is kept as given;
//   - ids (account ids and the ids a request names) are printable and
//     contain no white space; ids the library hands out, gateway names and
//     payment purpose references are printable ASCII;
//   - return URLs are absolute http or https URLs with a host, without
//     white space or credentials.
const (
	// MaxIDBytes is the longest id a request may name, in bytes: account
	// ids, resource, payment and linked-account ids, payment-link tokens,
	// gateway names and payment purpose references. It is the accounts
	// table's CHECK (octet_length(id) BETWEEN 1 AND 128), invoice.MaxIDLen
	// and payment.MaxIDLen.
	MaxIDBytes = 128

	// MaxDescriptionBytes is the longest payment or payment-link
	// description (PayRequest, PaymentLinkRequest), and the longest label of
	// a quote discount, in bytes. A payment's description is the memo of
	// its journal entries (spend, hold, capture, gateway payment), which the
	// ledger limits to payment.MaxMemoLen, 1,024 bytes; gateways take up to
	// gateway.MaxTextLen, 2,048.
	MaxDescriptionBytes = payment.MaxMemoLen

	// MaxReasonBytes is the longest reason (RefundRequest,
	// ProvisioningRequest, DeleteRequest, SetAccountTypeRequest,
	// GrantRequest), in bytes. A reason becomes a journal-entry memo (1,024
	// bytes at most), some with text the library adds around it
	// ("provisioning failed: " before, ": unused time refunded" after, at
	// most 24 bytes), and a credit note's memo (invoice.MaxTextLen, 2,000):
	// 1,000 leaves room for both, so a derived memo is never clipped.
	MaxReasonBytes = 1000

	// MaxActorBytes is the longest actor (who placed an order, switched an
	// account, reported a provisioning outcome …), in bytes; actors are ids
	// such as "operator:ops_7" or a person's name, kept in the audit trail,
	// the order and the action log.
	MaxActorBytes = 128

	// MaxReturnURLBytes is the longest return URL, in bytes: what gateways
	// accept (gateway.MaxTextLen).
	MaxReturnURLBytes = gateway.MaxTextLen

	// MaxClientIPBytes is the longest payer IP address, in bytes: an IPv6
	// address with an embedded IPv4 one, written out in full.
	MaxClientIPBytes = 45

	// MaxCouponCodeBytes is the longest coupon code a customer may enter,
	// in bytes: coupon.MaxCodeLen characters plus as much white space
	// around them, which coupon.NormalizeCode trims. A code that is
	// acceptable text but not a well-formed code is the coupon package's
	// typed rejection (coupon.ReasonMalformedCode), as before.
	MaxCouponCodeBytes = 2 * coupon.MaxCodeLen

	// MaxCouponsPerOrder is the most coupon codes one order may carry, and
	// the most discounts one Quote may take; the same for Quote,
	// PreviewCheckout, Checkout, Renew, MatchEndTime, Recover and Resize.
	MaxCouponsPerOrder = 10

	// MaxOrderResources is the most resources one order may create, in
	// total over its items (each item's Quantity is 1 to this), and the
	// most resources one Renew or MatchEndTime may act on; the same for
	// Quote, PreviewCheckout and Checkout.
	MaxOrderResources = 100

	// MaxResourceNameBytes is the longest name an order item may give its
	// resources (OrderItem.Name), in bytes; an item of several resources
	// adds "-n" (at most 4 bytes) to each, and invoice lines show the
	// result (invoice.MaxTextLen leaves room).
	MaxResourceNameBytes = 100

	// TermEndSlack is how long after a checkout or a recovery its term may
	// start (the host provisions it a little later, and the account's time
	// zone shifts the end by hours) and still end by period.MaxEnd: a term
	// that would end after period.MaxEnd when started this long from now is
	// refused at the public call with an error matching ErrInvalidRequest
	// and period.ErrOutOfRange (a *period.RangeError).
	TermEndSlack = 7 * 24 * time.Hour
)
