package billing_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"time"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/clock"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/einvoice"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage/memory"
)

// exampleSigner stands for the seller's digital-signature certificate
// and its key (in production, from the certificate authority, often
// behind a hardware module).
func exampleSigner() *einvoice.Signer {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Công ty Cổ phần Mây Việt"},
		NotBefore: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	return &einvoice.Signer{Key: key, Certificate: cert}
}

// Issue legal e-invoices: every VND invoice gets one in series C26TAA,
// signed with the seller's key; the provider's answers are recorded as
// they come.
func ExampleSystem_RecordEInvoiceStatus() {
	ctx := context.Background()
	catalog, _ := pricing.SampleCatalog()
	sys, err := billing.New(billing.Config{Store: memory.New(), Catalog: catalog,
		Clock:    clock.NewManual(time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC)),
		Seller:   invoice.Party{Name: "Công ty Cổ phần Mây Việt", TaxCode: "0101234567", Address: "1 Phố Huế, Hà Nội"},
		EInvoice: &billing.EInvoiceConfig{Symbol: "C26TAA", Signer: exampleSigner()}})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, _ = sys.CreateAccount(ctx, "signup", billing.CreateAccountRequest{ID: "acme"})
	_, _ = sys.GrantPromotionalCredit(ctx, "grant", billing.GrantRequest{AccountID: "acme", Amount: vndAmount(500_000), ValidFor: 90 * 24 * time.Hour, Actor: "ops@provider", Reason: "trial"})
	_, _ = sys.SetLegalDetails(ctx, "legal", billing.SetLegalDetailsRequest{AccountID: "acme", Actor: "ops@provider",
		Legal: invoice.Party{Name: "Công ty TNHH An Bình", TaxCode: "0312345678", Address: "12 Nguyễn Huệ, TP. Hồ Chí Minh"}})
	res, _ := sys.Checkout(ctx, "order-1", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit,
		Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: 1, Term: period.Days(30)}}})
	r, _ := sys.ProvisioningSucceeded(ctx, "provisioned", billing.ProvisioningRequest{AccountID: "acme", ResourceID: res.Resources[0].ID})

	list, _ := sys.DocumentEInvoices(ctx, "acme", r.InvoiceIDs[0])
	e := list[0]
	_, verr := einvoice.Verify(e.XML)
	fmt.Println(e.Form, e.Symbol, e.Number, e.Status, "signature ok:", verr == nil)

	// The host's e-invoice provider sent it; the tax authority accepted it.
	e, _ = sys.RecordEInvoiceStatus(ctx, "einv-sent", billing.RecordEInvoiceStatusRequest{AccountID: "acme", EInvoiceID: e.ID,
		Status: billing.EInvoiceSent, ProviderRef: "VNPT-1", Actor: "vnpt"})
	e, _ = sys.RecordEInvoiceStatus(ctx, "einv-accepted", billing.RecordEInvoiceStatusRequest{AccountID: "acme", EInvoiceID: e.ID,
		Status: billing.EInvoiceAccepted, AuthorityCode: "M1-26-00001-00000000001", LookupCode: "K7QX2P9M", Actor: "vnpt"})
	fmt.Println(e.Status, e.LookupCode)
	// Output:
	// 1 C26TAA 00000001 signed signature ok: true
	// accepted K7QX2P9M
}
