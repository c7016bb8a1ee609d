package lifecycle

import (
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
)

// ResizeCharge returns what resizing a resource at now costs when its term
// ends at end: newPrice/30 × remaining − oldPrice/30 × remaining, with both
// prices per 30 days and the remaining time end − now counted in whole
// minutes (a started minute is not charged). Each side is rounded half-up to
// the currency's digits before the subtraction
// (pricing.ResizeDifference), so the result is exactly the difference of
// the two invoice lines: 181,000 → 520,000 with 50 days left is 866,667 −
// 301,667 = 565,000.
//
// A negative result is the refund of a downgrade (520,000 → 181,000 with 20
// days left is −226,000); the host pays it to credit only when the product's
// Policy.RefundOnDowngrade is set, and otherwise settles the resize at
// zero. Equal prices give zero, not an error: a change that keeps the price
// (or a resize to the same configuration, which the host refuses before
// asking) costs nothing.
//
// Errors: a zero now or end (ErrInvalidArgument); now at or after end (a
// *TimeError matching ErrTermEnded), since a resize keeps the end date and
// there is nothing left to reprice; a negative price or one without a
// currency (pricing.ErrInvalidPrice); different currencies
// (money.ErrCurrencyMismatch).
func ResizeCharge(oldPrice, newPrice money.Amount, now, end time.Time) (money.Amount, error) {
	if now.IsZero() || end.IsZero() {
		return money.Amount{}, fmt.Errorf("%w: resize needs now and the end", ErrInvalidArgument)
	}
	if !now.Before(end) {
		return money.Amount{}, &TimeError{Op: "resize", Now: now, End: end, Err: ErrTermEnded}
	}
	diff, err := pricing.ResizeDifference(oldPrice, newPrice, period.Span{Start: now, End: end}.Minutes())
	if err != nil {
		return money.Amount{}, fmt.Errorf("lifecycle: resize: %w", err)
	}
	return diff, nil
}

// DeleteRefund returns the unused value refunded to credit when a resource
// priced pricePer30Days is deleted at now with its term ending at end:
// price/30 × unused time, the unused time end − now in whole minutes,
// rounded once half-up to the currency's digits (181,000 with 20 days
// unused is 120,667; 19,800 with 24 days unused is 15,840). It is zero in
// the price's currency when the policy's RefundOnDelete is off or nothing
// is unused (now at or after end: a resource in grace or suspended has
// used its whole term).
//
// Errors: a zero now or end (ErrInvalidArgument); a negative price or one
// without a currency (pricing.ErrInvalidPrice).
func DeleteRefund(pricePer30Days money.Amount, now, end time.Time, p Policy) (money.Amount, error) {
	if now.IsZero() || end.IsZero() {
		return money.Amount{}, fmt.Errorf("%w: delete refund needs now and the end", ErrInvalidArgument)
	}
	var minutes int64
	if p.RefundOnDelete && now.Before(end) {
		minutes = period.Span{Start: now, End: end}.Minutes()
	}
	refund, err := pricing.ProratedAmount(pricePer30Days, minutes)
	if err != nil {
		return money.Amount{}, fmt.Errorf("lifecycle: delete refund: %w", err)
	}
	return refund, nil
}
