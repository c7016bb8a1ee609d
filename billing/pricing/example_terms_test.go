package pricing_test

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
)

// A product states the terms it sells; one that states none sells the
// default renewal cycles. A host checks the term before checkout or
// renewal and shows the customer what is allowed.
func ExampleCatalog_CheckTerm() {
	catalog, err := pricing.NewCatalog(pricing.Config{Currency: "USD", Products: []pricing.Product{
		{ID: "vm", Plans: []pricing.Plan{{ID: "small", Price: decimal.NewFromInt(20)}}},
		{ID: "gpu", Plans: []pricing.Plan{{ID: "a100", Price: decimal.NewFromInt(2000)}},
			Terms: period.TermSet{Terms: []period.Term{period.Months(1)}, Days: period.Bounds{Min: 1, Max: 30}}},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, id := range []string{"vm", "gpu"} {
		terms, err := catalog.Terms(id)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s sells %s\n", id, terms)
	}
	fmt.Println(catalog.CheckTerm("gpu", period.Days(7)))
	err = catalog.CheckTerm("vm", period.Months(7))
	var ns *period.NotSoldError
	fmt.Println(errors.Is(err, period.ErrTermNotSold), errors.As(err, &ns), ns.Term)
	fmt.Println(err)
	// Output:
	// vm sells 1, 3, 6, 12, 24, 36 months
	// gpu sells 1 month; 1 to 30 days
	// <nil>
	// true true 7 months
	// pricing: product "vm": period: term 7 months is not sold; allowed: 1, 3, 6, 12, 24, 36 months
}
