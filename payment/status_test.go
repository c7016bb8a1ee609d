package payment_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
)

// legal is the state table as the package documentation states it, written
// out independently of the code so that a changed row fails this test.
var legal = map[payment.Status]map[payment.Event]payment.Status{
	payment.StatusCreated: {
		payment.EventSubmit:  payment.StatusPending,
		payment.EventSucceed: payment.StatusSucceeded,
		payment.EventFail:    payment.StatusFailed,
		payment.EventCancel:  payment.StatusCanceled,
		payment.EventExpire:  payment.StatusExpired,
	},
	payment.StatusPending: {
		payment.EventSucceed: payment.StatusSucceeded,
		payment.EventFail:    payment.StatusFailed,
		payment.EventCancel:  payment.StatusCanceled,
		payment.EventExpire:  payment.StatusExpired,
	},
	payment.StatusSucceeded: {
		payment.EventPartialRefund: payment.StatusPartiallyRefunded,
		payment.EventFullRefund:    payment.StatusRefunded,
	},
	payment.StatusPartiallyRefunded: {
		payment.EventPartialRefund: payment.StatusPartiallyRefunded,
		payment.EventFullRefund:    payment.StatusRefunded,
	},
}

func TestNextEveryStatusAndEventPair(t *testing.T) {
	statuses := append(payment.Statuses(), "", "unknown", "Succeeded")
	events := append(payment.Events(), "", "refund", "SUCCEED")
	pairs := 0
	for _, from := range statuses {
		for _, ev := range events {
			to, ok := legal[from][ev]
			name := fmt.Sprintf("%s on %s is illegal", ev, from)
			if ok {
				name = fmt.Sprintf("%s on %s goes to %s", ev, from, to)
			}
			t.Run(name, func(t *testing.T) {
				got, err := payment.Next(from, ev)
				if ok {
					require.NoError(t, err)
					assert.Equal(t, to, got)
					return
				}
				require.ErrorIs(t, err, payment.ErrIllegalTransition)
				var te *payment.TransitionError
				require.ErrorAs(t, err, &te)
				assert.Equal(t, payment.TransitionError{From: from, Event: ev}, *te)
				assert.Equal(t, from, got, "an illegal event leaves the status where it was")
			})
			pairs++
		}
	}
	assert.Equal(t, 11*10, pairs)
}

func TestTransitionsTableMatchesTheDocumentedRows(t *testing.T) {
	rows := payment.Transitions()
	assert.Len(t, rows, 13)
	for _, r := range rows {
		assert.Equal(t, legal[r.From][r.Event], r.To, "%+v", r)
	}
	rows[0].To = payment.StatusRefunded
	assert.Equal(t, payment.StatusPending, payment.Transitions()[0].To, "Transitions returns a copy")
}

func TestStatusTerminalAndPaid(t *testing.T) {
	tests := []struct {
		status   payment.Status
		terminal bool
		paid     bool
	}{
		{payment.StatusCreated, false, false},
		{payment.StatusPending, false, false},
		{payment.StatusSucceeded, false, true},
		{payment.StatusFailed, true, false},
		{payment.StatusCanceled, true, false},
		{payment.StatusExpired, true, false},
		{payment.StatusPartiallyRefunded, false, true},
		{payment.StatusRefunded, true, true},
		{"bogus", false, false},
	}
	require.Len(t, payment.Statuses(), len(tests)-1, "every status has a row")
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s terminal=%v paid=%v", tt.status, tt.terminal, tt.paid), func(t *testing.T) {
			assert.Equal(t, tt.terminal, tt.status.Terminal())
			assert.Equal(t, tt.paid, tt.status.Paid())
			assert.Equal(t, tt.terminal, tt.status.Valid() && len(legal[tt.status]) == 0)
		})
	}
}

func TestParseStatusAndEvent(t *testing.T) {
	for _, s := range payment.Statuses() {
		got, err := payment.ParseStatus(string(s))
		require.NoError(t, err)
		assert.Equal(t, s, got)
	}
	for _, e := range payment.Events() {
		got, err := payment.ParseEvent(string(e))
		require.NoError(t, err)
		assert.Equal(t, e, got)
	}
	for _, bad := range []string{"", "Created", " pending", "refund"} {
		_, err := payment.ParseStatus(bad)
		require.ErrorIs(t, err, payment.ErrInvalidArgument, bad)
		_, err = payment.ParseEvent(bad)
		require.ErrorIs(t, err, payment.ErrInvalidArgument, bad)
	}
}

func TestApplyRefund(t *testing.T) {
	tests := []struct {
		name                string
		from                payment.Status
		paid, sofar, amount int64
		refunded            int64
		status              payment.Status
	}{
		{"40,000 of a 230,000 payment is a partial refund", payment.StatusSucceeded, 230_000, 0, 40_000, 40_000, payment.StatusPartiallyRefunded},
		{"all 230,000 at once is a full refund", payment.StatusSucceeded, 230_000, 0, 230_000, 230_000, payment.StatusRefunded},
		{"another 100,000 after 40,000 stays partial at 140,000", payment.StatusPartiallyRefunded, 230_000, 40_000, 100_000, 140_000, payment.StatusPartiallyRefunded},
		{"the last 190,000 after 40,000 completes the refund", payment.StatusPartiallyRefunded, 230_000, 40_000, 190_000, 230_000, payment.StatusRefunded},
		{"1 dong of 1 dong is a full refund", payment.StatusSucceeded, 1, 0, 1, 1, payment.StatusRefunded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, status, err := payment.ApplyRefund(tt.from, vnd(t, tt.paid), vnd(t, tt.sofar), vnd(t, tt.amount))
			require.NoError(t, err)
			assert.True(t, got.Equal(vnd(t, tt.refunded)), "refunded %s", got)
			assert.Equal(t, tt.status, status)
		})
	}
}

func TestApplyRefundRejects(t *testing.T) {
	tests := []struct {
		name                string
		from                payment.Status
		paid, sofar, amount money.Amount
		want                error
	}{
		{"230,001 of 230,000 is an over-refund", payment.StatusSucceeded, vnd(t, 230_000), vnd(t, 0), vnd(t, 230_001), payment.ErrOverRefund},
		{"200,000 after 40,000 of 230,000 is an over-refund", payment.StatusPartiallyRefunded, vnd(t, 230_000), vnd(t, 40_000), vnd(t, 200_000), payment.ErrOverRefund},
		{"a refund of a pending payment is illegal", payment.StatusPending, vnd(t, 100), vnd(t, 0), vnd(t, 10), payment.ErrIllegalTransition},
		{"a refund of a refunded payment is illegal", payment.StatusRefunded, vnd(t, 100), vnd(t, 100), vnd(t, 10), payment.ErrIllegalTransition},
		{"a refund of a failed payment is illegal", payment.StatusFailed, vnd(t, 100), vnd(t, 0), vnd(t, 100), payment.ErrIllegalTransition},
		{"a zero refund is not an amount", payment.StatusSucceeded, vnd(t, 100), vnd(t, 0), vnd(t, 0), payment.ErrInvalidAmount},
		{"a negative refund is not an amount", payment.StatusSucceeded, vnd(t, 100), vnd(t, 0), vnd(t, -10), payment.ErrInvalidAmount},
		{"a refund in USD of a VND payment", payment.StatusSucceeded, vnd(t, 100), vnd(t, 0), amt(t, "1.00 USD"), money.ErrCurrencyMismatch},
		{"a refund of half a cent", payment.StatusSucceeded, amt(t, "1.00 USD"), amt(t, "0 USD"), amt(t, "0.005 USD"), money.ErrNotRounded},
		{"a paid amount of zero", payment.StatusSucceeded, vnd(t, 0), vnd(t, 0), vnd(t, 1), payment.ErrInvalidAmount},
		{"a negative refunded-so-far", payment.StatusPartiallyRefunded, vnd(t, 100), vnd(t, -1), vnd(t, 1), payment.ErrInvalidAmount},
		{"a refunded-so-far without currency", payment.StatusSucceeded, vnd(t, 100), money.Amount{}, vnd(t, 1), money.ErrCurrencyMismatch},
		{"a succeeded payment that claims 10 refunded", payment.StatusSucceeded, vnd(t, 100), vnd(t, 10), vnd(t, 1), payment.ErrInvalidArgument},
		{"a partially refunded payment that claims nothing refunded", payment.StatusPartiallyRefunded, vnd(t, 100), vnd(t, 0), vnd(t, 1), payment.ErrInvalidArgument},
		{"a partially refunded payment that claims all refunded", payment.StatusPartiallyRefunded, vnd(t, 100), vnd(t, 100), vnd(t, 1), payment.ErrInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, status, err := payment.ApplyRefund(tt.from, tt.paid, tt.sofar, tt.amount)
			require.ErrorIs(t, err, tt.want)
			assert.Equal(t, money.Amount{}, got)
			assert.Equal(t, tt.from, status)
		})
	}
	_, _, err := payment.ApplyRefund(payment.StatusPartiallyRefunded, vnd(t, 230_000), vnd(t, 40_000), vnd(t, 200_000))
	var oe *payment.OverRefundError
	require.ErrorAs(t, err, &oe)
	assert.True(t, oe.Paid.Equal(vnd(t, 230_000)) && oe.Refunded.Equal(vnd(t, 40_000)) && oe.Requested.Equal(vnd(t, 200_000)), "%+v", oe)
}

func ExampleNext() {
	s := payment.StatusCreated
	for _, ev := range []payment.Event{payment.EventSubmit, payment.EventSucceed, payment.EventPartialRefund} {
		next, err := payment.Next(s, ev)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s --%s--> %s\n", s, ev, next)
		s = next
	}
	_, err := payment.Next(payment.StatusFailed, payment.EventSucceed)
	fmt.Println(err)
	// Output:
	// created --submit--> pending
	// pending --succeed--> succeeded
	// succeeded --partial_refund--> partially_refunded
	// payment: illegal transition: "succeed" on "failed"
}
