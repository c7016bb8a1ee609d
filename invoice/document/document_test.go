package document_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/internal/testenv"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/document"
)

var update = flag.Bool("update", false, "rewrite the HTML golden files in testdata")

// doc is one rendering case shared by the HTML and PDF tests.
type doc struct {
	name string
	inv  invoice.Invoice
	opts document.Options
}

func docs(t *testing.T) []doc {
	paid, note := creditNote(t)
	return []doc{
		{"invoice_vnd_vi", vndInvoice(t), document.Options{Seller: seller(), Buyer: buyerVN(), Locale: document.ViVN, Location: hcm,
			Footer: "Cảm ơn quý khách đã sử dụng dịch vụ."}},
		{"invoice_vnd_en", vndInvoice(t), document.Options{Seller: seller(), Buyer: buyerVN(), Locale: document.EnUS, Location: hcm}},
		{"invoice_usd_en", usdInvoice(t), document.Options{Seller: seller(), Buyer: buyerUS(), Location: mustZone("America/New_York")}},
		{"credit_note_vnd_vi", note, document.Options{Seller: seller(), Buyer: buyerVN(), Locale: document.ViVN, Location: hcm,
			CreditedInvoiceNumber: paid.DisplayNumber()}},
	}
}

func newRenderer(t testing.TB) *document.Renderer {
	t.Helper()
	r, err := document.NewRenderer(document.Config{})
	require.NoError(t, err)
	return r
}

func TestHTMLMatchesGolden(t *testing.T) {
	r := newRenderer(t)
	for _, d := range docs(t) {
		t.Run(d.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, r.HTML(&buf, d.inv, d.opts))
			path := filepath.Join("testdata", d.name+".html.golden")
			if *update {
				require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test ./invoice/document -run TestHTMLMatchesGolden -update to create it")
			assert.Equal(t, string(want), buf.String(), "rendered HTML differs from %s (rerun with -update if the change is intended)", path)
		})
	}
}

func TestHTMLShowsTheNumbers(t *testing.T) {
	r := newRenderer(t)
	cases := map[string][]string{
		"invoice_vnd_vi": {"Hóa đơn giá trị gia tăng", "Công ty TNHH Mây Xanh Việt Nam", "INV-2026-000042", "Đã thanh toán",
			"250.000 ₫", "-20.000 ₫", "230.000 ₫", "Thuế GTGT 10% (trên 230.000 ₫)", "23.000 ₫", "253.000 ₫",
			"05/04/2026 09:00 – 04/06/2026 09:00", "14.400 ₫", "182.160 ₫", "Mã số thuế: 0312345678"},
		"invoice_vnd_en": {"₫230,000", "₫253,000", "Apr 5, 2026 09:00 – Jun 4, 2026 09:00", "Paid"},
		"invoice_usd_en": {"$1,234.50", "$411.50", "VAT 8% (on $1,234.50)", "$98.76", "VAT 0% (on $100.00)", "$1,433.26",
			"$500.00", "$933.26", "Partially paid", "Due", "Apr 16, 2026 00:05", "Postpaid usage for March 2026"},
		"credit_note_vnd_vi": {"Hóa đơn điều chỉnh giảm", "CN-2026-000001", "Điều chỉnh cho hóa đơn", "INV-2026-000001",
			"Xóa tài nguyên, hoàn 20 ngày chưa sử dụng", "120.667 ₫"},
	}
	for _, d := range docs(t) {
		t.Run(d.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, r.HTML(&buf, d.inv, d.opts))
			for _, s := range cases[d.name] {
				assert.Contains(t, buf.String(), s)
			}
		})
	}
}

func TestHTMLEscapesHostText(t *testing.T) {
	r := newRenderer(t)
	opts := document.Options{Seller: seller(), Buyer: document.Party{Name: `<script>alert("x")</script> & Co`}}
	var buf bytes.Buffer
	require.NoError(t, r.HTML(&buf, vndInvoice(t), opts))
	assert.NotContains(t, buf.String(), "<script>")
	assert.Contains(t, buf.String(), "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co")
}

func TestPDFTextHasTheExactAmountsAndVietnamese(t *testing.T) {
	r := newRenderer(t)
	cases := map[string][]string{
		"invoice_vnd_vi": {"Công ty TNHH Mây Xanh Việt Nam", "Công ty TNHH Minh Anh", "Hóa đơn giá trị gia tăng", "INV-2026-000042",
			"Đã thanh toán", "250.000 ₫", "230.000 ₫", "23.000 ₫", "253.000 ₫", "182.160 ₫", "70.840 ₫", "Mã số thuế: 0312345678",
			"Cảm ơn quý khách đã sử dụng dịch vụ."},
		"invoice_vnd_en": {"Công ty TNHH Mây Xanh Việt Nam", "₫230,000", "₫253,000"},
		"invoice_usd_en": {"Công ty TNHH Mây Xanh Việt Nam", "Acme Cloud Inc.", "$1,234.50", "$98.76", "$1,433.26", "$500.00",
			"$933.26", "Partially paid"},
		"credit_note_vnd_vi": {"Công ty TNHH Mây Xanh Việt Nam", "Hóa đơn điều chỉnh giảm", "CN-2026-000001", "INV-2026-000001",
			"120.667 ₫", "Xóa tài nguyên, hoàn 20 ngày chưa sử dụng"},
	}
	for _, d := range docs(t) {
		t.Run(d.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, r.PDF(&buf, d.inv, d.opts))
			require.True(t, bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")))
			text := testenv.PDFText(t, buf.Bytes())
			for _, s := range cases[d.name] {
				assert.Contains(t, text, testenv.PDFSearchable(s))
			}
		})
	}
}

func TestPDFIsDeterministic(t *testing.T) {
	r := newRenderer(t)
	d := docs(t)[0]
	var a, b bytes.Buffer
	require.NoError(t, r.PDF(&a, d.inv, d.opts))
	require.NoError(t, r.PDF(&b, d.inv, d.opts))
	assert.True(t, bytes.Equal(a.Bytes(), b.Bytes()), "two renderings of one document differ")
	// The creation and modification dates are the document's issue time in
	// UTC (09:01 in Ho Chi Minh), not the time of rendering, and the
	// producer is fixed.
	assert.Equal(t, 2, strings.Count(a.String(), "(D:20260405020100)"), "CreationDate and ModDate")
	assert.Contains(t, a.String(), "/Producer ")
}

func TestPDFBreaksLongDocumentsIntoPages(t *testing.T) {
	inv := vndInvoice(t)
	var lines []invoice.Line
	for i := range 60 {
		l := inv.Lines[i%2].Clone()
		l.Description = fmt.Sprintf("%s #%d", l.Description, i+1)
		lines = append(lines, l)
	}
	draft, err := invoice.New(invoice.Draft{ID: "inv_long", AccountID: "acc", ResourceID: "res", Currency: "VND",
		TaxMode: invoice.TaxExclusive, Lines: lines, CreatedAt: inv.CreatedAt})
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, newRenderer(t).PDF(&buf, draft, document.Options{Seller: seller(), Buyer: buyerVN()}))
	text := testenv.PDFText(t, buf.Bytes())
	assert.Contains(t, text, "Page 2")
	assert.Contains(t, text, "#60")
	assert.Greater(t, strings.Count(text, "Unit price"), 1, "the table header repeats on every page")
	assert.Contains(t, text, "Draft, not numbered")
	total, err := money.FromMinor(60/2*(182160+70840), "VND")
	require.NoError(t, err)
	s, err := document.FormatMoney(total, document.EnUS)
	require.NoError(t, err)
	assert.Contains(t, text, s)
}

func TestPDFSurvivesHostileText(t *testing.T) {
	inv := vndInvoice(t)
	opts := document.Options{
		Seller: seller(),
		Buyer: document.Party{Name: "Emoji 🚀 and a very long word " + strings.Repeat("W", 300),
			Address: strings.Repeat("line\n", 50)},
		Footer: strings.Repeat("note ", 300),
	}
	var buf bytes.Buffer
	require.NoError(t, newRenderer(t).PDF(&buf, inv, opts))
	text := testenv.PDFText(t, buf.Bytes())
	assert.Contains(t, text, "Emoji � and")
	assert.Contains(t, text, "253,000")
}

func TestRenderRefusesBadOptions(t *testing.T) {
	r := newRenderer(t)
	inv := vndInvoice(t)
	ok := document.Options{Seller: seller(), Buyer: buyerVN()}
	cases := []struct {
		name  string
		edit  func(*document.Options)
		field string
	}{
		{"a seller without a name", func(o *document.Options) { o.Seller.Name = " " }, "Seller.Name"},
		{"a buyer without a name", func(o *document.Options) { o.Buyer = document.Party{} }, "Buyer.Name"},
		{"an unsupported locale", func(o *document.Options) { o.Locale = "fr-FR" }, "Locale"},
		{"a control character in a tax id", func(o *document.Options) { o.Buyer.TaxID = "03\x0012" }, "Buyer.TaxID"},
		{"a newline in a name", func(o *document.Options) { o.Seller.Name = "A\nB" }, "Seller.Name"},
		{"invalid UTF-8 in the footer", func(o *document.Options) { o.Footer = "\xff" }, "Footer"},
		{"an address over the limit", func(o *document.Options) { o.Buyer.Address = strings.Repeat("x", document.MaxTextLen+1) }, "Buyer.Address"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := ok
			c.edit(&opts)
			for _, render := range []func() error{
				func() error { return r.HTML(&bytes.Buffer{}, inv, opts) },
				func() error { return r.PDF(&bytes.Buffer{}, inv, opts) },
			} {
				err := render()
				require.ErrorIs(t, err, document.ErrInvalidOptions)
				var oe *document.OptionError
				require.ErrorAs(t, err, &oe)
				assert.Equal(t, c.field, oe.Field)
			}
		})
	}
	t.Run("a broken document", func(t *testing.T) {
		bad := inv.Clone()
		bad.Total = amt(t, "1 VND")
		var buf bytes.Buffer
		err := r.PDF(&buf, bad, ok)
		require.ErrorIs(t, err, document.ErrInvalidOptions)
		require.ErrorIs(t, err, invoice.ErrInvalidArgument)
		assert.Zero(t, buf.Len(), "nothing is written")
	})
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

func TestRenderReportsAFailingWriter(t *testing.T) {
	r := newRenderer(t)
	d := docs(t)[0]
	require.ErrorIs(t, r.HTML(failingWriter{}, d.inv, d.opts), document.ErrRender)
	require.ErrorIs(t, r.PDF(failingWriter{}, d.inv, d.opts), os.ErrClosed)
}

func TestConfig(t *testing.T) {
	t.Run("a template that does not parse", func(t *testing.T) {
		_, err := document.NewRenderer(document.Config{HTMLTemplate: "{{.Title"})
		require.ErrorIs(t, err, document.ErrInvalidConfig)
	})
	t.Run("one font without the other", func(t *testing.T) {
		_, err := document.NewRenderer(document.Config{FontRegular: []byte("x")})
		require.ErrorIs(t, err, document.ErrInvalidConfig)
	})
	t.Run("a font that is not TrueType", func(t *testing.T) {
		_, err := document.NewRenderer(document.Config{FontRegular: []byte("not a font"), FontBold: []byte("not a font")})
		require.ErrorIs(t, err, document.ErrInvalidConfig)
	})
	t.Run("the host's template and labels", func(t *testing.T) {
		r, err := document.NewRenderer(document.Config{
			HTMLTemplate: `{{.Title}} {{.Number}}: {{money .Invoice.Total}} ({{.Status}})`,
			Labels:       map[string]document.Labels{"vi": {InvoiceTitle: "HÓA ĐƠN GTGT"}},
		})
		require.NoError(t, err)
		var buf bytes.Buffer
		require.NoError(t, r.HTML(&buf, vndInvoice(t), document.Options{Seller: seller(), Buyer: buyerVN(), Locale: document.ViVN}))
		assert.Equal(t, "HÓA ĐƠN GTGT INV-2026-000042: 253.000 ₫ (Đã thanh toán)", buf.String(), "unset labels keep the built-in text")
	})
	t.Run("the default template is exported", func(t *testing.T) {
		assert.Contains(t, document.DefaultHTMLTemplate(), `define "party"`)
	})
}

func TestRendererIsSafeForConcurrentUse(t *testing.T) {
	r := newRenderer(t)
	ds := docs(t)
	want := make([][]byte, len(ds))
	for i, d := range ds {
		var buf bytes.Buffer
		require.NoError(t, r.HTML(&buf, d.inv, d.opts))
		want[i] = buf.Bytes()
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			d := ds[i%len(ds)]
			var h, p bytes.Buffer
			assert.NoError(t, r.HTML(&h, d.inv, d.opts))
			assert.NoError(t, r.PDF(&p, d.inv, d.opts))
			assert.Equal(t, string(want[i%len(ds)]), h.String())
		})
	}
	wg.Wait()
}
