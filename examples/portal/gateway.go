package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/cloudbill/cloudbill/payment/gatewaysim"
)

// gatewayPage is the simulated gateway's page.
type gatewayPage struct {
	base
	Ref, Amount, Merchant string
}

// gatewayPayPage is the simulated gateway's checkout page.
func (d *demo) gatewayPayPage(w http.ResponseWriter, r *http.Request) {
	p, ok := lookup(d, w, r, d.payments)
	if !ok {
		return
	}
	b := d.newBase(w, r, p.AccountID, "gateway.pay.to", seller().Name)
	d.render(w, http.StatusOK, "gateway-pay", gatewayPage{base: b, Ref: r.PathValue("ref"), Amount: b.W.Money(p.Amount), Merchant: seller().Name})
}

// gatewayPay plays the customer's choice at the gateway: the simulator
// settles the payment and signs its callback, which is POSTed to the
// host's callback endpoint as the real gateway would, and the browser
// returns to the portal, which shows the payment's real status.
func (d *demo) gatewayPay(w http.ResponseWriter, r *http.Request) {
	p, ok := lookup(d, w, r, d.payments)
	if !ok {
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
	http.Redirect(w, r, p.ReturnURL+"?payment="+url.QueryEscape(p.PaymentID)+"#"+p.Anchor, http.StatusSeeOther)
}

func (d *demo) gatewayLinkPage(w http.ResponseWriter, r *http.Request) {
	l, ok := lookup(d, w, r, d.links)
	if !ok {
		return
	}
	b := d.newBase(w, r, l.AccountID, "gateway.link.ask", seller().Name)
	d.render(w, http.StatusOK, "gateway-link", gatewayPage{base: b, Ref: r.PathValue("ref"), Merchant: seller().Name})
}

func (d *demo) gatewayLink(w http.ResponseWriter, r *http.Request) {
	ref := r.PathValue("ref")
	l, ok := lookup(d, w, r, d.links)
	if !ok {
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
	d.redirectWith(w, r, "/#linked", flash{Account: l.AccountID, Key: "flash.linked"})
}

// lookup finds the payment or link the gateway page's {ref} names in m,
// under the demo's lock, answering 404 when there is none.
func lookup[T any](d *demo, w http.ResponseWriter, r *http.Request, m map[string]T) (T, bool) {
	d.mu.Lock()
	v, ok := m[r.PathValue("ref")]
	d.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
	}
	return v, ok
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
