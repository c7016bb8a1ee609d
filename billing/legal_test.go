package billing_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/document"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

var (
	legalSeller = invoice.Party{Name: "Công ty Cổ phần Điện toán Mây Việt", TaxCode: "0101234567",
		Address: "Số 1 Phố Huế\nHai Bà Trưng, Hà Nội", Email: "hoadon@example.vn", Phone: "024 3000 0000",
		BankAccount: "0011001234567", BankName: "Vietcombank"}
	legalBuyer = invoice.Party{Name: "Công ty TNHH Phần mềm An Bình", TaxCode: "0312345678-001",
		Address: "12 Nguyễn Huệ\nQuận 1, TP. Hồ Chí Minh", Email: "ketoan@example.com", BuyerName: "Nguyễn Văn An"}
	movedBuyer = invoice.Party{Name: "Công ty Cổ phần An Bình Holdings", TaxCode: "0319999999",
		Address: "99 Lê Lợi\nQuận 1, TP. Hồ Chí Minh", BuyerName: "Trần Thị Bình"}
)

// renderBoth renders a document as HTML and PDF with portal-style options
// whose parties are not the document's: a document issued with its
// parties must show its own.
func renderBoth(t *testing.T, r *document.Renderer, inv invoice.Invoice) ([]byte, []byte) {
	t.Helper()
	opts := document.Options{Seller: document.Party{Name: "today's seller"}, Buyer: document.Party{Name: "today's buyer"},
		Locale: document.ViVN, Location: time.FixedZone("ICT", 7*3600)}
	var h, p bytes.Buffer
	require.NoError(t, r.HTML(&h, inv, opts))
	require.NoError(t, r.PDF(&p, inv, opts))
	return h.Bytes(), p.Bytes()
}

// TestIssuedDocumentsKeepTheirParties: an invoice issued while the account
// was "An Bình" (tax code 0312345678-001) still names An Bình, byte for
// byte in HTML and PDF, after the account's details change and after a
// credit note corrects it; the credit note, issued after the change, names
// the new details; documents never show the renderer's parties.
func TestIssuedDocumentsKeepTheirParties(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnvWith(t, newStore(t), func(c *billing.Config) { c.Seller = legalSeller })
		e.fund(t, "acme", 1_000_000)
		acct, err := e.sys.SetLegalDetails(ctx, "legal-1", billing.SetLegalDetailsRequest{AccountID: "acme", Legal: legalBuyer, Actor: "ops@provider"})
		require.NoError(t, err)
		require.Equal(t, legalBuyer, acct.Legal)

		res, err := e.sys.Checkout(ctx, "buy", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit,
			Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: small, Quantity: 1, Term: period.Months(1)}}})
		require.NoError(t, err)
		r := e.provisionAll(t, "acme", res)[0]
		inv := e.bills(t, "acme", r.ID)[0]
		require.Equal(t, legalSeller, *inv.Seller)
		require.Equal(t, legalBuyer, *inv.Buyer)

		renderer, err := document.NewRenderer(document.Config{})
		require.NoError(t, err)
		html, pdf := renderBoth(t, renderer, inv)
		for _, want := range []string{"Công ty TNHH Phần mềm An Bình", "0312345678-001", "Công ty Cổ phần Điện toán Mây Việt", "0101234567",
			"Họ tên người mua hàng: Nguyễn Văn An", "Số tài khoản: 0011001234567 — Vietcombank"} {
			require.Contains(t, string(html), want)
		}
		require.NotContains(t, string(html), "today&#39;s buyer")

		// The account's details change: the issued invoice reads the same.
		_, err = e.sys.SetLegalDetails(ctx, "legal-2", billing.SetLegalDetailsRequest{AccountID: "acme", Legal: movedBuyer,
			Actor: "ops@provider", Reason: "the customer merged into its holding"})
		require.NoError(t, err)
		again, err := e.sys.Invoice(ctx, "acme", inv.ID)
		require.NoError(t, err)
		h2, p2 := renderBoth(t, renderer, again)
		require.Equal(t, html, h2, "the HTML of an issued invoice changed with the account's details")
		require.True(t, bytes.Equal(pdf, p2), "the PDF of an issued invoice changed with the account's details")

		// A credit note corrects it: the invoice still reads the same, and
		// the note names the details in force when it was issued.
		_, err = e.sys.Delete(ctx, "drop", billing.DeleteRequest{AccountID: "acme", ResourceID: r.ID, Reason: "no longer needed"})
		require.NoError(t, err)
		docs := e.bills(t, "acme", r.ID)
		require.Len(t, docs, 2)
		credited, note := docs[0], docs[1]
		require.Equal(t, invoice.KindCreditNote, note.Kind)
		require.True(t, credited.AmountCredited.IsPositive())
		h3, p3 := renderBoth(t, renderer, credited)
		require.Equal(t, html, h3, "the HTML of an issued invoice changed after a credit note")
		require.True(t, bytes.Equal(pdf, p3), "the PDF of an issued invoice changed after a credit note")
		require.Equal(t, movedBuyer, *note.Buyer)
		require.Equal(t, legalSeller, *note.Seller)
		noteHTML, _ := renderBoth(t, renderer, note)
		require.Contains(t, string(noteHTML), "Công ty Cổ phần An Bình Holdings")
	})
}

// TestSetLegalDetailsIsAuditedAndIdempotent: the change is audited once, a
// replay returns the same account, the same details again write nothing,
// and bad details are refused with the field named and nothing changed.
func TestSetLegalDetailsIsAuditedAndIdempotent(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		st := newStore(t)
		e := newEnv(t, st)
		e.account(t, "acme")
		req := billing.SetLegalDetailsRequest{AccountID: "acme", Legal: legalBuyer, Actor: "ops@provider", Reason: "signed contract"}
		first, err := e.sys.SetLegalDetails(ctx, "legal-1", req)
		require.NoError(t, err)
		replay, err := e.sys.SetLegalDetails(ctx, "legal-1", req)
		require.NoError(t, err)
		require.Equal(t, first, replay)
		_, err = e.sys.SetLegalDetails(ctx, "legal-1", billing.SetLegalDetailsRequest{AccountID: "acme", Legal: movedBuyer, Actor: "ops@provider"})
		require.ErrorIs(t, err, billing.ErrIdempotencyConflict)
		same, err := e.sys.SetLegalDetails(ctx, "legal-2", req)
		require.NoError(t, err)
		require.Equal(t, first.Version, same.Version, "the same details change nothing")

		for name, bad := range map[string]billing.SetLegalDetailsRequest{
			"Legal":  {AccountID: "acme", Legal: invoice.Party{TaxCode: "0312345678"}, Actor: "ops"},
			"Actor":  {AccountID: "acme", Legal: movedBuyer},
			"Reason": {AccountID: "acme", Legal: movedBuyer, Actor: "ops", Reason: strings.Repeat("x", billing.MaxReasonBytes+1)},
		} {
			_, err := e.sys.SetLegalDetails(ctx, "bad-"+name, bad)
			var re *billing.RequestError
			require.True(t, errors.As(err, &re), "%s: %v", name, err)
			require.True(t, strings.HasPrefix(re.Field, name), "%s: field %q", name, re.Field)
		}
		_, err = e.sys.SetLegalDetails(ctx, "nobody", billing.SetLegalDetailsRequest{AccountID: "nobody", Legal: movedBuyer, Actor: "ops"})
		require.ErrorIs(t, err, billing.ErrAccountNotFound)

		got, err := e.sys.Account(ctx, "acme")
		require.NoError(t, err)
		require.Equal(t, legalBuyer, got.Legal)
		var audits []storage.AuditRecord
		require.NoError(t, st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			audits, err = tx.Audit().List(ctx, "acme", 0, 100)
			return err
		}))
		n := 0
		for _, a := range audits {
			if a.Action == "account.legal_details_changed" {
				n++
				require.Equal(t, "ops@provider", a.Actor)
				require.Contains(t, string(a.Detail), "0312345678-001")
			}
		}
		require.Equal(t, 1, n)
	})
}

// TestConfigSellerIsChecked: a seller without a name is refused by New.
func TestConfigSellerIsChecked(t *testing.T) {
	cat, err := pricing.SampleCatalog()
	require.NoError(t, err)
	_, err = billing.New(billing.Config{Store: newMemory(), Catalog: cat, Seller: invoice.Party{TaxCode: "0101234567"}})
	var ce *billing.ConfigError
	require.True(t, errors.As(err, &ce) && ce.Field == "Seller", "%v", err)
}
