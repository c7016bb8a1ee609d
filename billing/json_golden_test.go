package billing_test

import (
	"context"
	"encoding"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/clock"
	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/memory"
)

// responseTypes are the types exported System methods return, which a
// host puts in its API responses as they are. A type added to a System
// method's results belongs here, so that the snake_case check below
// covers it and its golden file pins its JSON.
var responseTypes = []any{
	billing.Account{}, []storage.AuditRecord{}, billing.CallbackResult{}, pricing.Quote{}, billing.CheckoutResult{},
	billing.DeleteResult{}, []billing.Event{}, billing.LinkStart{}, []billing.LinkedAccount{}, billing.PaymentLink{},
	billing.Payment{}, []billing.Payment{}, billing.Order{}, []billing.Resource{}, billing.Resource{}, invoice.Invoice{},
	[]invoice.Invoice{}, []billing.ActionEntry{}, billing.ActionResult{}, billing.ResizeResult{}, billing.TickReport{},
	billing.UsageResult{}, []metering.Charge{}, billing.Wallet{}, []billing.WalletEntry{}, billing.Grant{},
	// System.Quote's input, tagged for one shape in and out.
	pricing.QuoteRequest{},
}

// snakeCase is what every JSON key of a response type looks like.
var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// TestResponseTypesHaveSnakeCaseKeys walks every response type, and every
// type inside it, by reflection and fails on an exported field whose JSON
// key is not snake_case — a field added without a tag would show up as
// "NewField". Types that encode themselves (money.Amount, time.Time,
// decimal.Decimal, enumerations with MarshalText) are leaves.
func TestResponseTypesHaveSnakeCaseKeys(t *testing.T) {
	marshaler := reflect.TypeFor[json.Marshaler]()
	textMarshaler := reflect.TypeFor[encoding.TextMarshaler]()
	seen := map[reflect.Type]bool{}
	var walk func(typ reflect.Type, path string)
	walk = func(typ reflect.Type, path string) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Array {
			typ = typ.Elem()
		}
		if typ.Kind() == reflect.Map {
			walk(typ.Elem(), path+"[]")
			return
		}
		if typ.Kind() != reflect.Struct || seen[typ] {
			return
		}
		seen[typ] = true
		custom := typ.Implements(marshaler) || reflect.PointerTo(typ).Implements(marshaler)
		if !custom && (typ.Implements(textMarshaler) || reflect.PointerTo(typ).Implements(textMarshaler)) {
			return // a JSON string, no keys
		}
		if custom && typ.PkgPath() != "github.com/cloudbill/cloudbill/storage" {
			return // money.Amount, time.Time, decimal.Decimal…; AuditRecord's MarshalJSON follows its tags
		}
		for i := range typ.NumField() {
			f := typ.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if f.Anonymous && name == "" {
				walk(f.Type, path) // its fields are promoted into this object
				continue
			}
			if name == "" {
				name = f.Name
			}
			if !snakeCase.MatchString(name) {
				t.Errorf("%s.%s (in %s) has JSON key %q: give it a snake_case json tag", typ, f.Name, path, name)
			}
			walk(f.Type, path+"."+name)
		}
	}
	for _, v := range responseTypes {
		walk(reflect.TypeOf(v), reflect.TypeOf(v).String())
	}
	assert.Greater(t, len(seen), 30, "the walk reached the nested types")
}

// jsonEnv is a System on the memory store with a fixed clock and a seeded
// source of ids, so that every value it returns, ids included, is the
// same on every run.
func jsonEnv(t *testing.T) (*billing.System, *clock.Manual, *gatewaysim.Gateway) {
	t.Helper()
	cat, err := pricing.SampleCatalog()
	require.NoError(t, err)
	clk := clock.NewManual(time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC))
	sim, err := gatewaysim.New(gatewaysim.Config{Name: "sim", Secret: []byte("whsec_test"), Now: clk.Now})
	require.NoError(t, err)
	perGBHour, err := money.New("7.7", "VND")
	require.NoError(t, err)
	sys, err := billing.New(billing.Config{Store: memory.New(), Catalog: cat, Clock: clk, Gateways: []gateway.Gateway{sim},
		Random:   rand.NewChaCha8([32]byte{'c', 'l', 'o', 'u', 'd', 'b', 'i', 'l', 'l'}),
		Metering: []metering.Item{{Metric: "snapshot.gb_hours", Unit: "GB-hour", Aggregation: metering.AggSum, UnitPrice: perGBHour}}})
	require.NoError(t, err)
	return sys, clk, sim
}

// TestResponseJSONGolden runs a customer's life on a fixed clock — an
// account, a top-up, a linked account, a checkout of two resources with a
// term discount, provisioning, a renewal, a resize, usage, a payment link,
// promotional credit, a delete and a Tick — and pins the JSON of one value
// of every response type in testdata/json_*.json. Each value must also
// read back exactly: decoding the golden JSON gives an equal value, which
// encodes to the same bytes. Run with -update to accept a deliberate
// change, and read the diff: hosts' API responses change with it.
func TestResponseJSONGolden(t *testing.T) {
	ctx := context.Background()
	sys, clk, sim := jsonEnv(t)
	values := map[string]any{}
	step := func() { clk.Advance(time.Minute) }

	acct, err := sys.CreateAccount(ctx, "signup", billing.CreateAccountRequest{ID: "acme"})
	require.NoError(t, err)
	values["account"] = acct
	step()
	topUp, err := sys.TopUp(ctx, "topup-1", billing.TopUpRequest{AccountID: "acme", Amount: vnd(t, 20_000_000), Gateway: "sim"})
	require.NoError(t, err)
	cb, err := sim.Complete(topUp.ID)
	require.NoError(t, err)
	callback, err := sys.HandleCallback(ctx, "sim", cb.Header, cb.Body)
	require.NoError(t, err)
	values["callback_result"] = callback
	step()

	start, err := sys.StartLinking(ctx, "link-1", billing.LinkAccountRequest{AccountID: "acme", Gateway: "sim", ReturnURL: "https://host.example/back"})
	require.NoError(t, err)
	values["link_start"] = start
	lcb, err := sim.CompleteLink(start.LinkID, "MoMo ••• 4321")
	require.NoError(t, err)
	_, err = sys.HandleCallback(ctx, "sim", lcb.Header, lcb.Body)
	require.NoError(t, err)
	linked, err := sys.LinkedAccounts(ctx, "acme")
	require.NoError(t, err)
	values["linked_accounts"] = linked
	step()

	items := []billing.OrderItem{
		{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Components: map[string]int64{"vcpu": 2, "ram_gb": 4, "ssd_gb": 40}},
			Quantity: 1, Term: period.Months(6)},
		{ProductID: pricing.SampleVStorage, Configuration: pricing.Configuration{Components: map[string]int64{"ssd_gb": 50}},
			Quantity: 1, Term: period.Days(45)},
	}
	quote, err := sys.PreviewCheckout(ctx, billing.CheckoutRequest{AccountID: "acme", Items: items, Method: payment.MethodCredit})
	require.NoError(t, err)
	values["quote"] = quote
	checkout, err := sys.Checkout(ctx, "order-1", billing.CheckoutRequest{AccountID: "acme", Items: items, Method: payment.MethodCredit,
		ExpectedTotal: quote.Total, Actor: "alice@acme"})
	require.NoError(t, err)
	values["checkout_result"] = checkout
	step()
	server, volume := checkout.Resources[0].ID, checkout.Resources[1].ID
	for _, id := range []string{server, volume} {
		_, err := sys.ProvisioningSucceeded(ctx, "provisioned-"+id, billing.ProvisioningRequest{AccountID: "acme", ResourceID: id})
		require.NoError(t, err)
	}
	step()
	res, err := sys.SetAutoRenew(ctx, "auto-1", billing.AutoRenewRequest{AccountID: "acme", ResourceID: server, On: true, Term: period.Months(3)})
	require.NoError(t, err)
	values["resource"] = res
	ord, err := sys.Order(ctx, "acme", checkout.Order.ID)
	require.NoError(t, err)
	values["order"] = ord
	invs, err := sys.Invoices(ctx, billing.ListRequest{AccountID: "acme", ResourceID: server, Limit: 10})
	require.NoError(t, err)
	require.NotEmpty(t, invs.Items)
	values["invoice"] = invs.Items[0]

	clk.Advance(10 * 24 * time.Hour)
	renewed, err := sys.Renew(ctx, "renew-1", billing.RenewRequest{AccountID: "acme", ResourceIDs: []string{volume}, Term: period.Days(30),
		PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
	require.NoError(t, err)
	values["action_result"] = renewed
	step()
	resized, err := sys.Resize(ctx, "resize-1", billing.ResizeRequest{AccountID: "acme", ResourceID: server,
		Configuration: pricing.Configuration{Components: map[string]int64{"vcpu": 4, "ram_gb": 8, "ssd_gb": 80}},
		PaySpec:       billing.PaySpec{Method: payment.MethodCredit}})
	require.NoError(t, err)
	values["resize_result"] = resized
	step()
	actions, err := sys.Actions(ctx, billing.ListRequest{AccountID: "acme", ResourceID: server, Limit: 100})
	require.NoError(t, err)
	values["actions"] = actions

	usedFrom := clk.Now()
	usage, err := sys.RecordUsage(ctx, billing.RecordUsageRequest{Events: []metering.Event{
		{ID: "snap-1", AccountID: "acme", ResourceID: volume, Metric: "snapshot.gb_hours", Quantity: decimal.NewFromInt(40), At: usedFrom},
		{ID: "snap-2", AccountID: "acme", ResourceID: volume, Metric: "snapshot.gb_hours", Quantity: decimal.NewFromInt(-1), At: usedFrom},
		{ID: "typo", AccountID: "acme", ResourceID: "vol-unknown", Metric: "snapshot.gb_hours", Quantity: decimal.NewFromInt(1), At: usedFrom},
	}})
	require.NoError(t, err)
	require.Len(t, usage.Rejected, 2)
	values["usage_result"] = usage
	step()
	charges, err := sys.UsageSoFar(ctx, billing.UsageRequest{AccountID: "acme", ResourceID: volume, From: usedFrom, To: clk.Now()})
	require.NoError(t, err)
	values["usage_charges"] = charges

	grant, err := sys.GrantPromotionalCredit(ctx, "grant-1", billing.GrantRequest{AccountID: "acme", Amount: vnd(t, 3_500_000),
		ValidFor: 30 * 24 * time.Hour, Actor: "ops@provider", Reason: "trial"})
	require.NoError(t, err)
	values["grant"] = grant
	step()
	// A payment link pays what the customer owes: an order left to a gateway.
	owed, err := sys.Checkout(ctx, "order-2", billing.CheckoutRequest{AccountID: "acme", Items: items[1:], Method: payment.MethodGateway,
		Gateway: "sim"})
	require.NoError(t, err)
	link, err := sys.CreatePaymentLink(ctx, "plink-1", billing.PaymentLinkRequest{AccountID: "acme",
		Purpose: payment.Purpose{Kind: payment.PurposeOrder, Ref: owed.Order.ID}, Description: "please pay for the volume"})
	require.NoError(t, err)
	values["payment_link"] = link
	step()

	deleted, err := sys.Delete(ctx, "delete-1", billing.DeleteRequest{AccountID: "acme", ResourceID: volume, Reason: "not needed", Actor: "alice@acme"})
	require.NoError(t, err)
	values["delete_result"] = deleted
	step()
	typed, err := sys.SetAccountType(ctx, "postpaid-1", billing.SetAccountTypeRequest{AccountID: "acme", Type: billing.Postpaid,
		Actor: "ops@provider", Reason: "enterprise contract"})
	require.NoError(t, err)
	values["account_postpaid"] = typed
	audit, err := sys.AuditTrail(ctx, billing.ListRequest{AccountID: "acme", Limit: 100})
	require.NoError(t, err)
	values["audit_trail"] = audit
	wallet, err := sys.Wallet(ctx, "acme")
	require.NoError(t, err)
	values["wallet"] = wallet
	history, err := sys.WalletHistory(ctx, billing.ListRequest{AccountID: "acme", Limit: 100})
	require.NoError(t, err)
	values["wallet_history"] = history
	payments, err := sys.Payments(ctx, billing.ListRequest{AccountID: "acme", Limit: 100})
	require.NoError(t, err)
	values["payments"] = payments
	events, err := sys.Events(ctx, billing.ListRequest{AccountID: "acme", Limit: 100})
	require.NoError(t, err)
	values["events"] = events

	clk.Advance(200 * 24 * time.Hour)
	report, err := sys.Tick(ctx, 100)
	require.NoError(t, err)
	values["tick_report"] = report
	// A Tick's failures need a broken store; one as the worker reports it.
	values["tick_report_failures"] = billing.TickReport{Resources: 3, Failures: []billing.ItemFailure{{Kind: billing.ItemResource,
		ID: server, AccountID: "acme", Reason: "storage: connection reset", Attempts: 2, RetryAt: clk.Now().Add(2 * time.Minute)}}, More: true}
	values["quote_request"] = pricing.QuoteRequest{Items: []pricing.QuoteItem{
		{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: 2, Term: period.Term{Months: 1, Days: 5}},
		{ProductID: pricing.SampleVStorage, Configuration: pricing.Configuration{Components: map[string]int64{"ssd_gb": 50}}, Quantity: 1,
			Span: period.Span{Start: clk.Now(), End: clk.Now().Add(72 * time.Hour)}},
	}, Discounts: []pricing.Discount{{Code: "SPRING", Label: "Spring sale", Amount: vnd(t, 20_000), Items: []int{0}}}}

	for name, v := range values {
		t.Run(name, func(t *testing.T) { checkGoldenJSON(t, name, v) })
	}
}

// exactly compares values field by field, amounts and decimals by their
// exact text (so "0.10" and "0.1" differ), times as instants (a time keeps
// its offset in JSON, not its zone's name), and an empty list as none: a
// list with nothing in it is left out of the JSON, as a missing one is.
var exactly = cmp.Options{
	cmpopts.EquateEmpty(),
	cmp.Comparer(func(a, b money.Amount) bool { return a.String() == b.String() }),
	cmp.Comparer(func(a, b money.Currency) bool { return a == b }),
	cmp.Comparer(func(a, b decimal.Decimal) bool { return a.String() == b.String() }),
	cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
}

// checkGoldenJSON compares v's indented JSON with testdata/json_<name>.json
// (rewriting it under -update), then decodes v's JSON into a new value of
// v's type and checks that it equals v and encodes to the same bytes.
func checkGoldenJSON(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	got = append(got, '\n')
	path := filepath.Join("testdata", "json_"+name+".json")
	if *updateGolden {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -run TestResponseJSONGolden -update once to create it")
	assert.Equal(t, string(want), string(got))

	// The round trip goes through the compact encoding a host sends, so
	// that embedded documents (an event's payload, an audit record's
	// detail) come back byte for byte.
	compact, err := json.Marshal(v)
	require.NoError(t, err)
	back := reflect.New(reflect.TypeOf(v))
	require.NoError(t, json.Unmarshal(compact, back.Interface()))
	if diff := cmp.Diff(v, back.Elem().Interface(), exactly); diff != "" {
		t.Errorf("%s does not read back exactly (-value +decoded):\n%s", path, diff)
	}
	again, err := json.Marshal(back.Interface())
	require.NoError(t, err)
	assert.Equal(t, string(compact), string(again), "decoded and encoded again")
}
