package billing_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/internal/testenv"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/document"
	"github.com/cloudbill/cloudbill/invoice/einvoice"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// sellerSigner is the seller's signing key and a certificate for it.
func sellerSigner(t testing.TB) *einvoice.Signer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: legalSeller.Name, SerialNumber: "MST:" + legalSeller.TaxCode},
		NotBefore: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2029, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return &einvoice.Signer{Key: key, Certificate: cert}
}

// eInvoiceEnv is a System issuing e-invoices of series C26TAA, with the
// buyer's legal details on "acme" and 10,000,000 VND of credit.
func eInvoiceEnv(t *testing.T, st storage.Store, ec billing.EInvoiceConfig) env {
	t.Helper()
	e := newEnvWith(t, st, func(c *billing.Config) { c.Seller = legalSeller; c.EInvoice = &ec })
	e.fund(t, "acme", 10_000_000)
	_, err := e.sys.SetLegalDetails(context.Background(), "legal", billing.SetLegalDetailsRequest{AccountID: "acme", Legal: legalBuyer, Actor: "ops@provider"})
	require.NoError(t, err)
	return e
}

// xmlText is the text of the element at path in an e-invoice's XML.
func xmlText(t *testing.T, xml []byte, path string) string {
	t.Helper()
	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromBytes(xml))
	el := doc.FindElement(path)
	require.NotNil(t, el, "no %s", path)
	return el.Text()
}

// TestEInvoiceOfAnOrder: an order of two servers (181,000 VND each, 10 %
// VAT added: 199,100 each) gets one e-invoice once both have started —
// form 1, symbol C26TAA, number 00000001, signed by the seller, totals
// 362,000 + 36,200 = 398,200 and "Ba trăm chín mươi tám nghìn hai trăm
// đồng"; deleting one server issues an adjustment, number 00000002,
// naming the original; a replacement with the buyer corrected is
// 00000003; everything on both stores.
func TestEInvoiceOfAnOrder(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		signer := sellerSigner(t)
		e := eInvoiceEnv(t, newStore(t), billing.EInvoiceConfig{Symbol: "C26TAA", Grouping: billing.EInvoiceGrouped, Signer: signer})
		res, err := e.sys.Checkout(ctx, "buy", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit,
			Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: small, Quantity: 2, Term: period.Months(1)}}})
		require.NoError(t, err)
		require.Len(t, res.Resources, 2)

		first, err := e.sys.ProvisioningSucceeded(ctx, "prov-1", billing.ProvisioningRequest{AccountID: "acme", ResourceID: res.Resources[0].ID})
		require.NoError(t, err)
		firstInv := e.bills(t, "acme", first.ID)[0]
		got, err := e.sys.DocumentEInvoices(ctx, "acme", firstInv.ID)
		require.NoError(t, err)
		require.Empty(t, got, "the order's e-invoice waits for its second server")

		second, err := e.sys.ProvisioningSucceeded(ctx, "prov-2", billing.ProvisioningRequest{AccountID: "acme", ResourceID: res.Resources[1].ID})
		require.NoError(t, err)
		secondInv := e.bills(t, "acme", second.ID)[0]
		got, err = e.sys.DocumentEInvoices(ctx, "acme", firstInv.ID)
		require.NoError(t, err)
		require.Len(t, got, 1)
		orig := got[0]
		require.Equal(t, billing.EInvoiceOriginal, orig.Kind)
		require.Equal(t, []string{firstInv.ID, secondInv.ID}, orig.DocumentIDs)
		require.Equal(t, 1, orig.Form)
		require.Equal(t, "C26TAA", orig.Symbol)
		require.Equal(t, "00000001", orig.Number)
		require.Equal(t, billing.EInvoiceSigned, orig.Status)
		v, err := einvoice.Verify(orig.XML)
		require.NoError(t, err)
		require.True(t, v.Certificate.Equal(signer.Certificate))
		require.Equal(t, "362000", xmlText(t, orig.XML, "/HDon/DLHDon/NDHDon/TToan/TgTCThue"))
		require.Equal(t, "36200", xmlText(t, orig.XML, "/HDon/DLHDon/NDHDon/TToan/TgTThue"))
		require.Equal(t, "398200", xmlText(t, orig.XML, "/HDon/DLHDon/NDHDon/TToan/TgTTTBSo"))
		require.Equal(t, "Ba trăm chín mươi tám nghìn hai trăm đồng", xmlText(t, orig.XML, "/HDon/DLHDon/NDHDon/TToan/TgTTTBChu"))
		require.Equal(t, legalBuyer.TaxCode, xmlText(t, orig.XML, "/HDon/DLHDon/NDHDon/NMua/MST"))
		require.Equal(t, legalSeller.TaxCode, xmlText(t, orig.XML, "/HDon/DLHDon/NDHDon/NBan/MST"))
		again, err := e.sys.DocumentEInvoices(ctx, "acme", secondInv.ID)
		require.NoError(t, err)
		require.Equal(t, []billing.EInvoice{orig}, again, "one e-invoice states both invoices")

		// Ten days later, deleting the second server credits its unused
		// time: an adjustment of the order's e-invoice.
		e.clk.Advance(10 * 24 * time.Hour)
		_, err = e.sys.Delete(ctx, "drop", billing.DeleteRequest{AccountID: "acme", ResourceID: second.ID})
		require.NoError(t, err)
		bills := e.bills(t, "acme", second.ID)
		require.Len(t, bills, 2)
		note := bills[1]
		require.Equal(t, invoice.KindCreditNote, note.Kind)
		adj, err := e.sys.DocumentEInvoices(ctx, "acme", note.ID)
		require.NoError(t, err)
		require.Len(t, adj, 1)
		require.Equal(t, billing.EInvoiceAdjustment, adj[0].Kind)
		require.Equal(t, "00000002", adj[0].Number)
		require.Equal(t, orig.ID, adj[0].RelatedID)
		_, err = einvoice.Verify(adj[0].XML)
		require.NoError(t, err)
		require.Equal(t, "2", xmlText(t, adj[0].XML, "/HDon/DLHDon/TTChung/TTHDLQuan/TCHDon"))
		require.Equal(t, "C26TAA", xmlText(t, adj[0].XML, "/HDon/DLHDon/TTChung/TTHDLQuan/KHHDCLQuan"))
		require.Equal(t, "1", xmlText(t, adj[0].XML, "/HDon/DLHDon/TTChung/TTHDLQuan/SHDCLQuan"))
		require.Equal(t, "-"+strconv.FormatInt(minor(t, note.Total), 10), xmlText(t, adj[0].XML, "/HDon/DLHDon/NDHDon/TToan/TgTTTBSo"))

		// A replacement with the buyer's tax code corrected.
		e.clk.Advance(time.Hour)
		fixed := legalBuyer
		fixed.TaxCode = "0312345678-002"
		rep, err := e.sys.ReplaceEInvoice(ctx, "replace", billing.ReplaceEInvoiceRequest{AccountID: "acme", EInvoiceID: orig.ID,
			Reason: "sai mã số thuế người mua", Buyer: &fixed, Actor: "ketoan@provider"})
		require.NoError(t, err)
		require.Equal(t, billing.EInvoiceReplacement, rep.Kind)
		require.Equal(t, "00000003", rep.Number)
		require.Equal(t, orig.ID, rep.RelatedID)
		require.Equal(t, "0312345678-002", xmlText(t, rep.XML, "/HDon/DLHDon/NDHDon/NMua/MST"))
		require.Equal(t, "1", xmlText(t, rep.XML, "/HDon/DLHDon/TTChung/TTHDLQuan/TCHDon"))
		replay, err := e.sys.ReplaceEInvoice(ctx, "replace", billing.ReplaceEInvoiceRequest{AccountID: "acme", EInvoiceID: orig.ID,
			Reason: "sai mã số thuế người mua", Buyer: &fixed, Actor: "ketoan@provider"})
		require.NoError(t, err)
		require.Equal(t, rep, replay)
		_, err = e.sys.ReplaceEInvoice(ctx, "replace-2", billing.ReplaceEInvoiceRequest{AccountID: "acme", EInvoiceID: orig.ID,
			Reason: "again", Actor: "ketoan@provider"})
		require.ErrorIs(t, err, billing.ErrEInvoiceState)
		_, err = e.sys.ReplaceEInvoice(ctx, "replace-3", billing.ReplaceEInvoiceRequest{AccountID: "acme", EInvoiceID: adj[0].ID,
			Reason: "an adjustment", Actor: "ketoan@provider"})
		require.ErrorIs(t, err, billing.ErrEInvoiceState)
		old, err := e.sys.EInvoice(ctx, "acme", orig.ID)
		require.NoError(t, err)
		require.Equal(t, rep.ID, old.ReplacedByID)
		require.Equal(t, orig.XML, old.XML, "the replaced e-invoice is not changed")

		page, err := e.sys.EInvoices(ctx, billing.ListRequest{AccountID: "acme"})
		require.NoError(t, err)
		require.Len(t, page.Items, 3)
		require.Equal(t, rep.ID, page.Items[0].ID, "newest first")
		_, err = e.sys.EInvoice(ctx, "someone-else", orig.ID)
		require.Error(t, err)
	})
}

// TestEInvoiceStatusesMoveForward: sent, then accepted with the
// authority's code and the lookup code; a replay of the key gives the
// same result, the key with another request is a conflict, and nothing
// leaves a final status.
func TestEInvoiceStatusesMoveForward(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := eInvoiceEnv(t, newStore(t), billing.EInvoiceConfig{Symbol: "C26TAA", Signer: sellerSigner(t)})
		einv := buyOneEInvoice(t, e)
		require.Equal(t, "00000001", einv.Number)

		rec := func(key string, st billing.EInvoiceStatus, mod func(*billing.RecordEInvoiceStatusRequest)) (billing.EInvoice, error) {
			req := billing.RecordEInvoiceStatusRequest{AccountID: "acme", EInvoiceID: einv.ID, Status: st, Actor: "vnpt-adapter"}
			if mod != nil {
				mod(&req)
			}
			return e.sys.RecordEInvoiceStatus(ctx, key, req)
		}
		sent, err := rec("s1", billing.EInvoiceSent, func(r *billing.RecordEInvoiceStatusRequest) { r.ProviderRef = "VNPT-778812" })
		require.NoError(t, err)
		require.Equal(t, billing.EInvoiceSent, sent.Status)
		require.Equal(t, "VNPT-778812", sent.ProviderRef)

		_, err = rec("s2", billing.EInvoiceAccepted, nil)
		require.ErrorIs(t, err, billing.ErrInvalidRequest, "accepted needs the codes")
		acc, err := rec("s3", billing.EInvoiceAccepted, func(r *billing.RecordEInvoiceStatusRequest) {
			r.AuthorityCode, r.LookupCode = "M1-26-ABCDE-00000000001", "K7QX2P9M"
		})
		require.NoError(t, err)
		require.Equal(t, billing.EInvoiceAccepted, acc.Status)
		require.Equal(t, "K7QX2P9M", acc.LookupCode)
		replay, err := rec("s3", billing.EInvoiceAccepted, func(r *billing.RecordEInvoiceStatusRequest) {
			r.AuthorityCode, r.LookupCode = "M1-26-ABCDE-00000000001", "K7QX2P9M"
		})
		require.NoError(t, err)
		require.Equal(t, acc, replay)
		_, err = rec("s3", billing.EInvoiceRejected, func(r *billing.RecordEInvoiceStatusRequest) { r.Reason = "x" })
		require.ErrorIs(t, err, billing.ErrIdempotencyConflict)
		_, err = rec("s4", billing.EInvoiceRejected, func(r *billing.RecordEInvoiceStatusRequest) { r.Reason = "late" })
		require.ErrorIs(t, err, billing.ErrEInvoiceState)
		_, err = rec("s5", billing.EInvoiceSent, nil)
		require.ErrorIs(t, err, billing.ErrEInvoiceState)
		_, err = rec("s6", "lost", nil)
		require.ErrorIs(t, err, billing.ErrInvalidRequest)
		_, err = rec("s7", billing.EInvoiceSent, func(r *billing.RecordEInvoiceStatusRequest) { r.EInvoiceID = "einv_missing" })
		require.ErrorIs(t, err, billing.ErrEInvoiceNotFound)

		events, err := items(e.sys.Events(ctx, billing.ListRequest{AccountID: "acme", Limit: 1000}))
		require.NoError(t, err)
		var kinds []billing.EventKind
		for _, ev := range events {
			if ev.Stream == "einvoice:acme" {
				kinds = append(kinds, ev.Kind)
				v, err := ev.Decode()
				require.NoError(t, err)
				p, ok := v.(billing.EInvoicePayload)
				require.True(t, ok, "%T", v)
				require.Equal(t, einv.ID, p.EInvoiceID)
				require.Equal(t, ev.Kind == billing.EventEInvoiceIssued, len(p.XML) > 0, "only einvoice.issued carries the XML")
			}
		}
		require.Equal(t, []billing.EventKind{billing.EventEInvoiceIssued, billing.EventEInvoiceStatus, billing.EventEInvoiceStatus}, kinds)
	})
}

// buyOneEInvoice buys and starts one server for "acme" and returns the
// e-invoice of its invoice.
func buyOneEInvoice(t *testing.T, e env) billing.EInvoice {
	t.Helper()
	ctx := context.Background()
	res, err := e.sys.Checkout(ctx, "buy-"+strconv.Itoa(int(e.clk.Now().UnixNano())), billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit,
		Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: small, Quantity: 1, Term: period.Months(1)}}})
	require.NoError(t, err)
	r := e.provisionAll(t, "acme", res)[0]
	inv := e.bills(t, "acme", r.ID)[0]
	got, err := e.sys.DocumentEInvoices(ctx, "acme", inv.ID)
	require.NoError(t, err)
	require.Len(t, got, 1)
	return got[0]
}

// TestEInvoiceSignedByTheProvider: without the seller's key an e-invoice
// is a draft; it moves on only with the provider's signed XML of the same
// content: a signature over another amount is refused.
func TestEInvoiceSignedByTheProvider(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := eInvoiceEnv(t, newStore(t), billing.EInvoiceConfig{Symbol: "C26TAA"})
		draft := buyOneEInvoice(t, e)
		require.Equal(t, billing.EInvoiceDraft, draft.Status)
		_, err := einvoice.Verify(draft.XML)
		require.ErrorIs(t, err, einvoice.ErrSignature, "a draft is not signed")

		report := func(key string, xml []byte) (billing.EInvoice, error) {
			return e.sys.RecordEInvoiceStatus(ctx, key, billing.RecordEInvoiceStatusRequest{AccountID: "acme", EInvoiceID: draft.ID,
				Status: billing.EInvoiceSent, SignedXML: xml, Actor: "viettel-adapter"})
		}
		_, err = report("r1", nil)
		require.ErrorIs(t, err, billing.ErrEInvoiceState)

		// The provider signs what was issued.
		signer := sellerSigner(t)
		signed := signDraft(t, draft.XML, signer, nil)
		tampered := signDraft(t, draft.XML, signer, func(doc *etree.Document) {
			doc.FindElement("/HDon/DLHDon/NDHDon/TToan/TgTTTBSo").SetText("1")
		})
		_, err = report("r2", tampered)
		require.ErrorIs(t, err, einvoice.ErrSignature)
		got, err := report("r3", signed)
		require.NoError(t, err)
		require.Equal(t, billing.EInvoiceSent, got.Status)
		require.Equal(t, signed, got.XML)
		_, err = e.sys.RecordEInvoiceStatus(ctx, "r4", billing.RecordEInvoiceStatusRequest{AccountID: "acme", EInvoiceID: draft.ID,
			Status: billing.EInvoiceSent, SignedXML: signed, Actor: "viettel-adapter"})
		require.ErrorIs(t, err, billing.ErrEInvoiceState, "a signed e-invoice's XML never changes")
	})
}

// signDraft signs an issued draft's content (changed by mod first, if
// set) as a provider holding the seller's key would.
func signDraft(t *testing.T, draft []byte, s *einvoice.Signer, mod func(*etree.Document)) []byte {
	t.Helper()
	doc := etree.NewDocument()
	require.NoError(t, doc.ReadFromBytes(draft))
	if mod != nil {
		mod(doc)
	}
	out, err := einvoice.SignXML(doc, *s)
	require.NoError(t, err)
	return out
}

// recordingProvider is an e-invoice provider that accepts every
// submission and remembers them.
type recordingProvider struct {
	mu   sync.Mutex
	subs []billing.EInvoiceSubmission
	fail error
}

func (p *recordingProvider) Submit(_ context.Context, sub billing.EInvoiceSubmission) (billing.EInvoiceReceipt, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fail != nil {
		return billing.EInvoiceReceipt{}, p.fail
	}
	p.subs = append(p.subs, sub)
	return billing.EInvoiceReceipt{Status: billing.EInvoiceSent, ProviderRef: "P-" + sub.Number}, nil
}

// TestEInvoiceProviderReceivesEachOnce: delivering the events submits
// every e-invoice to the provider once, records "sent", and a provider
// that fails is retried with the outbox's backoff without losing it.
func TestEInvoiceProviderReceivesEachOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		prov := &recordingProvider{fail: errors.New("provider down")}
		e := eInvoiceEnv(t, newStore(t), billing.EInvoiceConfig{Symbol: "C26TAA", Signer: sellerSigner(t), Provider: prov})
		handled := 0
		sys, err := billing.New(billing.Config{Store: e.st, Catalog: e.sys.Catalog(), Clock: e.clk, Seller: legalSeller,
			EInvoice:     &billing.EInvoiceConfig{Symbol: "C26TAA", Signer: sellerSigner(t), Provider: prov},
			EventHandler: func(context.Context, billing.Event) error { handled++; return nil }})
		require.NoError(t, err)
		einv := buyOneEInvoice(t, e)

		_, err = sys.DeliverEvents(ctx, 1000)
		require.NoError(t, err)
		got, err := sys.EInvoice(ctx, "acme", einv.ID)
		require.NoError(t, err)
		require.Equal(t, billing.EInvoiceSigned, got.Status, "a failed submission changes nothing")

		prov.mu.Lock()
		prov.fail = nil
		prov.mu.Unlock()
		e.clk.Advance(2 * time.Hour)
		_, err = sys.DeliverEvents(ctx, 1000)
		require.NoError(t, err)
		got, err = sys.EInvoice(ctx, "acme", einv.ID)
		require.NoError(t, err)
		require.Equal(t, billing.EInvoiceSent, got.Status)
		require.Equal(t, "P-00000001", got.ProviderRef)
		require.Len(t, prov.subs, 1)
		require.Equal(t, einv.ID, prov.subs[0].ID)
		require.True(t, prov.subs[0].Signed)
		require.Equal(t, einv.XML, prov.subs[0].XML)
		require.Positive(t, handled)
	})
}

// TestEInvoiceNumbersAreGaplessUnderConcurrency: 8 accounts buying at
// once on one series get the numbers 1 to 8, each once.
func TestEInvoiceNumbersAreGaplessUnderConcurrency(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := eInvoiceEnv(t, newStore(t), billing.EInvoiceConfig{Symbol: "C26TAA", Signer: sellerSigner(t)})
		const n = 8
		for i := range n {
			e.fund(t, "acct-"+strconv.Itoa(i), 1_000_000)
		}
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				acct := "acct-" + strconv.Itoa(i)
				res, err := e.sys.Checkout(ctx, "buy", billing.CheckoutRequest{AccountID: acct, Method: payment.MethodCredit,
					Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: small, Quantity: 1, Term: period.Months(1)}}})
				if err == nil {
					_, err = e.sys.ProvisioningSucceeded(ctx, "prov", billing.ProvisioningRequest{AccountID: acct, ResourceID: res.Resources[0].ID})
				}
				errs[i] = err
			}()
		}
		wg.Wait()
		seen := map[string]bool{}
		for i := range n {
			require.NoError(t, errs[i])
			page, err := e.sys.EInvoices(ctx, billing.ListRequest{AccountID: "acct-" + strconv.Itoa(i)})
			require.NoError(t, err)
			require.Len(t, page.Items, 1)
			seen[page.Items[0].Number] = true
		}
		for i := 1; i <= n; i++ {
			num, err := einvoice.FormatNumber(int64(i))
			require.NoError(t, err)
			require.True(t, seen[num], "number %s", num)
		}
	})
}

// TestEInvoiceConfigIsChecked: a symbol, zone, form, zero rate or key that
// cannot issue, or a seller without a tax code, is refused by New.
func TestEInvoiceConfigIsChecked(t *testing.T) {
	cat, err := pricing.SampleCatalog()
	require.NoError(t, err)
	other := sellerSigner(t)
	mismatched := &einvoice.Signer{Key: sellerSigner(t).Key, Certificate: other.Certificate}
	for name, tc := range map[string]struct {
		seller invoice.Party
		ec     billing.EInvoiceConfig
		field  string
	}{
		"no symbol":          {legalSeller, billing.EInvoiceConfig{}, "EInvoice.Symbol"},
		"bad symbol":         {legalSeller, billing.EInvoiceConfig{Symbol: "X26TAA"}, "EInvoice.Symbol"},
		"bad form":           {legalSeller, billing.EInvoiceConfig{Symbol: "C26TAA", Form: 9}, "EInvoice.Form"},
		"bad zone":           {legalSeller, billing.EInvoiceConfig{Symbol: "C26TAA", TimeZone: "Mars/Base"}, "EInvoice.TimeZone"},
		"bad zero rate":      {legalSeller, billing.EInvoiceConfig{Symbol: "C26TAA", ZeroRate: einvoice.VAT10}, "EInvoice.ZeroRate"},
		"bad grouping":       {legalSeller, billing.EInvoiceConfig{Symbol: "C26TAA", Grouping: 7}, "EInvoice.Grouping"},
		"key of another":     {legalSeller, billing.EInvoiceConfig{Symbol: "C26TAA", Signer: mismatched}, "EInvoice.Signer"},
		"seller without MST": {invoice.Party{Name: "Mây Việt"}, billing.EInvoiceConfig{Symbol: "C26TAA"}, "Seller"},
	} {
		t.Run(name, func(t *testing.T) {
			ec := tc.ec
			_, err := billing.New(billing.Config{Store: newMemory(), Catalog: cat, Seller: tc.seller, EInvoice: &ec})
			var ce *billing.ConfigError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, tc.field, ce.Field)
		})
	}
}

// TestEInvoiceOfAPostpaidMonth: grouped, April's two bills (66,366 … and
// 132,734 … VND) share one e-invoice, issued at the daily run after the
// close (09:00 on 1 May in Hồ Chí Minh City); per invoice, each bill has
// its own at once.
func TestEInvoiceOfAPostpaidMonth(t *testing.T) {
	for name, grouping := range map[string]billing.EInvoiceGrouping{"grouped": billing.EInvoiceGrouped, "per invoice": billing.EInvoicePerInvoice} {
		t.Run(name, func(t *testing.T) { eInvoiceOfAPostpaidMonth(t, grouping) })
	}
}

func eInvoiceOfAPostpaidMonth(t *testing.T, grouping billing.EInvoiceGrouping) {
	{
		forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
			ctx := context.Background()
			e := postpaidEnv(t, newStore(t), "acme", func(c *billing.Config) {
				c.Seller = legalSeller
				c.EInvoice = &billing.EInvoiceConfig{Symbol: "C26TAA", Grouping: grouping, Signer: sellerSigner(t)}
			})
			rA := e.buy(t, "acme", small, period.Months(1))
			rB := e.buy(t, "acme", small, period.Months(1))
			e.clk.Set(aprilClose)
			require.Equal(t, 2, e.tickAll(t).BillsIssued)
			a, b := e.bills(t, "acme", rA.ID)[0], e.bills(t, "acme", rB.ID)[0]
			page, err := e.sys.EInvoices(ctx, billing.ListRequest{AccountID: "acme"})
			require.NoError(t, err)
			if grouping == billing.EInvoicePerInvoice {
				require.Len(t, page.Items, 2, "one per bill, at the close")
				return
			}
			require.Empty(t, page.Items, "the month's e-invoice waits for the daily run")
			e.clk.Set(time.Date(2026, 5, 1, 2, 0, 30, 0, time.UTC)) // 09:00:30 in Hồ Chí Minh City
			e.tickAll(t)
			page, err = e.sys.EInvoices(ctx, billing.ListRequest{AccountID: "acme"})
			require.NoError(t, err)
			require.Len(t, page.Items, 1)
			got := page.Items[0]
			require.ElementsMatch(t, []string{a.ID, b.ID}, got.DocumentIDs)
			require.Equal(t, "00000001", got.Number)
			require.Equal(t, strconv.FormatInt(minor(t, a.Total)+minor(t, b.Total), 10), xmlText(t, got.XML, "/HDon/DLHDon/NDHDon/TToan/TgTTTBSo"))
			// The job ran once: nothing more is issued.
			e.clk.Set(time.Date(2026, 5, 2, 2, 0, 30, 0, time.UTC))
			e.tickAll(t)
			page, err = e.sys.EInvoices(ctx, billing.ListRequest{AccountID: "acme"})
			require.NoError(t, err)
			require.Len(t, page.Items, 1)
		})
	}
}

// TestEInvoiceOfATwoRateOrder: an order of a server (1,000,000 VND at the
// catalog's 10 %) and software (1,000,000 at the 8 % category) is one
// signed e-invoice: 2,000,000 before VAT, 100,000 + 80,000 VAT, 2,180,000
// payable, "Hai triệu một trăm tám mươi nghìn đồng"; deleting the software
// after ten days issues an adjustment naming it; its PDF view shows the
// symbol, the number, both tax codes and the words. On both stores.
func TestEInvoiceOfATwoRateOrder(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		signer := sellerSigner(t)
		e := newEnvWith(t, newStore(t), func(c *billing.Config) {
			c.Catalog = vatCatalog(t, pricing.TaxExclusive)
			c.Seller = legalSeller
			c.EInvoice = &billing.EInvoiceConfig{Symbol: "C26TAA", Grouping: billing.EInvoiceGrouped, Signer: signer}
		})
		e.fund(t, "acme", 10_000_000)
		_, err := e.sys.SetLegalDetails(ctx, "legal", billing.SetLegalDetailsRequest{AccountID: "acme", Legal: legalBuyer, Actor: "ops@provider"})
		require.NoError(t, err)
		res, err := e.sys.Checkout(ctx, "buy", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit,
			Items: []billing.OrderItem{
				{ProductID: "server", Configuration: planP, Quantity: 1, Term: period.Months(1)},
				{ProductID: "software", Configuration: planP, Quantity: 1, Term: period.Months(1)},
			}})
		require.NoError(t, err)
		rs := e.provisionAll(t, "acme", res)
		page, err := e.sys.EInvoices(ctx, billing.ListRequest{AccountID: "acme"})
		require.NoError(t, err)
		require.Len(t, page.Items, 1)
		orig := page.Items[0]
		require.Len(t, orig.DocumentIDs, 2)
		_, err = einvoice.Verify(orig.XML)
		require.NoError(t, err)
		const total = "/HDon/DLHDon/NDHDon/TToan/"
		require.Equal(t, "2000000", xmlText(t, orig.XML, total+"TgTCThue"))
		require.Equal(t, "180000", xmlText(t, orig.XML, total+"TgTThue"))
		require.Equal(t, "2180000", xmlText(t, orig.XML, total+"TgTTTBSo"))
		require.Equal(t, "Hai triệu một trăm tám mươi nghìn đồng", xmlText(t, orig.XML, total+"TgTTTBChu"))
		parsed, err := einvoice.ParseXML(orig.XML, "Asia/Ho_Chi_Minh")
		require.NoError(t, err)
		tot, err := parsed.Totals()
		require.NoError(t, err)
		require.Len(t, tot.ByRate, 2)
		require.Equal(t, einvoice.VAT10, tot.ByRate[0].Rate)
		require.Equal(t, int64(100_000), minor(t, tot.ByRate[0].Tax))
		require.Equal(t, einvoice.VAT8, tot.ByRate[1].Rate)
		require.Equal(t, int64(80_000), minor(t, tot.ByRate[1].Tax))

		e.clk.Advance(10 * 24 * time.Hour)
		_, err = e.sys.Delete(ctx, "drop", billing.DeleteRequest{AccountID: "acme", ResourceID: rs[1].ID})
		require.NoError(t, err)
		page, err = e.sys.EInvoices(ctx, billing.ListRequest{AccountID: "acme"})
		require.NoError(t, err)
		require.Len(t, page.Items, 2)
		adj := page.Items[0]
		require.Equal(t, billing.EInvoiceAdjustment, adj.Kind)
		require.Equal(t, "00000002", adj.Number)
		require.Equal(t, orig.ID, adj.RelatedID)
		require.Equal(t, "1", xmlText(t, adj.XML, "/HDon/DLHDon/TTChung/TTHDLQuan/SHDCLQuan"))
		require.Equal(t, "8%", xmlText(t, adj.XML, "/HDon/DLHDon/NDHDon/DSHHDVu/HHDVu/TSuat"), "the software's 8 % is adjusted")

		renderer, err := document.NewRenderer(document.Config{})
		require.NoError(t, err)
		var pdf bytes.Buffer
		require.NoError(t, renderer.EInvoicePDF(&pdf, parsed, document.EInvoiceStatus{SignedBy: legalSeller.Name}))
		text := testenv.PDFSearchable(testenv.PDFText(t, pdf.Bytes()))
		for _, want := range []string{"C26TAA", "00000001", legalSeller.TaxCode, legalBuyer.TaxCode, "Hai triệu một trăm tám mươi nghìn đồng"} {
			require.Contains(t, text, want)
		}
	})
}

// TestEInvoiceOfAPostpaidMonthWithACoupon: a postpaid month with a
// 20,000 VND coupon taken after tax is billed with the coupon off its
// total, and its e-invoice states the month and a trade discount at the
// same 10 %: the coupon's VAT share round(20,000 × tax ÷ (net + tax)) and
// the rest before tax, so the payable total is the bill's. No
// einvoice.failed event.
func TestEInvoiceOfAPostpaidMonthWithACoupon(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := postpaidEnv(t, newStore(t), "acme", func(c *billing.Config) {
			c.Seller = legalSeller
			c.EInvoice = &billing.EInvoiceConfig{Symbol: "C26TAA", Grouping: billing.EInvoicePerInvoice, Signer: sellerSigner(t)}
		})
		require.NoError(t, e.sys.DefineCoupon(ctx, fixedCoupon(t, "WELCOME20K", 20_000)))
		res, err := e.sys.Checkout(ctx, "buy-with-coupon", billing.CheckoutRequest{AccountID: "acme", Method: payment.MethodCredit,
			Coupons: []string{"WELCOME20K"}, Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: small, Quantity: 1, Term: period.Months(1)}}})
		require.NoError(t, err)
		r := e.provisionAll(t, "acme", res)[0]
		e.clk.Set(aprilClose)
		require.Equal(t, 1, e.tickAll(t).BillsIssued)
		bill := e.bills(t, "acme", r.ID)[0]
		l := bill.Lines[0]
		require.Equal(t, int64(20_000), minor(t, l.Coupon), "the coupon is taken off the month")

		page, err := e.sys.EInvoices(ctx, billing.ListRequest{AccountID: "acme"})
		require.NoError(t, err)
		require.Len(t, page.Items, 1)
		got := page.Items[0]
		require.Equal(t, []string{bill.ID}, got.DocumentIDs)
		net, tax := minor(t, l.Net), minor(t, l.Tax)
		discountTax := (20_000*tax*2 + (net + tax)) / (2 * (net + tax)) // half up
		require.Equal(t, strconv.FormatInt(minor(t, bill.Total), 10), xmlText(t, got.XML, "/HDon/DLHDon/NDHDon/TToan/TgTTTBSo"))
		require.Equal(t, strconv.FormatInt(tax-discountTax, 10), xmlText(t, got.XML, "/HDon/DLHDon/NDHDon/TToan/TgTThue"))
		require.Equal(t, "3", xmlText(t, got.XML, "/HDon/DLHDon/NDHDon/DSHHDVu/HHDVu[2]/TChat"), "the second line is a trade discount")
		require.Equal(t, strconv.FormatInt(20_000-discountTax, 10), xmlText(t, got.XML, "/HDon/DLHDon/NDHDon/DSHHDVu/HHDVu[2]/ThTien"))

		evs, err := items(e.sys.Events(ctx, billing.ListRequest{AccountID: "acme", Limit: 1000}))
		require.NoError(t, err)
		for _, ev := range evs {
			require.NotEqual(t, billing.EventEInvoiceFailed, ev.Kind)
		}
	})
}

// TestEInvoiceOfABillRefundedBeforeItsMonth: with e-invoices grouped, two
// April bills wait for the month's e-invoice; 50,000 VND of the first,
// paid by card, goes back to the card before the daily run: the credit
// note's adjustment needs an e-invoice to adjust, so the first bill gets
// its own at once (00000001) and the adjustment follows (00000002); the
// month's e-invoice then states the second bill alone (00000003).
func TestEInvoiceOfABillRefundedBeforeItsMonth(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := postpaidEnv(t, newStore(t), "acme", func(c *billing.Config) {
			c.Seller = legalSeller
			c.EInvoice = &billing.EInvoiceConfig{Symbol: "C26TAA", Grouping: billing.EInvoiceGrouped, Signer: sellerSigner(t)}
		})
		rA := e.buy(t, "acme", small, period.Months(1))
		rB := e.buy(t, "acme", small, period.Months(1))
		e.clk.Set(aprilClose)
		require.Equal(t, 2, e.tickAll(t).BillsIssued)
		a, b := e.bills(t, "acme", rA.ID)[0], e.bills(t, "acme", rB.ID)[0]
		p := e.payBillByCard(t, a)
		_, err := e.sys.RefundPayment(ctx, "refund-a", billing.RefundPaymentRequest{AccountID: "acme", PaymentID: p.ID, Amount: vnd(t, 50_000)})
		require.NoError(t, err)
		e.deliverQueued(t)

		page, err := e.sys.EInvoices(ctx, billing.ListRequest{AccountID: "acme"})
		require.NoError(t, err)
		require.Len(t, page.Items, 2, "the first bill's own and its adjustment")
		byNumber := map[string]billing.EInvoice{}
		for _, x := range page.Items {
			byNumber[x.Number] = x
		}
		require.Equal(t, []string{a.ID}, byNumber["00000001"].DocumentIDs)
		require.Equal(t, billing.EInvoiceAdjustment, byNumber["00000002"].Kind)
		require.Equal(t, byNumber["00000001"].ID, byNumber["00000002"].RelatedID)

		e.clk.Set(time.Date(2026, 5, 1, 2, 0, 30, 0, time.UTC)) // the daily run in Hồ Chí Minh City
		e.tickAll(t)
		page, err = e.sys.EInvoices(ctx, billing.ListRequest{AccountID: "acme"})
		require.NoError(t, err)
		require.Len(t, page.Items, 3)
		for _, x := range page.Items {
			if x.Number == "00000003" {
				require.Equal(t, []string{b.ID}, x.DocumentIDs, "the month's e-invoice states the other bill alone")
			}
		}
	})
}
