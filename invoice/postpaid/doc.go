// Package postpaid computes the month-close lines of a postpaid resource:
// one line per configuration interval of the month, priced with the
// postpaid formula, one line per metered item, and the resource's coupons
// split across the lines so that everything sums exactly.
//
// It is pure: no storage, no I/O, no clock reads and no package-level
// mutable state. The host gathers a resource's configuration history,
// usage and coupons for a month in the account's time zone, calls Close,
// and issues the invoice from the Bill.
//
// # Configuration lines
//
// Each Interval is a configuration in force from From to To (a resize ends
// one interval and starts the next at the same instant). Close clips it to
// the month and to the resource's stop time (a resource deleted mid-month is
// billed to its stop time) and counts its minutes as the difference of its
// ends' whole minutes since the month's start, so a resize at 10:30:45
// splits at 10:30 and the lines of back-to-back intervals add up to exactly
// the minutes they cover. Minutes are elapsed time: a month of 31 days in
// America/New_York is 44,580 minutes in March and 44,700 in November's
// 30 days plus the hour gained is 43,260.
//
// A line is priced by pricing.PostpaidCharge:
//
//	pre-tax = minutes × unit price × quantity × (1 − discount) ÷ 43,200, rounded half-up once
//	tax     = pre-tax × tax rate, rounded half-up
//	total   = pre-tax + tax − coupon
//
// The discount is the product's or plan's postpaid discount
// (pricing.Product.PostpaidDiscount), or the account's contract discount,
// which replaces it (billing.System.SetDiscountRate). A 10 % discount on a
// March bill in Asia/Ho_Chi_Minh — 181,000 per 30 days from 1 March,
// resized to 520,000 at 10:30 on 11 March, deleted at 00:00 on 21 March,
// tax 10 % (ExampleClose_discount):
//
//	15,030 min × 181,000 × (1 − 10%) ÷ 43,200 = 56,675.625 → 56,676; tax 5,668; total 62,344
//	13,770 min × 520,000 × (1 − 10%) ÷ 43,200 = 149,175;             tax 14,918; total 164,093
//	bill: 205,851 + 20,586 = 226,437
//
// On the invoice (billing's month close) each line's Amount is its price
// before the discount (62,973 and 165,750), Discount what the rate took off
// (6,297 and 16,575) and DiscountRate the rate.
//
// # Metered lines
//
// Each Metered is a metering.Charge of the month: pre-tax = billed quantity
// × unit price × (1 − discount) rounded half-up once (the charge's Amount
// when there is no discount), tax as above.
//
// # Coupons
//
// Coupons are fixed amounts taken off after tax, applied in order. Each
// coupon is capped at what is left of the bill and split across the lines
// in proportion to what is left of each line (pre-tax + tax − coupons
// already taken) with money.Amount.AllocateWeights: leftover minor units go
// to the largest remainders, ties to the earlier line, so the shares sum
// exactly to the coupon and no line goes below zero. The Bill's CouponUse
// says how much of each coupon was used.
//
// # Reconciliation
//
// For every line and for the Bill, exactly: Total = PreTax + Tax − Coupon;
// the Bill's PreTax, Tax, Coupon and Total are the sums of its lines'.
package postpaid
