package invoice_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/invoice"
)

func TestErrorMessagesAndMatching(t *testing.T) {
	vnd := func(s string) money.Amount { return amt(t, s, "VND") }
	long := strings.Repeat("x", 200)
	tests := []struct {
		name string
		err  error
		msg  string
		is   error
	}{
		{"an argument error names the field", &invoice.ArgumentError{Name: "ID", Reason: "is empty"},
			"invoice: invalid ID: is empty", invoice.ErrInvalidArgument},
		{"an argument error unwraps to its cause", &invoice.ArgumentError{Name: "Currency", Reason: "unknown", Err: money.ErrUnknownCurrency},
			"invoice: invalid Currency: unknown", money.ErrUnknownCurrency},
		{"a line error names the line", &invoice.LineError{Index: 2, Field: "Tax", Reason: "is wrong"},
			"invoice: invalid line 2: Tax is wrong", invoice.ErrInvalidLine},
		{"a single line's error has no index", &invoice.LineError{Index: -1, Field: "Tax", Reason: "is wrong"},
			"invoice: invalid line: Tax is wrong", invoice.ErrInvalidLine},
		{"a transition error names kind, status and event",
			&invoice.TransitionError{Kind: invoice.KindInvoice, From: invoice.StatusPaid, Event: invoice.EventVoid},
			`invoice: illegal transition: "void" on invoice "paid"`, invoice.ErrIllegalTransition},
		{"a guard's refusal says why",
			&invoice.TransitionError{Kind: invoice.KindInvoice, From: invoice.StatusIssued, Event: invoice.EventVoid, Reason: "credited"},
			`invoice: illegal transition: "void" on invoice "issued": credited`, invoice.ErrIllegalTransition},
		{"a hostile event is shortened", &invoice.TransitionError{Kind: invoice.KindInvoice, From: "draft", Event: invoice.Event(long)},
			`invoice: illegal transition: "` + long[:80] + `..." on invoice "draft"`, invoice.ErrIllegalTransition},
		{"an immutable error says how to correct", &invoice.ImmutableError{ID: "inv_1", Status: invoice.StatusPaid},
			`invoice: "inv_1" is paid: only drafts can change; correct it with a credit note`, invoice.ErrImmutable},
		{"a payment error quotes the amount", &invoice.PaymentError{Amount: vnd("-1"), Reason: "is not positive"},
			`invoice: invalid payment "-1 VND": is not positive`, invoice.ErrInvalidPayment},
		{"an overpayment states the amounts", &invoice.OverpaymentError{Total: vnd("10"), Paid: vnd("4"), Requested: vnd("7")},
			"invoice: payment of 7 VND exceeds the amount due (total 10 VND, paid 4 VND)", invoice.ErrOverpayment},
		{"an over-credit states the amounts", &invoice.OverCreditError{InvoiceID: "inv_1", Total: vnd("10"), Credited: vnd("4"), Requested: vnd("7")},
			`invoice: credit of 7 VND on "inv_1" exceeds what is left to credit (total 10 VND, credited 4 VND)`, invoice.ErrOverCredit},
		{"a series error quotes the series", &invoice.SeriesError{Series: "inv", Reason: "is lower case"},
			`invoice: invalid series "inv": is lower case`, invoice.ErrInvalidSeries},
		{"a number error quotes the input", &invoice.NumberError{Input: "X-1", Reason: "is short"},
			`invoice: invalid document number "X-1": is short`, invoice.ErrInvalidNumber},
		{"an action error names the field", &invoice.ActionError{Field: "Kind", Reason: "is unknown"},
			"invoice: invalid action: Kind is unknown", invoice.ErrInvalidAction},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.msg, tt.err.Error())
			assert.ErrorIs(t, tt.err, tt.is)
			assert.NotErrorIs(t, tt.err, errors.New(tt.msg), "matching is by identity, never by message")
		})
	}
}
