package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/portal"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/document"
	"github.com/cloudbill/cloudbill/payment"
)

// signedIn returns the signed-in account, or redirects to the chooser.
func (d *demo) signedIn(w http.ResponseWriter, r *http.Request) (string, bool) {
	acct, ok := d.account(r)
	if !ok {
		http.Redirect(w, r, "/", http.StatusSeeOther)
	}
	return acct, ok
}

// refuse sends the customer back to path with the fixed message of err.
func (d *demo) refuse(w http.ResponseWriter, r *http.Request, acct, path string, err error) {
	d.redirectWith(w, r, path, flash{Account: acct, Error: true, Key: d.errorKey(r, err)})
}

// afterPayment sends the customer on after a payment was started: to the
// simulated gateway's page when it waits for one, else back to the portal,
// which shows the payment's real status.
func (d *demo) afterPayment(w http.ResponseWriter, r *http.Request, acct string, p billing.Payment, anchor string) {
	back := d.base + "/"
	if p.RedirectURL != "" && p.Status == payment.StatusPending {
		d.mu.Lock()
		d.payments[p.GatewayRef] = simPayment{AccountID: acct, PaymentID: p.ID, ReturnURL: back, Anchor: anchor, Amount: p.FromGateway}
		d.mu.Unlock()
		http.Redirect(w, r, p.RedirectURL, http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/?payment="+url.QueryEscape(p.ID)+"#"+anchor, http.StatusSeeOther)
}

// methods are the payment methods a page offers.
type methodChoice struct {
	Value, Label string
	Checked      bool
}

// methodChoices lists credit, MoMo, credit-then-MoMo and each linked
// account, the chosen one checked.
func (d *demo) methodChoices(r *http.Request, ws words, acct, chosen string, withGateway bool) []methodChoice {
	var out []methodChoice
	add := func(v, label string) {
		out = append(out, methodChoice{Value: v, Label: label, Checked: v == chosen})
	}
	avail := ""
	if wal, err := d.sys.Wallet(r.Context(), acct); err == nil {
		avail = ws.Money(wal.Available)
	}
	add(string(payment.MethodCredit), ws.T("method.credit", avail))
	if withGateway {
		add(string(payment.MethodGateway), ws.T("method.gateway"))
		add(string(payment.MethodTopUpAndPay), ws.T("method.top_up_and_pay"))
	}
	if linked, err := d.sys.LinkedAccounts(r.Context(), acct); err == nil {
		for _, l := range linked {
			add("linked:"+l.ID, ws.T("method.linked_account", l.Display))
		}
	}
	if chosen == "" && len(out) > 0 {
		out[0].Checked = true
	}
	return out
}

// paySpecOf reads a method choice into a PaySpec.
func paySpecOf(choice, returnURL string) billing.PaySpec {
	if id, ok := strings.CutPrefix(choice, "linked:"); ok {
		return billing.PaySpec{Method: payment.MethodLinkedAccount, LinkedAccountID: id}
	}
	spec := billing.PaySpec{Method: payment.Method(choice), ReturnURL: returnURL}
	if spec.Method == payment.MethodGateway || spec.Method == payment.MethodTopUpAndPay {
		spec.Gateway = gatewayName
	}
	return spec
}

// renewPage is the renewal form with its preview: term, coupon and method,
// and the price exactly as it would be charged now.
type renewPage struct {
	base
	ResourceID, Name, Ends string
	Terms                  []termChoice
	Coupon, TermValue      string
	Methods                []methodChoice
	Method                 string
	Subtotal, Discount     string
	Tax, Total, TotalValue string
	NewEnd                 string
	HasDiscount            bool
	Error                  string
	Key                    string
}

type termChoice struct {
	Value, Label string
	Selected     bool
}

func (d *demo) renewPage(w http.ResponseWriter, r *http.Request) {
	acct, ok := d.signedIn(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	res, err := d.sys.Resource(ctx, acct, r.PathValue("id"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	names, err := d.resourceNames(ctx, acct)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	name := names[res.ID]
	b := d.newBase(w, r, acct, "renew.heading", name)
	ws := b.W
	q := r.URL.Query()
	p := renewPage{base: b, ResourceID: res.ID, Name: name, Ends: ws.Time(res.PeriodEnd), Coupon: strings.TrimSpace(q.Get("coupon")),
		Method: q.Get("method"), Key: newKey()}
	set, err := d.sys.Catalog().Terms(res.ProductID)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	term := res.AutoRenewTerm
	if t, err := period.ParseTerm(q.Get("term")); err == nil {
		term = t
	}
	if term == (period.Term{}) && len(set.Terms) > 0 {
		term = set.Terms[0]
	}
	p.TermValue = term.String()
	for _, t := range set.Terms {
		p.Terms = append(p.Terms, termChoice{Value: t.String(), Label: ws.Term(t), Selected: t == term})
	}
	p.Methods = d.methodChoices(r, ws, acct, p.Method, true)
	var coupons []string
	if p.Coupon != "" {
		coupons = []string{p.Coupon}
	}
	pv, err := d.sys.PreviewRenew(ctx, billing.RenewRequest{AccountID: acct, ResourceIDs: []string{res.ID}, Term: term,
		PaySpec: billing.PaySpec{Coupons: coupons}})
	if err != nil {
		p.Error = ws.T(d.errorKey(r, err))
	} else {
		p.Subtotal, p.Discount, p.Tax, p.Total = ws.Money(pv.Quote.Subtotal), ws.Money(pv.Quote.Discount), ws.Money(pv.Quote.Tax), ws.Money(pv.Quote.Total)
		p.TotalValue, p.HasDiscount = amountText(pv.Quote.Total), pv.Quote.Discount.IsPositive()
		if len(pv.Ends) == 1 {
			p.NewEnd = ws.Time(pv.Ends[0])
		}
	}
	d.render(w, http.StatusOK, "renew", p)
}

// renew confirms a renewal at the previewed total.
func (d *demo) renew(w http.ResponseWriter, r *http.Request) {
	acct, ok := d.signedIn(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	back := "/resources/" + url.PathEscape(id) + "/renew?" + url.Values{"term": {r.PostFormValue("term")},
		"coupon": {r.PostFormValue("coupon")}, "method": {r.PostFormValue("method")}}.Encode()
	term, err := period.ParseTerm(r.PostFormValue("term"))
	if err != nil {
		d.redirectWith(w, r, back, flash{Account: acct, Error: true, Key: "error.term"})
		return
	}
	expected, err := money.Parse(r.PostFormValue("expected_total"))
	if err != nil {
		d.redirectWith(w, r, back, flash{Account: acct, Error: true, Key: "error.quote"})
		return
	}
	spec := paySpecOf(r.PostFormValue("method"), d.base+"/")
	spec.ClientIP = portal.RemoteIP(r)
	spec.ExpectedTotal = expected
	if c := strings.TrimSpace(r.PostFormValue("coupon")); c != "" {
		spec.Coupons = []string{c}
	}
	res, err := d.sys.Renew(r.Context(), r.PostFormValue("key"), billing.RenewRequest{AccountID: acct, ResourceIDs: []string{id}, Term: term, PaySpec: spec})
	if err != nil {
		d.refuse(w, r, acct, back, err)
		return
	}
	if res.Payment.Status == payment.StatusSucceeded && len(res.Resources) == 1 {
		ws := d.wordsFor(r, acct)
		names, _ := d.resourceNames(r.Context(), acct)
		d.redirectWith(w, r, "/#resources", flash{Account: acct, Key: "flash.renewed",
			Args: []any{names[id], ws.Time(res.Resources[0].PeriodEnd)}})
		return
	}
	d.afterPayment(w, r, acct, res.Payment, "resources")
}

// autoRenew switches a resource's automatic renewal.
func (d *demo) autoRenew(w http.ResponseWriter, r *http.Request) {
	acct, ok := d.signedIn(w, r)
	if !ok {
		return
	}
	on := r.PostFormValue("on") == "1"
	res, err := d.sys.SetAutoRenew(r.Context(), r.PostFormValue("key"), billing.AutoRenewRequest{AccountID: acct, ResourceID: r.PathValue("id"), On: on})
	if err != nil {
		d.refuse(w, r, acct, "/#resources", err)
		return
	}
	names, _ := d.resourceNames(r.Context(), acct)
	key := "flash.autorenew.off"
	if res.AutoRenew {
		key = "flash.autorenew.on"
	}
	d.redirectWith(w, r, "/#resources", flash{Account: acct, Key: key, Args: []any{names[res.ID]}})
}

// deletePage asks to confirm a delete, with the refund it gives.
type deletePage struct {
	base
	ResourceID, Name, Refund string
	Refunds                  bool
	Key                      string
}

func (d *demo) deletePage(w http.ResponseWriter, r *http.Request) {
	acct, ok := d.signedIn(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	id := r.PathValue("id")
	names, err := d.resourceNames(ctx, acct)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	name, known := names[id]
	if !known {
		http.NotFound(w, r)
		return
	}
	pv, err := d.sys.PreviewDelete(ctx, acct, id)
	if err != nil {
		d.refuse(w, r, acct, "/#resources", err)
		return
	}
	b := d.newBase(w, r, acct, "delete.heading", name)
	d.render(w, http.StatusOK, "delete", deletePage{base: b, ResourceID: id, Name: name, Refund: b.W.Money(pv.Refunded),
		Refunds: pv.Refunded.IsPositive(), Key: newKey()})
}

func (d *demo) deleteResource(w http.ResponseWriter, r *http.Request) {
	acct, ok := d.signedIn(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	names, _ := d.resourceNames(r.Context(), acct)
	res, err := d.sys.Delete(r.Context(), r.PostFormValue("key"), billing.DeleteRequest{AccountID: acct, ResourceID: id, Reason: "deleted by the customer"})
	if err != nil {
		d.refuse(w, r, acct, "/#resources", err)
		return
	}
	ws := d.wordsFor(r, acct)
	d.redirectWith(w, r, "/#resources", flash{Account: acct, Key: "flash.deleted", Args: []any{names[id], ws.Money(res.Refunded)}})
}

// payPage shows an open invoice's amount due and the methods to pay it.
type payPage struct {
	base
	InvoiceID, Number, Resource string
	Due, DueValue               string
	Methods                     []methodChoice
	Key                         string
}

func (d *demo) payPage(w http.ResponseWriter, r *http.Request) {
	acct, ok := d.signedIn(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	inv, err := d.sys.Invoice(ctx, acct, r.PathValue("id"))
	if err != nil || inv.Kind != invoice.KindInvoice {
		http.NotFound(w, r)
		return
	}
	if !inv.AmountDue().IsPositive() {
		d.redirectWith(w, r, "/#bills", flash{Account: acct, Error: true, Key: "error.notpayable"})
		return
	}
	names, err := d.resourceNames(ctx, acct)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	b := d.newBase(w, r, acct, "pay.heading", inv.DisplayNumber())
	d.render(w, http.StatusOK, "pay", payPage{base: b, InvoiceID: inv.ID, Number: inv.DisplayNumber(), Resource: invoiceResource(inv, names),
		Due: b.W.Money(inv.AmountDue()), DueValue: amountText(inv.AmountDue()), Methods: d.methodChoices(r, b.W, acct, "", true), Key: newKey()})
}

// payBill pays the amount due the customer confirmed.
func (d *demo) payBill(w http.ResponseWriter, r *http.Request) {
	acct, ok := d.signedIn(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	amount, err := money.Parse(r.PostFormValue("amount"))
	if err != nil {
		d.redirectWith(w, r, "/#bills", flash{Account: acct, Error: true, Key: "error.quote"})
		return
	}
	spec := paySpecOf(r.PostFormValue("method"), d.base+"/")
	spec.ClientIP = portal.RemoteIP(r)
	p, err := d.sys.Pay(r.Context(), r.PostFormValue("key"), billing.PayRequest{AccountID: acct, Amount: amount,
		Purpose: payment.Purpose{Kind: payment.PurposeInvoice, Ref: id}, Method: spec.Method, Gateway: spec.Gateway,
		LinkedAccountID: spec.LinkedAccountID, ReturnURL: spec.ReturnURL, ClientIP: spec.ClientIP, Description: "bill paid in the portal"})
	if err != nil {
		d.refuse(w, r, acct, "/bills/"+url.PathEscape(id)+"/pay", err)
		return
	}
	d.afterPayment(w, r, acct, p, "bills")
}

// payAllBills pays the listed bills from credit, oldest first, each with a
// key derived from the form's, and stops at the first that fails.
func (d *demo) payAllBills(w http.ResponseWriter, r *http.Request) {
	acct, ok := d.signedIn(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		d.redirectWith(w, r, "/#bills", flash{Account: acct, Error: true, Key: "error.generic"})
		return
	}
	ids, amounts := r.PostForm["invoice"], r.PostForm["amount"]
	if len(ids) == 0 || len(ids) != len(amounts) || len(ids) > 100 {
		d.redirectWith(w, r, "/#bills", flash{Account: acct, Error: true, Key: "error.quote"})
		return
	}
	ws := d.wordsFor(r, acct)
	paid, total := 0, money.Amount{}
	for i, id := range ids {
		amount, err := money.Parse(amounts[i])
		if err == nil {
			sum := sha256.Sum256([]byte(r.PostFormValue("key") + "\x00" + id))
			var p billing.Payment
			p, err = d.sys.Pay(r.Context(), "pay-all-"+hex.EncodeToString(sum[:16]), billing.PayRequest{AccountID: acct, Amount: amount,
				Purpose: payment.Purpose{Kind: payment.PurposeInvoice, Ref: id}, Method: payment.MethodCredit, Description: "bills paid in the portal"})
			if err == nil && p.Status != payment.StatusSucceeded {
				err = payment.ErrInsufficientCredit
			}
			if err == nil {
				if total.IsZero() {
					total = p.Amount
				} else if total, err = total.Add(p.Amount); err != nil {
					total = p.Amount
				}
			}
		}
		if err != nil {
			if paid == 0 {
				d.refuse(w, r, acct, "/#bills", err)
				return
			}
			break
		}
		paid++
	}
	d.redirectWith(w, r, "/#bills", flash{Account: acct, Key: "flash.bills.paid", Args: []any{paid, ws.Money(total)}})
}

// topUp starts a top-up through the simulated gateway.
func (d *demo) topUp(w http.ResponseWriter, r *http.Request) {
	acct, ok := d.signedIn(w, r)
	if !ok {
		return
	}
	n, err := strconv.ParseInt(strings.TrimSpace(r.PostFormValue("amount")), 10, 64)
	if err != nil || n <= 0 || n > 1_000_000_000_000 {
		d.redirectWith(w, r, "/#wallet", flash{Account: acct, Error: true, Key: "error.amount"})
		return
	}
	cur := "VND"
	if a, err := d.sys.Account(r.Context(), acct); err == nil {
		cur = a.Currency
	}
	amount, err := money.FromMinor(n, cur)
	if err != nil {
		d.redirectWith(w, r, "/#wallet", flash{Account: acct, Error: true, Key: "error.amount"})
		return
	}
	p, err := d.sys.TopUp(r.Context(), r.PostFormValue("key"), billing.TopUpRequest{
		AccountID: acct, Amount: amount, Gateway: gatewayName, ReturnURL: d.base + "/", ClientIP: portal.RemoteIP(r),
	})
	if err != nil {
		d.refuse(w, r, acct, "/#wallet", err)
		return
	}
	d.afterPayment(w, r, acct, p, "wallet")
}

func (d *demo) startLink(w http.ResponseWriter, r *http.Request) {
	acct, ok := d.signedIn(w, r)
	if !ok {
		return
	}
	start, err := d.sys.StartLinking(r.Context(), r.PostFormValue("key"), billing.LinkAccountRequest{AccountID: acct, Gateway: gatewayName, ReturnURL: d.base + "/"})
	if err != nil {
		d.refuse(w, r, acct, "/#linked", err)
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

func (d *demo) clearDefault(w http.ResponseWriter, r *http.Request) {
	d.linkedAction(w, r, d.sys.ClearDefaultLinkedAccount)
}

func (d *demo) unlink(w http.ResponseWriter, r *http.Request) {
	d.linkedAction(w, r, d.sys.Unlink)
}

func (d *demo) linkedAction(w http.ResponseWriter, r *http.Request,
	act func(ctx context.Context, key string, req billing.LinkedAccountRequest) ([]billing.LinkedAccount, error)) {
	acct, ok := d.signedIn(w, r)
	if !ok {
		return
	}
	if _, err := act(r.Context(), r.PostFormValue("key"), billing.LinkedAccountRequest{AccountID: acct, LinkID: r.PathValue("id")}); err != nil {
		d.refuse(w, r, acct, "/#linked", err)
		return
	}
	d.redirectWith(w, r, "/#linked", flash{Account: acct, Key: "flash.linked"})
}

// setLanguage saves the account's language setting ("" follows the
// browser's Accept-Language).
func (d *demo) setLanguage(w http.ResponseWriter, r *http.Request) {
	acct, ok := d.signedIn(w, r)
	if !ok {
		return
	}
	l := document.Locale(r.PostFormValue("language"))
	if l != document.ViVN && l != document.EnUS {
		l = ""
	}
	d.mu.Lock()
	d.languages[acct] = l
	d.mu.Unlock()
	d.redirectWith(w, r, "/", flash{Account: acct, Key: "flash.language"})
}
