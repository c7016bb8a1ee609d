package payment

import (
	"strconv"

	"github.com/cloudbill/cloudbill/billing/money"
)

// RefundStatus is where a refund to a payment's original method stands. The
// names are stored, so they never change; new ones are only appended.
type RefundStatus string

// The statuses of a refund to the original method.
const (
	// RefundPending: the amount is reserved on the payment and the gateway
	// has it, or is about to; a result, a callback or a query settles it.
	RefundPending RefundStatus = "pending"
	// RefundSucceeded: the gateway returned the money to the payer.
	RefundSucceeded RefundStatus = "succeeded"
	// RefundFailed: the gateway refused or gave up; the reservation was
	// released.
	RefundFailed RefundStatus = "failed"
)

// Valid reports whether s is one of the statuses above.
func (s RefundStatus) Valid() bool {
	return s == RefundPending || s == RefundSucceeded || s == RefundFailed
}

// Final reports whether s is succeeded or failed.
func (s RefundStatus) Final() bool { return s == RefundSucceeded || s == RefundFailed }

// RefundHoldPlan is the spend plan that sets aside amount of cash credit
// for a refund of a top-up to its original method: the money a top-up
// brought is cash, so only cash is taken back (HoldEntry with the refund's
// id as the held account's key).
func RefundHoldPlan(amount money.Amount) SpendPlan {
	return SpendPlan{Amount: amount, Debits: []BucketDebit{{Account: CashAccount(), Amount: amount}}}
}

// GatewayRefundEntry records that amount of a paid order, invoice or link
// went back to the payer through gateway: revenue:refunds −amount,
// gateway:clearing:<gateway> +amount.
func GatewayRefundEntry(m EntryMeta, gateway string, amount money.Amount) (Entry, error) {
	if err := checkID("gateway", gateway); err != nil {
		return Entry{}, err
	}
	if err := checkAmount("amount", amount); err != nil {
		return Entry{}, err
	}
	return newEntry(m, EntryGatewayRefund,
		Posting{Account: RefundsAccount(), Amount: amount.Neg()},
		Posting{Account: ClearingAccount(gateway), Amount: amount},
	)
}

// HeldGatewayRefundEntry records that the cash hold set aside (a top-up's
// refund, see RefundHoldPlan) went back to the payer through gateway:
// customer:held:<refund> −x, gateway:clearing:<gateway> +x, the hold
// taken whole.
func HeldGatewayRefundEntry(m EntryMeta, hold Entry, gateway string) (Entry, error) {
	held, err := heldPosting(hold)
	if err != nil {
		return Entry{}, err
	}
	if err := checkID("gateway", gateway); err != nil {
		return Entry{}, err
	}
	if !held.Amount.IsPositive() { // unreachable for a valid hold
		return Entry{}, &AmountError{Name: "hold", Amount: held.Amount, Reason: "holds " + strconv.Quote(held.Amount.String())}
	}
	return newEntry(m, EntryGatewayRefund,
		Posting{Account: held.Account, Amount: held.Amount.Neg()},
		Posting{Account: ClearingAccount(gateway), Amount: held.Amount},
	)
}
