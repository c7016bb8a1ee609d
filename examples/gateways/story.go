package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway/vnpay/vnpaytest"
)

// say prints one line of the story with the time in Hanoi (GMT+7).
func (h *host) say(format string, args ...any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fmt.Fprintf(h.out, "%s  %s\n", h.clk.Now().In(time.FixedZone("ICT", 7*3600)).Format("15:04"), fmt.Sprintf(format, args...))
}

func (h *host) section(title string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fmt.Fprintf(h.out, "\n== %s\n", title)
}

func (h *host) key(what string) string { h.keys++; return fmt.Sprintf("%s-%d", what, h.keys) }

// handle is the host's billing.EventHandler: it provisions what was paid
// and reports it, and prints the payment and refund events. Delivery is at
// least once, so it skips an event id it has applied.
func (h *host) handle(ctx context.Context, e billing.Event) error {
	if h.applied[e.ID] {
		return nil
	}
	p, err := e.Decode()
	if err != nil {
		return err
	}
	switch p := p.(type) {
	case billing.ProvisionPayload:
		sys, ok := billing.SystemFromContext(ctx)
		if !ok {
			return errors.New("no System in the handler's context")
		}
		if _, err := sys.ProvisioningSucceeded(ctx, "provisioned-"+p.ResourceID, billing.ProvisioningRequest{AccountID: e.AccountID, ResourceID: p.ResourceID}); err != nil {
			return err
		}
		h.say("  [%s] create %s %s for %s; reported provisioned", e.Kind, p.ProductID, p.ResourceID, p.Term)
	case billing.PaymentPayload:
		h.say("  [%s] e-mail %s a receipt: %s by %s for %s %s", e.Kind, e.AccountID, p.Amount, p.Method, p.Purpose, p.Ref)
	case billing.RefundPayload:
		h.say("  [%s] tell %s: refund %s of %s to the card: %s", e.Kind, e.AccountID, p.RefundID, p.Amount, p.Status)
	}
	h.applied[e.ID] = true
	return nil
}

// deliver hands the outbox to the handler now.
func (h *host) deliver(ctx context.Context) error {
	_, err := h.sys.DeliverEvents(ctx, 0)
	return err
}

// tick runs the worker until nothing more is due, as RunWorker does, and
// returns what it did.
func (h *host) tick(ctx context.Context) (billing.TickReport, error) {
	var all billing.TickReport
	for {
		rep, err := h.sys.Tick(ctx, 0)
		if err != nil {
			return all, err
		}
		if len(rep.Failures) > 0 {
			return all, fmt.Errorf("tick: %d failures, first: %s", len(rep.Failures), rep.Failures[0].Reason)
		}
		all.PaymentsReconciled += rep.PaymentsReconciled
		all.PaymentsExpired += rep.PaymentsExpired
		all.RefundsSettled += rep.RefundsSettled
		if !rep.More {
			return all, nil
		}
	}
}

// checkout orders a vServer for a month, paid through VNPay, and opens
// VNPay's payment page in the payer's browser. It returns the payment and
// its vnp_TxnRef.
func (h *host) checkout(ctx context.Context, plan string) (billing.Payment, string, error) {
	req := billing.CheckoutRequest{AccountID: account, Method: payment.MethodGateway, Gateway: "vnpay",
		Items: []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: plan},
			Quantity: 1, Term: period.Months(1)}}}
	q, err := h.sys.PreviewCheckout(ctx, req)
	if err != nil {
		return billing.Payment{}, "", err
	}
	req.ExpectedTotal = q.Total
	res, err := h.sys.Checkout(ctx, h.key("cart"), req)
	if err != nil {
		return billing.Payment{}, "", err
	}
	h.say("%s checks out vServer %s for a month: order %s, %s; payment %s %s", account, plan, res.Order.ID,
		res.Order.Total, res.Payment.ID, res.Payment.Status)
	u, err := url.Parse(res.Payment.RedirectURL)
	if err != nil {
		return billing.Payment{}, "", err
	}
	v := u.Query()
	h.say("  redirect to VNPay %s: vnp_TxnRef=%s vnp_Amount=%s vnp_OrderInfo=%q vnp_ExpireDate=%s", u.Path,
		v.Get("vnp_TxnRef"), v.Get("vnp_Amount"), v.Get("vnp_OrderInfo"), v.Get("vnp_ExpireDate"))
	page, err := h.open(res.Payment.RedirectURL)
	if err != nil {
		return billing.Payment{}, "", err
	}
	h.say("  VNPay's page (its checksum verified): %s", page)
	return res.Payment, v.Get("vnp_TxnRef"), nil
}

// pay has the payer pay on VNPay's page and land on the return page.
func (h *host) pay(ctx context.Context, txnRef string) error {
	h.clk.Advance(2 * time.Minute)
	h.say("%s pays on VNPay's page", account)
	back, err := h.choose(vnpaytest.PayPath, txnRef)
	if err != nil {
		return err
	}
	h.say("  return page: %s", back)
	return h.deliver(ctx)
}

func (h *host) paidByVNPay(ctx context.Context) error {
	h.section("1. a checkout paid by VNPay")
	p, ref, err := h.checkout(ctx, "basic-1")
	if err != nil {
		return err
	}
	h.firstPayment, h.firstRef = p.ID, ref
	if err := h.pay(ctx, ref); err != nil {
		return err
	}
	if err := h.status(ctx, p.ID); err != nil {
		return err
	}

	h.section("2. VNPay delivers the same IPN again")
	tx, _ := h.sandbox.Transaction(ref)
	if _, err := h.sandbox.DeliverIPN(ctx, tx.IPNQuery); err != nil {
		return err
	}
	if err := h.deliver(ctx); err != nil {
		return err
	}
	if err := h.status(ctx, p.ID); err != nil {
		return err
	}

	h.section("3. a forged IPN: the amount raised to 9,900,000 VND, the checksum copied")
	signed, err := url.ParseQuery(tx.IPNQuery)
	if err != nil {
		return err
	}
	forged := strings.Replace(tx.IPNQuery, "vnp_Amount="+signed.Get("vnp_Amount"), "vnp_Amount=990000000", 1)
	if _, err := h.sandbox.DeliverIPN(ctx, forged); err != nil {
		return err
	}
	return h.status(ctx, p.ID)
}

// status prints the host's record of a payment and its resources.
func (h *host) status(ctx context.Context, paymentID string) error {
	p, err := h.sys.Payment(ctx, account, paymentID)
	if err != nil {
		return err
	}
	rs, err := h.sys.Resources(ctx, billing.ListRequest{AccountID: account})
	if err != nil {
		return err
	}
	states := make([]string, len(rs.Items))
	for i, r := range rs.Items {
		states[i] = fmt.Sprintf("%s %s", r.ID, r.State)
	}
	h.say("  payment %s: %s, %s refunded; resources: %s", p.ID, p.Status, p.Refunded, strings.Join(states, ", "))
	return nil
}

func (h *host) lostIPN(ctx context.Context) error {
	h.section("4. a payment whose IPN is lost, recovered by the worker's querydr")
	p, ref, err := h.checkout(ctx, "basic-1")
	if err != nil {
		return err
	}
	h.sandbox.LoseIPNs(ref)
	if err := h.pay(ctx, ref); err != nil {
		return err
	}
	h.say("  (VNPay's IPN never arrived)")
	h.clk.Set(p.ExpiresAt)
	h.say("the worker runs at the payment's expiry")
	rep, err := h.tick(ctx)
	if err != nil {
		return err
	}
	h.say("  it asked VNPay first (%s): %d reconciled, %d expired", h.lastCall(ref),
		rep.PaymentsReconciled, rep.PaymentsExpired)
	return h.status(ctx, p.ID)
}

func (h *host) refund(ctx context.Context) error {
	h.section("5. a partial refund to the card through VNPay's refund API")
	amount, err := money.New("30000", "VND")
	if err != nil {
		return err
	}
	r, err := h.sys.RefundPayment(ctx, h.key("refund"), billing.RefundPaymentRequest{AccountID: account, PaymentID: h.firstPayment,
		Amount: amount, Reason: "Hoàn tiền một phần"})
	if err != nil {
		return err
	}
	h.say("%s asks for %s of payment %s back: refund %s %s", account, amount, h.firstPayment, r.ID, r.Status)
	req := h.sandbox.LastRequest()
	h.say("  VNPay's refund API: vnp_TransactionType %s (partial), vnp_Amount %s → %s", req["vnp_TransactionType"],
		req["vnp_Amount"], h.lastCall(h.firstRef))
	if err := h.deliver(ctx); err != nil {
		return err
	}
	h.clk.Advance(2 * time.Minute)
	if _, err := h.tick(ctx); err != nil {
		return err
	}
	r, err = h.sys.Refund(ctx, account, r.ID)
	if err != nil {
		return err
	}
	h.say("worker asks VNPay (%s): refund %s still %s", h.lastCall(h.firstRef), r.ID, r.Status)

	if err := h.sandbox.SettleRefund(h.firstRef); err != nil {
		return err
	}
	h.clk.Advance(4 * time.Minute)
	h.say("VNPay pays the refund out to the card")
	rep, err := h.tick(ctx)
	if err != nil {
		return err
	}
	r, err = h.sys.Refund(ctx, account, r.ID)
	if err != nil {
		return err
	}
	h.say("worker asks VNPay again (%s): %d refund settled, refund %s %s", h.lastCall(h.firstRef), rep.RefundsSettled, r.ID, r.Status)
	return h.status(ctx, h.firstPayment)
}

// lastCall says which merchant API call VNPay received last and where the
// transaction txnRef stands at VNPay.
func (h *host) lastCall(txnRef string) string {
	tx, _ := h.sandbox.Transaction(txnRef)
	return fmt.Sprintf("%s; VNPay's status %s", h.sandbox.LastRequest()["vnp_Command"], tx.Status)
}
