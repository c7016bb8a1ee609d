package billing_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/clock"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
	"github.com/cloudbill/cloudbill/storage/memory"
)

// The product's flow from the host's side, as README.md shows it: set up
// a System, open an account, check out with Top up & Pay, take the
// gateway's callback over HTTP, report provisioning, run the clock. The
// lines between the README markers are copied into README.md verbatim
// (TestReadmeShowsTheUseItExample checks it).
func Example_useIt() {
	ctx := context.Background()
	clk := clock.NewManual(time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC))
	momo, err := gatewaysim.New(gatewaysim.Config{Name: "momo", Secret: []byte("whsec_demo"), Now: clk.Now})
	if err != nil {
		log.Fatal(err)
	}
	// README:begin
	store := memory.New()                   // or postgres.Open(ctx, dsn, postgres.Options{}), then store.Migrate(ctx)
	catalog, err := pricing.SampleCatalog() // or pricing.NewCatalog with your products
	if err != nil {
		log.Fatal(err)
	}
	sys, err := billing.New(billing.Config{
		Store:    store,
		Catalog:  catalog,
		Clock:    clk,                     // nil: the system clock
		Gateways: []gateway.Gateway{momo}, // your adapters implement gateway.Gateway
		EventHandler: func(ctx context.Context, e billing.Event) error {
			fmt.Println("event:", e.Kind) // your code: provision, suspend, send notices…
			return nil
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	_ = sys.DefineCoupon(ctx, coupon.Coupon{Code: "WELCOME20K", Kind: coupon.KindFixed, Amount: vndAmount(20_000)})

	// Every mutating call takes an idempotency key.
	acct, err := sys.CreateAccount(ctx, "signup-42", billing.CreateAccountRequest{ID: "customer-42"})
	if err != nil {
		log.Fatal(err)
	}

	// Choose quantity, usage time and coupons, then pay.
	res, err := sys.Checkout(ctx, "cart-7", billing.CheckoutRequest{
		AccountID: acct.ID,
		Items: []billing.OrderItem{{ProductID: "vserver", Quantity: 1, Term: period.Months(1),
			Configuration: pricing.Configuration{Components: map[string]int64{"vcpu": 2, "ram_gb": 4, "ssd_gb": 40}}}},
		Coupons: []string{"WELCOME20K"},
		Method:  payment.MethodTopUpAndPay, Gateway: "momo",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("pay", res.Order.Total, "at the gateway:", res.Payment.Status)
	// Redirect the customer to res.Payment.RedirectURL. The gateway calls
	// back; mount the handler once.
	mux := http.NewServeMux()
	mux.Handle("/callbacks/momo", sys.CallbackHandler("momo"))

	cb, _ := momo.Complete(res.Payment.ID) // the simulated gateway's callback
	req := httptest.NewRequest(http.MethodPost, "/callbacks/momo", strings.NewReader(string(cb.Body)))
	req.Header = cb.Header
	mux.ServeHTTP(httptest.NewRecorder(), req)

	// The host provisions what was paid and reports it; the resource turns
	// active and its invoice is issued Paid.
	r, err := sys.ProvisioningSucceeded(ctx, "prov-1", billing.ProvisioningRequest{AccountID: acct.ID, ResourceID: res.Resources[0].ID})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.State, "until", r.PeriodEnd.Format(time.DateOnly))

	// A worker runs the clock: reminders, auto-renewal, grace,
	// suspension, release, expired payments and promotions, and delivery
	// of events to the EventHandler.
	report, err := sys.Tick(ctx, 1000)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("delivered", report.EventsDelivered, "events")
	// README:end

	// Output:
	// pay 177100 VND at the gateway: pending
	// active until 2026-05-05
	// event: payment.succeeded
	// event: resource.provision
	// event: invoice.issued
	// delivered 3 events
}
