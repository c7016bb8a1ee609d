// Package pricing holds the price list and turns orders into exact,
// reconciling amounts: the catalog of products, the charge models that
// price their components, prepaid quotes, postpaid monthly charges and the
// proration used by resize and delete.
//
// # Catalog
//
// A Catalog has one currency, one TaxPolicy and products. A Product has
// components (each priced per 30 days by a ChargeModel, with an allowed
// quantity range), flat plans (a price per 30 days) and term discounts. A
// Configuration picks a plan and/or component quantities; PricePer30Days
// prices one unit of it with a breakdown ("2 vCPU × 45,000 = 90,000"). The
// catalog validates everything at NewCatalog, keeps copies of its inputs and
// hands out copies, so it is immutable and safe for concurrent use.
//
// # Charge models
//
//   - flat: a fixed amount whatever the quantity;
//   - per-unit: quantity × unit price;
//   - graduated: each tier's units at that tier's price (tiers 0–100 at
//     1,000 then 800: 150 units cost 100 × 1,000 + 50 × 800 = 140,000);
//   - volume: every unit at the price of the tier the quantity falls in
//     (same tiers: 150 × 800 = 120,000);
//   - package: a price per started block of N units (23 units in packages
//     of 10 at 5,000: 3 packages, 15,000);
//
// each with an optional minimum. Unit prices may have more digits than the
// currency (7.7 VND per GB-hour); models compute exactly and never round.
//
// # Rounding
//
// Rounding happens at the line, once: a quote line's Base is price per 30
// days × quantity × minutes ÷ 43,200 (a term of M months and D days is
// 30 × M + D billing days, whatever the calendar's day-count basis, which
// only decides end dates), computed exactly and rounded half-up to the
// currency's digits. The term discount (the product's discount with the
// largest threshold not above the term's months) and the tax are each
// rounded half-up per line. Quote totals are sums of line amounts, never
// recomputed, so they reconcile exactly.
//
// # Order discounts
//
// Fixed order discounts (coupons) are applied in order; each is capped at
// what is left of the order, so an order can become free but never
// negative, and split across lines in proportion to what is left of each
// line with money.Amount.AllocateWeights: the shares sum exactly to the
// discount, leftover minor units go to the largest remainders (ties to the
// earlier line), and no line goes below zero. 150,000 on lines of 1,000,000
// and 500,000 is 100,000 + 50,000.
//
// # Tax
//
// With tax-exclusive prices, tax = net × rate per line and, for lines and
// the quote alike,
//
//	Subtotal − Discount + Tax = Total    Net = Subtotal − Discount
//
// With tax-inclusive prices the discounted amount already contains the tax:
// tax = gross × rate ÷ (1 + rate), net = gross − tax, and
//
//	Subtotal − Discount = Total          Net + Tax = Total
//
// # Postpaid and proration
//
// PostpaidCharge bills a resource's month in arrears: pre-tax = minutes ×
// unit price × quantity × (1 − discount) ÷ 43,200 rounded once; tax =
// pre-tax × rate rounded; total = pre-tax + tax − coupon, the coupon capped
// so the total is never negative. BandwidthGB rounds transferred bytes down
// to whole gigabytes. ProratedAmount and ResizeDifference value the rest of
// a term to the minute for delete refunds and resizes.
package pricing
