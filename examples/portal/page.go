package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/document"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// base is what every page shows: the words of its locale, the form token,
// the signed-in customer and a message.
type base struct {
	W         words
	CSRF      string
	Customer  customer
	Customers []customer
	// Language is the account's language setting ("" for the browser's).
	Language document.Locale
	Title    string
	Flash    *shownFlash
}

// shownFlash is a message in words.
type shownFlash struct {
	Error bool
	Text  string
}

// newBase gathers the base of a page for acct ("" when none signed in).
func (d *demo) newBase(w http.ResponseWriter, r *http.Request, acct, titleKey string, args ...any) base {
	ws := d.wordsFor(r, acct)
	b := base{W: ws, CSRF: csrfToken(w, r), Customers: customers(), Title: ws.T(titleKey, args...)}
	if acct != "" {
		b.Customer = d.customer(acct)
		d.mu.Lock()
		b.Language = d.languages[acct]
		d.mu.Unlock()
		if fl, ok := d.takeFlash(w, r, acct); ok {
			b.Flash = &shownFlash{Error: fl.Error, Text: ws.T(fl.Key, fl.Args...)}
		}
	}
	return b
}

// zone is the account's billing time zone (UTC when unknown).
func (d *demo) zone(r *http.Request, acct string) *time.Location {
	if acct == "" {
		return time.UTC
	}
	a, err := d.sys.Account(r.Context(), acct)
	if err != nil {
		return time.UTC
	}
	loc, err := time.LoadLocation(a.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// indexPage is the portal page.
type indexPage struct {
	base
	Account         billing.Account
	Postpaid        bool
	Available, Cash string
	Held            string
	Promotional     [][2]string
	Resources       []resourceRow
	Bills           []billRow
	Outstanding     string
	PayAll          []billRow
	PayAllTotal     string
	Invoices        []invoiceRow
	Payments        []paymentRow
	History         []historyRow
	Linked          []linkedRow
	TopUpKey        string
	LinkKey         string
	PayAllKey       string
	DefaultTopUp    int64
	Currency        string
}

type resourceRow struct {
	ID, Name, Product, Configuration, State, Status, StatusClass, Ends string
	Postpaid, AutoRenew, CanRenew, CanDelete, CanAutoRenew             bool
	AutoRenewKey                                                       string
}

type billRow struct {
	ID, Number, Resource, Due, Amount, AmountValue string
	Overdue                                        bool
}

type invoiceRow struct {
	ID, Number, Kind, Resource, Status, Total, Date string
}

type paymentRow struct {
	For, Method, Status, Amount, Date string
}

type historyRow struct {
	Kind, Change, After, Date string
}

type linkedRow struct {
	ID, Display           string
	Default               bool
	DefaultKey, UnlinkKey string
}

// index shows the signed-in account's portal, or the account chooser.
// GET /?account= is the demo's sign-in: it sets the cookie and redirects.
func (d *demo) index(w http.ResponseWriter, r *http.Request) {
	if id := r.URL.Query().Get("account"); id != "" {
		for _, c := range customers() {
			if c.ID == id {
				setCookie(w, accountCookie, id, 0)
				break
			}
		}
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	acct, ok := d.account(r)
	if !ok {
		d.render(w, http.StatusOK, "choose", d.newBase(w, r, "", "title.demo"))
		return
	}
	data, err := d.portalPage(r.Context(), d.newBase(w, r, acct, "title.portal"), acct, r)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	d.render(w, http.StatusOK, "index", data)
}

func (d *demo) signOut(w http.ResponseWriter, r *http.Request) {
	setCookie(w, accountCookie, "", -1)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// portalPage gathers everything the page shows through the billing API.
func (d *demo) portalPage(ctx context.Context, b base, acct string, r *http.Request) (indexPage, error) {
	ws := b.W
	account, err := d.sys.Account(ctx, acct)
	if err != nil {
		return indexPage{}, err
	}
	p := indexPage{base: b, Account: account, Postpaid: account.Type == storage.Postpaid,
		TopUpKey: newKey(), LinkKey: newKey(), PayAllKey: newKey(), DefaultTopUp: 500_000, Currency: account.Currency}
	if id := r.URL.Query().Get("payment"); id != "" && p.Flash == nil {
		// The payment's real status, read from billing; the query names
		// only which payment, never the message.
		if pay, err := d.sys.Payment(ctx, acct, id); err == nil {
			p.Flash = &shownFlash{Error: pay.Status != payment.StatusSucceeded && pay.Status != payment.StatusPending,
				Text: ws.T(paymentFlashKey(pay.Status), ws.Money(pay.Amount))}
		}
	}

	wal, err := d.sys.Wallet(ctx, acct)
	if err != nil {
		return indexPage{}, err
	}
	p.Available, p.Cash, p.Held = ws.Money(wal.Available), ws.Money(wal.Cash), ws.Money(wal.Held)
	for _, pr := range wal.Promotional {
		p.Promotional = append(p.Promotional, [2]string{ws.Money(pr.Amount), ws.Time(pr.ExpiresAt)})
	}

	names, err := d.resourceNames(ctx, acct)
	if err != nil {
		return indexPage{}, err
	}
	rs, err := d.sys.Resources(ctx, billing.ListRequest{AccountID: acct, Limit: 100})
	if err != nil {
		return indexPage{}, err
	}
	for _, res := range rs.Items {
		p.Resources = append(p.Resources, d.resourceRow(ws, res, names[res.ID]))
	}

	open, err := d.sys.OpenInvoices(ctx, acct)
	if err != nil {
		return indexPage{}, err
	}
	for _, oi := range open.Invoices {
		row := billRow{ID: oi.Invoice.ID, Number: oi.Invoice.DisplayNumber(), Resource: invoiceResource(oi.Invoice, names),
			Due: ws.Time(oi.Invoice.DueAt), Amount: ws.Money(oi.Outstanding), AmountValue: oi.Outstanding.String(), Overdue: oi.Overdue}
		p.Bills = append(p.Bills, row)
	}
	if len(p.Bills) > 0 {
		p.Outstanding = ws.Money(open.Outstanding)
		p.PayAll, p.PayAllTotal = p.Bills, ws.Money(open.Outstanding)
	}

	invs, err := d.sys.Invoices(ctx, billing.ListRequest{AccountID: acct, Limit: 100})
	if err != nil {
		return indexPage{}, err
	}
	numbers := map[string]string{}
	for _, inv := range invs.Items {
		numbers[inv.ID] = inv.DisplayNumber()
		date := inv.IssuedAt
		if date.IsZero() {
			date = inv.CreatedAt
		}
		status := ws.Enum("invoice", string(inv.Status))
		if inv.Kind == invoice.KindCreditNote {
			status = ""
		}
		p.Invoices = append(p.Invoices, invoiceRow{ID: inv.ID, Number: inv.DisplayNumber(), Kind: ws.Enum("kind", string(inv.Kind)),
			Resource: invoiceResource(inv, names), Status: status, Total: ws.Money(inv.Total), Date: ws.Time(date)})
	}

	pays, err := d.sys.Payments(ctx, billing.ListRequest{AccountID: acct, Limit: 10})
	if err != nil {
		return indexPage{}, err
	}
	for _, pay := range pays.Items {
		p.Payments = append(p.Payments, paymentRow{For: d.paymentFor(ctx, ws, acct, pay, names, numbers),
			Method: ws.Enum("paymethod", string(pay.Method)), Status: ws.Enum("payment", string(pay.Status)),
			Amount: ws.Money(pay.Amount), Date: ws.Time(pay.CreatedAt)})
	}

	hist, err := d.sys.WalletHistory(ctx, billing.ListRequest{AccountID: acct, Limit: 1000})
	if err != nil {
		return indexPage{}, err
	}
	for _, h := range slices.Backward(hist.Items) {
		if len(p.History) == 10 {
			break
		}
		p.History = append(p.History, historyRow{Kind: ws.Enum("entry", string(h.Kind)), Change: ws.Money(h.Change),
			After: ws.Money(h.CreditAfter), Date: ws.Time(h.At)})
	}

	linked, err := d.sys.LinkedAccounts(ctx, acct)
	if err != nil {
		return indexPage{}, err
	}
	for _, l := range linked {
		p.Linked = append(p.Linked, linkedRow{ID: l.ID, Display: l.Display, Default: l.IsDefault, DefaultKey: newKey(), UnlinkKey: newKey()})
	}
	return p, nil
}

// paymentFlashKey is the message of a payment's real status.
func paymentFlashKey(s payment.Status) string {
	switch s {
	case payment.StatusSucceeded, payment.StatusPartiallyRefunded, payment.StatusRefunded:
		return "flash.payment.succeeded"
	case payment.StatusFailed:
		return "flash.payment.failed"
	case payment.StatusExpired:
		return "flash.payment.expired"
	case payment.StatusCanceled:
		return "flash.payment.canceled"
	default:
		return "flash.payment.pending"
	}
}

// resourceRow is a resource in words, with the actions its state allows.
func (d *demo) resourceRow(ws words, res billing.Resource, name string) resourceRow {
	row := resourceRow{ID: res.ID, Name: name, Product: d.productName(res.ProductID), Configuration: d.configText(res),
		State: ws.Enum("state", string(res.State)), Ends: ws.Time(res.PeriodEnd), AutoRenew: res.AutoRenew,
		Postpaid: res.PeriodEnd.IsZero() && res.State == lifecycle.StateActive, AutoRenewKey: newKey()}
	if res.BillingStatus != "" {
		row.Status, row.StatusClass = ws.Enum("billing", string(res.BillingStatus)), string(res.BillingStatus)
	}
	scheduled := res.State == lifecycle.StateActive || res.State == lifecycle.StateGrace || res.State == lifecycle.StateSuspended
	row.CanRenew = scheduled && !row.Postpaid
	row.CanAutoRenew = scheduled && !row.Postpaid
	row.CanDelete = scheduled
	return row
}

// resourceNames maps the account's resource ids to their names.
func (d *demo) resourceNames(ctx context.Context, acct string) (map[string]string, error) {
	rs, err := d.sys.Resources(ctx, billing.ListRequest{AccountID: acct, Limit: 100})
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(rs.Items))
	for _, r := range rs.Items {
		names[r.ID] = displayName(r, d.productName(r.ProductID))
	}
	return names, nil
}

// displayName is a resource's name, or its product's when it has none.
func displayName(r billing.Resource, product string) string {
	if r.Name != "" {
		return r.Name
	}
	return product
}

// invoiceResource names what an invoice bills.
func invoiceResource(inv invoice.Invoice, names map[string]string) string {
	if n, ok := names[inv.ResourceID]; ok {
		return n
	}
	for _, l := range inv.Lines {
		if l.ResourceName != "" {
			return l.ResourceName
		}
	}
	return ""
}

// paymentFor says in words what a payment paid for: the resources of an
// order, the number of an invoice, a top-up.
func (d *demo) paymentFor(ctx context.Context, ws words, acct string, p billing.Payment, names, numbers map[string]string) string {
	label := ws.Enum("purpose", string(p.Purpose.Kind))
	switch p.Purpose.Kind {
	case payment.PurposeInvoice:
		if n := numbers[p.Purpose.Ref]; n != "" {
			return label + " " + n
		}
	case payment.PurposeOrder:
		rs, err := d.sys.OrderResources(ctx, acct, p.Purpose.Ref)
		if err == nil && len(rs) > 0 {
			var ns []string
			for _, r := range rs {
				ns = append(ns, names[r.ID])
			}
			return label + ": " + strings.Join(ns, ", ")
		}
	}
	return label
}

// productName is the catalog's display name of a product.
func (d *demo) productName(id string) string {
	if p, err := d.sys.Catalog().Product(id); err == nil {
		return p.Name
	}
	return id
}

// configText summarises a configuration by the catalog's names: the plan,
// then each component with its quantity ("2 vCPU, 4 GB RAM").
func (d *demo) configText(r billing.Resource) string {
	prod, err := d.sys.Catalog().Product(r.ProductID)
	if err != nil {
		return ""
	}
	var parts []string
	for _, pl := range prod.Plans {
		if pl.ID == r.Configuration.Plan {
			parts = append(parts, pl.Name)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(r.Configuration.Components)) {
		unit := id
		for _, c := range prod.Components {
			if c.ID == id {
				unit = c.Unit
			}
		}
		parts = append(parts, fmt.Sprintf("%d %s", r.Configuration.Components[id], unit))
	}
	return strings.Join(parts, ", ")
}

// errorKey maps an error of the billing API to a fixed message; the
// error's own text is logged, never shown.
func (d *demo) errorKey(r *http.Request, err error) string {
	var re *billing.RequestError
	switch {
	case errors.Is(err, payment.ErrInsufficientCredit):
		return "error.credit"
	case errors.Is(err, billing.ErrQuoteChanged), errors.Is(err, billing.ErrAmountDue):
		return "error.quote"
	case errors.Is(err, billing.ErrNotPayable):
		return "error.notpayable"
	case errors.Is(err, billing.ErrGatewayUnavailable):
		return "error.gateway"
	case errors.Is(err, lifecycle.ErrIllegalTransition), errors.Is(err, billing.ErrPostpaidResource):
		return "error.state"
	case errorsAsCoupon(err):
		return "error.coupon"
	case errors.As(err, &re) && re.Field == "Term":
		return "error.term"
	}
	d.log.Warn("action refused", "path", r.URL.Path, "error", err)
	return "error.generic"
}

// amountText is an amount for a form's hidden field.
func amountText(a money.Amount) string { return a.String() }

// errorsAsCoupon reports a coupon rejection.
func errorsAsCoupon(err error) bool {
	return errors.Is(err, coupon.ErrRejected) || errors.Is(err, coupon.ErrMalformedCode)
}
