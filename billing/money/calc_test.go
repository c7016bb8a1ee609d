package money_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
)

// TestAllocateAmountsSplitsByEachShare: a 150,000 coupon over orders of
// 1,000,000 and 500,000 is 100,000 + 50,000; 100 over three equal lines
// hands the leftover unit to the first; weights with more digits than the
// currency take the decimal route and still sum to the whole.
func TestAllocateAmountsSplitsByEachShare(t *testing.T) {
	parts, err := amt(t, "150000 VND").AllocateAmounts(amt(t, "1000000 VND"), amt(t, "500000 VND"))
	require.NoError(t, err)
	assert.Equal(t, []string{"100000 VND", "50000 VND"}, strs(parts))
	parts, err = amt(t, "100 VND").AllocateAmounts(amt(t, "1 VND"), amt(t, "1 VND"), amt(t, "1 VND"))
	require.NoError(t, err)
	assert.Equal(t, []string{"34 VND", "33 VND", "33 VND"}, strs(parts))
	parts, err = amt(t, "10 VND").AllocateAmounts(amt(t, "0.5 VND"), amt(t, "1.5 VND"))
	require.NoError(t, err)
	assert.Equal(t, []string{"3 VND", "7 VND"}, strs(parts))
	_, err = amt(t, "10 VND").AllocateAmounts(amt(t, "-1 VND"), amt(t, "2 VND"))
	assert.ErrorIs(t, err, money.ErrInvalidAllocation, "a negative weight is refused")
}

// TestCalcKeepsTheFirstError: arithmetic goes on after a failure, but Err
// reports the first one, so a broken invariant is never a silent number.
func TestCalcKeepsTheFirstError(t *testing.T) {
	var k money.Calc
	sum := k.Add(amt(t, "1.50 USD"), amt(t, "2.25 USD"))
	assert.Equal(t, "3.75 USD", sum.String())
	assert.Equal(t, 1, k.Cmp(sum, amt(t, "1 USD")))
	assert.Equal(t, "1.25 USD", k.Sub(sum, amt(t, "2.50 USD")).String())
	require.NoError(t, k.Err())
	k.Add(amt(t, "1 USD"), amt(t, "1 VND"))
	first := k.Err()
	require.Error(t, first)
	k.Fail(errors.New("later"))
	assert.Equal(t, first, k.Err(), "the first error is kept")
}
