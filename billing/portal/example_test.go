package portal_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/portal"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice/document"
	"github.com/cloudbill/cloudbill/storage/memory"
)

// Mount the portal under /billing/ behind the host's authentication. Here
// the signed-in account comes from a header; a real host reads its own
// sign-in cookie or token.
func ExampleNew() {
	ctx := context.Background()
	catalog, _ := pricing.SampleCatalog()
	sys, err := billing.New(billing.Config{Store: memory.New(), Catalog: catalog})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := sys.CreateAccount(ctx, "signup-42", billing.CreateAccountRequest{ID: "customer-42"}); err != nil {
		fmt.Println(err)
		return
	}
	h, err := portal.New(portal.Config{
		System: sys,
		Authenticate: func(r *http.Request) (string, bool) {
			id := r.Header.Get("X-Signed-In-Account") // the host's own authentication
			return id, id != ""
		},
		Seller: document.Party{Name: "Công ty TNHH Mây Xanh", TaxID: "0312345678"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	mux := http.NewServeMux()
	mux.Handle("/billing/", http.StripPrefix("/billing", h))

	for _, account := range []string{"customer-42", ""} {
		req := httptest.NewRequest(http.MethodGet, "/billing/wallet", nil)
		if account != "" {
			req.Header.Set("X-Signed-In-Account", account)
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		fmt.Println(rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
	// Output:
	// 200 application/json {"currency":"VND","available":"0 VND","cash":"0 VND","promotional":[],"held":"0 VND"}
	//
	// 401 application/problem+json {"type":"urn:cloudbill:problem:unauthenticated","title":"Unauthorized","status":401,"detail":"sign in to see your billing","instance":"/billing/wallet"}
}
