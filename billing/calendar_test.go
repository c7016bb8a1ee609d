package billing_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

// An account billed in America/New_York on calendar months: terms end at the
// same local wall-clock time across the DST change, month ends clamp, and
// the reminder schedule keeps local 10:00.
func TestCalendarMonthsInADSTZone(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnvWith(t, newStore(t), func(c *billing.Config) { c.Catalog = taxFree(t); c.Basis = period.CalendarMonths })
		e.clk.Set(time.Date(2026, 1, 31, 10, 0, 0, 0, ny))
		_, err := e.sys.CreateAccount(ctx, "open", billing.CreateAccountRequest{ID: "nyc", TimeZone: "America/New_York"})
		require.NoError(t, err)
		e.topUp(t, "nyc", 1_000_000)
		e.clk.Set(time.Date(2026, 1, 31, 10, 0, 0, 0, ny))

		t.Run("January 31 + 1 calendar month ends February 28", func(t *testing.T) {
			r := e.buy(t, "nyc", small, period.Months(1))
			end := r.PeriodEnd.In(ny)
			assert.Equal(t, time.Date(2026, 2, 28, 10, 0, 1, 0, ny), end)
		})
		t.Run("January 12 + 2 calendar months ends March 12 at 10:00 local, across the DST change", func(t *testing.T) {
			e.clk.Set(time.Date(2026, 1, 12, 10, 0, 0, 0, ny))
			r := e.buy(t, "nyc", small, period.Months(2))
			T := r.PeriodEnd.In(ny)
			assert.Equal(t, time.Date(2026, 3, 12, 10, 0, 1, 0, ny), T)
			_, offJan := time.Date(2026, 1, 12, 10, 0, 0, 0, ny).Zone()
			_, offMar := T.Zone()
			assert.Equal(t, 3600, offMar-offJan, "EST at purchase, EDT at the end")

			// Reminders at T−7 (EST) and daily at 10:00 local through the
			// change on March 8.
			remindersOf := func() int {
				n := 0
				for _, p := range e.notices(t, "nyc", billing.NoticeReminder) {
					if p["resource_id"] == r.ID {
						n++
					}
				}
				return n
			}
			e.clk.Set(time.Date(2026, 3, 5, 10, 0, 0, 0, ny).Add(-time.Minute))
			e.tick(t)
			assert.Equal(t, 0, remindersOf(), "not before T−7")
			e.clk.Set(time.Date(2026, 3, 5, 10, 0, 1, 0, ny))
			e.tick(t)
			assert.Equal(t, 1, remindersOf(), "T−7 at 10:00 EST")
			e.clk.Set(time.Date(2026, 3, 9, 10, 0, 1, 0, ny))
			e.tick(t)
			assert.Equal(t, 2, remindersOf(), "missed days (March 6–8) are caught up once, not replayed")
			e.clk.Set(time.Date(2026, 3, 10, 10, 0, 0, 0, ny)) // 10:00 EDT, one second early
			e.tick(t)
			assert.Equal(t, 2, remindersOf())
			e.clk.Set(time.Date(2026, 3, 10, 10, 0, 1, 0, ny))
			e.tick(t)
			assert.Equal(t, 3, remindersOf(), "daily at 10:00 local after the change")

			e.clk.Set(time.Date(2026, 3, 27, 10, 0, 1, 0, ny))
			e.tick(t)
			got, err := e.sys.Resource(ctx, "nyc", r.ID)
			require.NoError(t, err)
			assert.Equal(t, lifecycle.StateSuspended, got.State, "suspended at T+15 days, local time")
		})
	})
}
