// Package coupon holds the rules of coupons: a coupon's definition, whether
// the coupons a customer entered apply to an order, what each takes off
// each line, and the life of a redemption.
//
// It is pure: no storage, no I/O, no clock (the order's instant is a
// parameter), no package-level mutable state. The host loads definitions
// and redemption counts from its store, calls Evaluate, and records the
// redemptions in the same transaction as the payment.
//
// # Definitions
//
// A Coupon is identified by its Code, case-insensitive: NormalizeCode trims
// white space and upper-cases, and accepts 3 to 64 characters of A-Z, 0-9,
// '_' and '-'. A coupon is either KindPercent (Percent of the eligible
// subtotal, 0 < Percent <= 100, with an optional Cap) or KindFixed (an
// Amount in one currency). It may be limited to a validity window
// [ValidFrom, ValidUntil), to products (empty Products means every
// product), to actions (create, renew, resize; empty means all), to a
// minimum spend on the eligible subtotal, to a number of redemptions in
// total and per account (0 means unlimited), and to first orders.
// Coupon.Validate checks a definition.
//
// # Evaluation
//
// Evaluate takes the codes in the order entered and checks each in turn;
// the first failed check rejects the whole evaluation (all or nothing: no
// partial result) with a *Rejection naming the code and a Reason:
//
//	reason                  when                                                 carries
//	malformed_code          the text is not a well-formed code                   Err (*CodeError)
//	duplicate_code          the code was entered before (after normalising)
//	unknown_code            no definition has the code
//	not_yet_valid           now < ValidFrom                                      At
//	expired                 now >= ValidUntil                                    At
//	currency_mismatch       the coupon's Amount, Cap or MinSpend is in           Currency, OrderCurrency
//	                        another currency than the order
//	not_applicable_action   Actions is set and lacks the order's action          Action, Actions
//	not_applicable_product  no line is for one of Products                       Products
//	first_order_only        FirstOrderOnly and not the account's first order
//	minimum_not_met         eligible subtotal < MinSpend                         Minimum, Subtotal
//	total_limit_reached     TotalLimit > 0 and redemptions >= TotalLimit         Limit
//	account_limit_reached   PerAccountLimit > 0 and the account's                Limit
//	                        redemptions >= PerAccountLimit
//	not_stackable           several coupons entered and one of them (the first
//	                        such in entry order) is not Stackable
//
// The reasons are checked in that order, and the stacking rule only after
// every code has passed its own checks. Redemptions are the reserved and
// consumed ones (Request.Usage), so the limit checks here are advisory: the
// host must check them again (Coupon.CheckLimits) on counts read in the
// transaction that reserves the redemption, so that concurrent checkouts
// never exceed a limit. Every *Rejection matches
// ErrRejected with errors.Is, its Reason values are stable (stored, sent to
// clients, append-only), and its message reads "coupon SPRING20 expired at
// 2026-03-31".
//
// # Amounts
//
// A line is eligible for a coupon if its product is in the coupon's
// Products, or Products is empty. The eligible subtotal is the sum of the
// eligible lines; MinSpend is compared with it before any coupon.
//
//   - Percent: eligible amount × Percent ÷ 100, computed exactly and rounded
//     once, half-up, to the currency's minor digits (VND 0, USD 2, KWD 3);
//     then at most Cap.
//   - Fixed: Amount, at most the eligible amount (a 200,000 coupon on a
//     150,000 order takes 150,000; the rest is lost, not carried over).
//
// # Splitting
//
// Each coupon's discount is split over the eligible lines in proportion to
// each line's amount, with money.AllocateWeights: every line gets the floor
// of its exact share in minor units and the leftover units go one each to
// the lines with the largest remainders, ties to the lower index. The parts
// sum exactly to the discount and ineligible lines get zero. So 150,000 on
// 1,000,000 + 500,000 is 100,000 + 50,000, and 100 VND over three equal
// lines is 34 + 33 + 33.
//
// # Stacking
//
// One coupon per order by default: several coupons are accepted only if
// every one of them is Stackable. Stacked coupons apply in entry order, each
// on what the ones before it left of each line, so a percent coupon after a
// fixed one takes its percent of the reduced amount, splits are by the
// reduced amounts, and no line ever goes below zero. A stacked coupon that
// finds nothing left on its lines is applied with a zero discount.
//
// # Redemptions
//
// A redemption is data in the host's store with a RedemptionStatus:
// reserved at checkout, then consumed when the payment succeeds, or
// released when the payment fails or expires, or when provisioning fails
// and the order is refunded in full. NextRedemption is the transition
// function; an illegal transition is a *TransitionError. Reserved and
// consumed redemptions count against limits (RedemptionStatus.Counts).
package coupon
