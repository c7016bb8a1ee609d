// Package gatewaysim is a simulated payment provider for tests and examples:
// a gateway.Gateway whose every outcome is programmed by the test and whose
// every callback is signed exactly as a real adapter's would be.
//
// It is deterministic (references, event ids and tokens come from counters;
// times from Config.Now), safe for concurrent use, and needs no network.
//
// # Outcomes
//
// SetOutcome (per PaymentID, or per RefundID) and SetDefaultOutcome choose
// what happens: Succeed, Decline(reason), Timeout (no answer, no callback),
// Pending (decided later by Complete) or LostResponse (the charge happens
// but the answer is lost, the case idempotency exists for).
//
// # Callbacks
//
// A redirect payment stays pending until the test calls Complete or Expire,
// which return the signed Callback; a link until CompleteLink (which issues
// a token Charge accepts) or FailLink. Charge and Refund also answer
// synchronously and queue their callback, read with Pending or Drain.
// Callback.Request turns a callback into an *http.Request for the host's
// webhook handler.
//
// To test that the host applies each event once and only when authentic,
// Duplicate redelivers a callback (same event id, new signature), Shuffle
// reorders a batch reproducibly, SignedAt re-signs at another time (late or
// future delivery) and Forge signs with a wrong secret.
//
// # Status queries and refunds
//
// The simulator implements gateway.Querier: QueryPayment tells where a
// payment stands (a test loses a callback by not delivering what Complete
// returned; the query still says paid, and an unpaid redirect page past its
// ExpiresAt is expired), QueryRefund where a refund does; SetQueryFailure
// takes the query API down. SetReportedAmount makes the provider report
// another amount than was asked. Refunds settle as SetRefundSettlement
// says (by callback, the default; at once in the result; or only by
// query), and with the Pending outcome (SetOutcome or
// SetDefaultRefundOutcome) wait for CompleteRefund. Send signs any event
// as the provider's next callback.
//
// # Assertions
//
// Calls records every CreatePayment, Charge, Refund and StartLink with
// whether it took effect, so a test can prove the host charged exactly
// once. Refunds never exceed what a payment was paid.
package gatewaysim
