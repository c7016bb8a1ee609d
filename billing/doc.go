// Package billing is Cloudbill's entry point: a host service creates one
// System with New and calls its methods from HTTP handlers, workers and cron
// jobs.
//
// Every mutating method takes an idempotency key and runs as one transaction
// over the configured storage.Store: its effects, its audit records and the
// key's first result commit together or not at all. Calling it again with the
// same key and the same request returns the first result without a second
// effect; the same key with a different request is an
// *IdempotencyConflictError. A rejected call (a typed error) changes nothing
// and claims no key, so it may be retried with the same key once fixed.
//
// The domain rules live in pure leaf packages that System composes:
// billing/money (exact amounts), billing/period (the billing calendar) and
// billing/pricing (catalog, charge models, quotes). Time comes only from the
// configured clock.
//
// Every value a System method returns marshals to stable snake_case JSON
// that reads back exactly, so a host can put it in an API response as it
// is: money as a string of the exact amount and its currency ("181000
// VND"), a term as {"months":1} or {"days":60}, times in RFC 3339, and
// fields whose zero value means "none" left out. testdata/json_*.json pins
// each shape; docs/ARCHITECTURE.md ("JSON shape") has the conventions.
//
// # Methods by area
//
// System's methods, grouped by what they act on (each group's requests
// and results are named after it):
//
//   - Accounts: CreateAccount, Account, SetAccountType, SetCreditLimit, AuditTrail.
//   - Catalog and quotes: Catalog, Quote, PreviewCheckout, DefineCoupon.
//   - Orders and checkout: Checkout, Order, OrderResources.
//   - Payments and wallet: Pay, TopUp, Payment, Payments, RefundToCredit,
//     Wallet, WalletHistory, GrantPromotionalCredit; linked accounts
//     (StartLinking, LinkedAccounts, SetDefaultLinkedAccount, Unlink);
//     payment links (CreatePaymentLink, PaymentLinkByToken, PayLink);
//     gateway callbacks (HandleCallback, HandleCallbackRequest,
//     CallbackHandler, answering in a gateway's own wire format);
//     reconciliation with the gateway (ReconcilePayment); refunds to a
//     payment's original method (RefundPayment, Refund).
//   - Resources: ProvisioningSucceeded, ProvisioningFailed, Resource,
//     Resources, Renew, PreviewRenew, MatchEndTime, Recover, Resize, Delete,
//     PreviewDelete,
//     SetAutoRenew, Actions.
//   - Invoices: Invoice, Invoices, OpenInvoices, PreviewBill.
//   - Usage: RecordUsage, UsageSoFar, UsageHold.
//   - Worker and events: Tick, RunWorker, DeliverEvents, Events; the
//     host's Config.EventHandler receives each Event, whose typed payload
//     Event.Decode returns.
//
// # Lists
//
// Every list takes a ListRequest and answers a Page: ask with After ""
// and pass each page's Next as the next request's After until Next is "".
// Limit 0 means DefaultPageSize; cursors are opaque.
package billing
