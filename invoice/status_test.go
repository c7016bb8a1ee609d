package invoice_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/invoice"
)

// legal is the state tables as the package documentation states them,
// written out independently of the code so that a changed row fails.
var legal = map[invoice.Kind]map[invoice.Status]map[invoice.Event]invoice.Status{
	invoice.KindInvoice: {
		invoice.StatusDraft: {
			invoice.EventIssue: invoice.StatusIssued,
			invoice.EventVoid:  invoice.StatusVoid,
		},
		invoice.StatusIssued: {
			invoice.EventPayPartial: invoice.StatusPartiallyPaid,
			invoice.EventPayFull:    invoice.StatusPaid,
			invoice.EventVoid:       invoice.StatusVoid,
		},
		invoice.StatusPartiallyPaid: {
			invoice.EventPayPartial: invoice.StatusPartiallyPaid,
			invoice.EventPayFull:    invoice.StatusPaid,
		},
	},
	invoice.KindCreditNote: {
		invoice.StatusDraft: {
			invoice.EventIssue: invoice.StatusIssued,
			invoice.EventVoid:  invoice.StatusVoid,
		},
	},
}

func TestNextEveryKindStatusAndEvent(t *testing.T) {
	kinds := []invoice.Kind{invoice.KindInvoice, invoice.KindCreditNote, "", "Invoice"}
	statuses := append(invoice.Statuses(), "", "unpaid", "Paid")
	events := append(invoice.Events(), "", "pay", "ISSUE")
	pairs := 0
	for _, kind := range kinds {
		for _, from := range statuses {
			for _, ev := range events {
				to, ok := legal[kind][from][ev]
				name := fmt.Sprintf("%s on %s %s is illegal", ev, kind, from)
				if ok {
					name = fmt.Sprintf("%s on %s %s goes to %s", ev, kind, from, to)
				}
				t.Run(name, func(t *testing.T) {
					got, err := invoice.Next(kind, from, ev)
					if ok {
						require.NoError(t, err)
						assert.Equal(t, to, got)
						return
					}
					require.ErrorIs(t, err, invoice.ErrIllegalTransition)
					var te *invoice.TransitionError
					require.ErrorAs(t, err, &te)
					assert.Equal(t, invoice.TransitionError{Kind: kind, From: from, Event: ev}, *te)
					assert.Equal(t, from, got, "an illegal event leaves the status where it was")
				})
				pairs++
			}
		}
	}
	assert.Equal(t, 4*8*7, pairs)
}

func TestTransitionsMatchTheDocumentedRows(t *testing.T) {
	for kind, rows := range map[invoice.Kind]int{invoice.KindInvoice: 7, invoice.KindCreditNote: 2} {
		t.Run(fmt.Sprintf("%s has %d rows", kind, rows), func(t *testing.T) {
			got := invoice.Transitions(kind)
			require.Len(t, got, rows)
			for _, r := range got {
				assert.Equal(t, legal[kind][r.From][r.Event], r.To, "%+v", r)
			}
			got[0].To = invoice.StatusPaid
			assert.Equal(t, invoice.StatusIssued, invoice.Transitions(kind)[0].To, "Transitions returns a copy")
		})
	}
	assert.Nil(t, invoice.Transitions("receipt"), "an unknown kind has no table")
}

func TestTerminalStatuses(t *testing.T) {
	tests := []struct {
		kind invoice.Kind
		s    invoice.Status
		want bool
	}{
		{invoice.KindInvoice, invoice.StatusDraft, false},
		{invoice.KindInvoice, invoice.StatusIssued, false},
		{invoice.KindInvoice, invoice.StatusPartiallyPaid, false},
		{invoice.KindInvoice, invoice.StatusPaid, true},
		{invoice.KindInvoice, invoice.StatusVoid, true},
		{invoice.KindCreditNote, invoice.StatusDraft, false},
		{invoice.KindCreditNote, invoice.StatusIssued, true},
		{invoice.KindCreditNote, invoice.StatusVoid, true},
		{invoice.KindCreditNote, invoice.StatusPaid, false},
		{invoice.KindInvoice, "refunded", false},
		{"receipt", invoice.StatusPaid, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %s terminal is %v", tt.kind, tt.s, tt.want), func(t *testing.T) {
			assert.Equal(t, tt.want, invoice.Terminal(tt.kind, tt.s))
		})
	}
}

func TestStoredNamesNeverChange(t *testing.T) {
	assert.Equal(t, []invoice.Status{"draft", "issued", "partially_paid", "paid", "void"}, invoice.Statuses())
	assert.Equal(t, []invoice.Event{"issue", "pay_partial", "pay_full", "void"}, invoice.Events())
	assert.Equal(t, invoice.Kind("invoice"), invoice.KindInvoice)
	assert.Equal(t, invoice.Kind("credit_note"), invoice.KindCreditNote)
	assert.Equal(t, invoice.TaxMode("exclusive"), invoice.TaxExclusive)
	assert.Equal(t, invoice.TaxMode("inclusive"), invoice.TaxInclusive)
	for _, s := range invoice.Statuses() {
		assert.True(t, s.Valid(), s)
	}
	for _, e := range invoice.Events() {
		assert.True(t, e.Valid(), e)
	}
	assert.False(t, invoice.Status("Paid").Valid())
	assert.False(t, invoice.Event("pay").Valid())
	assert.False(t, invoice.Kind("").Valid())
	assert.False(t, invoice.TaxMode("").Valid())
}
