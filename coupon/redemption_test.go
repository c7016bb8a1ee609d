package coupon_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/coupon"
)

// redemptionLegal is the state table as the documentation states it,
// written out independently of the code so that a changed row fails.
var redemptionLegal = map[coupon.RedemptionStatus]map[coupon.RedemptionEvent]coupon.RedemptionStatus{
	coupon.RedemptionReserved: {
		coupon.RedemptionConsume: coupon.RedemptionConsumed,
		coupon.RedemptionRelease: coupon.RedemptionReleased,
	},
	coupon.RedemptionConsumed: {
		coupon.RedemptionRelease: coupon.RedemptionReleased,
	},
}

func TestNextRedemptionEveryStatusAndEvent(t *testing.T) {
	statuses := append(coupon.RedemptionStatuses(), "", "Reserved", "used")
	events := append(coupon.RedemptionEvents(), "", "CONSUME", "reserve")
	pairs := 0
	for _, from := range statuses {
		for _, ev := range events {
			to, ok := redemptionLegal[from][ev]
			name := fmt.Sprintf("%q on %q is illegal", ev, from)
			if ok {
				name = fmt.Sprintf("%s on %s goes to %s", ev, from, to)
			}
			t.Run(name, func(t *testing.T) {
				got, err := coupon.NextRedemption(from, ev)
				if ok {
					require.NoError(t, err)
					assert.Equal(t, to, got)
					return
				}
				require.ErrorIs(t, err, coupon.ErrIllegalTransition)
				var te *coupon.TransitionError
				require.ErrorAs(t, err, &te)
				assert.Equal(t, coupon.TransitionError{From: from, Event: ev}, *te)
				assert.Equal(t, from, got, "an illegal event leaves the status where it was")
			})
			pairs++
		}
	}
	assert.Equal(t, 6*5, pairs)
}

func TestRedemptionTransitionsIsACopyOfTheTable(t *testing.T) {
	rows := coupon.RedemptionTransitions()
	require.Len(t, rows, 3)
	for _, r := range rows {
		assert.Equal(t, redemptionLegal[r.From][r.Event], r.To, "%+v", r)
	}
	rows[0].To = coupon.RedemptionReleased
	assert.Equal(t, coupon.RedemptionConsumed, coupon.RedemptionTransitions()[0].To)
}

func TestRedemptionStatusProperties(t *testing.T) {
	tests := []struct {
		s                       coupon.RedemptionStatus
		valid, counts, terminal bool
	}{
		{coupon.RedemptionReserved, true, true, false},
		{coupon.RedemptionConsumed, true, true, false},
		{coupon.RedemptionReleased, true, false, true},
		{"expired", false, false, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q valid %v counts %v terminal %v", tt.s, tt.valid, tt.counts, tt.terminal), func(t *testing.T) {
			assert.Equal(t, tt.valid, tt.s.Valid())
			assert.Equal(t, tt.counts, tt.s.Counts())
			assert.Equal(t, tt.terminal, tt.s.Terminal())
		})
	}
	assert.True(t, coupon.RedemptionConsume.Valid())
	assert.False(t, coupon.RedemptionEvent("reserve").Valid())
}

func TestTransitionErrorMessage(t *testing.T) {
	_, err := coupon.NextRedemption(coupon.RedemptionReleased, coupon.RedemptionConsume)
	assert.EqualError(t, err, `coupon: illegal redemption transition: "consume" on "released"`)
}
