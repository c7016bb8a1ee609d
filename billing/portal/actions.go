package portal

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/payment"
)

// maxPayAll bounds the invoices one POST /open-invoices/pay pays.
const maxPayAll = 100

// renewal answers what renewing a resource by the term and coupons of the
// query would cost now. Without a term it quotes the resource's
// automatic-renewal term when the product sells it, else the product's
// first term.
func (h *Handler) renewal(w http.ResponseWriter, r *http.Request, acct string) error {
	ctx := r.Context()
	res, err := h.sys.Resource(ctx, acct, r.PathValue("id"))
	if err != nil {
		return err
	}
	allowed, err := h.allowedTerms(res)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	var term period.Term
	switch s := q.Get("term"); {
	case s != "":
		if term, err = parseTerm(s); err != nil {
			return err
		}
	case res.AutoRenewTerm != (period.Term{}) && slices.Contains(allowed, res.AutoRenewTerm):
		term = res.AutoRenewTerm
	case len(allowed) > 0:
		term = allowed[0]
	default:
		return badRequest("term", "is required")
	}
	coupons := q["coupon"]
	pv, err := h.sys.PreviewRenew(ctx, billing.RenewRequest{AccountID: acct, ResourceIDs: []string{res.ID}, Term: term,
		PaySpec: billing.PaySpec{Coupons: coupons}})
	if err != nil {
		return err
	}
	out := RenewalQuote{ResourceID: res.ID, Term: term.String(), AllowedTerms: make([]string, 0, len(allowed)),
		Coupons: coupons, Subtotal: pv.Quote.Subtotal, Discount: pv.Quote.Discount, Tax: pv.Quote.Tax, Total: pv.Quote.Total}
	if len(pv.Ends) == 1 {
		out.NewPeriodEnd = pv.Ends[0]
	}
	for _, t := range allowed {
		out.AllowedTerms = append(out.AllowedTerms, t.String())
	}
	return writeJSON(w, http.StatusOK, out)
}

// allowedTerms are the exact terms the resource's product sells in its
// currency.
func (h *Handler) allowedTerms(res billing.Resource) ([]period.Term, error) {
	cat, err := h.sys.CatalogFor(res.PricePer30Days.Currency().Code())
	if err != nil {
		return nil, err
	}
	set, err := cat.Terms(res.ProductID)
	if err != nil {
		return nil, err
	}
	return set.Terms, nil
}

// renew renews one resource by a term and answers the payment: 201 when
// settled or pending (follow its redirect_url), or the problem.
func (h *Handler) renew(w http.ResponseWriter, r *http.Request, acct string) error {
	var req RenewRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	if req.Term == "" {
		return badRequest("term", `is required, e.g. "1 month"`)
	}
	term, err := parseTerm(req.Term)
	if err != nil {
		return err
	}
	spec, err := h.paySpec(req.Method, req.Gateway, req.LinkedAccountID, req.ReturnURL)
	if err != nil {
		return err
	}
	spec.ClientIP = h.payerIP(r)
	spec.Coupons, spec.ExpectedTotal = req.Coupons, req.ExpectedTotal
	res, err := h.sys.Renew(r.Context(), r.Header.Get(IdempotencyKeyHeader), billing.RenewRequest{
		AccountID: acct, ResourceIDs: []string{r.PathValue("id")}, Term: term, PaySpec: spec})
	if err != nil {
		return err
	}
	out := ActionOutcome{Payment: paymentJSON(res.Payment)}
	if len(res.Resources) == 1 {
		out.Resource = h.resourceJSON(res.Resources[0])
	}
	return writeJSON(w, http.StatusCreated, out)
}

// setAutoRenew switches a resource's automatic renewal.
func (h *Handler) setAutoRenew(w http.ResponseWriter, r *http.Request, acct string) error {
	var req AutoRenewRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	if req.On == nil {
		return badRequest("on", "is required: true or false")
	}
	var term period.Term
	if req.Term != "" {
		var err error
		if term, err = parseTerm(req.Term); err != nil {
			return err
		}
	}
	res, err := h.sys.SetAutoRenew(r.Context(), r.Header.Get(IdempotencyKeyHeader), billing.AutoRenewRequest{
		AccountID: acct, ResourceID: r.PathValue("id"), On: *req.On, Term: term})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, h.resourceJSON(res))
}

// deletion answers what deleting a resource now refunds.
func (h *Handler) deletion(w http.ResponseWriter, r *http.Request, acct string) error {
	id := r.PathValue("id")
	pv, err := h.sys.PreviewDelete(r.Context(), acct, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, DeletionQuote{ResourceID: id, UnusedValue: pv.UnusedValue, Refund: pv.Refunded})
}

// deleteResource deletes a resource, refunding its unused value to credit
// as the product's policy allows.
func (h *Handler) deleteResource(w http.ResponseWriter, r *http.Request, acct string) error {
	if err := noBody(r); err != nil {
		return err
	}
	res, err := h.sys.Delete(r.Context(), r.Header.Get(IdempotencyKeyHeader), billing.DeleteRequest{
		AccountID: acct, ResourceID: r.PathValue("id"), Reason: "deleted by the customer in the portal"})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, Deletion{Resource: h.resourceJSON(res.Resource), UnusedValue: res.UnusedValue, Refunded: res.Refunded})
}

// openInvoices lists what the account still owes, oldest first.
func (h *Handler) openInvoices(w http.ResponseWriter, r *http.Request, acct string) error {
	bal, err := h.sys.OpenInvoices(r.Context(), acct)
	if err != nil {
		return err
	}
	out := OpenInvoices{Data: make([]OpenInvoice, 0, len(bal.Invoices)), Outstanding: bal.Outstanding}
	for _, oi := range bal.Invoices {
		out.Data = append(out.Data, OpenInvoice{Invoice: invoiceJSON(oi.Invoice, false), Overdue: oi.Overdue})
	}
	return writeJSON(w, http.StatusOK, out)
}

// payInvoice pays an amount of one invoice.
func (h *Handler) payInvoice(w http.ResponseWriter, r *http.Request, acct string) error {
	var req PayInvoiceRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	spec, err := h.paySpec(req.Method, req.Gateway, req.LinkedAccountID, req.ReturnURL)
	if err != nil {
		return err
	}
	spec.ClientIP = h.payerIP(r)
	p, err := h.payOne(r, acct, r.Header.Get(IdempotencyKeyHeader), r.PathValue("id"), req.Amount, spec)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, paymentJSON(p))
}

// payOne pays amount of invoice id under key. The invoice is read first,
// so that another account's is not found before anything else is said.
func (h *Handler) payOne(r *http.Request, acct, key, id string, amount money.Amount, spec billing.PaySpec) (billing.Payment, error) {
	ctx := r.Context()
	inv, err := h.sys.Invoice(ctx, acct, id)
	if err != nil {
		return billing.Payment{}, err
	}
	if amount.Currency().IsZero() {
		return billing.Payment{}, badRequest("amount", `is required, as a string with its currency, e.g. "181000 VND"`)
	}
	if inv.Kind != invoice.KindInvoice {
		return billing.Payment{}, fmt.Errorf("%w: a credit note is not paid", billing.ErrNotPayable)
	}
	return h.sys.Pay(ctx, key, billing.PayRequest{AccountID: acct, Amount: amount,
		Purpose: payment.Purpose{Kind: payment.PurposeInvoice, Ref: inv.ID},
		Method:  spec.Method, Gateway: spec.Gateway, LinkedAccountID: spec.LinkedAccountID, ReturnURL: spec.ReturnURL,
		ClientIP: spec.ClientIP, Description: "invoice " + inv.DisplayNumber()})
}

// payAll pays the listed invoices one after another by credit or a linked
// account. Each invoice's payment has its own idempotency key derived from
// the request's, so a retry pays nothing twice and returns the same
// payments.
func (h *Handler) payAll(w http.ResponseWriter, r *http.Request, acct string) error {
	var req PayAllRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	if len(req.Invoices) == 0 || len(req.Invoices) > maxPayAll {
		return badRequest("invoices", fmt.Sprintf("list 1 to %d invoices", maxPayAll))
	}
	for i, it := range req.Invoices {
		if it.ID == "" {
			return badRequest("invoices", "every invoice needs its id")
		}
		for _, prev := range req.Invoices[:i] {
			if prev.ID == it.ID {
				return badRequest("invoices", "the invoice "+quoteInput(it.ID)+" is listed twice")
			}
		}
	}
	m := payment.Method(req.Method)
	if m != payment.MethodCredit && m != payment.MethodLinkedAccount {
		return badRequest("method", "is credit or linked_account: paying several invoices at once needs no redirect")
	}
	key := r.Header.Get(IdempotencyKeyHeader)
	out := PayAllResult{Payments: []Payment{}}
	for _, it := range req.Invoices {
		p, err := h.payOne(r, acct, subKey(key, it.ID), it.ID, it.Amount, billing.PaySpec{Method: m, LinkedAccountID: req.LinkedAccountID})
		if err == nil && p.Status == payment.StatusFailed {
			out.Payments = append(out.Payments, paymentJSON(p))
			out.StoppedAt = it.ID
			break
		}
		if err != nil {
			if len(out.Payments) == 0 {
				return err
			}
			out.StoppedAt, out.Problem = it.ID, h.problemFor(r, err)
			break
		}
		out.Payments = append(out.Payments, paymentJSON(p))
	}
	return writeJSON(w, http.StatusCreated, out)
}

// subKey derives the idempotency key of one invoice's payment from the
// request's key: bounded, and the same for a retry.
func subKey(key, invoiceID string) string {
	sum := sha256.Sum256([]byte(key + "\x00" + invoiceID))
	return "portal-pay-all-" + hex.EncodeToString(sum[:16])
}

// paySpec checks a payment method with its gateway or linked account.
func (h *Handler) paySpec(method, gw, linked, returnURL string) (billing.PaySpec, error) {
	m := payment.Method(method)
	spec := billing.PaySpec{Method: m, LinkedAccountID: linked, ReturnURL: returnURL}
	switch m {
	case payment.MethodCredit, payment.MethodLinkedAccount:
	case payment.MethodGateway, payment.MethodTopUpAndPay:
		var err error
		if spec.Gateway, err = h.gatewayOf(gw); err != nil {
			return billing.PaySpec{}, err
		}
	case "":
		return billing.PaySpec{}, badRequest("method", "is required: credit, top_up_and_pay, gateway or linked_account")
	default:
		return billing.PaySpec{}, badRequest("method", quoteInput(method)+" is not credit, top_up_and_pay, gateway or linked_account")
	}
	return spec, nil
}

// parseTerm reads a term as period.Term.String writes it.
func parseTerm(s string) (period.Term, error) {
	t, err := period.ParseTerm(s)
	if err != nil {
		return period.Term{}, badRequest("term", quoteInput(s)+` is not a term such as "1 month", "3 months" or "60 days"`)
	}
	return t, nil
}
