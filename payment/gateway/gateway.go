package gateway

import (
	"context"
	"net/http"
	"time"
)

// Gateway is what a host implements to connect one payment provider (MoMo,
// ZaloPay, a card processor) to the library. The library calls it outside
// its storage transactions, records the outcome, and applies the provider's
// callbacks, which it deduplicates by Event.ID.
//
// Every implementation must be safe for concurrent use by multiple
// goroutines, and must honour ctx: return promptly once it is done, with an
// error matching ErrTemporary when the outcome is unknown.
//
// Idempotency: the library chooses every PaymentID, RefundID and LinkID and
// reuses the same id when it retries. An adapter must make a repeated call
// with the same id and the same request safe: it returns the first call's
// result (or its current state) and never charges, refunds or links twice,
// typically by passing the id as the provider's idempotency key or order id.
// The same id with a different request is ErrConflict.
//
// Errors: a definite refusal matches ErrDeclined (or, from Charge, is a
// ChargeFailed result); a request that can never work matches
// ErrInvalidRequest, ErrConflict, ErrNotFound or ErrUnsupported; everything
// else is treated as an unknown outcome that the library may retry with the
// same id (see Retryable). Wrap transport errors in ErrTemporary.
type Gateway interface {
	// Name identifies the gateway ("momo", "zalopay"). It is stable for the
	// life of the adapter, unique among the host's gateways, and the value
	// Event.Gateway carries.
	Name() string

	// CreatePayment starts a redirect payment of req.Amount: the user is
	// sent to Redirect.URL, and the result arrives later as a callback
	// (payment.succeeded, payment.failed or payment.expired) whose PaymentID
	// is req.PaymentID. A nil error means only that the payment was created,
	// not that it was paid. Repeating it with the same PaymentID returns the
	// same Redirect.
	CreatePayment(ctx context.Context, req PaymentRequest) (Redirect, error)

	// Charge charges req.Amount to a linked account's token without a
	// redirect. A definite answer is a nil error with Status ChargeSucceeded
	// or ChargeFailed (a decline, with FailureReason); ChargePending means
	// the provider is still deciding and a callback will settle it. Repeating
	// it with the same PaymentID never charges twice: it returns the first
	// result or the payment's current state.
	Charge(ctx context.Context, req ChargeRequest) (ChargeResult, error)

	// Refund returns req.Amount of the payment req.GatewayRef to its payer.
	// The refunds of one payment never exceed what was paid; a request that
	// would is ErrInvalidRequest or ErrDeclined. Repeating it with the same
	// RefundID never refunds twice.
	Refund(ctx context.Context, req RefundRequest) (RefundResult, error)

	// StartLink begins linking a user's account at the provider: the user
	// authorises at Redirect.URL, and the token arrives in a link.succeeded
	// callback (or a link.failed one) whose LinkID is req.LinkID. Repeating
	// it with the same LinkID returns the same Redirect.
	StartLink(ctx context.Context, req LinkRequest) (Redirect, error)

	// ParseCallback authenticates and decodes one callback request, using
	// now (the library's clock, never the adapter's) to judge its age. A
	// forged, malformed, too old or future-dated callback returns an error
	// (a *SignatureError or an *EventError for adapters using this package's
	// format) and the zero Event; nothing from it may be trusted. It must not
	// keep body or header after returning.
	//
	// ParseCallback does not detect replays: an authentic callback delivered
	// twice parses twice. The library deduplicates by Event.ID, so a
	// duplicated, reordered or late callback never takes effect twice.
	ParseCallback(now time.Time, header http.Header, body []byte) (Event, error)
}
