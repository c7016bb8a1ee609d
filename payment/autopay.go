package payment

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
)

// OpenInvoice is an Unpaid or Partially paid invoice that automatic invoice
// payment may pay from credit.
type OpenInvoice struct {
	// ID identifies the invoice (an identifier as checkID accepts).
	ID string
	// IssuedAt is when the invoice was issued; older invoices are paid
	// first.
	IssuedAt time.Time
	// Outstanding is what is left to pay: non-negative, whole minor units,
	// in the currency of the available credit. Zero means nothing to pay and
	// the invoice is skipped.
	Outstanding money.Amount
}

// Allocation is the part of the available credit given to one invoice.
type Allocation struct {
	// InvoiceID is the invoice paid.
	InvoiceID string
	// Amount is what is paid: positive and at most the invoice's
	// outstanding amount.
	Amount money.Amount
	// Full says the invoice is paid in full by Amount (Paid); otherwise it
	// is partially paid.
	Full bool
}

// AllocateAutoPay decides what automatic invoice payment pays from
// available credit. The invoices are taken in order: oldest IssuedAt
// first, then the smaller Outstanding, then the lesser ID; each is paid in
// full while the credit lasts and the one where it runs out is paid
// partially; the rest get nothing. With available ≤ 0 the result is empty.
// Invoices with nothing outstanding are skipped.
//
// The allocations are in payment order; their amounts are positive, never
// exceed an invoice's outstanding amount, and sum to exactly
// min(available, total outstanding).
//
// Errors: an *AmountError (ErrInvalidAmount) for an available amount
// without a currency or not in whole minor units, or for an outstanding
// amount that is negative, not whole minor units or in another currency;
// an *ArgumentError (ErrInvalidArgument) for a malformed or repeated
// invoice ID or a zero IssuedAt.
func AllocateAutoPay(available money.Amount, invoices []OpenInvoice) ([]Allocation, error) {
	cur := available.Currency()
	if cur.IsZero() {
		return nil, &AmountError{Name: "available", Amount: available, Reason: "has no currency"}
	}
	if !available.IsRounded() {
		return nil, &AmountError{Name: "available", Amount: available, Reason: "is not a whole number of minor units", Err: money.ErrNotRounded}
	}
	seen := make(map[string]bool, len(invoices))
	for i, inv := range invoices {
		name := fmt.Sprintf("invoices[%d]", i)
		if err := checkID(name+".ID", inv.ID); err != nil {
			return nil, err
		}
		if seen[inv.ID] {
			return nil, &ArgumentError{Name: name + ".ID", Reason: fmt.Sprintf("%q is repeated", inv.ID)}
		}
		seen[inv.ID] = true
		if inv.IssuedAt.IsZero() {
			return nil, &ArgumentError{Name: name + ".IssuedAt", Reason: "is the zero time"}
		}
		if err := checkBalance(name+".Outstanding", inv.Outstanding, cur); err != nil {
			return nil, err
		}
	}
	if !available.IsPositive() {
		return nil, nil
	}
	order := slices.Clone(invoices)
	slices.SortFunc(order, func(a, b OpenInvoice) int {
		if c := a.IssuedAt.Compare(b.IssuedAt); c != 0 {
			return c
		}
		if c, _ := a.Outstanding.Cmp(b.Outstanding); c != 0 { // same currency, checked above
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	left := available
	var out []Allocation
	for _, inv := range order {
		if !left.IsPositive() {
			break
		}
		if !inv.Outstanding.IsPositive() {
			continue
		}
		pay, full := inv.Outstanding, true
		if c, _ := left.Cmp(inv.Outstanding); c < 0 {
			pay, full = left, false
		}
		var err error
		if left, err = left.Sub(pay); err != nil {
			return nil, err
		}
		out = append(out, Allocation{InvoiceID: inv.ID, Amount: pay, Full: full})
	}
	return out, nil
}
