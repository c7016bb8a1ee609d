package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/document"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
)

//go:embed templates/*.html.tmpl
var templates embed.FS

// accountCookie remembers which demo account the browser chose.
const accountCookie = "demo_account"

func parsePages() (*template.Template, error) {
	return template.ParseFS(templates, "templates/*.html.tmpl")
}

// Handler returns the demo's routes: the portal page, its forms, the
// simulated gateway's pages, the gateway callback endpoint, and the portal
// JSON API under /api/.
func (d *demo) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", d.index)
	mux.HandleFunc("GET /signout", d.signOut)
	mux.HandleFunc("POST /topup", d.topUp)
	mux.HandleFunc("POST /link", d.startLink)
	mux.HandleFunc("POST /linked/{id}/default", d.setDefault)
	mux.HandleFunc("POST /linked/{id}/unlink", d.unlink)
	mux.HandleFunc("GET /gateway/pay/{ref}", d.gatewayPayPage)
	mux.HandleFunc("POST /gateway/pay/{ref}", d.gatewayPay)
	mux.HandleFunc("GET /gateway/link/{ref}", d.gatewayLinkPage)
	mux.HandleFunc("POST /gateway/link/{ref}", d.gatewayLink)
	mux.Handle("POST /callbacks/"+gatewayName, d.sys.CallbackHandler(gatewayName))
	mux.Handle("/api/", http.StripPrefix("/api", d.api))
	return mux
}

// account is the demo's authentication: the account chosen by the
// ?account= parameter or remembered in a cookie. A real host uses its own
// sign-in here; the portal only needs the resolved account id.
func (d *demo) account(r *http.Request) (string, bool) {
	id := r.URL.Query().Get("account")
	if id == "" {
		if c, err := r.Cookie(accountCookie); err == nil {
			id = c.Value
		}
	}
	for _, c := range customers() {
		if c.ID == id {
			return id, true
		}
	}
	return "", false
}

// index shows the chosen account's portal, or the account chooser.
func (d *demo) index(w http.ResponseWriter, r *http.Request) {
	if id := r.URL.Query().Get("account"); id != "" {
		if _, ok := d.account(r); ok {
			http.SetCookie(w, &http.Cookie{Name: accountCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
			http.Redirect(w, r, "/", http.StatusSeeOther)
			return
		}
	}
	acct, ok := d.account(r)
	if !ok {
		d.render(w, "choose", map[string]any{"Customers": customers()})
		return
	}
	data, err := d.portalPage(r.Context(), acct, r.URL.Query())
	if err != nil {
		d.fail(w, r, err)
		return
	}
	d.render(w, "index", data)
}

func (d *demo) signOut(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: accountCookie, Value: "", Path: "/", MaxAge: -1})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// page is what the portal template shows.
type page struct {
	Customers         []customer
	Customer          customer
	Account           billing.Account
	Flash, Error      string
	Available, Cash   string
	Held              string
	Promotional       [][2]string
	Resources         []resourceRow
	Invoices          []invoiceRow
	Payments          []paymentRow
	History           []historyRow
	Linked            []linkedRow
	TopUpKey, LinkKey string
	DefaultTopUp      int64
	Currency          string
}

type resourceRow struct {
	ID, Product, Configuration, State, Status, Ends string
}

type invoiceRow struct {
	ID, Number, Kind, Status, Total, Date string
}

type paymentRow struct {
	ID, Purpose, Method, Status, Amount, Date string
}

type historyRow struct {
	Kind, Memo, Change, After, Date string
}

type linkedRow struct {
	ID, Display           string
	Default               bool
	DefaultKey, UnlinkKey string
}

// portalPage gathers everything the page shows, through the System's
// portal queries.
func (d *demo) portalPage(ctx context.Context, acct string, q url.Values) (page, error) {
	c := d.customer(acct)
	account, err := d.sys.Account(ctx, acct)
	if err != nil {
		return page{}, err
	}
	loc, err := time.LoadLocation(account.TimeZone)
	if err != nil {
		return page{}, err
	}
	f := pageFormat{locale: c.Locale, loc: loc}
	p := page{Customers: customers(), Customer: c, Account: account, TopUpKey: newKey(), LinkKey: newKey(),
		DefaultTopUp: 500_000, Currency: account.Currency}
	if id := q.Get("payment"); id != "" {
		if pay, err := d.sys.Payment(ctx, acct, id); err == nil {
			p.Flash = fmt.Sprintf("Payment %s of %s: %s.", pay.ID, f.money(pay.Amount), pay.Status)
			if pay.FailureReason != "" {
				p.Flash += " " + pay.FailureReason
			}
		}
	}
	p.Error = q.Get("error")
	if p.Error == "" && q.Get("linked") != "" {
		p.Flash = "Linked accounts updated."
	}

	w, err := d.sys.Wallet(ctx, acct)
	if err != nil {
		return page{}, err
	}
	p.Available, p.Cash, p.Held = f.money(w.Available), f.money(w.Cash), f.money(w.Held)
	for _, pr := range w.Promotional {
		p.Promotional = append(p.Promotional, [2]string{f.money(pr.Amount), f.time(pr.ExpiresAt)})
	}

	rs, err := d.sys.Resources(ctx, billing.ListRequest{AccountID: acct, Limit: 100})
	if err != nil {
		return page{}, err
	}
	for _, r := range rs.Items {
		row := resourceRow{ID: r.ID, Product: d.productName(r.ProductID), Configuration: configText(r),
			State: string(r.State), Status: string(r.BillingStatus), Ends: f.time(r.PeriodEnd)}
		p.Resources = append(p.Resources, row)
	}

	invs, err := d.sys.Invoices(ctx, billing.ListRequest{AccountID: acct, Limit: 100})
	if err != nil {
		return page{}, err
	}
	for _, inv := range invs.Items {
		kind := "Invoice"
		if inv.Kind == invoice.KindCreditNote {
			kind = "Credit note"
		}
		date := inv.IssuedAt
		if date.IsZero() {
			date = inv.CreatedAt
		}
		p.Invoices = append(p.Invoices, invoiceRow{ID: inv.ID, Number: inv.DisplayNumber(), Kind: kind,
			Status: string(inv.Status), Total: f.money(inv.Total), Date: f.time(date)})
	}

	pays, err := d.sys.Payments(ctx, billing.ListRequest{AccountID: acct, Limit: 10})
	if err != nil {
		return page{}, err
	}
	for _, pay := range pays.Items {
		p.Payments = append(p.Payments, paymentRow{ID: pay.ID, Purpose: string(pay.Purpose.Kind), Method: string(pay.Method),
			Status: string(pay.Status), Amount: f.money(pay.Amount), Date: f.time(pay.CreatedAt)})
	}

	hist, err := d.sys.WalletHistory(ctx, billing.ListRequest{AccountID: acct, Limit: 1000})
	if err != nil {
		return page{}, err
	}
	for _, h := range slices.Backward(hist.Items) {
		if len(p.History) == 10 {
			break
		}
		p.History = append(p.History, historyRow{Kind: string(h.Kind), Memo: h.Memo, Change: f.money(h.Change), After: f.money(h.CreditAfter), Date: f.time(h.At)})
	}

	linked, err := d.sys.LinkedAccounts(ctx, acct)
	if err != nil {
		return page{}, err
	}
	for _, l := range linked {
		p.Linked = append(p.Linked, linkedRow{ID: l.ID, Display: l.Display, Default: l.IsDefault, DefaultKey: newKey(), UnlinkKey: newKey()})
	}
	return p, nil
}

// pageFormat formats money and times for the account.
type pageFormat struct {
	locale document.Locale
	loc    *time.Location
}

func (f pageFormat) money(a money.Amount) string {
	s, err := document.FormatMoney(a, f.locale)
	if err != nil {
		return a.String()
	}
	return s
}

func (f pageFormat) time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(f.loc).Format("2006-01-02 15:04")
}

// productName is the catalog's display name of a product.
func (d *demo) productName(id string) string {
	if p, err := d.sys.Catalog().Product(id); err == nil {
		return p.Name
	}
	return id
}

// configText summarises a resource's configuration.
func configText(r billing.Resource) string {
	var parts []string
	if r.Configuration.Plan != "" {
		parts = append(parts, "plan "+r.Configuration.Plan)
	}
	for _, k := range slices.Sorted(maps.Keys(r.Configuration.Components)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, r.Configuration.Components[k]))
	}
	return strings.Join(parts, ", ")
}

// newKey returns a fresh idempotency key for one rendered form: submitting
// the same form twice (a double click, a reload) reuses it, so the action
// happens once.
func newKey() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return "form-" + hex.EncodeToString(b)
}

// topUp starts a top-up through the simulated gateway and sends the
// browser to the gateway's page.
func (d *demo) topUp(w http.ResponseWriter, r *http.Request) {
	acct, ok := d.account(r)
	if !ok {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	n, err := strconv.ParseInt(strings.TrimSpace(r.PostFormValue("amount")), 10, 64)
	if err != nil || n <= 0 {
		backWithError(w, r, "Enter the amount to top up as a whole number of VND.")
		return
	}
	amount, err := money.FromMinor(n, d.customerCurrency(r.Context(), acct))
	if err != nil {
		backWithError(w, r, err.Error())
		return
	}
	p, err := d.sys.TopUp(r.Context(), r.PostFormValue("key"), billing.TopUpRequest{
		AccountID: acct, Amount: amount, Gateway: gatewayName, ReturnURL: d.base + "/",
	})
	if err != nil {
		backWithError(w, r, err.Error())
		return
	}
	if p.RedirectURL == "" {
		http.Redirect(w, r, "/?payment="+url.QueryEscape(p.ID), http.StatusSeeOther)
		return
	}
	d.mu.Lock()
	d.payments[p.GatewayRef] = simPayment{AccountID: acct, PaymentID: p.ID, ReturnURL: d.base + "/", Amount: p.FromGateway}
	d.mu.Unlock()
	http.Redirect(w, r, p.RedirectURL, http.StatusSeeOther)
}

// customerCurrency is the account's currency (VND for the sample catalog).
func (d *demo) customerCurrency(ctx context.Context, acct string) string {
	if a, err := d.sys.Account(ctx, acct); err == nil {
		return a.Currency
	}
	return "VND"
}

func (d *demo) startLink(w http.ResponseWriter, r *http.Request) {
	acct, ok := d.account(r)
	if !ok {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	start, err := d.sys.StartLinking(r.Context(), r.PostFormValue("key"), billing.LinkAccountRequest{AccountID: acct, Gateway: gatewayName, ReturnURL: d.base + "/"})
	if err != nil {
		backWithError(w, r, err.Error())
		return
	}
	ref := start.RedirectURL[strings.LastIndexByte(start.RedirectURL, '/')+1:]
	d.mu.Lock()
	d.links[ref] = simLink{AccountID: acct, LinkID: start.LinkID, ReturnURL: d.base + "/"}
	d.mu.Unlock()
	http.Redirect(w, r, start.RedirectURL, http.StatusSeeOther)
}

func (d *demo) setDefault(w http.ResponseWriter, r *http.Request) {
	d.linkedAction(w, r, d.sys.SetDefaultLinkedAccount)
}

func (d *demo) unlink(w http.ResponseWriter, r *http.Request) {
	d.linkedAction(w, r, d.sys.Unlink)
}

func (d *demo) linkedAction(w http.ResponseWriter, r *http.Request,
	act func(ctx context.Context, key string, req billing.LinkedAccountRequest) ([]billing.LinkedAccount, error)) {
	acct, ok := d.account(r)
	if !ok {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	if _, err := act(r.Context(), r.PostFormValue("key"), billing.LinkedAccountRequest{AccountID: acct, LinkID: r.PathValue("id")}); err != nil {
		backWithError(w, r, err.Error())
		return
	}
	http.Redirect(w, r, "/?linked=1#linked", http.StatusSeeOther)
}

// gatewayPayPage is the simulated gateway's checkout page.
func (d *demo) gatewayPayPage(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	p, ok := d.payments[r.PathValue("ref")]
	d.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	f := pageFormat{locale: d.customer(p.AccountID).Locale, loc: time.UTC}
	d.render(w, "gateway-pay", map[string]any{"Ref": r.PathValue("ref"), "Amount": f.money(p.Amount),
		"Merchant": seller().Name, "PaymentID": p.PaymentID})
}

// gatewayPay plays the customer's choice at the gateway: the simulator
// settles the payment and signs its callback, which is POSTed to the
// host's callback endpoint as the real gateway would, and the browser
// returns to the portal.
func (d *demo) gatewayPay(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	p, ok := d.payments[r.PathValue("ref")]
	d.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	var cb gatewaysim.Callback
	var err error
	switch r.PostFormValue("action") {
	case "pay":
		cb, err = d.sim.Complete(p.PaymentID)
	case "decline":
		d.sim.SetOutcome(p.PaymentID, gatewaysim.Decline("declined at the gateway"))
		cb, err = d.sim.Complete(p.PaymentID)
	default:
		cb, err = d.sim.Expire(p.PaymentID)
	}
	if !d.deliverOutcome(w, r, cb, err) {
		return
	}
	http.Redirect(w, r, p.ReturnURL+"?payment="+url.QueryEscape(p.PaymentID)+"#wallet", http.StatusSeeOther)
}

func (d *demo) gatewayLinkPage(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	l, ok := d.links[r.PathValue("ref")]
	d.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	d.render(w, "gateway-link", map[string]any{"Ref": r.PathValue("ref"), "Merchant": seller().Name, "Account": l.AccountID})
}

func (d *demo) gatewayLink(w http.ResponseWriter, r *http.Request) {
	ref := r.PathValue("ref")
	d.mu.Lock()
	l, ok := d.links[ref]
	d.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	var cb gatewaysim.Callback
	var err error
	if r.PostFormValue("action") == "link" {
		cb, err = d.sim.CompleteLink(l.LinkID, "MoMo •••• "+ref[len(ref)-4:])
	} else {
		cb, err = d.sim.FailLink(l.LinkID, "cancelled by the customer")
	}
	if !d.deliverOutcome(w, r, cb, err) {
		return
	}
	http.Redirect(w, r, l.ReturnURL+"?linked=1#linked", http.StatusSeeOther)
}

// postCallback delivers a signed callback to the host's endpoint over
// HTTP, as the gateway's servers would.
func (d *demo) postCallback(ctx context.Context, cb gatewaysim.Callback) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.base+"/callbacks/"+gatewayName, bytes.NewReader(cb.Body))
	if err != nil {
		return err
	}
	req.Header = cb.Header.Clone()
	resp, err := d.client.Do(req)
	if err != nil {
		return fmt.Errorf("deliver callback: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("deliver callback: the host answered %s", resp.Status)
	}
	return nil
}

// backWithError returns to the portal page with a message.
func backWithError(w http.ResponseWriter, r *http.Request, msg string) {
	http.Redirect(w, r, "/?error="+url.QueryEscape(msg), http.StatusSeeOther)
}

// render executes a page template into memory, then writes it.
func (d *demo) render(w http.ResponseWriter, name string, data any) {
	var buf bytes.Buffer
	if err := d.pages.ExecuteTemplate(&buf, name, data); err != nil {
		d.log.Error("render", "page", name, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = buf.WriteTo(w)
}

// fail logs err and answers a plain error page.
func (d *demo) fail(w http.ResponseWriter, r *http.Request, err error) {
	d.log.Error("request failed", "path", r.URL.Path, "error", err)
	http.Error(w, "something went wrong: "+err.Error(), http.StatusInternalServerError)
}

// deliverOutcome posts the simulated gateway's callback cb (made with
// error err) to the library's callback handler, as a real gateway would.
// An outcome already settled (a second click) is not an error. It reports
// whether the page may go on; on false it has answered with the error.
func (d *demo) deliverOutcome(w http.ResponseWriter, r *http.Request, cb gatewaysim.Callback, err error) bool {
	switch {
	case errors.Is(err, gatewaysim.ErrNotPending):
		return true
	case err == nil:
		err = d.postCallback(r.Context(), cb)
	}
	if err != nil {
		d.fail(w, r, err)
		return false
	}
	return true
}
