package billing_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// A renewal preview is the charge: same total, same new end, coupons
// included, and nothing changes until Renew.
func TestPreviewRenewIsWhatRenewCharges(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		e := newEnv(t, newStore(t))
		ctx := context.Background()
		e.fund(t, "acme", 2_000_000)
		r := e.buy(t, "acme", small, period.Months(1))
		require.NoError(t, e.sys.DefineCoupon(ctx, coupon.Coupon{Code: "RENEW10K", Kind: coupon.KindFixed, Amount: vnd(t, 10_000),
			Actions: []coupon.Action{coupon.ActionRenew}}))
		e.clk.Advance(10 * 24 * time.Hour)
		before := e.available(t, "acme")

		req := billing.RenewRequest{AccountID: "acme", ResourceIDs: []string{r.ID}, Term: period.Months(3),
			PaySpec: billing.PaySpec{Method: payment.MethodCredit, Coupons: []string{"RENEW10K"}}}
		pv, err := e.sys.PreviewRenew(ctx, req)
		require.NoError(t, err)
		require.Len(t, pv.Ends, 1)
		assert.Equal(t, int64(10_000), minor(t, pv.Quote.Discount), "the renew coupon is in the preview")
		assert.Equal(t, before, e.available(t, "acme"), "a preview spends nothing")

		req.ExpectedTotal = pv.Quote.Total
		res, err := e.sys.Renew(ctx, "renew-1", req)
		require.NoError(t, err)
		assert.Equal(t, payment.StatusSucceeded, res.Payment.Status)
		assert.True(t, res.Payment.Amount.Equal(pv.Quote.Total), "charged %s, previewed %s", res.Payment.Amount, pv.Quote.Total)
		assert.Equal(t, before-minor(t, pv.Quote.Total), e.available(t, "acme"))
		assert.True(t, res.Resources[0].PeriodEnd.Equal(pv.Ends[0]), "ends %s, previewed %s", res.Resources[0].PeriodEnd, pv.Ends[0])
	})
}

func TestPreviewRenewRefusesWhatRenewRefuses(t *testing.T) {
	e := newEnv(t, newMemory())
	ctx := context.Background()
	e.fund(t, "acme", 1_000_000)
	e.fund(t, "bob", 1_000_000)
	r := e.buy(t, "acme", small, period.Months(1))
	_, err := e.sys.PreviewRenew(ctx, billing.RenewRequest{AccountID: "bob", ResourceIDs: []string{r.ID}, Term: period.Months(1)})
	assert.ErrorIs(t, err, billing.ErrResourceNotFound, "another account's resource")
	_, err = e.sys.PreviewRenew(ctx, billing.RenewRequest{AccountID: "acme", ResourceIDs: []string{r.ID}, Term: period.Months(5)})
	var re *billing.RequestError
	require.True(t, errors.As(err, &re), "5 months is not sold: %v", err)
	assert.Equal(t, "Term", re.Field)
	_, err = e.sys.PreviewRenew(ctx, billing.RenewRequest{AccountID: "acme", ResourceIDs: []string{r.ID}, Term: period.Months(1),
		PaySpec: billing.PaySpec{Coupons: []string{"NOPE"}}})
	assert.ErrorIs(t, err, coupon.ErrRejected)
}

// Deleting 10 days into a 1-month term refunds exactly what the preview said.
func TestPreviewDeleteIsWhatDeleteRefunds(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		e := newEnv(t, newStore(t))
		ctx := context.Background()
		e.fund(t, "acme", 1_000_000)
		r := e.buy(t, "acme", small, period.Months(1))
		e.clk.Advance(10 * 24 * time.Hour)
		pv, err := e.sys.PreviewDelete(ctx, "acme", r.ID)
		require.NoError(t, err)
		assert.True(t, pv.Refunded.IsPositive())
		before := e.available(t, "acme")
		res, err := e.sys.Delete(ctx, "del-1", billing.DeleteRequest{AccountID: "acme", ResourceID: r.ID})
		require.NoError(t, err)
		assert.True(t, res.Refunded.Equal(pv.Refunded), "refunded %s, previewed %s", res.Refunded, pv.Refunded)
		assert.True(t, res.UnusedValue.Equal(pv.UnusedValue))
		assert.Equal(t, before+minor(t, pv.Refunded), e.available(t, "acme"))
		_, err = e.sys.PreviewDelete(ctx, "acme", r.ID)
		assert.ErrorIs(t, err, lifecycle.ErrIllegalTransition, "a deleted resource cannot be deleted again")
		_, err = e.sys.PreviewDelete(ctx, "bob", r.ID)
		assert.ErrorIs(t, err, billing.ErrAccountNotFound)
	})
}
