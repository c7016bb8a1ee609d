package main

import (
	"context"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"golang.org/x/text/message/catalog"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/portal"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice/document"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
	"github.com/cloudbill/cloudbill/storage/memory"
)

// gatewayName is the simulated gateway's name; the demo plays MoMo.
const gatewayName = "momo"

// seller is the provider printed on every invoice.
func seller() document.Party {
	return document.Party{
		Name:    "Công ty TNHH Mây Xanh Việt Nam",
		Address: "Tầng 5, 123 Nguyễn Huệ, Phường Bến Nghé\nQuận 1, TP. Hồ Chí Minh",
		TaxID:   "0312345678",
		Email:   "billing@mayxanh.example",
	}
}

// customer is a demo account with its legal party and its language
// setting ("" follows the browser's Accept-Language).
type customer struct {
	ID     string
	Label  string
	Party  document.Party
	Locale document.Locale
	// Postpaid accounts are billed monthly in arrears.
	Postpaid bool
}

// customers are the demo accounts, in the order the page lists them.
func customers() []customer {
	return []customer{
		{ID: "minhanh", Label: "Minh Anh (vi-VN)", Locale: document.ViVN, Party: document.Party{
			Name: "Công ty TNHH Minh Anh", Address: "45 Lê Lợi, Quận 1, TP. Hồ Chí Minh", TaxID: "0301234567"}},
		{ID: "harbor", Label: "Harbor Labs (en-US)", Locale: document.EnUS, Party: document.Party{
			Name: "Harbor Labs Co., Ltd.", Address: "12 Tôn Đức Thắng, Quận 1, TP. Hồ Chí Minh", TaxID: "0319876543"}},
		{ID: "songhong", Label: "Sông Hồng Data (postpaid, browser's language)", Postpaid: true, Party: document.Party{
			Name: "Công ty CP Dữ liệu Sông Hồng", Address: "8 Tràng Tiền, Hoàn Kiếm, Hà Nội", TaxID: "0108765432"}},
	}
}

// demoClock is the demo's clock: the wall clock shifted by an offset. The
// seed moves the offset from weeks ago up to zero, so that resources were
// bought at different times through the real API and show every billing
// status; afterwards the clock runs with the wall clock.
type demoClock struct {
	mu     sync.Mutex
	offset time.Duration
}

// Now returns the wall clock plus the offset.
func (c *demoClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// setAgo puts the clock d before the wall clock.
func (c *demoClock) setAgo(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset = -d
}

// demo is the portal demo: a billing System on the memory store with the
// sample catalog and a simulated gateway, the portal API, and the pages.
type demo struct {
	base    string
	sys     *billing.System
	sim     *gatewaysim.Gateway
	clk     *demoClock
	api     *portal.Handler
	pages   *template.Template
	catalog catalog.Catalog
	client  *http.Client
	log     *slog.Logger
	flashes flashes

	// mu guards what the simulated gateway's pages need to know about the
	// payments and links it was asked for, and the accounts' language
	// settings.
	mu        sync.Mutex
	payments  map[string]simPayment // by gateway reference
	links     map[string]simLink    // by gateway reference
	languages map[string]document.Locale
}

// simPayment is a redirect the simulated gateway's page can complete.
type simPayment struct {
	AccountID, PaymentID, ReturnURL string
	// Anchor is the portal section to return to ("wallet", "bills").
	Anchor string
	Amount money.Amount
}

// simLink is a link the simulated gateway's page can authorise.
type simLink struct {
	AccountID, LinkID, ReturnURL string
}

// newDemo builds the demo served at base (the URL the browser uses, e.g.
// "http://127.0.0.1:8080") and seeds it: two accounts with credit,
// resources in several billing states, paid invoices, a credit note, a
// promotional grant and a linked account, all through the billing API.
func newDemo(ctx context.Context, base string, logOut io.Writer) (*demo, error) {
	d := &demo{
		base: base, clk: &demoClock{},
		client:   &http.Client{Timeout: 10 * time.Second},
		log:      slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: slog.LevelWarn})),
		payments: map[string]simPayment{}, links: map[string]simLink{}, languages: map[string]document.Locale{},
	}
	for _, c := range customers() {
		d.languages[c.ID] = c.Locale
	}
	var err error
	d.sim, err = gatewaysim.New(gatewaysim.Config{Name: gatewayName, Secret: []byte("whsec_portal_demo"),
		Now: d.clk.Now, BaseURL: base + "/gateway"})
	if err != nil {
		return nil, err
	}
	catalog, err := pricing.SampleCatalog()
	if err != nil {
		return nil, err
	}
	d.sys, err = billing.New(billing.Config{
		Store: memory.New(), Catalog: catalog, Clock: d.clk, Gateways: []gateway.Gateway{d.sim},
		EventHandler: d.provision, Logger: d.log,
	})
	if err != nil {
		return nil, err
	}
	d.api, err = portal.New(portal.Config{
		System: d.sys, Authenticate: d.account, Seller: seller(), DefaultGateway: gatewayName, Logger: d.log,
		Buyer: func(_ context.Context, id string) (document.Party, error) { return d.customer(id).Party, nil },
		AccountLocale: func(_ context.Context, id string) document.Locale {
			d.mu.Lock()
			defer d.mu.Unlock()
			return d.languages[id]
		},
	})
	if err != nil {
		return nil, err
	}
	if d.pages, err = parsePages(); err != nil {
		return nil, err
	}
	if d.catalog, err = newPageCatalog(); err != nil {
		return nil, err
	}
	if err := d.seed(ctx); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	return d, nil
}

// customer returns the demo customer with id (the first for an unknown id).
func (d *demo) customer(id string) customer {
	for _, c := range customers() {
		if c.ID == id {
			return c
		}
	}
	return customers()[0]
}

// provision is the host's event handler: it "provisions" every paid
// resource at once and reports success, as a real host would after its
// compute API answered.
func (d *demo) provision(ctx context.Context, e billing.Event) error {
	if e.Kind != billing.EventProvision {
		return nil
	}
	_, err := d.sys.ProvisioningSucceeded(ctx, "provisioned/"+e.Stream, billing.ProvisioningRequest{AccountID: e.AccountID, ResourceID: e.Stream})
	return err
}

// seed creates the demo's history, moving the clock forward from 40 days
// ago to now.
func (d *demo) seed(ctx context.Context) error {
	vserver := func(name, plan string, term period.Term) billing.OrderItem {
		return billing.OrderItem{ProductID: pricing.SampleVServer, Name: name, Quantity: 1, Term: term, Configuration: pricing.Configuration{Plan: plan}}
	}
	storage := billing.OrderItem{ProductID: pricing.SampleVStorage, Name: "backup-volume", Quantity: 1, Term: period.Months(1),
		Configuration: pricing.Configuration{Components: map[string]int64{"ssd_gb": 50}}}
	custom := billing.OrderItem{ProductID: pricing.SampleVServer, Name: "db-primary", Quantity: 1, Term: period.Months(3),
		Configuration: pricing.Configuration{Components: map[string]int64{"vcpu": 2, "ram_gb": 4, "ssd_gb": 40}}}
	day := 24 * time.Hour
	steps := []struct {
		ago  time.Duration
		what string
		do   func() error
	}{
		{40 * day, "open accounts", func() error {
			for _, c := range customers() {
				if _, err := d.sys.CreateAccount(ctx, "open", billing.CreateAccountRequest{ID: c.ID}); err != nil {
					return err
				}
			}
			return nil
		}},
		{40 * day, "make the postpaid account postpaid", func() error {
			for _, c := range customers() {
				if !c.Postpaid {
					continue
				}
				if _, err := d.sys.SetAccountType(ctx, "postpaid", billing.SetAccountTypeRequest{AccountID: c.ID, Type: billing.Postpaid, Actor: "demo"}); err != nil {
					return err
				}
			}
			return nil
		}},
		// Sông Hồng runs a server billed monthly in arrears, with no
		// credit: its closed months are open bills.
		{40 * day, "songhong runs a server", func() error {
			return d.buy(ctx, "songhong", "buy-1", vserver("etl-worker", "basic-1", period.Months(1)))
		}},
		{40 * day, "top up", func() error {
			if err := d.seedTopUp(ctx, "minhanh", 2_000_000); err != nil {
				return err
			}
			return d.seedTopUp(ctx, "harbor", 300_000)
		}},
		// Harbor's server ended two days ago: grace, expired.
		{32 * day, "harbor buys", func() error {
			return d.buy(ctx, "harbor", "buy-1", vserver("api-gateway", "basic-1", period.Months(1)))
		}},
		// Minh Anh's: one ends in 2 days (alerted), one in 11 (warning),
		// one deleted with a refund (a credit note), one in 3 months.
		{28 * day, "minhanh buys a server", func() error { return d.buy(ctx, "minhanh", "buy-1", vserver("web-01", "standard-2", period.Months(1))) }},
		{19 * day, "minhanh buys storage", func() error { return d.buy(ctx, "minhanh", "buy-2", storage) }},
		{15 * day, "minhanh buys a test server", func() error {
			return d.buy(ctx, "minhanh", "buy-3", vserver("test-server", "basic-1", period.Months(1)))
		}},
		{5 * day, "minhanh deletes the test server", func() error { return d.deleteLast(ctx, "minhanh") }},
		{2 * day, "minhanh buys a custom server", func() error { return d.buy(ctx, "minhanh", "buy-4", custom) }},
		{1 * day, "minhanh gets a trial credit and links MoMo", func() error {
			trial, err := money.FromMinor(500_000, "VND")
			if err != nil {
				return err
			}
			if _, err := d.sys.GrantPromotionalCredit(ctx, "trial", billing.GrantRequest{AccountID: "minhanh", Amount: trial,
				ValidFor: 30 * day, Actor: "demo", Reason: "welcome credit"}); err != nil {
				return err
			}
			start, err := d.sys.StartLinking(ctx, "link-1", billing.LinkAccountRequest{AccountID: "minhanh", Gateway: gatewayName})
			if err != nil {
				return err
			}
			cb, err := d.sim.CompleteLink(start.LinkID, "MoMo •••• 4242")
			if err != nil {
				return err
			}
			_, err = d.sys.HandleCallback(ctx, gatewayName, cb.Header, cb.Body)
			return err
		}},
		{0, "run the clock", func() error {
			for range 50 {
				rep, err := d.sys.Tick(ctx, 1000)
				if err != nil || !rep.More {
					return err
				}
			}
			return nil
		}},
	}
	for _, s := range steps {
		d.clk.setAgo(s.ago)
		if err := s.do(); err != nil {
			return fmt.Errorf("%s: %w", s.what, err)
		}
	}
	d.clk.setAgo(0)
	return nil
}

// seedTopUp tops an account up through the gateway and its callback.
func (d *demo) seedTopUp(ctx context.Context, acct string, n int64) error {
	amount, err := money.FromMinor(n, "VND")
	if err != nil {
		return err
	}
	p, err := d.sys.TopUp(ctx, "seed-topup", billing.TopUpRequest{AccountID: acct, Amount: amount, Gateway: gatewayName})
	if err != nil {
		return err
	}
	cb, err := d.sim.Complete(p.ID)
	if err != nil {
		return err
	}
	_, err = d.sys.HandleCallback(ctx, gatewayName, cb.Header, cb.Body)
	return err
}

// buy checks one item out by credit and delivers the outbox, which
// provisions it (its invoice is issued paid).
func (d *demo) buy(ctx context.Context, acct, key string, item billing.OrderItem) error {
	if _, err := d.sys.Checkout(ctx, key, billing.CheckoutRequest{AccountID: acct, Items: []billing.OrderItem{item}, Method: payment.MethodCredit}); err != nil {
		return err
	}
	_, err := d.sys.DeliverEvents(ctx, 100)
	return err
}

// deleteLast deletes the account's newest resource, refunding its unused
// value to credit with a credit note.
func (d *demo) deleteLast(ctx context.Context, acct string) error {
	rs, err := d.sys.Resources(ctx, billing.ListRequest{AccountID: acct, Limit: 100})
	if err != nil || len(rs.Items) == 0 {
		return fmt.Errorf("no resource to delete: %w", err)
	}
	_, err = d.sys.Delete(ctx, "delete-test", billing.DeleteRequest{AccountID: acct, ResourceID: rs.Items[len(rs.Items)-1].ID, Reason: "test server no longer needed"})
	return err
}
