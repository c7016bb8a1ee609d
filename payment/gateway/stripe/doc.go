// Package stripe connects Cloudbill to Stripe for international cards: a
// gateway.Gateway that also implements gateway.WireFormat (Stripe's
// webhooks), gateway.Querier and gateway.LinkQuerier, built on the
// official SDK (github.com/stripe/stripe-go/v82) through its non-global
// stripe.Client, so that nothing is shared between gateways in one
// program and nothing is read from the SDK's package-level settings.
//
// # Flows
//
//   - CreatePayment: a Checkout Session in payment mode, Stripe's hosted
//     page (the contract is a redirect; a bare PaymentIntent would need a
//     page of the host's own with Stripe.js).
//   - Charge: an off-session PaymentIntent (confirm, off_session) with the
//     customer and payment method saved by a link.
//   - StartLink: a Customer and a Checkout Session in setup mode for cards;
//     the setup_intent.succeeded webhook delivers the Token and a Display
//     such as "Visa •••• 4242".
//   - Refund: the Refunds API on the payment's PaymentIntent.
//   - Webhooks: ReadCallback verifies the Stripe-Signature header and maps
//     the event (see ReadCallbackContext for the table); events the
//     library has no use for are ignored with a 200.
//   - Queries: Checkout Sessions, PaymentIntents (searched by metadata when
//     the reference is unknown) and Refunds.
//
// # Idempotency
//
// Every create sends an Idempotency-Key derived from the library's id
// ("cloudbill-payment-<PaymentID>", "cloudbill-refund-<RefundID>",
// "cloudbill-link-<LinkID>"): Stripe returns the first answer to a repeated
// request with the same key and parameters, and an idempotency_error for
// the same key with other parameters, which is gateway.ErrConflict. The
// kind in the key matters because Stripe's keys are shared by all
// endpoints of an account. Stripe keeps keys for at least 24 hours, which
// bounds how late the library may retry a call safely.
//
// Every object carries the library's ids as metadata (MetaPaymentID,
// MetaAccountID, MetaRefundID, MetaLinkID), prefixed with "cloudbill_" so
// that objects the host creates through other integrations never look like
// the library's: events about them are ignored.
//
// # Amounts
//
// Stripe counts amounts in its own unit per currency, which is not always
// ISO 4217's: two decimals by default (10.50 USD is 1050), whole units for
// its zero-decimal currencies (500 JPY is 500, 150000 VND is 150000),
// thousandths with a last digit 0 for BHD, JOD, KWD, OMR and TND, and
// ISK in hundredths of whole krónur. An amount Stripe cannot take exactly
// (1.005 USD) is refused before any request, never rounded.
//
// # Secrets
//
// Config, Gateway and every error print without the API key or the
// webhook secrets; the SDK's logger is disabled; errors keep Stripe's
// type, code, message and request id but not its error object, which may
// embed a client secret.
//
// # Sources
//
// Stripe's API reference (Checkout Sessions, PaymentIntents, SetupIntents,
// Refunds, Search), its guides on currencies (zero-decimal and special
// cases), declines and decline codes, off-session payments, idempotent
// requests and webhook signatures ("Stripe-Signature: t=…,v1=…",
// HMAC-SHA256 over "<t>.<payload>", 300 seconds' default tolerance, 2xx to
// acknowledge, retries for three days), checked against stripe-mock, which
// validates every request against Stripe's OpenAPI specification.
package stripe
