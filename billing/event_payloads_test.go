package billing_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files of event payloads")

// TestEventPayloadsKeepTheirJSON pins the JSON of every event kind's
// payload, so hosts can rely on it: a renamed or removed field fails here.
// Run with -update to accept a deliberate addition.
func TestEventPayloadsKeepTheirJSON(t *testing.T) {
	at := time.Date(2026, 5, 5, 9, 0, 0, 0, time.UTC)
	cfg := pricing.Configuration{Components: map[string]int64{"vcpu": 2, "ram_gb": 4, "ssd_gb": 40}}
	for name, payload := range map[string]any{
		"provision": billing.ProvisionPayload{ResourceID: "res_1", ProductID: "vserver", Configuration: cfg, Term: period.Months(1).String()},
		"state":     billing.StatePayload{ResourceID: "res_1", From: lifecycle.StateGrace, To: lifecycle.StateSuspended, PeriodEnd: at},
		"resize":    billing.ResizePayload{ResourceID: "res_1", From: cfg, To: pricing.Configuration{Plan: "basic-2"}},
		"payment": billing.PaymentPayload{PaymentID: "pay_1", Purpose: payment.PurposeOrder, Ref: "ord_1", Method: payment.MethodGateway,
			Status: payment.StatusFailed, Amount: vnd(t, 199_100), Reason: "card declined"},
		"payment_credited": billing.PaymentCreditedPayload{PaymentID: "pay_2", Purpose: payment.PurposeOrder, Ref: "ord_1",
			Amount: vnd(t, 199_100), Reason: "order ord_1 is paid"},
		"invoice": billing.InvoicePayload{InvoiceID: "inv_1", Number: "INV-2026-000001", ResourceID: "res_1", Total: vnd(t, 199_100), Status: "paid"},
		"notice": billing.NoticePayload{Notice: billing.NoticeReminder, ResourceID: "res_1", ProductID: "vserver", State: lifecycle.StateActive,
			PeriodEnd: at, Status: lifecycle.StatusWarning, Detail: "renew by 2026-05-05"},
		"bill": billing.InvoicePayload{InvoiceID: "bill_res_1_2026-04", Number: "INV-2026-000002", ResourceID: "res_1",
			Total: vnd(t, 370_320), Status: "issued", DueAt: at},
		"collection": billing.CollectionPayload{Available: vnd(t, 320_428), Outstanding: vnd(t, 361_472), Paid: []billing.CollectedInvoice{
			{InvoiceID: "bill_res_1_2026-04", PaymentID: "pay_1", Amount: vnd(t, 168_128), Full: true},
			{InvoiceID: "bill_res_2_2026-05", PaymentID: "pay_2", Amount: vnd(t, 50_000), Full: false}}},
		"usage_stop": billing.UsageStopPayload{ResourceIDs: []string{"res_1"}, ShortDays: 5, Shortage: vnd(t, 29_900)},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := json.MarshalIndent(payload, "", "  ")
			require.NoError(t, err)
			got = append(got, '\n')
			path := filepath.Join("testdata", "event_"+name+".json")
			if *updateGolden {
				require.NoError(t, os.WriteFile(path, got, 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test -run TestEventPayloadsKeepTheirJSON -update once to create it")
			assert.Equal(t, string(want), string(got))
		})
	}
}

// TestEveryEventDecodesToItsType: the events a purchase, a resize, a
// failed renewal and the clock produce all decode with Decode and their
// kind's accessor, the accessor of another kind is an *EventKindError, and
// the handler reaches the System through its context.
func TestEveryEventDecodesToItsType(t *testing.T) {
	e := newEnv(t, newMemory())
	e.fund(t, "acct", 5_000_000)
	r := e.buy(t, "acct", small, period.Months(1))
	ctx := context.Background()
	_, err := e.sys.Resize(ctx, "up", billing.ResizeRequest{AccountID: "acct", ResourceID: r.ID, Configuration: large,
		PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
	require.NoError(t, err)
	e.clk.Advance(40 * day) // past the end: grace, notices
	e.tick(t)
	evs, err := items(e.sys.Events(ctx, billing.ListRequest{AccountID: "acct", Limit: 1000}))
	require.NoError(t, err)
	kinds := map[billing.EventKind]bool{}
	for _, ev := range evs {
		kinds[ev.Kind] = true
		v, err := ev.Decode()
		require.NoError(t, err, "%s", ev.Kind)
		switch p := v.(type) {
		case billing.ProvisionPayload:
			assert.Equal(t, r.ID, p.ResourceID)
			_, err := ev.Notice()
			assert.True(t, errors.Is(err, billing.ErrEventKind), "a provision event is not a notice")
		case billing.ResizePayload:
			assert.Equal(t, large, p.To)
		case billing.StatePayload:
			assert.NotEqual(t, p.From, p.To)
		case billing.NoticePayload:
			assert.Equal(t, r.ID, p.ResourceID)
		case billing.InvoicePayload:
			assert.True(t, p.Total.IsPositive())
		case billing.PaymentPayload:
			assert.Equal(t, payment.StatusSucceeded, p.Status)
		}
	}
	for _, k := range []billing.EventKind{billing.EventProvision, billing.EventResize, billing.EventRestrict, billing.EventNotice,
		billing.EventInvoiceIssued, billing.EventPaymentSucceeded} {
		assert.True(t, kinds[k], "a %s event was produced", k)
	}

	var reached bool
	sys, err := billing.New(billing.Config{Store: e.st, Catalog: e.sys.Catalog(), Clock: e.clk,
		EventHandler: func(ctx context.Context, ev billing.Event) error {
			s, ok := billing.SystemFromContext(ctx)
			reached = ok && s != nil
			return nil
		}})
	require.NoError(t, err)
	_, err = sys.DeliverEvents(ctx, 10)
	require.NoError(t, err)
	assert.True(t, reached, "the handler finds the System in its context")
	_, ok := billing.SystemFromContext(ctx)
	assert.False(t, ok)
}
