package main

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/internal/testenv"
	"github.com/cloudbill/cloudbill/invoice/document"
)

// chromium finds a Chromium or Chrome binary: $CLOUDBILL_CHROMIUM, else
// the first of the usual names on PATH. Without one the test skips with
// how to install it, and fails in CI.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CLOUDBILL_CHROMIUM"); p != "" {
		return p
	}
	return testenv.LookPath(t, "apt-get install chromium (or set CLOUDBILL_CHROMIUM to a Chrome binary)",
		"chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
}

// browser starts headless Chromium with a fresh profile and nothing that
// talks to the network on its own, and returns a tab's context.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("password-store", "basic"),
	}
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	t.Cleanup(cancel)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelTab := chromedp.NewContext(ctx)
	t.Cleanup(cancelTab)
	return ctx
}

// TestBrowser drives the example in headless Chromium: sign in, top up
// through the simulated gateway's page, see the new balance, open an
// invoice, download its PDF and read its text, and save a screenshot.
func TestBrowser(t *testing.T) {
	began := time.Now()
	ctx := browser(t)
	d, base := startDemo(t)
	c := d.customer("minhanh")
	before := available(t, d, c.ID)

	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		require.NoError(t, chromedp.Do(ctx, steps...), what)
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		require.NoError(t, err, "text of %s", sel)
		return strings.TrimSpace(s)
	}

	run("open the portal", chromedp.Navigate(base+"/?account="+c.ID), chromedp.WaitVisible("#available"))
	assert.Equal(t, shown(t, before, c.Locale), text("#available"))
	started := time.Since(began)

	run("top up", chromedp.SetValue("#topup-amount", "750000"), chromedp.Click("#topup-submit"), chromedp.WaitVisible("#gateway-pay"))
	assert.Equal(t, "750.000 ₫", text("#gateway-amount"), "the gateway's page asks for the amount")
	run("pay at the gateway", chromedp.Click("#gateway-pay"), chromedp.WaitVisible("#flash"))
	want, err := before.Add(mustVND(t, 750_000))
	require.NoError(t, err)
	assert.Equal(t, shown(t, want, c.Locale), text("#available"), "the page shows the new balance")
	assert.Contains(t, text("#flash"), "succeeded")
	assert.True(t, available(t, d, c.ID).Equal(want))

	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(90))
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "portal.png")
	require.NoError(t, os.WriteFile(path, shot, 0o644))
	t.Logf("screenshot of the portal after the top-up: %s", path)

	pdfHref, err := chromedp.Run(ctx, chromedp.AttributeValue("a.invoice-pdf", "href"))
	require.NoError(t, err)
	require.True(t, pdfHref.Exists)
	run("open an invoice", chromedp.Click("a.invoice-html"), chromedp.WaitVisible("#number"))
	number := text("#number")
	assert.Regexp(t, `^(INV|CN)-\d{4}-\d{6}$`, number)
	assert.Contains(t, text("h1"), "Hóa đơn")

	// Download the PDF the way the page's link does, with the browser's
	// sign-in cookie, and read its text.
	type download struct {
		Type string `json:"type"`
		Data string `json:"data"`
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[download](`(async () => {
		const r = await fetch(`+"`"+pdfHref.Value+"`"+`);
		const b = new Uint8Array(await r.arrayBuffer());
		let s = ""; for (const x of b) s += String.fromCharCode(x);
		return {type: r.headers.get("Content-Type"), data: btoa(s)};
	})()`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	assert.Equal(t, "application/pdf", got.Type)
	pdf, err := base64.StdEncoding.DecodeString(got.Data)
	require.NoError(t, err)
	pdfText := testenv.PDFText(t, pdf)
	assert.Contains(t, pdfText, seller().Name, "the Vietnamese seller name")
	assert.Contains(t, pdfText, c.Party.Name)
	id := strings.TrimSuffix(strings.TrimPrefix(pdfHref.Value, "/api/invoices/"), "/pdf")
	inv, err := d.sys.Invoice(context.Background(), c.ID, id)
	require.NoError(t, err)
	assert.Contains(t, pdfText, inv.DisplayNumber())
	total, err := document.FormatMoney(inv.Total, c.Locale)
	require.NoError(t, err)
	assert.Contains(t, pdfText, testenv.PDFSearchable(total), "the exact total")
	t.Logf("browser test: Chromium up and portal shown in %s, whole test %s", started.Round(time.Millisecond), time.Since(began).Round(time.Millisecond))
}
