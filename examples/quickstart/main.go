// Command quickstart runs Cloudbill's seed flow on the in-memory store: a
// customer configures a vServer and a vStorage volume, and Cloudbill prices
// them for 60 days with a 20,000 VND coupon — the brief's worked example,
// 90,000/30 × 60 + 35,000/30 × 60 − 20,000 = 230,000 VND before VAT.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/clock"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/memory"
	"github.com/cloudbill/cloudbill/storage/postgres"
)

func main() {
	if err := run(context.Background(), os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, args []string) error {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	storeKind := fs.String("store", "memory", `where records live: "memory" or "postgres"`)
	dsn := fs.String("dsn", os.Getenv("CLOUDBILL_POSTGRES_DSN"), "PostgreSQL DSN for -store postgres (default $CLOUDBILL_POSTGRES_DSN)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, closeStore, err := openStore(ctx, *storeKind, *dsn)
	if err != nil {
		return err
	}
	defer closeStore()

	catalog, err := pricing.SampleCatalog()
	if err != nil {
		return err
	}
	// A fixed clock keeps the story's output identical on every run.
	clk := clock.NewManual(time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC))
	sys, err := billing.New(billing.Config{Store: st, Catalog: catalog, Clock: clk})
	if err != nil {
		return err
	}

	accountID := fmt.Sprintf("customer-%d", clk.Now().Unix())
	if *storeKind != "memory" {
		// A database outlives the run: a fresh account id per run keeps
		// runs independent.
		accountID = fmt.Sprintf("customer-%d", time.Now().UnixNano())
	}
	acct, err := sys.CreateAccount(ctx, "signup-1", billing.CreateAccountRequest{ID: accountID})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Account %s: %s, %s, billing calendar in %s\n\n", acct.ID, acct.Type, acct.Currency, acct.TimeZone)

	fmt.Fprintln(out, "Step 1 — configure")
	custom := pricing.Configuration{Components: map[string]int64{"vcpu": 2, "ram_gb": 4, "ssd_gb": 40}}
	price, err := catalog.PricePer30Days(pricing.SampleVServer, custom)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  vServer 2 vCPU / 4 GB RAM / 40 GB SSD costs %s per 30 days:\n", price.Amount)
	for _, line := range price.Breakdown() {
		fmt.Fprintf(out, "    %s\n", line)
	}

	fmt.Fprintln(out, "\nStep 2 — price the order: quantity, usage time, coupon")
	coupon, err := money.New("20000", "VND")
	if err != nil {
		return err
	}
	q, err := sys.Quote(ctx, acct.ID, pricing.QuoteRequest{
		Items: []pricing.QuoteItem{
			{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: 1, Term: period.Days(60)},
			{ProductID: pricing.SampleVStorage, Configuration: pricing.Configuration{Components: map[string]int64{"ssd_gb": 50}}, Quantity: 1, Term: period.Days(60)},
		},
		Discounts: []pricing.Discount{{Code: "WELCOME20K", Label: "welcome coupon", Amount: coupon}},
	})
	if err != nil {
		return err
	}
	printQuote(out, q)
	return nil
}

func printQuote(out io.Writer, q pricing.Quote) {
	for i, l := range q.Lines {
		fmt.Fprintf(out, "  line %d: %s × %d for %s\n", i+1, l.ProductID, l.Quantity, l.Term)
		for _, b := range l.Breakdown {
			fmt.Fprintf(out, "    %s\n", b)
		}
		fmt.Fprintf(out, "    coupon share %s → net %s, VAT %s, total %s\n", l.Discount, l.Net, l.Tax, l.Total)
	}
	fmt.Fprintf(out, "  %s\n", strings.Repeat("─", 40))
	fmt.Fprintf(out, "  subtotal %s − coupon %s = %s before VAT\n", q.Subtotal, q.Discount, q.Net)
	fmt.Fprintf(out, "  VAT %s %s, total to pay %s\n", q.TaxPolicy.Rate.Shift(2).String()+"%", q.Tax, q.Total)
}

// openStore returns the chosen store and a function that releases it.
func openStore(ctx context.Context, kind, dsn string) (storage.Store, func(), error) {
	switch kind {
	case "memory":
		return memory.New(), func() {}, nil
	case "postgres":
		if dsn == "" {
			return nil, nil, fmt.Errorf("-store postgres needs -dsn or $CLOUDBILL_POSTGRES_DSN")
		}
		st, err := postgres.Open(ctx, dsn, postgres.Options{})
		if err != nil {
			return nil, nil, err
		}
		if err := st.Migrate(ctx); err != nil {
			st.Close()
			return nil, nil, err
		}
		return st, st.Close, nil
	default:
		return nil, nil, fmt.Errorf("unknown -store %q (want memory or postgres)", kind)
	}
}
