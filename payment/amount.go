package payment

import (
	"github.com/cloudbill/cloudbill/billing/money"
)

// MaxAmountMinorUnits is the largest payable amount, in minor units of its
// currency: 10^15, that is 1,000,000,000,000,000 VND or 10,000,000,000,000.00
// USD. No real order comes near it; it exists so that a typo or a hostile
// request with a thousand digits is refused before it reaches a gateway or
// the ledger, and so that every payable amount fits int64 minor units with
// room to add thousands of them.
const MaxAmountMinorUnits int64 = 1_000_000_000_000_000

// ValidateAmount reports an *AmountError (ErrInvalidAmount) unless a is a
// payable amount: it has a currency, is positive, is a whole number of the
// currency's minor units (unwrapping to money.ErrNotRounded otherwise), and
// is at most MaxAmountMinorUnits minor units.
func ValidateAmount(a money.Amount) error {
	return checkAmount("amount", a)
}

// checkAmount is ValidateAmount with the argument's name for the error.
func checkAmount(name string, a money.Amount) error {
	switch {
	case a.Currency().IsZero():
		return &AmountError{Name: name, Amount: a, Reason: "has no currency"}
	case !a.IsPositive():
		return &AmountError{Name: name, Amount: a, Reason: "must be positive"}
	case !a.IsRounded():
		return &AmountError{Name: name, Amount: a, Reason: "is not a whole number of minor units", Err: money.ErrNotRounded}
	}
	if m, err := a.MinorUnits(); err != nil || m > MaxAmountMinorUnits {
		return &AmountError{Name: name, Amount: a, Reason: "is above the maximum of 10^15 minor units", Err: err}
	}
	return nil
}

// checkBalance reports an *AmountError unless a is a balance in cur: zero or
// positive and whole minor units. Balances have no upper bound: they are
// sums of payable amounts.
func checkBalance(name string, a money.Amount, cur money.Currency) error {
	switch {
	case a.Currency() != cur:
		return &AmountError{Name: name, Amount: a, Reason: "is not in " + cur.Code(),
			Err: &money.CurrencyMismatchError{A: cur.Code(), B: a.Currency().Code()}}
	case a.IsNegative():
		return &AmountError{Name: name, Amount: a, Reason: "is negative"}
	case !a.IsRounded():
		return &AmountError{Name: name, Amount: a, Reason: "is not a whole number of minor units", Err: money.ErrNotRounded}
	}
	return nil
}

// sameCurrency reports an *AmountError unless a is in cur.
func sameCurrency(name string, a money.Amount, cur money.Currency) error {
	if a.Currency() != cur {
		return &AmountError{Name: name, Amount: a, Reason: "is not in " + cur.Code(),
			Err: &money.CurrencyMismatchError{A: cur.Code(), B: a.Currency().Code()}}
	}
	return nil
}
