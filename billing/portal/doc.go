// Package portal serves a customer's billing portal over HTTP: resources
// with their billing status, invoices and credit notes with HTML and PDF
// documents, the wallet and its history, payments, linked payment methods
// and top-ups — everything step 3 of the purchase flow shows ("check the
// resource, the payment and the invoice in the portal").
//
// A Handler is built with New from a billing.System and mounted by the
// host behind its own authentication: the host passes a function that
// resolves a request to the customer's account id, and the portal scopes
// every read and every action to that account (another account's objects
// are not found). It uses the System's public API only, so it works on any
// store.
//
// The API speaks the module's one JSON shape (snake_case keys, string ids,
// money as "<number> <currency>" strings, RFC 3339 times), pages lists with
// limit and an opaque cursor, answers every error as RFC 9457
// application/problem+json (Problem, with stable type names), and requires
// an Idempotency-Key header on every request that changes something, which
// becomes the billing operation's idempotency key. See Handler for the
// routes.
//
// Request bodies are strict, read by one decoder for every endpoint, and a
// refused body reaches no billing operation (nothing changes, and its
// Idempotency-Key is not spent):
//
//   - 415 (unsupported-media-type, field Content-Type or Content-Encoding):
//     a Content-Type other than application/json, a charset parameter
//     other than utf-8 (JSON is UTF-8, RFC 8259 §8.1; the header is what
//     is wrong, so it is the media-type status, as for text/plain), more
//     than one Content-Type, or any Content-Encoding but identity. No
//     Content-Type is taken as application/json.
//   - 400 (invalid-request): a body that is not valid UTF-8 (a
//     byte-order mark included); null, an array or a scalar instead of one
//     object; more than one JSON value; more than 16 KiB; an unknown
//     field; and a key twice in any object at any depth, keys compared
//     ignoring case as encoding/json matches them to fields — so
//     {"amount":"1000 VND","amount":"99999999 VND"} and
//     {"amount":…,"AMOUNT":…} are refused, never "last one wins". A null
//     member is the same as leaving it out.
//   - Endpoints that take no body (POST /linked-accounts/{id}/default,
//     DELETE /linked-accounts/{id}, DELETE /resources/{id}) accept none,
//     or {}, only.
//
// Paths are taken as sent: a path with a "." or ".." segment, as sent or
// percent-encoded ("%2e%2e", "..%2F"), or an empty segment ("//") is a
// 404 problem inside the portal's prefix. (http.ServeMux would redirect
// to the cleaned path, which under http.StripPrefix is outside the
// prefix.) Problems echo client text only quoted in Go syntax with
// non-ASCII and control characters escaped and clipped to 40 runes (an
// id in a not-found detail, an unknown or repeated key, a charset); a
// problem's detail is at most 400 bytes, its field 64 and its instance
// 256.
//
// The customer acts from the portal too, each action previewed first by
// a GET that changes nothing: renew a resource (GET
// /resources/{id}/renewal quotes the term and coupons exactly as POST
// /resources/{id}/renew charges them; the confirmed total is sent back as
// expected_total, and a price that changed in between is refused, not
// charged), switch automatic renewal, delete a resource (GET
// /resources/{id}/deletion says the refund), and pay open invoices, one
// or all of them oldest first.
//
// Problem titles are written in the request's locale, vi-VN or en-US
// (Content-Language says which): the account's own setting when the host
// gives one (Config.AccountLocale), else the lang parameter, else
// Accept-Language.
//
// Documents are rendered by package invoice/document with the seller the
// host configures, the buyer it returns per account, the customer's locale
// and the account's time zone.
package portal
