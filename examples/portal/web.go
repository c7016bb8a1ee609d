package main

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"html/template"
	"net/http"
	"sync"

	"github.com/cloudbill/cloudbill/invoice/document"
)

//go:embed templates/*.html.tmpl
var templates embed.FS

//go:embed assets/portal.css
var stylesheet []byte

// Cookies of the demo. All are HttpOnly and SameSite; none holds anything
// but an opaque value.
const (
	// accountCookie remembers which demo account the browser chose.
	accountCookie = "demo_account"
	// csrfCookie holds the browser's form token; every form sends it back
	// in its csrf field (double submit), so another site cannot post
	// forms in the customer's name.
	csrfCookie = "demo_csrf"
	// flashCookie names the server-side message to show once after a
	// redirect.
	flashCookie = "demo_flash"
)

// contentSecurityPolicy allows the demo's own stylesheet and forms only:
// no script at all, inline or not.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; " +
	"base-uri 'none'; frame-ancestors 'none'"

func parsePages() (*template.Template, error) {
	return template.ParseFS(templates, "templates/*.html.tmpl")
}

// Handler returns the demo's routes: the portal pages and their forms,
// the simulated gateway's pages, the gateway callback endpoint, and the
// portal JSON API under /api/.
func (d *demo) Handler() http.Handler {
	mux := http.NewServeMux()
	page := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, secured(h)) }
	form := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, secured(d.checkCSRF(h))) }
	page("GET /{$}", d.index)
	page("GET /assets/portal.css", serveCSS)
	page("GET /signout", d.signOut)
	page("GET /resources/{id}/renew", d.renewPage)
	page("GET /resources/{id}/delete", d.deletePage)
	page("GET /bills/{id}/pay", d.payPage)
	form("POST /settings/language", d.setLanguage)
	form("POST /topup", d.topUp)
	form("POST /link", d.startLink)
	form("POST /linked/{id}/default", d.setDefault)
	form("POST /linked/{id}/undefault", d.clearDefault)
	form("POST /linked/{id}/unlink", d.unlink)
	form("POST /resources/{id}/renew", d.renew)
	form("POST /resources/{id}/auto-renew", d.autoRenew)
	form("POST /resources/{id}/delete", d.deleteResource)
	form("POST /bills/{id}/pay", d.payBill)
	form("POST /bills/pay-all", d.payAllBills)
	page("GET /gateway/pay/{ref}", d.gatewayPayPage)
	form("POST /gateway/pay/{ref}", d.gatewayPay)
	page("GET /gateway/link/{ref}", d.gatewayLinkPage)
	form("POST /gateway/link/{ref}", d.gatewayLink)
	mux.Handle("POST /callbacks/"+gatewayName, d.sys.CallbackHandler(gatewayName))
	mux.Handle("/api/", http.StripPrefix("/api", d.api))
	return mux
}

// secured sets the pages' security headers.
func secured(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", contentSecurityPolicy)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Frame-Options", "DENY")
		h.ServeHTTP(w, r)
	})
}

func serveCSS(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "max-age=300")
	_, _ = w.Write(stylesheet)
}

// account is the demo's authentication: the account remembered in the
// sign-in cookie (set by the chooser, GET /?account=). A real host uses
// its own sign-in here; the portal only needs the resolved account id.
func (d *demo) account(r *http.Request) (string, bool) {
	c, err := r.Cookie(accountCookie)
	if err != nil {
		return "", false
	}
	for _, cu := range customers() {
		if cu.ID == c.Value {
			return c.Value, true
		}
	}
	return "", false
}

// setCookie sets an HttpOnly, SameSite=Lax cookie for the whole site.
func setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// csrfToken returns the browser's form token, setting a new one first if
// it has none.
func csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) == 32 {
		return c.Value
	}
	tok := randomHex(16)
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: tok, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	return tok
}

// checkCSRF refuses a form whose csrf field is not the browser's token:
// the customer is sent back with a message and nothing happens.
func (d *demo) checkCSRF(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(csrfCookie)
		sent := r.PostFormValue("csrf")
		if err != nil || len(c.Value) != 32 || subtle.ConstantTimeCompare([]byte(c.Value), []byte(sent)) != 1 {
			acct, _ := d.account(r)
			d.redirectWith(w, r, "/", flash{Account: acct, Error: true, Key: "error.session"})
			return
		}
		h(w, r)
	}
}

// flash is a message shown once on the next page: a catalog key and its
// arguments, kept on the server; the browser holds only its id.
type flash struct {
	Account string
	Error   bool
	Key     string
	Args    []any
}

// flashes keeps the messages not yet shown, by id.
type flashes struct {
	mu sync.Mutex
	m  map[string]flash
}

// maxFlashes bounds the messages kept; the oldest are dropped past it.
const maxFlashes = 10_000

func (f *flashes) put(fl flash) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.m == nil || len(f.m) >= maxFlashes {
		f.m = map[string]flash{}
	}
	id := randomHex(16)
	f.m[id] = fl
	return id
}

func (f *flashes) take(id, acct string) (flash, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fl, ok := f.m[id]
	delete(f.m, id)
	return fl, ok && fl.Account == acct
}

// redirectWith redirects to path with fl to show there.
func (d *demo) redirectWith(w http.ResponseWriter, r *http.Request, path string, fl flash) {
	setCookie(w, flashCookie, d.flashes.put(fl), 0)
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// takeFlash returns the message the browser's flash cookie names, once.
func (d *demo) takeFlash(w http.ResponseWriter, r *http.Request, acct string) (flash, bool) {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return flash{}, false
	}
	setCookie(w, flashCookie, "", -1)
	return d.flashes.take(c.Value, acct)
}

// words returns the printer of the account's locale: its setting, else
// Accept-Language.
func (d *demo) wordsFor(r *http.Request, acct string) words {
	return newWords(d.catalog, d.localeOf(r, acct), d.zone(r, acct))
}

// localeOf is the page locale for acct ("" for none signed in).
func (d *demo) localeOf(r *http.Request, acct string) document.Locale {
	d.mu.Lock()
	setting := d.languages[acct]
	d.mu.Unlock()
	return pageLocale(setting, r)
}

// newKey returns a fresh idempotency key for one rendered form: submitting
// the same form twice (a double click, a reload) reuses it, so the action
// happens once.
func newKey() string { return "form-" + randomHex(12) }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// render executes a page template into memory, then writes it.
func (d *demo) render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := d.pages.ExecuteTemplate(&buf, name, data); err != nil {
		d.log.Error("render", "page", name, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// fail logs err and answers a plain error page that discloses nothing.
func (d *demo) fail(w http.ResponseWriter, r *http.Request, err error) {
	d.log.Error("request failed", "path", r.URL.Path, "error", err)
	http.Error(w, "something went wrong; nothing was changed", http.StatusInternalServerError)
}
