// Package gateway is the contract between Cloudbill and a payment provider
// (MoMo, ZaloPay, a card processor), and the signed-callback format that
// adapters and the simulator in payment/gatewaysim share.
//
// # The contract
//
// A host implements Gateway once per provider. The library calls
// CreatePayment (a redirect payment whose result arrives as a callback),
// Charge (a linked account's Token, no redirect), Refund and StartLink
// (linking an account; the Token arrives as a callback), and hands every
// callback request to ParseCallback. The library chooses every PaymentID,
// RefundID and LinkID and reuses it on retry, so an adapter must make
// repeated calls with the same id safe. Errors are classified by sentinel:
// ErrDeclined, ErrInvalidRequest, ErrConflict, ErrNotFound and
// ErrUnsupported are final; anything else, notably ErrTemporary, means the
// outcome is unknown and the library may retry with the same id (Retryable).
//
// # Gateways with their own wire format, status queries
//
// Real gateways do not speak this package's callback format: VNPay
// delivers its IPN as a GET whose query string is signed and expects a JSON
// answer such as {"RspCode":"00","Message":"Confirm Success"}; MoMo and
// ZaloPay POST their own signed JSON and expect their own answers. Such an
// adapter also implements WireFormat: the methods it accepts, ReadCallback
// over the whole CallbackRequest, and Reply, the exact answer for each
// CallbackOutcome (applied, duplicate, unknown payment, wrong amount,
// rejected, failed). Adapters under payment/gateway/ (vnpay, momo, zalopay,
// stripe) implement it for their providers.
//
// An adapter whose provider can be asked where a payment or refund stands
// implements Querier (and LinkQuerier for links). The library asks before
// expiring a payment whose callback never came, so a lost callback does not
// leave the money at the provider, and when a host reconciles a payment on
// demand. Every request carries the library's time (CreatedAt, Now):
// adapters never read a clock of their own.
//
// # Tokens
//
// A Token can charge a user's account, so it never prints: fmt, encoding/json,
// encoding.TextMarshaler and log/slog all show "[REDACTED]", and the value
// sits behind a closure, so reflection-based printing of a struct that
// holds a Token shows only an address. NewToken is the way in, Token.Reveal
// the one deliberate way out, and Token.Equal the way to compare: a Token
// does not convert to string, is not comparable with ==, and cannot be a
// map key.
//
// # Signed callbacks
//
// A callback carries the header
//
//	Cloudbill-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>[,v1=<hex>...]
//
// where each v1 value is HMAC-SHA256, under one of the shared secrets, of the
// timestamp's digits, a '.', and the raw body. A Verifier accepts any of
// several secrets (for rotation), compares in constant time, and rejects a
// timestamp more than its tolerance (default 5 minutes, inclusive) before or
// after the time it is given: time is always a parameter, never read from
// the system clock. Sign and SignMulti produce headers for simulators and
// tests.
//
// The body is one JSON event (see DecodeEvent for the format and its rules,
// EncodeEvent to produce one). VerifyAndDecode does both steps, so an
// adapter for a provider that speaks this format implements ParseCallback in
// one line.
//
// Replay protection is deliberately not in this package: an authentic
// callback delivered twice verifies twice. The library applies each event
// once by its Event.ID, which is what makes duplicated, reordered and late
// callbacks harmless.
package gateway
