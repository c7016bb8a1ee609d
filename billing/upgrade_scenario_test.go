package billing_test

// The upgrade scenario: one scripted, deterministic customer history that
// TestWriteUpgradeFixture records with an older build and TestUpgradeFixture
// checks against with the current one (testdata/upgrade/README.md). It uses
// the public API only, so that it keeps compiling when the package's
// internals move; every persisted string it leads to (ids, request hashes,
// operation names, stored results, event and job kinds) must stay the same
// across such a move, or stores written before it stop working after it.

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/clock"
	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
	"github.com/cloudbill/cloudbill/storage"
)

// upgradeDir holds the fixture.
const upgradeDir = "testdata/upgrade"

// The scenario's fixed inputs: the clock's start, the gateway's name and
// secret, and the seeds of the id sources (one for the scenario, one for
// replaying its calls, one for what happens after it), so that every id
// and every signed callback is the same on every run.
var (
	upgradeStart      = time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC)
	upgradeSecret     = []byte("whsec_upgrade")
	upgradeSeed       = [32]byte{'u', 'p', 'g', 'r', 'a', 'd', 'e'}
	upgradeReplaySeed = [32]byte{'r', 'e', 'p', 'l', 'a', 'y'}
	upgradeAfterSeed  = [32]byte{'a', 'f', 't', 'e', 'r'}
)

const (
	upgradeGateway  = "sim"
	upgradePrepaid  = "acme"   // a prepaid account
	upgradePostpaid = "globex" // a postpaid account
	upgradeCoupon   = "SPRING10"
)

// errNoticesPaused is the scenario host's answer to notices, so that the
// fixture holds outbox rows with failed delivery attempts.
var errNoticesPaused = errors.New("host: notices are paused")

// upgradeSystem is a System over st on a manual clock at now, with a
// simulated gateway, the metered items of the scenario and an id source
// seeded with seed. handler may be nil.
func upgradeSystem(t *testing.T, st storage.Store, now time.Time, seed [32]byte, handler billing.EventHandler) (*billing.System, *clock.Manual, *gatewaysim.Gateway) {
	t.Helper()
	cat, err := pricing.SampleCatalog()
	require.NoError(t, err)
	clk := clock.NewManual(now)
	sim, err := gatewaysim.New(gatewaysim.Config{Name: upgradeGateway, Secret: upgradeSecret, Now: clk.Now})
	require.NoError(t, err)
	perGBHour, err := money.New("7.7", "VND")
	require.NoError(t, err)
	perGB, err := money.New("1000", "VND")
	require.NoError(t, err)
	sys, err := billing.New(billing.Config{Store: st, Catalog: cat, Clock: clk, Gateways: []gateway.Gateway{sim},
		Random: rand.NewChaCha8(seed), EventHandler: handler,
		Metering: []metering.Item{
			{Metric: "snapshot.gb_hours", Unit: "GB-hour", Aggregation: metering.AggSum, UnitPrice: perGBHour},
			{Metric: "bandwidth.gb", Unit: "GB", Aggregation: metering.AggSum, UnitPrice: perGB, Rounding: metering.QuantityFloor},
		}})
	require.NoError(t, err)
	return sys, clk, sim
}

// upgradeCall is one call of the scenario as results.json records it. A
// call with an idempotency key also records its request, so that it can
// be made again, against a store the scenario wrote, from the fixture
// alone.
type upgradeCall struct {
	Name    string          `json:"name"`
	Method  string          `json:"method,omitempty"`
	Account string          `json:"account,omitempty"`
	Key     string          `json:"key,omitempty"`
	At      time.Time       `json:"at"`
	Request json.RawMessage `json:"request,omitempty"`
	// Result is the call's result as json.Marshal encodes it (the file
	// indents it; json.Compact gives back the exact bytes).
	Result json.RawMessage `json:"result"`
}

// upgradeResults is results.json.
type upgradeResults struct {
	// EndAt is the clock when the scenario ended and the fixture's stores
	// were saved.
	EndAt time.Time     `json:"end_at"`
	Calls []upgradeCall `json:"calls"`
	// PaymentLinks are the tokens of the links the scenario made (a
	// store can be read for a link by its token only).
	PaymentLinks []string `json:"payment_links"`
	// PendingPayment is the gateway payment left pending at the end, and
	// PendingCallback its success callback as the simulator signed it
	// then (a simulator in another process does not know the payment).
	PendingPayment  string          `json:"pending_payment"`
	PendingCallback upgradeCallback `json:"pending_callback"`
}

// upgradeMethod makes a keyed call from its request's JSON.
type upgradeMethod func(ctx context.Context, sys *billing.System, key string, req json.RawMessage) (any, error)

// keyedMethod adapts a System method taking an idempotency key.
func keyedMethod[Req, Res any](f func(*billing.System, context.Context, string, Req) (Res, error)) upgradeMethod {
	return func(ctx context.Context, sys *billing.System, key string, raw json.RawMessage) (any, error) {
		var req Req
		if err := json.Unmarshal(raw, &req); err != nil {
			return nil, err
		}
		return f(sys, ctx, key, req)
	}
}

// upgradeMethods are the keyed calls the scenario makes, by name.
var upgradeMethods = map[string]upgradeMethod{
	"CreateAccount":          keyedMethod((*billing.System).CreateAccount),
	"SetAccountType":         keyedMethod((*billing.System).SetAccountType),
	"TopUp":                  keyedMethod((*billing.System).TopUp),
	"GrantPromotionalCredit": keyedMethod((*billing.System).GrantPromotionalCredit),
	"StartLinking":           keyedMethod((*billing.System).StartLinking),
	"Checkout":               keyedMethod((*billing.System).Checkout),
	"ProvisioningSucceeded":  keyedMethod((*billing.System).ProvisioningSucceeded),
	"Renew":                  keyedMethod((*billing.System).Renew),
	"Resize":                 keyedMethod((*billing.System).Resize),
	"RefundToCredit":         keyedMethod((*billing.System).RefundToCredit),
	"CreatePaymentLink":      keyedMethod((*billing.System).CreatePaymentLink),
}

// upgradeRun records the scenario's calls as it makes them.
type upgradeRun struct {
	t   *testing.T
	ctx context.Context
	sys *billing.System
	clk *clock.Manual
	out upgradeResults
}

// record appends a call's result.
func (r *upgradeRun) record(c upgradeCall, result any) {
	r.t.Helper()
	body, err := json.Marshal(result)
	require.NoError(r.t, err, c.Name)
	c.At, c.Result = r.clk.Now(), body
	r.out.Calls = append(r.out.Calls, c)
}

// keyed makes a keyed call through upgradeMethods, from req's JSON as the
// replay will, records it and returns its result decoded as Res.
func keyed[Res any](r *upgradeRun, method, account, key string, req any) Res {
	r.t.Helper()
	raw, err := json.Marshal(req)
	require.NoError(r.t, err)
	res, err := upgradeMethods[method](r.ctx, r.sys, key, raw)
	require.NoError(r.t, err, "%s %s", method, key)
	r.record(upgradeCall{Name: method + " " + key, Method: method, Account: account, Key: key, Request: raw}, res)
	var out Res
	require.NoError(r.t, json.Unmarshal(r.out.Calls[len(r.out.Calls)-1].Result, &out))
	return out
}

// callback completes a gateway payment or link at the simulator and
// delivers its callback.
func (r *upgradeRun) callback(name string, cb gatewaysim.Callback, err error) {
	r.t.Helper()
	require.NoError(r.t, err, name)
	res, err := r.sys.HandleCallback(r.ctx, upgradeGateway, cb.Header, cb.Body)
	require.NoError(r.t, err, name)
	r.record(upgradeCall{Name: name}, res)
}

// tick runs the worker once and records its report.
func (r *upgradeRun) tick(name string) {
	r.t.Helper()
	rep, err := r.sys.Tick(r.ctx, 100)
	require.NoError(r.t, err, name)
	r.record(upgradeCall{Name: name}, rep)
}

// usage records metered usage and its result.
func (r *upgradeRun) usage(name string, events ...metering.Event) {
	r.t.Helper()
	res, err := r.sys.RecordUsage(r.ctx, billing.RecordUsageRequest{Events: events})
	require.NoError(r.t, err, name)
	r.record(upgradeCall{Name: name}, res)
}

// upgradeVND is n đồng.
func upgradeVND(t *testing.T, n int64) money.Amount {
	t.Helper()
	a, err := money.FromMinor(n, "VND")
	require.NoError(t, err)
	return a
}

// runUpgradeScenario runs the scenario on st, an empty store, and returns
// what it recorded, the pending payment's callback included.
func runUpgradeScenario(t *testing.T, st storage.Store) upgradeResults {
	t.Helper()
	handler := func(_ context.Context, e billing.Event) error {
		if e.Kind == billing.EventNotice {
			return errNoticesPaused
		}
		return nil
	}
	sys, clk, sim := upgradeSystem(t, st, upgradeStart, upgradeSeed, handler)
	r := &upgradeRun{t: t, ctx: context.Background(), sys: sys, clk: clk}
	vnd := func(n int64) money.Amount { return upgradeVND(t, n) }
	step := func() { clk.Advance(time.Minute) }
	small := pricing.Configuration{Components: map[string]int64{"vcpu": 2, "ram_gb": 4, "ssd_gb": 40}}
	large := pricing.Configuration{Components: map[string]int64{"vcpu": 4, "ram_gb": 8, "ssd_gb": 80}}

	// Accounts: one prepaid, one postpaid.
	keyed[billing.Account](r, "CreateAccount", upgradePrepaid, "open-acme", billing.CreateAccountRequest{ID: upgradePrepaid})
	keyed[billing.Account](r, "CreateAccount", upgradePostpaid, "open-globex", billing.CreateAccountRequest{ID: upgradePostpaid})
	keyed[billing.Account](r, "SetAccountType", upgradePostpaid, "postpaid-globex", billing.SetAccountTypeRequest{
		AccountID: upgradePostpaid, Type: billing.Postpaid, Actor: "ops@provider", Reason: "enterprise contract"})
	step()

	// Credit: a gateway top-up and a promotional grant.
	topUp := keyed[billing.Payment](r, "TopUp", upgradePrepaid, "topup-1", billing.TopUpRequest{
		AccountID: upgradePrepaid, Amount: vnd(3_000_000), Gateway: upgradeGateway})
	cb, err := sim.Complete(topUp.ID)
	r.callback("callback topup-1", cb, err)
	keyed[billing.Grant](r, "GrantPromotionalCredit", upgradePrepaid, "grant-1", billing.GrantRequest{
		AccountID: upgradePrepaid, Amount: vnd(100_000), ValidFor: 60 * 24 * time.Hour, Actor: "ops@provider", Reason: "welcome"})
	step()

	// A linked account, started and confirmed.
	start := keyed[billing.LinkStart](r, "StartLinking", upgradePrepaid, "link-1", billing.LinkAccountRequest{
		AccountID: upgradePrepaid, Gateway: upgradeGateway, ReturnURL: "https://host.example/linked"})
	cb, err = sim.CompleteLink(start.LinkID, "MoMo •••• 4242")
	r.callback("callback link-1", cb, err)
	step()

	// A checkout paid by credit, with a coupon, and its provisioning.
	require.NoError(t, sys.DefineCoupon(r.ctx, coupon.Coupon{Code: upgradeCoupon, Kind: coupon.KindPercent, Percent: decimal.NewFromInt(10)}))
	bought := keyed[billing.CheckoutResult](r, "Checkout", upgradePrepaid, "order-1", billing.CheckoutRequest{
		AccountID: upgradePrepaid, Method: payment.MethodCredit, Coupons: []string{upgradeCoupon}, Actor: "alice@acme",
		Items: []billing.OrderItem{
			{ProductID: pricing.SampleVServer, Configuration: small, Quantity: 1, Term: period.Months(1)},
			{ProductID: pricing.SampleVStorage, Configuration: pricing.Configuration{Components: map[string]int64{"ssd_gb": 50}}, Quantity: 1, Term: period.Days(30)},
		}})
	server, volume := bought.Resources[0].ID, bought.Resources[1].ID
	for _, id := range []string{server, volume} {
		keyed[billing.Resource](r, "ProvisioningSucceeded", upgradePrepaid, "provisioned-"+id, billing.ProvisioningRequest{AccountID: upgradePrepaid, ResourceID: id})
	}
	step()

	// The postpaid account buys a server: nothing is paid now.
	metered := keyed[billing.CheckoutResult](r, "Checkout", upgradePostpaid, "order-globex-1", billing.CheckoutRequest{
		AccountID: upgradePostpaid, Method: payment.MethodCredit,
		Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: small, Quantity: 1, Term: period.Months(1)}}})
	postpaidServer := metered.Resources[0].ID
	keyed[billing.Resource](r, "ProvisioningSucceeded", upgradePostpaid, "provisioned-"+postpaidServer, billing.ProvisioningRequest{
		AccountID: upgradePostpaid, ResourceID: postpaidServer})

	// A week later: renew the volume, grow the server.
	clk.Set(time.Date(2026, 4, 12, 3, 0, 0, 0, time.UTC))
	keyed[billing.ActionResult](r, "Renew", upgradePrepaid, "renew-1", billing.RenewRequest{AccountID: upgradePrepaid,
		ResourceIDs: []string{volume}, Term: period.Days(30), PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
	step()
	keyed[billing.ResizeResult](r, "Resize", upgradePrepaid, "resize-1", billing.ResizeRequest{AccountID: upgradePrepaid,
		ResourceID: server, Configuration: large, PaySpec: billing.PaySpec{Method: payment.MethodCredit, Actor: "alice@acme"}})

	// Metered usage of the postpaid server.
	clk.Set(time.Date(2026, 4, 20, 3, 0, 0, 0, time.UTC))
	r.usage("usage april",
		metering.Event{ID: "snap-apr", AccountID: upgradePostpaid, ResourceID: postpaidServer, Metric: "snapshot.gb_hours", Quantity: decimal.NewFromInt(100), At: clk.Now().Add(-time.Hour)},
		metering.Event{ID: "bw-apr", AccountID: upgradePostpaid, ResourceID: postpaidServer, Metric: "bandwidth.gb", Quantity: decimal.RequireFromString("2.5"), At: clk.Now().Add(-time.Hour)},
		metering.Event{ID: "typo", AccountID: upgradePostpaid, ResourceID: "vm-unknown", Metric: "snapshot.gb_hours", Quantity: decimal.NewFromInt(1), At: clk.Now()})

	// April closes (an hour after it ends in Asia/Ho_Chi_Minh): the worker
	// bills the postpaid month, schedules its jobs and delivers events,
	// all but the notices the host refuses.
	clk.Set(time.Date(2026, 4, 30, 18, 1, 0, 0, time.UTC))
	r.tick("tick april close")
	step()
	// A goodwill refund of the first order to credit, whose credit note's
	// event stays undelivered.
	keyed[billing.Payment](r, "RefundToCredit", upgradePrepaid, "refund-1", billing.RefundRequest{AccountID: upgradePrepaid,
		PaymentID: bought.Payment.ID, Amount: vnd(10_000), Reason: "outage goodwill"})
	r.usage("usage may",
		metering.Event{ID: "snap-may", AccountID: upgradePostpaid, ResourceID: postpaidServer, Metric: "snapshot.gb_hours", Quantity: decimal.NewFromInt(24), At: clk.Now()})
	step()

	// A payment link for the postpaid bill.
	bills, err := sys.Invoices(r.ctx, billing.ListRequest{AccountID: upgradePostpaid, Limit: 10})
	require.NoError(t, err)
	require.NotEmpty(t, bills.Items, "April's bill")
	link := keyed[billing.PaymentLink](r, "CreatePaymentLink", upgradePostpaid, "plink-1", billing.PaymentLinkRequest{AccountID: upgradePostpaid,
		Purpose: payment.Purpose{Kind: payment.PurposeInvoice, Ref: bills.Items[0].ID}, Description: "April bill"})
	r.out.PaymentLinks = append(r.out.PaymentLinks, link.Token)
	step()

	// Last, a checkout through the gateway that stays pending: the payment
	// exists at the gateway, its callback has not come.
	pending := keyed[billing.CheckoutResult](r, "Checkout", upgradePrepaid, "order-2", billing.CheckoutRequest{
		AccountID: upgradePrepaid, Method: payment.MethodGateway, Gateway: upgradeGateway, ReturnURL: "https://host.example/paid",
		Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: 1, Term: period.Months(1)}}})
	require.Equal(t, payment.StatusPending, pending.Payment.Status)
	r.out.PendingPayment = pending.Payment.ID
	r.out.EndAt = clk.Now()
	cb, err = sim.Complete(pending.Payment.ID)
	require.NoError(t, err)
	r.out.PendingCallback = upgradeCallback{Header: cb.Header, Body: string(cb.Body)}
	return r.out
}
