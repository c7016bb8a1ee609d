package billing_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/memory"
)

// A recovery whose provisioning fails refunds its line in full and gives
// back its own coupon: 181,000 less a 30,000 coupon, with 10% VAT, is
// 166,100 paid and refunded, and the coupon's redemption is released (the
// simulation found the purchase's coupon shares used instead, leaving
// the recovery's redemption consumed).
func TestRecoverFailedProvisioningReleasesItsCoupon(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, memory.New())
	e.account(t, "acme")
	e.fund(t, "acme", 1_000_000)
	require.NoError(t, e.sys.DefineCoupon(ctx, coupon.Coupon{Code: "BACK30", Kind: coupon.KindFixed, Amount: simVND(30_000),
		Actions: []coupon.Action{coupon.ActionCreate}}))
	r := e.buy(t, "acme", small, period.Months(1))
	e.clk.Advance(61 * 24 * time.Hour)
	for {
		rep, err := e.sys.Tick(ctx, 1000)
		require.NoError(t, err)
		if !rep.More {
			break
		}
	}
	got, err := e.sys.Resource(ctx, "acme", r.ID)
	require.NoError(t, err)
	require.Equal(t, lifecycle.StateReleased, got.State)
	before := e.available(t, "acme")
	a, err := e.sys.Recover(ctx, "recover", billing.RecoverRequest{AccountID: "acme", ResourceID: r.ID, Term: period.Months(1),
		PaySpec: billing.PaySpec{Method: payment.MethodCredit, Coupons: []string{"BACK30"}}})
	require.NoError(t, err)
	require.Equal(t, int64(166_100), minorOf(a.Order.Total))
	count := func() int {
		var n int
		require.NoError(t, e.st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			var err error
			n, _, err = tx.Redemptions().Count(ctx, "BACK30", "acme")
			return err
		}))
		return n
	}
	require.Equal(t, 1, count(), "the recovery redeemed the coupon")
	_, err = e.sys.ProvisioningFailed(ctx, "failed", billing.ProvisioningRequest{AccountID: "acme", ResourceID: r.ID, Reason: "no capacity"})
	require.NoError(t, err)
	require.Equal(t, before, e.available(t, "acme"), "166,100 back to credit")
	require.Equal(t, 0, count(), "and the coupon given back")
}
