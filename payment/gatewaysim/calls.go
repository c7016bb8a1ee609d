package gatewaysim

import (
	"slices"
	"strconv"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
)

// Method names a gateway.Gateway method the simulator records.
type Method uint8

// The recorded methods.
const (
	MethodCreatePayment Method = iota + 1
	MethodCharge
	MethodRefund
	MethodStartLink
)

// String returns the method's Go name ("Charge").
func (m Method) String() string {
	switch m {
	case MethodCreatePayment:
		return "CreatePayment"
	case MethodCharge:
		return "Charge"
	case MethodRefund:
		return "Refund"
	case MethodStartLink:
		return "StartLink"
	}
	return "Method(" + strconv.Itoa(int(m)) + ")"
}

// Call is one recorded call of CreatePayment, Charge, Refund or StartLink.
type Call struct {
	// Seq numbers calls from 1 in the order they took the simulator's lock.
	Seq int
	// At is Config.Now when the call was recorded.
	At time.Time
	// Method is the method called.
	Method Method
	// PaymentID, RefundID, LinkID and AccountID are the request's ids, as
	// far as the method has them.
	PaymentID, RefundID, LinkID, AccountID string
	// Amount is the request's amount (none for StartLink).
	Amount money.Amount
	// ReturnURL and ClientIP are a CreatePayment request's: where the
	// payer is sent back and the payer's address, as the host gave them.
	ReturnURL, ClientIP string
	// Applied is true when the call had an effect: a new payment, charge,
	// refund or link. A repeat with the same id, a rejected request and a
	// Timeout are false; a LostResponse is true although it returned an
	// error. Counting Applied charges is how a test proves the host charged
	// exactly once.
	Applied bool
	// Err is what the call returned.
	Err error
}

// Calls returns every recorded call, oldest first.
func (g *Gateway) Calls() []Call {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.calls)
}
