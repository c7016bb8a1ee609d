package billing_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/document"
	"github.com/cloudbill/cloudbill/invoice/einvoice"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// vatCatalog sells a "server" (plans p at 1,000,000 and q at 2,000,000
// per 30 days, the catalog's 10 %) and "software" (plan p at 1,000,000 in
// the 8 % category), prices in mode (1,100,000 for the inclusive plan p).
func vatCatalog(t testing.TB, mode pricing.TaxMode) *pricing.Catalog {
	t.Helper()
	p := "1000000"
	if mode == pricing.TaxInclusive {
		p = "1100000"
	}
	plans := []pricing.Plan{{ID: "p", Name: "P", Price: decimal.RequireFromString(p)}, {ID: "q", Name: "Q", Price: decimal.RequireFromString("2000000")}}
	cat, err := pricing.NewCatalog(pricing.Config{Currency: "VND", Tax: pricing.TaxPolicy{Rate: decimal.RequireFromString("0.1"), Mode: mode},
		TaxCategories: map[string]decimal.Decimal{"reduced-8": decimal.RequireFromString("0.08")},
		Products: []pricing.Product{
			{ID: "server", Name: "Server", Plans: plans},
			{ID: "software", Name: "Software", Plans: plans[:1], TaxCategory: "reduced-8"},
		}})
	require.NoError(t, err)
	return cat
}

var planP = pricing.Configuration{Plan: "p"}

// vatEnv is an environment on vatCatalog(mode).
func vatEnv(t *testing.T, st storage.Store, mode pricing.TaxMode) env {
	return newEnvWith(t, st, func(c *billing.Config) { c.Catalog = vatCatalog(t, mode) })
}

// setTreatment sets acct's treatment, failing the test on error.
func (e env) setTreatment(t *testing.T, acct string, tt invoice.TaxTreatment) {
	t.Helper()
	_, err := e.sys.SetTaxTreatment(context.Background(), "vat-"+acct+"-"+string(tt)+"-"+e.clk.Now().Format(time.RFC3339Nano),
		billing.SetTaxTreatmentRequest{AccountID: acct, Treatment: tt, Actor: "ops@provider"})
	require.NoError(t, err)
}

// buyOne checks out one month of product at plan p by credit and
// provisions it; it returns the resource and its (first) invoice.
func (e env) buyOne(t *testing.T, acct, product string) (billing.Resource, invoice.Invoice) {
	t.Helper()
	res, err := e.sys.Checkout(context.Background(), "buy-"+acct+"-"+product+e.clk.Now().Format(time.RFC3339Nano), billing.CheckoutRequest{
		AccountID: acct, Method: payment.MethodCredit,
		Items: []billing.OrderItem{{ProductID: product, Configuration: planP, Quantity: 1, Term: period.Months(1)}}})
	require.NoError(t, err)
	r := e.provisionAll(t, acct, res)[0]
	invs := e.bills(t, acct, r.ID)
	require.Len(t, invs, 1)
	return r, invs[0]
}

// lastLine is the only line of the newest document of the resource.
func (e env) lastLine(t *testing.T, acct, resourceID string) invoice.Line {
	t.Helper()
	invs := e.bills(t, acct, resourceID)
	require.NotEmpty(t, invs)
	inv := invs[len(invs)-1]
	require.Len(t, inv.Lines, 1)
	return inv.Lines[0]
}

// declared is how an e-invoice declares line l (a line that does not say
// falls back to 0 %).
func declared(t *testing.T, l invoice.Line) einvoice.VATRate {
	t.Helper()
	v, err := einvoice.RateOf(l.TaxRate, einvoice.ZeroOf(l, einvoice.VAT0))
	require.NoError(t, err)
	return v
}

// TestTaxTreatmentWorkedNumbers: a 1,000,000 server at 10 % exclusive is
// taxed 100,000 for a standard account (declared 10%), 0 for an exempt
// one (declared KCT, the document's tax column says KCT) and 0 for an
// export (declared 0%); software in the 8 % category is taxed 80,000. The
// customer pays the quote: 1,100,000, 1,000,000, 1,000,000, 1,080,000.
func TestTaxTreatmentWorkedNumbers(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := vatEnv(t, newStore(t), pricing.TaxExclusive)
		renderer, err := document.NewRenderer(document.Config{})
		require.NoError(t, err)
		for _, tc := range []struct {
			acct      string
			treatment invoice.TaxTreatment
			product   string
			tax, paid int64
			line      invoice.TaxTreatment
			vat       einvoice.VATRate
			column    string
		}{
			{"std", invoice.TaxStandard, "server", 100_000, 1_100_000, "", einvoice.VAT10, "10%"},
			{"kct", invoice.TaxExempt, "server", 0, 1_000_000, invoice.TaxExempt, einvoice.VATNotTaxable, "KCT"},
			{"export", invoice.TaxZeroRated, "server", 0, 1_000_000, invoice.TaxZeroRated, einvoice.VAT0, "0%"},
			{"soft", invoice.TaxStandard, "software", 80_000, 1_080_000, "", einvoice.VAT8, "8%"},
		} {
			t.Run(tc.acct, func(t *testing.T) {
				e.fund(t, tc.acct, 5_000_000)
				e.setTreatment(t, tc.acct, tc.treatment)
				q, err := e.sys.Quote(ctx, tc.acct, pricing.QuoteRequest{TaxTreatment: invoice.TaxExempt, // ignored: the account's applies
					Items: []pricing.QuoteItem{{ProductID: tc.product, Configuration: planP, Quantity: 1, Term: period.Months(1)}}})
				require.NoError(t, err)
				assert.Equal(t, tc.tax, minor(t, q.Tax), "quoted tax")
				assert.Equal(t, tc.paid, minor(t, q.Total), "quoted total")

				_, inv := e.buyOne(t, tc.acct, tc.product)
				assert.Equal(t, int64(5_000_000)-tc.paid, e.available(t, tc.acct), "the customer paid the quote")
				l := inv.Lines[0]
				assert.Equal(t, []int64{1_000_000, tc.tax, tc.paid}, []int64{minor(t, l.Net), minor(t, l.Tax), minor(t, l.Total)})
				assert.Equal(t, tc.line, l.TaxTreatment)
				assert.Equal(t, tc.vat, declared(t, l))
				var html strings.Builder
				require.NoError(t, renderer.HTML(&html, inv, document.Options{Locale: document.ViVN, Seller: document.Party{Name: "Mây Việt"}, Buyer: document.Party{Name: "An Bình"}}))
				assert.Contains(t, html.String(), ">"+tc.column+"<", "the tax column")
			})
		}
	})
}

// TestTaxTreatmentInclusiveCategory: with prices tax-inclusive, 1,100,000
// of software in the 8 % category contains round(1,100,000 × 0.08 ÷ 1.08)
// = 81,481 of tax (net 1,018,519); for an exempt account none of the
// 1,100,000 is tax.
func TestTaxTreatmentInclusiveCategory(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		e := vatEnv(t, newStore(t), pricing.TaxInclusive)
		e.fund(t, "std", 2_000_000)
		_, inv := e.buyOne(t, "std", "software")
		l := inv.Lines[0]
		assert.Equal(t, []int64{1_018_519, 81_481, 1_100_000}, []int64{minor(t, l.Net), minor(t, l.Tax), minor(t, l.Total)})
		assert.Equal(t, int64(900_000), e.available(t, "std"))

		e.fund(t, "kct", 2_000_000)
		e.setTreatment(t, "kct", invoice.TaxExempt)
		_, inv = e.buyOne(t, "kct", "software")
		l = inv.Lines[0]
		assert.Equal(t, []int64{1_100_000, 0, 1_100_000}, []int64{minor(t, l.Net), minor(t, l.Tax), minor(t, l.Total)})
		assert.Equal(t, invoice.TaxExempt, l.TaxTreatment)
	})
}

// TestTaxTreatmentRenewResizeMatchEnd: an exempt account's renewal, its
// match of end times and its upgrade are all untaxed and declared KCT;
// the upgrade charges exactly its difference.
func TestTaxTreatmentRenewResizeMatchEnd(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := vatEnv(t, newStore(t), pricing.TaxExclusive)
		e.fund(t, "kct", 10_000_000)
		e.setTreatment(t, "kct", invoice.TaxExempt)
		r, _ := e.buyOne(t, "kct", "server")

		_, err := e.sys.Renew(ctx, "renew", billing.RenewRequest{AccountID: "kct", ResourceIDs: []string{r.ID}, Term: period.Months(1),
			PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
		require.NoError(t, err)
		l := e.lastLine(t, "kct", r.ID)
		assert.Equal(t, []int64{1_000_000, 0, 1_000_000}, []int64{minor(t, l.Net), minor(t, l.Tax), minor(t, l.Total)}, "renewal")
		assert.Equal(t, invoice.TaxExempt, l.TaxTreatment)

		cur, err := e.sys.Resource(ctx, "kct", r.ID)
		require.NoError(t, err)
		_, err = e.sys.MatchEndTime(ctx, "match", billing.MatchEndTimeRequest{AccountID: "kct", ResourceIDs: []string{r.ID},
			End: cur.PeriodEnd.Add(3 * 24 * time.Hour), PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
		require.NoError(t, err)
		l = e.lastLine(t, "kct", r.ID)
		assert.Equal(t, []int64{100_000, 0, 100_000}, []int64{minor(t, l.Net), minor(t, l.Tax), minor(t, l.Total)}, "3 days of 1,000,000/30")
		assert.Equal(t, invoice.TaxExempt, l.TaxTreatment)

		rz, err := e.sys.Resize(ctx, "up", billing.ResizeRequest{AccountID: "kct", ResourceID: r.ID, Configuration: pricing.Configuration{Plan: "q"},
			PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
		require.NoError(t, err)
		require.True(t, rz.Difference.IsPositive())
		assert.True(t, rz.Charged.Equal(rz.Difference), "an exempt upgrade charges its difference, no tax: %s vs %s", rz.Charged, rz.Difference)
		l = e.lastLine(t, "kct", r.ID)
		assert.True(t, l.Tax.IsZero())
		assert.Equal(t, invoice.TaxExempt, l.TaxTreatment)
	})
}

// TestCreditNoteReversesTheTaxTheInvoiceCharged: a standard account's
// invoice (1,000,000 + 100,000) credited after the account became exempt
// gives back tax at 10 %, declared as the invoice was; an exempt
// account's invoice credited after it became standard gives back no tax,
// declared KCT. Issued invoices never change.
func TestCreditNoteReversesTheTaxTheInvoiceCharged(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := vatEnv(t, newStore(t), pricing.TaxExclusive)
		for _, tc := range []struct {
			acct     string
			from, to invoice.TaxTreatment
			rate     string
			line     invoice.TaxTreatment
		}{
			{"was-std", invoice.TaxStandard, invoice.TaxExempt, "0.1", ""},
			{"was-kct", invoice.TaxExempt, invoice.TaxStandard, "0", invoice.TaxExempt},
		} {
			t.Run(tc.acct, func(t *testing.T) {
				e.fund(t, tc.acct, 5_000_000)
				e.setTreatment(t, tc.acct, tc.from)
				r, inv := e.buyOne(t, tc.acct, "server")
				e.setTreatment(t, tc.acct, tc.to)
				_, err := e.sys.Delete(ctx, "drop-"+tc.acct, billing.DeleteRequest{AccountID: tc.acct, ResourceID: r.ID, Reason: "no longer needed"})
				require.NoError(t, err)
				docs := e.bills(t, tc.acct, r.ID)
				require.Len(t, docs, 2)
				again, note := docs[0], docs[1]
				require.Equal(t, invoice.KindCreditNote, note.Kind)
				assert.Equal(t, inv.Lines, again.Lines, "the issued invoice is unchanged")
				for _, l := range note.Lines {
					assert.Equal(t, tc.rate, l.TaxRate.String())
					assert.Equal(t, tc.line, l.TaxTreatment)
					// The tax given back is the tax contained in the credit
					// at the invoice's rate: Total × rate ÷ (1 + rate).
					rate := decimal.RequireFromString(tc.rate)
					want := l.Total.Number().Mul(rate).Div(rate.Add(decimal.NewFromInt(1))).Round(0)
					assert.Equal(t, want.String(), l.Tax.Number().String())
				}
				if tc.rate == "0.1" {
					require.True(t, note.Tax.IsPositive(), "the refund reverses the 10%% the invoice charged")
				}
			})
		}
	})
}

// TestPostpaidMonthCloseOfAnExemptAccount: an exempt postpaid account's
// April (the whole month of a 181,000 configuration) is billed 181,000
// with no tax, its line declared KCT; a standard one pays 181,000 +
// 18,100.
func TestPostpaidMonthCloseOfAnExemptAccount(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		for _, tc := range []struct {
			treatment invoice.TaxTreatment
			want      [4]int64
			line      invoice.TaxTreatment
		}{
			{invoice.TaxExempt, [4]int64{181_000, 0, 0, 181_000}, invoice.TaxExempt},
			{invoice.TaxStandard, [4]int64{181_000, 18_100, 0, 199_100}, ""},
		} {
			t.Run(string(tc.treatment), func(t *testing.T) {
				e := postpaidEnv(t, newStore(t), "acme", nil)
				e.clk.Set(time.Date(2026, 3, 31, 17, 0, 0, 0, time.UTC)) // April 1, 00:00 local
				e.setTreatment(t, "acme", tc.treatment)
				r := e.buy(t, "acme", small, period.Months(1))
				e.clk.Set(aprilClose)
				require.Equal(t, 1, e.tickAll(t).BillsIssued)
				bills := e.bills(t, "acme", r.ID)
				require.Len(t, bills, 1)
				require.Equal(t, [][4]int64{tc.want}, lineTotals(t, bills[0]))
				assert.Equal(t, tc.line, bills[0].Lines[0].TaxTreatment)
			})
		}
	})
}

// TestSetTaxTreatmentRefusalsAndIdempotency: an undeclared or empty
// treatment, a missing actor and an unknown account are typed errors with
// nothing changed; a replay returns the first result; another request
// under the same key is a conflict; the treatment the account has already
// writes no audit record.
func TestSetTaxTreatmentRefusalsAndIdempotency(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := vatEnv(t, newStore(t), pricing.TaxExclusive)
		e.account(t, "acme")
		before, err := e.sys.Account(ctx, "acme")
		require.NoError(t, err)
		for _, tc := range []struct {
			name  string
			req   billing.SetTaxTreatmentRequest
			field string
		}{
			{"an undeclared treatment", billing.SetTaxTreatmentRequest{AccountID: "acme", Treatment: "reverse_charge", Actor: "ops"}, "Treatment"},
			{"the label instead of the treatment", billing.SetTaxTreatmentRequest{AccountID: "acme", Treatment: "KCT", Actor: "ops"}, "Treatment"},
			{"no treatment", billing.SetTaxTreatmentRequest{AccountID: "acme", Actor: "ops"}, "Treatment"},
			{"no actor", billing.SetTaxTreatmentRequest{AccountID: "acme", Treatment: invoice.TaxExempt}, "Actor"},
		} {
			t.Run(tc.name+" is refused", func(t *testing.T) {
				_, err := e.sys.SetTaxTreatment(ctx, "bad", tc.req)
				var re *billing.RequestError
				require.True(t, errors.As(err, &re), "%v", err)
				assert.Equal(t, tc.field, re.Field)
				assert.ErrorIs(t, err, billing.ErrInvalidRequest)
			})
		}
		_, err = e.sys.SetTaxTreatment(ctx, "nobody", billing.SetTaxTreatmentRequest{AccountID: "nobody", Treatment: invoice.TaxExempt, Actor: "ops"})
		require.ErrorIs(t, err, billing.ErrAccountNotFound)
		after, err := e.sys.Account(ctx, "acme")
		require.NoError(t, err)
		require.Equal(t, before, after, "nothing changed")

		req := billing.SetTaxTreatmentRequest{AccountID: "acme", Treatment: invoice.TaxZeroRated, Actor: "ops", Reason: "exports to Singapore"}
		first, err := e.sys.SetTaxTreatment(ctx, "vat-1", req)
		require.NoError(t, err)
		require.Equal(t, invoice.TaxZeroRated, first.TaxTreatment)
		replay, err := e.sys.SetTaxTreatment(ctx, "vat-1", req)
		require.NoError(t, err)
		require.Equal(t, first, replay)
		_, err = e.sys.SetTaxTreatment(ctx, "vat-1", billing.SetTaxTreatmentRequest{AccountID: "acme", Treatment: invoice.TaxExempt, Actor: "ops"})
		require.ErrorIs(t, err, billing.ErrIdempotencyConflict)
		same, err := e.sys.SetTaxTreatment(ctx, "vat-2", req)
		require.NoError(t, err)
		require.Equal(t, first.Version, same.Version, "the same treatment again changes nothing")

		trail, err := items(e.sys.AuditTrail(ctx, billing.ListRequest{AccountID: "acme", Limit: 100}))
		require.NoError(t, err)
		var changes []map[string]string
		for _, rec := range trail {
			if rec.Action == "account.tax_treatment_changed" {
				var detail map[string]string
				require.NoError(t, json.Unmarshal(rec.Detail, &detail))
				changes = append(changes, detail)
			}
		}
		require.Equal(t, []map[string]string{{"from": "standard", "to": "zero_rated", "reason": "exports to Singapore"}}, changes)
	})
}

// TestSetTaxTreatmentRacesCheckout: a treatment change and a checkout on
// the same account serialise: each order is wholly of one treatment — paid
// 1,100,000 with 100,000 of tax at 10 %, or 1,000,000 untaxed and declared
// KCT — never a mix, and the wallet paid exactly the order's total.
func TestSetTaxTreatmentRacesCheckout(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := vatEnv(t, newStore(t), pricing.TaxExclusive)
		const rounds = 4
		for i := range rounds {
			acct := fmt.Sprintf("race-%d", i)
			e.fund(t, acct, 2_000_000)
			var wg sync.WaitGroup
			var res billing.CheckoutResult
			var cerr, serr error
			wg.Add(2)
			go func() {
				defer wg.Done()
				res, cerr = e.sys.Checkout(ctx, "buy", billing.CheckoutRequest{AccountID: acct, Method: payment.MethodCredit,
					Items: []billing.OrderItem{{ProductID: "server", Configuration: planP, Quantity: 1, Term: period.Months(1)}}})
			}()
			go func() {
				defer wg.Done()
				_, serr = e.sys.SetTaxTreatment(ctx, "vat", billing.SetTaxTreatmentRequest{AccountID: acct, Treatment: invoice.TaxExempt, Actor: "ops"})
			}()
			wg.Wait()
			require.NoError(t, cerr)
			require.NoError(t, serr)
			r := e.provisionAll(t, acct, res)[0]
			l := e.lastLine(t, acct, r.ID)
			switch minor(t, res.Order.Total) {
			case 1_100_000:
				assert.Equal(t, []int64{100_000, 1_100_000}, []int64{minor(t, l.Tax), minor(t, l.Total)})
				assert.Equal(t, invoice.TaxTreatment(""), l.TaxTreatment)
			case 1_000_000:
				assert.Equal(t, []int64{0, 1_000_000}, []int64{minor(t, l.Tax), minor(t, l.Total)})
				assert.Equal(t, invoice.TaxExempt, l.TaxTreatment)
			default:
				t.Fatalf("order total %s is neither treatment's", res.Order.Total)
			}
			assert.Equal(t, 2_000_000-minor(t, res.Order.Total), e.available(t, acct))
			a, err := e.sys.Account(ctx, acct)
			require.NoError(t, err)
			assert.Equal(t, invoice.TaxExempt, a.TaxTreatment)
		}
	})
}
