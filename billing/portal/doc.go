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
// Documents are rendered by package invoice/document with the seller the
// host configures, the buyer it returns per account, the customer's locale
// and the account's time zone.
package portal
