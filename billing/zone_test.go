package billing_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/storage"
)

// TestViewsShowTimesInTheAccountZone: a postpaid vServer bought on April
// 5, 2026 is billed at April's close; its bill is due 2026-05-15T18:01Z,
// which a customer in Ho Chi Minh City (UTC+7) reads as 01:01 on May 16.
// Every view and the invoice.issued payload keep that instant, show it as
// 2026-05-16T01:01:00+07:00 and name Asia/Ho_Chi_Minh — on both stores,
// although PostgreSQL returns times in UTC. An account in
// America/New_York (UTC−4 in April, DST) sees its resource's creation at
// 05:00:01 local, the same instant as 09:00:01Z.
func TestViewsShowTimesInTheAccountZone(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := postpaidEnv(t, newStore(t), "acme", nil)
		hcm, err := time.LoadLocation("Asia/Ho_Chi_Minh")
		require.NoError(t, err)
		const zone = "Asia/Ho_Chi_Minh"
		dueUTC := time.Date(2026, 5, 15, 18, 1, 0, 0, time.UTC)
		dueLocal := "2026-05-16T01:01:00+07:00"
		shown := func(v time.Time) string { return v.Format(time.RFC3339) }

		r := e.buy(t, "acme", small, period.Months(1))
		require.Equal(t, zone, r.TimeZone)
		require.Equal(t, hcm.String(), r.CreatedAt.Location().String())
		e.clk.Set(aprilClose)
		e.tickAll(t)

		bills := e.bills(t, "acme", r.ID)
		require.Len(t, bills, 1)
		require.True(t, bills[0].DueAt.Equal(dueUTC), "the due instant is kept")
		require.Equal(t, dueLocal, shown(bills[0].DueAt))
		require.Equal(t, "2026-05-01T01:01:00+07:00", shown(bills[0].IssuedAt))
		require.Equal(t, "2026-04-05T16:00:01+07:00", shown(bills[0].Lines[0].Period.Start), "the line's period starts at purchase, local time")
		require.Equal(t, "2026-05-01T00:00:00+07:00", shown(bills[0].Lines[0].Period.End), "and ends at the local month's end")

		one, err := e.sys.Invoice(ctx, "acme", bills[0].ID)
		require.NoError(t, err)
		require.Equal(t, dueLocal, shown(one.DueAt))

		open, err := e.sys.OpenInvoices(ctx, "acme")
		require.NoError(t, err)
		require.Len(t, open.Invoices, 1)
		require.Equal(t, zone, open.Invoices[0].TimeZone)
		require.Equal(t, dueLocal, shown(open.Invoices[0].Invoice.DueAt))
		body, err := json.Marshal(open.Invoices[0])
		require.NoError(t, err)
		require.Contains(t, string(body), `"due_at":"`+dueLocal+`"`)
		require.Contains(t, string(body), `"time_zone":"`+zone+`"`)

		// The invoice.issued event of the bill says the same.
		evs, err := items(e.sys.Events(ctx, billing.ListRequest{AccountID: "acme", Limit: 1000}))
		require.NoError(t, err)
		found := false
		for _, ev := range evs {
			if ev.Kind != billing.EventInvoiceIssued {
				continue
			}
			var p billing.InvoicePayload
			require.NoError(t, json.Unmarshal(ev.Payload, &p))
			if p.InvoiceID != bills[0].ID {
				continue
			}
			found = true
			require.Equal(t, zone, p.TimeZone)
			require.Equal(t, dueLocal, shown(p.DueAt))
			require.Contains(t, string(ev.Payload), `"due_at":"`+dueLocal+`"`)
		}
		require.True(t, found, "the bill's invoice.issued event")

		// Orders and payments of a prepaid account in a DST zone.
		_, err = e.sys.CreateAccount(ctx, "open-ny", billing.CreateAccountRequest{ID: "ny", TimeZone: "America/New_York"})
		require.NoError(t, err)
		e.topUp(t, "ny", 1_000_000)
		e.clk.Set(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC))
		ny := e.buy(t, "ny", small, period.Months(1))
		require.Equal(t, "America/New_York", ny.TimeZone)
		require.Equal(t, "2026-05-04T05:00:01-04:00", shown(ny.CreatedAt))
		o, err := e.sys.Order(ctx, "ny", ny.OrderID)
		require.NoError(t, err)
		require.Equal(t, "America/New_York", o.TimeZone)
		require.Equal(t, "2026-05-04T05:00:01-04:00", shown(o.CreatedAt))
		p, err := e.sys.Payment(ctx, "ny", o.PaymentID)
		require.NoError(t, err)
		require.Equal(t, "America/New_York", p.TimeZone)
		require.Equal(t, "2026-05-04T05:00:01-04:00", shown(p.CreatedAt))
		pays, err := items(e.sys.Payments(ctx, billing.ListRequest{AccountID: "ny", Limit: 10}))
		require.NoError(t, err)
		for _, p := range pays {
			require.Equal(t, "America/New_York", p.TimeZone)
			require.Equal(t, "America/New_York", p.CreatedAt.Location().String())
		}
	})
}
