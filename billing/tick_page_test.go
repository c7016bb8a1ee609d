package billing_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

// seedReminderDue writes active resources of account whose T−7 renewal
// reminder is due at the clock's time.
func seedReminderDue(t *testing.T, e env, account string, ids ...string) {
	t.Helper()
	now := e.clk.Now()
	require.NoError(t, e.st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
		for _, id := range ids {
			r := storage.Resource{ID: id, AccountID: account, OrderID: "seed", ProductID: pricing.SampleVServer,
				Status: lifecycle.StateActive, CreatedAt: now, UpdatedAt: now,
				PeriodStart: now.Add(-23 * 24 * time.Hour), PeriodEnd: now.Add(7 * 24 * time.Hour), NextDueAt: now}
			r.ResourceDetail = storage.ResourceDetail{Configuration: pricing.Configuration{Plan: "basic-1"}, Term: period.Months(1),
				PricePer30Days: vnd(t, 90_000), Since: now.Add(-23 * 24 * time.Hour)}
			if err := tx.Resources().Create(ctx, r); err != nil {
				return err
			}
		}
		return nil
	}))
}

// TestTickReminderTakenFailsOnlyItsResource: a page of reminders whose
// writes are held back until COMMIT, one of them an event that exists
// already. On PostgreSQL the page's COMMIT fails; the page then runs
// again with a savepoint per resource, so the other resources of the page
// still get their reminder and only the one whose event is taken records
// a failure — the outcome of a failure seen at once (the memory store).
func TestTickReminderTakenFailsOnlyItsResource(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		_, err := e.sys.CreateAccount(ctx, "open", billing.CreateAccountRequest{ID: "acct"})
		require.NoError(t, err)

		// A first resource's reminder shows the id the reminder of a
		// resource ending at the same time gets.
		seedReminderDue(t, e, "acct", "probe")
		rep, err := e.sys.Tick(ctx, 100)
		require.NoError(t, err)
		require.Equal(t, 1, rep.Reminders)
		var probe storage.Event
		require.NoError(t, e.st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			evs, err := tx.Outbox().Deliverable(ctx, e.clk.Now(), 100)
			for _, ev := range evs {
				if strings.HasPrefix(ev.ID, "notice:probe:") {
					probe = ev
				}
			}
			return err
		}))
		require.NotEmpty(t, probe.ID, "the probe's reminder event")

		// rem2's reminder event exists already.
		taken := probe
		taken.Seq, taken.ID, taken.Stream = 0, strings.Replace(probe.ID, "notice:probe:", "notice:rem2:", 1), "rem2"
		require.NoError(t, e.st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Outbox().Append(ctx, taken)
			return err
		}))
		seedReminderDue(t, e, "acct", "rem1", "rem2", "rem3")
		rep, err = e.sys.Tick(ctx, 100)
		require.NoError(t, err)
		require.Equal(t, 2, rep.Resources, "resources ticked")
		require.Equal(t, 2, rep.Reminders, "reminders sent")
		require.Len(t, rep.Failures, 1)
		require.Equal(t, billing.ItemResource, rep.Failures[0].Kind)
		require.Equal(t, "rem2", rep.Failures[0].ID)

		require.NoError(t, e.st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			evs, err := tx.Outbox().Deliverable(ctx, e.clk.Now(), 100)
			if err != nil {
				return err
			}
			ids := map[string]bool{}
			for _, ev := range evs {
				ids[ev.ID] = true
			}
			for _, id := range []string{"rem1", "rem3"} {
				require.True(t, ids[strings.Replace(probe.ID, "notice:probe:", "notice:"+id+":", 1)], "%s's reminder event", id)
				r, err := tx.Resources().Get(ctx, "acct", id)
				if err != nil {
					return err
				}
				require.Zero(t, r.TickAttempts, id)
				require.Equal(t, 1, r.NextReminder, id)
			}
			r, err := tx.Resources().Get(ctx, "acct", "rem2")
			if err != nil {
				return err
			}
			require.Equal(t, 1, r.TickAttempts, "rem2's failed tick")
			require.Zero(t, r.NextReminder, "rem2's reminder is not recorded as sent")
			return nil
		}))
	})
}
