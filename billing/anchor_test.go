package billing_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// TestRenewalsKeepTheBillingAnchor: on calendar months a resource keeps the
// day of the month it was bought on, clamped only in short months, across
// renewals and a daylight-saving change (New York, 2028): bought Jan 31 it
// ends Feb 29, then Mar 31, Apr 30, May 31 — never drifting to the 29th;
// bought on the 30th it ends Feb 29 then Mar 30; bought Feb 29 it stays on
// the 29th. On 30-day months renewals keep counting 30-day blocks. A
// days term moves the end off the schedule, and the next month renewal
// counts from there.
func TestRenewalsKeepTheBillingAnchor(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 1, 0, ny) }
	for _, tc := range []struct {
		name   string
		basis  period.Basis
		bought time.Time
		terms  []period.Term
		ends   []time.Time
	}{
		{"bought January 31", period.CalendarMonths, at(2028, 1, 31),
			[]period.Term{period.Months(1), period.Months(1), period.Months(1), period.Months(1)},
			[]time.Time{at(2028, 2, 29), at(2028, 3, 31), at(2028, 4, 30), at(2028, 5, 31)}},
		{"bought on the 30th", period.CalendarMonths, at(2028, 1, 30),
			[]period.Term{period.Months(1), period.Months(1), period.Months(3)},
			[]time.Time{at(2028, 2, 29), at(2028, 3, 30), at(2028, 6, 30)}},
		{"bought February 29", period.CalendarMonths, at(2028, 2, 29),
			[]period.Term{period.Months(1), period.Months(12)},
			[]time.Time{at(2028, 3, 29), at(2029, 3, 29)}},
		{"a days term leaves the schedule", period.CalendarMonths, at(2028, 1, 31),
			[]period.Term{period.Months(1), period.Days(10), period.Months(1)},
			[]time.Time{at(2028, 2, 29), at(2028, 3, 10), at(2028, 4, 10)}},
		{"30-day months count 30-day blocks", period.ThirtyDayMonths, at(2028, 1, 31),
			[]period.Term{period.Months(1), period.Months(1), period.Months(3)},
			[]time.Time{at(2028, 3, 1), at(2028, 3, 31), at(2028, 6, 29)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
				e := newEnvWith(t, newStore(t), func(c *billing.Config) { c.Basis = tc.basis })
				ctx := context.Background()
				_, err := e.sys.CreateAccount(ctx, "open", billing.CreateAccountRequest{ID: "nyc", TimeZone: "America/New_York"})
				require.NoError(t, err)
				e.topUp(t, "nyc", 50_000_000)
				e.clk.Set(tc.bought.Add(-time.Second)) // buy advances the clock one second
				r := e.buy(t, "nyc", small, tc.terms[0])
				require.Equal(t, tc.ends[0], r.PeriodEnd.In(ny), "first term")
				for i, term := range tc.terms[1:] {
					_, err := e.sys.Renew(ctx, fmt.Sprintf("renew-%d", i), billing.RenewRequest{AccountID: "nyc", ResourceIDs: []string{r.ID},
						Term: term, PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
					require.NoError(t, err)
					got, err := e.sys.Resource(ctx, "nyc", r.ID)
					require.NoError(t, err)
					require.Equal(t, tc.ends[i+1], got.PeriodEnd.In(ny), "renewal %d", i+1)
				}
			})
		})
	}
}

// TestAutoRenewalKeepsTheBillingAnchor: an automatic renewal counts from
// the anchor as a manual one does: bought Jan 31 (New York, calendar
// months), it is renewed by the clock from Feb 29 to Mar 31.
func TestAutoRenewalKeepsTheBillingAnchor(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		e := newEnvWith(t, newStore(t), func(c *billing.Config) { c.Basis = period.CalendarMonths })
		ctx := context.Background()
		_, err := e.sys.CreateAccount(ctx, "open", billing.CreateAccountRequest{ID: "nyc", TimeZone: "America/New_York"})
		require.NoError(t, err)
		e.topUp(t, "nyc", 50_000_000)
		e.clk.Set(time.Date(2028, 1, 31, 10, 0, 0, 0, ny))
		r := e.buy(t, "nyc", small, period.Months(1))
		_, err = e.sys.SetAutoRenew(ctx, "auto", billing.AutoRenewRequest{AccountID: "nyc", ResourceID: r.ID, On: true})
		require.NoError(t, err)
		e.clk.Set(time.Date(2028, 2, 28, 12, 0, 0, 0, ny)) // the T−1 attempt is due
		e.tick(t)
		got, err := e.sys.Resource(ctx, "nyc", r.ID)
		require.NoError(t, err)
		require.Equal(t, time.Date(2028, 3, 31, 10, 0, 1, 0, ny), got.PeriodEnd.In(ny))
	})
}
