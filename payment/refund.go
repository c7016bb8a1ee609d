package payment

import (
	"github.com/cloudbill/cloudbill/billing/money"
)

// ApplyRefund checks a refund of amount against a payment in status from
// that received paid and has had refundedSoFar refunded already, and
// returns the new refunded total and the payment's new status: refunded
// when the total reaches paid, partially refunded otherwise. Refunds are
// always to credit (see RefundEntry), whatever paid for the payment.
//
// Errors, checked in this order, and nothing is applied on any of them:
//   - an *AmountError (ErrInvalidAmount) unless paid and amount are payable
//     amounts (see ValidateAmount) and refundedSoFar is zero or positive
//     whole minor units, all in paid's currency;
//   - a *TransitionError (ErrIllegalTransition) unless from is succeeded or
//     partially refunded;
//   - an *ArgumentError (ErrInvalidArgument) when refundedSoFar contradicts
//     from (it must be zero for succeeded, and strictly between zero and
//     paid for partially refunded), which means the caller's record is
//     inconsistent;
//   - an *OverRefundError (ErrOverRefund) when refundedSoFar + amount would
//     exceed paid.
func ApplyRefund(from Status, paid, refundedSoFar, amount money.Amount) (money.Amount, Status, error) {
	if err := checkAmount("paid", paid); err != nil {
		return money.Amount{}, from, err
	}
	cur := paid.Currency()
	if err := checkAmount("amount", amount); err != nil {
		return money.Amount{}, from, err
	}
	if err := sameCurrency("amount", amount, cur); err != nil {
		return money.Amount{}, from, err
	}
	if err := checkBalance("refundedSoFar", refundedSoFar, cur); err != nil {
		return money.Amount{}, from, err
	}
	total, err := refundedSoFar.Add(amount)
	if err != nil { // unreachable: currencies checked above
		return money.Amount{}, from, &AmountError{Name: "amount", Amount: amount, Reason: "cannot be added", Err: err}
	}
	over, err := total.Cmp(paid)
	if err != nil { // unreachable: currencies checked above
		return money.Amount{}, from, &AmountError{Name: "amount", Amount: amount, Reason: "cannot be compared", Err: err}
	}
	ev := EventPartialRefund
	if over >= 0 {
		ev = EventFullRefund
	}
	to, err := Next(from, ev)
	if err != nil {
		return money.Amount{}, from, err
	}
	soFarVsPaid, err := refundedSoFar.Cmp(paid)
	if err != nil { // unreachable: currencies checked above
		return money.Amount{}, from, &AmountError{Name: "refundedSoFar", Amount: refundedSoFar, Reason: "cannot be compared", Err: err}
	}
	switch {
	case from == StatusSucceeded && !refundedSoFar.IsZero():
		return money.Amount{}, from, &ArgumentError{Name: "refundedSoFar", Reason: "is " + refundedSoFar.String() + " but the payment has no refund yet"}
	case from == StatusPartiallyRefunded && (refundedSoFar.IsZero() || soFarVsPaid >= 0):
		return money.Amount{}, from, &ArgumentError{Name: "refundedSoFar", Reason: "is " + refundedSoFar.String() + " but a partially refunded payment has between zero and " + paid.String()}
	case over > 0:
		return money.Amount{}, from, &OverRefundError{Paid: paid, Refunded: refundedSoFar, Requested: amount}
	}
	return total, to, nil
}
