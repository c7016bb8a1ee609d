// Package metering holds the rules of usage-metered billing: the metered
// items a product declares, the usage events product services send, their
// checks, their aggregation over a period, their pricing, and the credit
// hold that prepaid accounts keep for metered services.
//
// It is pure: no storage, no I/O, no clock reads (every instant is a
// parameter) and no package-level mutable state. The host stores events
// (claiming each event id in the same transaction as the write), calls
// Aggregate and Price at month close or for the daily hold, and moves the
// ledger entries the hold asks for.
//
// # Items and events
//
// An Item names a metric, its unit, its Aggregation (sum, max, last,
// unique count), a unit price that may carry more digits than the currency
// (7.7 VND per GB-hour) and a QuantityRounding (bandwidth is billed in whole
// GB, rounded down: 5.56 GB → 5). A Meter is a validated set of items.
//
// An Event is one usage record: account, resource, metric, quantity, time
// and an idempotency id. Meter.Check refuses a bad event with an
// *EventError whose Reason is a stable name (negative_quantity,
// unknown_metric, future, empty_id, id_too_long, invalid_text, …) and which
// matches both ErrInvalidEvent and the reason's own sentinel with
// errors.Is. Meter.Partition checks a batch and keeps the good events.
// Two reasons are the store's to give, since they need what is stored:
// id_conflict (an id of the account reused with other content; the id's
// scope is the account) and aggregate_out_of_range (the event would push
// its resource's month aggregate of the metric past one bill line, which
// Meter.CheckAggregate decides: 10^15 billed units, 10^15 minor units).
//
// A unique-count event carries the counted thing in Value (a user id, an
// image digest); its Quantity is not used. Other events leave Value empty.
//
// # Aggregation and pricing
//
// Meter.Aggregate takes the events in a half-open span per (account,
// resource, metric), counting each event id once: sum adds, max takes the
// largest, last takes the latest by time (equal times: the greater id),
// unique count counts distinct values. Meter.Price rounds the quantity by
// the item's rule and multiplies by the unit price exactly, rounding the
// line once, half-up, to the currency: 720 GB-hours × 7.7 = 5,544 VND.
//
// # Credit hold
//
// Prepaid accounts pay metered services from a hold of their credit.
// ComputeHold, run daily: hold = usage so far + LookaheadDays (3) × the
// daily estimate, where the estimate is the average of the last up to
// AverageDays (7) complete days, or, before the first complete day, usage
// so far × 1,440 ÷ elapsed minutes, rounded up to the currency. If the
// credit cannot cover it, what is there is held and Shortage says how much
// to top up; on the StopAfterShortDays-th (5th) consecutive short day, Stop
// says to stop the service. SettleHold ends a hold: the actual usage is
// charged from it, the rest released, and what the hold did not cover is
// owed.
package metering
