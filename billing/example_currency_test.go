package billing_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/clock"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage/memory"
)

// One System serves VND and USD: the sample catalog prices VND accounts
// (the default currency), a USD catalog prices USD accounts, and each
// account buys, pays and keeps its credit in its own currency with that
// currency's minor units.
func ExampleCurrencyConfig() {
	ctx := context.Background()
	vnd, err := pricing.SampleCatalog() // VND, 10% VAT
	if err != nil {
		log.Fatal(err)
	}
	usd, err := pricing.NewCatalog(pricing.Config{
		Currency: "USD",
		Tax:      pricing.TaxPolicy{Rate: decimal.RequireFromString("0.08"), Mode: pricing.TaxExclusive},
		Products: []pricing.Product{{ID: pricing.SampleVServer, Name: "vServer",
			Plans: []pricing.Plan{{ID: "basic-1", Name: "Basic 1", Price: decimal.RequireFromString("3.55")}}}},
	})
	if err != nil {
		log.Fatal(err)
	}
	sys, err := billing.New(billing.Config{
		Store:      memory.New(),
		Catalog:    vnd, // DefaultCurrency is its currency, VND
		Currencies: []billing.CurrencyConfig{{Catalog: usd, CreditLimit: mustAmount("500.00", "USD")}},
		Clock:      clock.NewManual(time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC)),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("serves:", sys.Currencies())

	for _, a := range []struct{ id, currency, credit string }{{"hanoi-1", "", "500000"}, {"boston-1", "USD", "20.00"}} {
		acct, err := sys.CreateAccount(ctx, "open-"+a.id, billing.CreateAccountRequest{ID: a.id, Currency: a.currency})
		if err != nil {
			log.Fatal(err)
		}
		_, err = sys.GrantPromotionalCredit(ctx, "trial-"+a.id, billing.GrantRequest{AccountID: a.id,
			Amount: mustAmount(a.credit, acct.Currency), ValidFor: 30 * 24 * time.Hour, Actor: "ops"})
		if err != nil {
			log.Fatal(err)
		}
		res, err := sys.Checkout(ctx, "buy-"+a.id, billing.CheckoutRequest{AccountID: a.id, Method: payment.MethodCredit,
			Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"},
				Quantity: 1, Term: period.Months(1)}}})
		if err != nil {
			log.Fatal(err)
		}
		w, err := sys.Wallet(ctx, a.id)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s (%s): paid %s, credit left %s\n", a.id, acct.Currency, res.Payment.Amount, w.Available)
	}

	_, err = sys.CreateAccount(ctx, "open-paris-1", billing.CreateAccountRequest{ID: "paris-1", Currency: "EUR"})
	fmt.Println(err)
	// Output:
	// serves: [VND USD]
	// hanoi-1 (VND): paid 99000 VND, credit left 401000 VND
	// boston-1 (USD): paid 3.83 USD, credit left 16.17 USD
	// billing: invalid request: Currency EUR has no catalog; this system serves VND, USD
}

// mustAmount parses an amount of an example, which is known to be valid.
func mustAmount(s, currency string) money.Amount {
	a, err := money.New(s, currency)
	if err != nil {
		log.Fatal(err)
	}
	return a
}
