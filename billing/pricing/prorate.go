package pricing

import (
	"fmt"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
)

// minutesPerDay turns billing days into minutes.
const minutesPerDay = 24 * 60

// ProratedAmount returns what minutes of use cost at pricePer30Days:
// price × minutes ÷ 43,200, computed exactly and rounded once, half-up, to
// the currency's digits. It is the value of the unused part of a term on
// delete (181,000 per 30 days for 20 days is 120,667) and each side of a
// resize. Errors: negative minutes (ErrInvalidPeriod); a negative price or
// the zero Amount, which has no currency (ErrInvalidPrice).
func ProratedAmount(pricePer30Days money.Amount, minutes int64) (money.Amount, error) {
	if err := checkPrice(pricePer30Days); err != nil {
		return money.Amount{}, err
	}
	if minutes < 0 {
		return money.Amount{}, fmt.Errorf("%w: %d minutes is negative", ErrInvalidPeriod, minutes)
	}
	return prorate(pricePer30Days, minutes)
}

// ResizeDifference returns what changing a resource from oldPricePer30Days
// to newPricePer30Days costs for the minutes left in its term:
// ProratedAmount(new) − ProratedAmount(old). Each side is rounded before
// the subtraction, so the result is exactly the difference of the two
// amounts an invoice shows (upgrade 181,000 → 520,000 with 50 days left:
// 866,667 − 301,667 = 565,000). Negative means a refund is due
// (downgrade 520,000 → 181,000 with 20 days left: −226,000). Errors are
// those of ProratedAmount, plus money.ErrCurrencyMismatch when the prices'
// currencies differ.
func ResizeDifference(oldPricePer30Days, newPricePer30Days money.Amount, minutes int64) (money.Amount, error) {
	if oldPricePer30Days.Currency() != newPricePer30Days.Currency() {
		return money.Amount{}, fmt.Errorf("pricing: resize: %w", &money.CurrencyMismatchError{
			A: oldPricePer30Days.Currency().Code(), B: newPricePer30Days.Currency().Code()})
	}
	oldAmt, err := ProratedAmount(oldPricePer30Days, minutes)
	if err != nil {
		return money.Amount{}, err
	}
	newAmt, err := ProratedAmount(newPricePer30Days, minutes)
	if err != nil {
		return money.Amount{}, err
	}
	return newAmt.Sub(oldAmt)
}

// checkPrice rejects a price that cannot be prorated.
func checkPrice(p money.Amount) error {
	if p.Currency().IsZero() {
		return fmt.Errorf("%w: amount has no currency", ErrInvalidPrice)
	}
	if p.IsNegative() {
		return fmt.Errorf("%w: %s is negative", ErrInvalidPrice, p.Number())
	}
	return nil
}

// prorate returns total × minutes ÷ 43,200 rounded half-up to the currency.
// The product is exact, so this is the only rounding.
func prorate(total money.Amount, minutes int64) (money.Amount, error) {
	out, err := total.MulInt(minutes).DivInt(period.MinutesPer30Days, total.Currency().Digits(), money.HalfUp)
	if err != nil {
		return money.Amount{}, fmt.Errorf("pricing: prorate: %w", err)
	}
	return out, nil
}
