// Command host is a host service written against Cloudbill's public API
// only: its own catalog in US dollars, three customers on a fake clock, a
// simulated card gateway, and one event handler that applies every kind
// of event the library emits.
//
//   - alice (prepaid) tops up by card, buys a server and a volume from
//     credit, resizes the server, deletes a scratch volume, abandons a
//     card checkout (the worker expires its payment; the card's late
//     success is credited to her wallet), and lets the worker run her
//     resources through reminders, grace, suspension and release,
//     renewing some on the way;
//   - bob (postpaid) buys a server without paying, sends bandwidth usage,
//     gets a bill at the month's close and tops up; the daily run
//     collects the bill from his credit;
//   - alice also asks for part of a top-up back on her card (refunded by
//     the gateway), for more (the card issuer refuses it), and tops up
//     once with a card that reports another amount than asked (nothing
//     is credited; the host is told of the mismatch);
//   - carol (prepaid, metered) cannot cover the credit hold of her
//     snapshot usage five days in a row, and her metered services are
//     stopped.
//
// The handler decodes each event's typed payload (Event.Decode) and prints
// what a host would do. The program exits non-zero unless it saw every
// event kind.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/clock"
	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
	"github.com/cloudbill/cloudbill/storage/memory"
)

// AllEventKinds is every event kind the library documents (billing's
// EventKind constants); the run must see each one.
var AllEventKinds = []billing.EventKind{
	billing.EventProvision, billing.EventRestrict, billing.EventUnrestrict,
	billing.EventSuspend, billing.EventResume, billing.EventRelease,
	billing.EventResize, billing.EventPaymentSucceeded, billing.EventPaymentFailed,
	billing.EventPaymentCredited, billing.EventInvoiceIssued, billing.EventNotice,
	billing.EventCollection, billing.EventUsageStop, billing.EventPaymentMismatch,
	billing.EventRefundRequested, billing.EventRefundSucceeded, billing.EventRefundFailed,
}

// ShownElsewhere are the event kinds this US-dollar host cannot meet: the
// e-invoice events need Config.EInvoice, a seller registered with the
// Vietnamese tax authority and documents in VND. ExampleSystem_RecordEInvoiceStatus
// in package billing applies them.
var ShownElsewhere = []billing.EventKind{
	billing.EventEInvoiceIssued, billing.EventEInvoiceStatus, billing.EventEInvoiceFailed,
}

// The products and metered items of this host's catalog.
const (
	productServer = "server"
	productVolume = "volume"
	metricEgress  = "egress.gb"
	metricSnap    = "snapshot.gb_hours"
	zone          = "America/New_York"
	day           = 24 * time.Hour
)

func main() {
	telemetry := flag.Bool("telemetry", false, "export the System's spans and metrics to standard error as JSON (the story on standard output is unchanged)")
	flag.Parse()
	var opts []func(*billing.Config)
	if *telemetry {
		on, shutdown, err := stdoutTelemetry(os.Stderr)
		if err != nil {
			fmt.Fprintln(os.Stderr, "host:", err)
			os.Exit(1)
		}
		defer func() { _ = shutdown(context.Background()) }()
		opts = append(opts, on)
	}
	if err := story(opts); err != nil {
		fmt.Fprintln(os.Stderr, "host:", err)
		os.Exit(1)
	}
}

// story runs the host's story and says whether every event kind was seen.
func story(opts []func(*billing.Config)) error {
	seen, err := run(context.Background(), os.Stdout, opts...)
	if err != nil {
		return err
	}
	if missing := Missing(seen); len(missing) > 0 {
		return fmt.Errorf("never saw these event kinds: %v", missing)
	}
	fmt.Printf("\nsaw all %d event kinds\n", len(AllEventKinds))
	return nil
}

// Missing lists the kinds of AllEventKinds that seen does not count.
func Missing(seen map[billing.EventKind]int) []billing.EventKind {
	var out []billing.EventKind
	for _, k := range AllEventKinds {
		if seen[k] == 0 {
			out = append(out, k)
		}
	}
	return out
}

// usd is a dollar amount written with cents, "12.34".
func usd(s string) money.Amount {
	a, err := money.New(s, "USD")
	if err != nil {
		panic(err) // the program's own constants
	}
	return a
}

// dollars is a catalog price, "0.12".
func dollars(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// catalog is this host's price list: a server priced per vCPU, GB of RAM
// and GB of disk, and a block-storage volume, sold by the month, with 8.25%
// sales tax on top.
func catalog() (*pricing.Catalog, error) {
	months := period.TermSet{Terms: []period.Term{period.Months(1), period.Months(3), period.Months(12)}}
	return pricing.NewCatalog(pricing.Config{
		Currency: "USD",
		Tax:      pricing.TaxPolicy{Rate: dollars("0.0825"), Mode: pricing.TaxExclusive},
		Products: []pricing.Product{
			{ID: productServer, Name: "Cloud server", Terms: months, Components: []pricing.Component{
				{ID: "vcpu", Name: "vCPU", Unit: "vCPU", Model: pricing.PerUnit(dollars("6.00")), MinQuantity: 1, MaxQuantity: 32, Required: true},
				{ID: "ram_gb", Name: "RAM", Unit: "GB RAM", Model: pricing.PerUnit(dollars("3.50")), MinQuantity: 1, MaxQuantity: 128, Required: true},
				{ID: "disk_gb", Name: "Disk", Unit: "GB disk", Model: pricing.PerUnit(dollars("0.12")), MinQuantity: 20, MaxQuantity: 2000, Required: true},
			}},
			{ID: productVolume, Name: "Block volume", Terms: months, Components: []pricing.Component{
				{ID: "ssd_gb", Name: "SSD", Unit: "GB SSD", Model: pricing.PerUnit(dollars("0.10")), MinQuantity: 10, MaxQuantity: 10_000, Required: true},
			}},
		},
	})
}

// meters are the metered items: egress by the whole GB (rounded down) and
// snapshot storage by the GB-hour, at a price finer than a cent.
func meters() []metering.Item {
	return []metering.Item{
		{Metric: metricEgress, Unit: "GB", Aggregation: metering.AggSum, UnitPrice: usd("0.09"), Rounding: metering.QuantityFloor},
		{Metric: metricSnap, Unit: "GB-hour", Aggregation: metering.AggSum, UnitPrice: usd("0.005")},
	}
}

var (
	small  = pricing.Configuration{Components: map[string]int64{"vcpu": 2, "ram_gb": 4, "disk_gb": 40}}
	large  = pricing.Configuration{Components: map[string]int64{"vcpu": 4, "ram_gb": 8, "disk_gb": 80}}
	disk50 = pricing.Configuration{Components: map[string]int64{"ssd_gb": 50}}
)

// host is the host service: the System it runs, its clock and gateway,
// and what its handler has applied.
type host struct {
	out  io.Writer
	sys  *billing.System
	clk  *clock.Manual
	card *gatewaysim.Gateway
	loc  *time.Location
	keys int
	// seen counts the events applied, by kind.
	seen map[billing.EventKind]int
	// state is each resource's state as the events told it.
	state map[string]lifecycle.State
	// applied lists the event ids applied, so a redelivery is skipped.
	applied map[string]bool
	// lastNotice is the last notice printed per account and resource.
	lastNotice map[string]string
	// The customers' resources the story follows: alice's server and
	// volume, bob's server, carol's metered volume.
	aliceServer, aliceVolume, bobServer, carolVolume string
}

func run(ctx context.Context, out io.Writer, opts ...func(*billing.Config)) (map[billing.EventKind]int, error) {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, err
	}
	h := &host{out: out, loc: loc, clk: clock.NewManual(time.Date(2026, 3, 2, 9, 0, 0, 0, loc)),
		seen: map[billing.EventKind]int{}, state: map[string]lifecycle.State{}, applied: map[string]bool{}, lastNotice: map[string]string{}}
	if h.card, err = gatewaysim.New(gatewaysim.Config{Name: "card", Secret: []byte("whsec_host_example"), Now: h.clk.Now}); err != nil {
		return nil, err
	}
	cat, err := catalog()
	if err != nil {
		return nil, err
	}
	cfg := billing.Config{
		Store: memory.New(), Catalog: cat, Clock: h.clk, DefaultTimeZone: zone,
		Gateways: []gateway.Gateway{h.card}, Metering: meters(), EventHandler: h.handle,
		// Seeded ids, so that every run prints the same story.
		Random: rand.NewChaCha8([32]byte{'h', 'o', 's', 't'}),
	}
	for _, o := range opts {
		o(&cfg)
	}
	h.sys, err = billing.New(cfg)
	if err != nil {
		return nil, err
	}
	for _, step := range []func(context.Context) error{h.alice, h.bob, h.carol, h.worker} {
		if err := step(ctx); err != nil {
			return h.seen, err
		}
	}
	return h.seen, nil
}

// ---- the event handler ----------------------------------------------------

// handle is the host's billing.EventHandler: it applies one event and
// returns nil, or an error to have it delivered again later. Delivery is
// at least once, so it skips an event id it has applied.
func (h *host) handle(ctx context.Context, e billing.Event) error {
	if h.applied[e.ID] {
		return nil
	}
	p, err := e.Decode()
	if err != nil {
		return err
	}
	switch p := p.(type) {
	case billing.ProvisionPayload:
		// Create the machine, then report the outcome to the System that
		// delivers the event.
		sys, ok := billing.SystemFromContext(ctx)
		if !ok {
			return errors.New("no System in the handler's context")
		}
		if _, err := sys.ProvisioningSucceeded(ctx, "provisioned-"+p.ResourceID, billing.ProvisioningRequest{AccountID: e.AccountID, ResourceID: p.ResourceID}); err != nil {
			return err
		}
		h.say("  [%s] create %s %s %s for %s; reported provisioned", e.Kind, p.ProductID, p.ResourceID, configText(p.Configuration), p.Term)
	case billing.StatePayload:
		h.state[p.ResourceID] = p.To
		what := map[billing.EventKind]string{
			billing.EventRestrict:   "restrict (term ended; keep it running, limited)",
			billing.EventUnrestrict: "lift the restriction",
			billing.EventSuspend:    "stop the machine, keep its data",
			billing.EventResume:     "start the machine again",
			billing.EventRelease:    "delete the machine and its data",
		}[e.Kind]
		h.say("  [%s] %s %s: %s → %s", e.Kind, what, p.ResourceID, p.From, p.To)
	case billing.ResizePayload:
		h.say("  [%s] reshape %s from %s to %s", e.Kind, p.ResourceID, configText(p.From), configText(p.To))
	case billing.PaymentPayload:
		if e.Kind == billing.EventPaymentFailed {
			h.say("  [%s] tell %s: %s payment %s for %s %s failed (%s)", e.Kind, e.AccountID, p.Amount, p.PaymentID, p.Purpose, p.Ref, p.Reason)
		} else {
			h.say("  [%s] e-mail %s a receipt: %s by %s for %s", e.Kind, e.AccountID, p.Amount, p.Method, p.Purpose)
		}
	case billing.PaymentCreditedPayload:
		h.say("  [%s] tell %s: %s went to credit (%s)", e.Kind, e.AccountID, p.Amount, p.Reason)
	case billing.InvoicePayload:
		due := ""
		if !p.DueAt.IsZero() {
			due = ", due " + h.local(p.DueAt)
		}
		h.say("  [%s] e-mail %s %s: %s, %s%s", e.Kind, e.AccountID, p.Number, p.Total, p.Status, due)
	case billing.NoticePayload:
		// E-mail the customer. Daily reminders repeat; the story prints
		// the first of a run.
		about := "their account"
		if p.ResourceID != "" {
			about = fmt.Sprintf("%s (%s)", p.ResourceID, p.State)
		}
		run := string(p.Notice) + " " + about
		if h.lastNotice[e.AccountID+" "+p.ResourceID] != run {
			detail := ""
			if p.Detail != "" {
				detail = " — " + p.Detail
			}
			h.say("  [%s] e-mail %s about %s: %s%s", e.Kind, e.AccountID, about, p.Notice, detail)
		}
		h.lastNotice[e.AccountID+" "+p.ResourceID] = run
	case billing.CollectionPayload:
		h.say("  [%s] e-mail %s: paid %d invoice(s) from %s of credit, %s still owed", e.Kind, e.AccountID, len(p.Paid), p.Available, p.Outstanding)
	case billing.RefundPayload:
		h.say("  [%s] tell %s: refund %s of %s (%s) to the card is %s%s", e.Kind, e.AccountID, p.RefundID, p.Amount, p.Purpose, p.Status, reasonText(p.Reason))
	case billing.PaymentMismatchPayload:
		h.say("  [%s] alert finance: %s reported %s paid for %s, which asked %s (from its %s)", e.Kind, p.Gateway, p.Reported, p.PaymentID, p.Expected, p.Source)
	case billing.UsageStopPayload:
		h.say("  [%s] stop metered services %s of %s after %d short days (short %s)", e.Kind, strings.Join(p.ResourceIDs, ", "), e.AccountID, p.ShortDays, p.Shortage)
	default:
		return fmt.Errorf("event %s of kind %s: no handler for %T", e.ID, e.Kind, p)
	}
	h.applied[e.ID] = true
	h.seen[e.Kind]++
	return nil
}

// ---- helpers --------------------------------------------------------------

func (h *host) key(what string) string { h.keys++; return fmt.Sprintf("%s-%d", what, h.keys) }

func (h *host) local(t time.Time) string { return t.In(h.loc).Format("2006-01-02 15:04") }

func (h *host) say(format string, args ...any) {
	fmt.Fprintf(h.out, "%s  %s\n", h.local(h.clk.Now()), fmt.Sprintf(format, args...))
}

func reasonText(reason string) string {
	if reason == "" {
		return ""
	}
	return " (" + reason + ")"
}

func configText(c pricing.Configuration) string {
	keys := make([]string, 0, len(c.Components))
	for k := range c.Components {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, c.Components[k])
	}
	return strings.Join(parts, " ")
}

// deliver hands the outbox to the handler now, as a host does right after
// an operation instead of waiting for the worker.
func (h *host) deliver(ctx context.Context) error {
	_, err := h.sys.DeliverEvents(ctx, 0)
	return err
}

// tick runs the worker until nothing more is due, as RunWorker does.
func (h *host) tick(ctx context.Context) error {
	for {
		rep, err := h.sys.Tick(ctx, 0)
		if err != nil {
			return err
		}
		if len(rep.Failures) > 0 {
			return fmt.Errorf("tick: %d failures, first: %s", len(rep.Failures), rep.Failures[0].Reason)
		}
		if !rep.More {
			return nil
		}
	}
}

// topUp adds cash credit by card: the customer pays on the gateway's page
// and the gateway's signed callback credits the wallet.
func (h *host) topUp(ctx context.Context, acct string, amount money.Amount) (paymentID string, err error) {
	p, err := h.sys.TopUp(ctx, h.key("topup-"+acct), billing.TopUpRequest{AccountID: acct, Amount: amount, Gateway: "card"})
	if err != nil {
		return "", err
	}
	if err := h.callback(ctx, p.ID, h.card.Complete); err != nil {
		return "", err
	}
	w, err := h.sys.Wallet(ctx, acct)
	if err != nil {
		return "", err
	}
	h.say("%s topped up %s by card: %s available", acct, amount, w.Available)
	return p.ID, h.deliver(ctx)
}

// callback has the gateway settle a payment one way and posts its signed
// callback to the System, as the gateway's webhook would.
func (h *host) callback(ctx context.Context, paymentID string, outcome func(string) (gatewaysim.Callback, error)) error {
	cb, err := outcome(paymentID)
	if err != nil {
		return err
	}
	_, err = h.sys.HandleCallback(ctx, "card", cb.Header, cb.Body)
	return err
}

func (h *host) buy(ctx context.Context, acct string, method payment.Method, items ...billing.OrderItem) (billing.CheckoutResult, error) {
	req := billing.CheckoutRequest{AccountID: acct, Items: items, Method: method}
	if method != payment.MethodCredit {
		req.Gateway, req.ReturnURL = "card", "https://host.example/orders/done"
	}
	q, err := h.sys.PreviewCheckout(ctx, req)
	if err != nil {
		return billing.CheckoutResult{}, err
	}
	req.ExpectedTotal = q.Total // the price the customer confirmed
	res, err := h.sys.Checkout(ctx, h.key("cart-"+acct), req)
	if err != nil {
		return res, err
	}
	paid := "nothing to pay now"
	if res.Payment.ID != "" {
		paid = fmt.Sprintf("payment %s %s", res.Payment.ID, res.Payment.Status)
	}
	h.say("%s checked out %d item(s): order %s, %s (%s); %s", acct, len(items), res.Order.ID, res.Order.Total, res.Order.Status, paid)
	return res, h.deliver(ctx)
}

func item(product string, c pricing.Configuration) billing.OrderItem {
	return billing.OrderItem{ProductID: product, Configuration: c, Quantity: 1, Term: period.Months(1)}
}

// ---- the customers --------------------------------------------------------

func (h *host) alice(ctx context.Context) error {
	fmt.Fprintln(h.out, "\n== alice: prepaid, paying by card and from credit")
	if _, err := h.sys.CreateAccount(ctx, "signup-alice", billing.CreateAccountRequest{ID: "alice"}); err != nil {
		return err
	}
	firstTopUp, err := h.topUp(ctx, "alice", usd("250.00"))
	if err != nil {
		return err
	}
	res, err := h.buy(ctx, "alice", payment.MethodCredit, item(productServer, small), item(productVolume, disk50))
	if err != nil {
		return err
	}
	h.aliceServer, h.aliceVolume = res.Resources[0].ID, res.Resources[1].ID

	h.clk.Advance(time.Hour)
	rz, err := h.sys.Resize(ctx, h.key("resize"), billing.ResizeRequest{AccountID: "alice", ResourceID: h.aliceServer, Configuration: large,
		PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
	if err != nil {
		return err
	}
	h.say("alice resized %s: now %s per 30 days, charged %s for the rest of the term", h.aliceServer, rz.Resource.PricePer30Days, rz.Charged)
	if err := h.deliver(ctx); err != nil {
		return err
	}

	scratch, err := h.buy(ctx, "alice", payment.MethodCredit, item(productVolume, pricing.Configuration{Components: map[string]int64{"ssd_gb": 10}}))
	if err != nil {
		return err
	}
	h.clk.Advance(time.Hour)
	del, err := h.sys.Delete(ctx, h.key("delete"), billing.DeleteRequest{AccountID: "alice", ResourceID: scratch.Resources[0].ID, Reason: "scratch space no longer needed"})
	if err != nil {
		return err
	}
	h.say("alice deleted %s: %s, %s refunded to credit", del.Resource.ID, del.Resource.State, del.Refunded)
	if err := h.deliver(ctx); err != nil {
		return err
	}

	// A card checkout she abandons: the worker expires the payment after
	// the payment timeout (30 minutes); the card's success arriving later
	// goes to her wallet as cash.
	abandoned, err := h.buy(ctx, "alice", payment.MethodGateway, item(productServer, small))
	if err != nil {
		return err
	}
	h.clk.Advance(31 * time.Minute)
	if err := h.tick(ctx); err != nil {
		return err
	}
	if err := h.callback(ctx, abandoned.Payment.ID, h.card.Complete); err != nil {
		return err
	}
	if err := h.deliver(ctx); err != nil {
		return err
	}
	w, err := h.sys.Wallet(ctx, "alice")
	if err != nil {
		return err
	}
	h.say("alice's wallet: %s available", w.Available)
	return h.refunds(ctx, firstTopUp)
}

// refunds returns money to alice's card: 20.00 of her first top-up, which
// the gateway pays back, then 5.00 more, which the card's issuer refuses
// (the 5.00 set aside for it is hers to spend again). Then a top-up the
// card reports as another amount: nothing is credited, and the mismatch is
// the host's to look into.
func (h *host) refunds(ctx context.Context, topUpID string) error {
	r, err := h.sys.RefundPayment(ctx, h.key("refund"), billing.RefundPaymentRequest{AccountID: "alice", PaymentID: topUpID,
		Amount: usd("20.00"), Reason: "customer asked for part of her top-up back"})
	if err != nil {
		return err
	}
	h.say("alice asked for %s of top-up %s back on her card: refund %s %s", r.Amount, topUpID, r.ID, r.Status)
	// The gateway's refund.succeeded callback.
	for _, cb := range h.card.Drain() {
		if _, err := h.sys.HandleCallback(ctx, "card", cb.Header, cb.Body); err != nil {
			return err
		}
	}
	if err := h.deliver(ctx); err != nil {
		return err
	}

	h.card.SetDefaultRefundOutcome(gatewaysim.Decline("card account closed"))
	_, err = h.sys.RefundPayment(ctx, h.key("refund"), billing.RefundPaymentRequest{AccountID: "alice", PaymentID: topUpID, Amount: usd("5.00")})
	var refused *billing.RefundFailedError
	if !errors.As(err, &refused) {
		return fmt.Errorf("a refund the card refuses: got %v", err)
	}
	h.card.SetDefaultRefundOutcome(gatewaysim.Succeed())
	h.say("alice asked for 5.00 USD more: refund %s refused (%s)", refused.RefundID, refused.Reason)
	if err := h.deliver(ctx); err != nil {
		return err
	}

	p, err := h.sys.TopUp(ctx, h.key("topup-alice"), billing.TopUpRequest{AccountID: "alice", Amount: usd("10.00"), Gateway: "card"})
	if err != nil {
		return err
	}
	if err := h.card.SetReportedAmount(p.ID, usd("1.00")); err != nil {
		return err
	}
	if err := h.callback(ctx, p.ID, h.card.Complete); err != nil {
		return err
	}
	if err := h.deliver(ctx); err != nil {
		return err
	}
	w, err := h.sys.Wallet(ctx, "alice")
	if err != nil {
		return err
	}
	h.say("alice's wallet: %s available", w.Available)
	return nil
}

func (h *host) bob(ctx context.Context) error {
	fmt.Fprintln(h.out, "\n== bob: postpaid, billed at the month's close")
	if _, err := h.sys.CreateAccount(ctx, "signup-bob", billing.CreateAccountRequest{ID: "bob"}); err != nil {
		return err
	}
	a, err := h.sys.SetAccountType(ctx, "contract-bob", billing.SetAccountTypeRequest{AccountID: "bob", Type: billing.Postpaid,
		Actor: "sales:dana", Reason: "signed a postpaid contract"})
	if err != nil {
		return err
	}
	h.say("bob is %s, calendar in %s", a.Type, a.TimeZone)
	res, err := h.buy(ctx, "bob", payment.MethodCredit, item(productServer, small))
	if err != nil {
		return err
	}
	h.bobServer = res.Resources[0].ID
	return nil
}

func (h *host) carol(ctx context.Context) error {
	fmt.Fprintln(h.out, "\n== carol: prepaid with metered snapshots, credit held daily")
	if _, err := h.sys.CreateAccount(ctx, "signup-carol", billing.CreateAccountRequest{ID: "carol"}); err != nil {
		return err
	}
	if _, err := h.topUp(ctx, "carol", usd("20.00")); err != nil {
		return err
	}
	res, err := h.buy(ctx, "carol", payment.MethodCredit, item(productVolume, disk50))
	if err != nil {
		return err
	}
	h.carolVolume = res.Resources[0].ID
	return nil
}

// worker runs the clock day by day at 08:00 and 09:00 local time for three
// months: product services report usage in the morning, the worker runs,
// and the host reacts to what the events told it.
func (h *host) worker(ctx context.Context) error {
	fmt.Fprintln(h.out, "\n== the worker, day by day")
	start := h.clk.Now().In(h.loc)
	renewedServer, renewedVolume, bobPaid, bobCleared := false, false, false, false
	for d := 1; d <= 95; d++ {
		date := time.Date(start.Year(), start.Month(), start.Day()+d, 8, 0, 0, 0, h.loc)
		h.clk.Set(date)
		// Usage reported in the morning: bob's egress until his first bill,
		// carol's 50 GB snapshot (1,200 GB-hours a day) until she is stopped.
		var usage []metering.Event
		if date.Month() == time.March {
			usage = append(usage, metering.Event{ID: fmt.Sprintf("egress-%s", date.Format("0102")), AccountID: "bob", ResourceID: h.bobServer,
				Metric: metricEgress, Quantity: dollars("3.7"), At: date.Add(-time.Hour)})
		}
		if h.seen[billing.EventUsageStop] == 0 {
			usage = append(usage, metering.Event{ID: fmt.Sprintf("snap-%s", date.Format("0102")), AccountID: "carol", ResourceID: h.carolVolume,
				Metric: metricSnap, Quantity: dollars("1200"), At: date.Add(-time.Hour)})
		}
		if len(usage) > 0 {
			r, err := h.sys.RecordUsage(ctx, billing.RecordUsageRequest{Events: usage})
			if err != nil {
				return err
			}
			if len(r.Rejected) > 0 {
				return fmt.Errorf("usage refused: %+v", r.Rejected)
			}
		}
		// bob tops up the morning after his bill is issued.
		if !bobPaid && h.seen[billing.EventInvoiceIssued] > 0 && date.Month() == time.April {
			open, err := h.sys.OpenInvoices(ctx, "bob")
			if err != nil {
				return err
			}
			if len(open.Invoices) > 0 {
				h.say("bob owes %s on %d bill(s); he tops up before the 09:00 run", open.Outstanding, len(open.Invoices))
				if _, err := h.topUp(ctx, "bob", open.Outstanding); err != nil {
					return err
				}
				bobPaid = true
			}
		}
		h.clk.Set(date.Add(time.Hour))
		if err := h.tick(ctx); err != nil {
			return err
		}
		// The host's reactions: alice renews her restricted server once,
		// and her suspended volume once.
		if !renewedServer && h.state[h.aliceServer] == lifecycle.StateGrace {
			if err := h.renew(ctx, h.aliceServer); err != nil {
				return err
			}
			renewedServer = true
		}
		if !renewedVolume && h.state[h.aliceVolume] == lifecycle.StateSuspended {
			if err := h.renew(ctx, h.aliceVolume); err != nil {
				return err
			}
			renewedVolume = true
		}
		// bob, suspended for an overdue bill, pays it: his server resumes.
		if !bobCleared && h.state[h.bobServer] == lifecycle.StateSuspended {
			if err := h.payOverdue(ctx, "bob"); err != nil {
				return err
			}
			bobCleared = true
		}
		if len(Missing(h.seen)) == 0 && h.state[h.aliceServer] == lifecycle.StateReleased {
			break
		}
	}
	return h.summary(ctx)
}

// payOverdue tops up what the account owes and pays each open invoice
// from credit.
func (h *host) payOverdue(ctx context.Context, acct string) error {
	open, err := h.sys.OpenInvoices(ctx, acct)
	if err != nil {
		return err
	}
	h.say("%s owes %s past due; he tops up and pays", acct, open.Outstanding)
	if _, err := h.topUp(ctx, acct, open.Outstanding); err != nil {
		return err
	}
	for _, inv := range open.Invoices {
		p, err := h.sys.Pay(ctx, h.key("pay-"+inv.Invoice.ID), billing.PayRequest{AccountID: acct, Amount: inv.Outstanding,
			Method: payment.MethodCredit, Purpose: payment.Purpose{Kind: payment.PurposeInvoice, Ref: inv.Invoice.ID}})
		if err != nil {
			return err
		}
		h.say("%s paid %s of %s from credit: %s", acct, p.Amount, inv.Invoice.DisplayNumber(), p.Status)
	}
	return h.deliver(ctx)
}

func (h *host) renew(ctx context.Context, resourceID string) error {
	res, err := h.sys.Renew(ctx, h.key("renew"), billing.RenewRequest{AccountID: "alice", ResourceIDs: []string{resourceID},
		Term: period.Months(1), PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
	if err != nil {
		return err
	}
	h.say("alice renewed %s for a month: %s (%s), now %s until %s", resourceID, res.Order.Total, res.Payment.Status,
		res.Resources[0].State, h.local(res.Resources[0].PeriodEnd))
	return h.deliver(ctx)
}

// summary prints what each customer has now, paging through the lists the
// way every list of the System pages.
func (h *host) summary(ctx context.Context) error {
	fmt.Fprintln(h.out, "\n== where things stand")
	for _, acct := range []string{"alice", "bob", "carol"} {
		w, err := h.sys.Wallet(ctx, acct)
		if err != nil {
			return err
		}
		n, after := 0, ""
		for {
			page, err := h.sys.Invoices(ctx, billing.ListRequest{AccountID: acct, After: after, Limit: 5})
			if err != nil {
				return err
			}
			n += len(page.Items)
			if page.Next == "" {
				break
			}
			after = page.Next
		}
		rs, err := h.sys.Resources(ctx, billing.ListRequest{AccountID: acct})
		if err != nil {
			return err
		}
		states := make([]string, len(rs.Items))
		for i, r := range rs.Items {
			states[i] = fmt.Sprintf("%s %s", r.ID, r.State)
		}
		h.say("%s: %s available, %d invoices and credit notes; %s", acct, w.Available, n, strings.Join(states, ", "))
	}
	kinds := make([]string, 0, len(h.seen))
	for _, k := range AllEventKinds {
		kinds = append(kinds, fmt.Sprintf("%s×%d", k, h.seen[k]))
	}
	h.say("events applied: %s", strings.Join(kinds, " "))
	return nil
}
