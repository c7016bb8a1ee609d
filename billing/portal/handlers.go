package portal

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/document"
)

func (h *Handler) listResources(w http.ResponseWriter, r *http.Request, acct string) error {
	limit, cursor, err := pageParams(r)
	if err != nil {
		return err
	}
	list, err := h.sys.Resources(r.Context(), billing.ListRequest{AccountID: acct, After: cursor, Limit: limit + 1})
	if err != nil {
		return cursorError(err, cursor, billing.ErrResourceNotFound)
	}
	return writeJSON(w, http.StatusOK, page(list.Items, limit, func(x billing.Resource) string { return x.ID }, h.resourceJSON))
}

func (h *Handler) getResource(w http.ResponseWriter, r *http.Request, acct string) error {
	res, err := h.sys.Resource(r.Context(), acct, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, h.resourceJSON(res))
}

func (h *Handler) listInvoices(w http.ResponseWriter, r *http.Request, acct string) error {
	limit, cursor, err := pageParams(r)
	if err != nil {
		return err
	}
	list, err := h.sys.Invoices(r.Context(), billing.ListRequest{AccountID: acct, ResourceID: r.URL.Query().Get("resource_id"), After: cursor, Limit: limit + 1})
	if err != nil {
		return cursorError(err, cursor, billing.ErrInvoiceNotFound)
	}
	return writeJSON(w, http.StatusOK, page(list.Items, limit, func(x invoice.Invoice) string { return x.ID },
		func(x invoice.Invoice) Invoice { return invoiceJSON(x, false) }))
}

func (h *Handler) getInvoice(w http.ResponseWriter, r *http.Request, acct string) error {
	inv, err := h.sys.Invoice(r.Context(), acct, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, invoiceJSON(inv, true))
}

func (h *Handler) invoiceHTML(w http.ResponseWriter, r *http.Request, acct string) error {
	return h.serveDocument(w, r, acct, "text/html; charset=utf-8", "", (*document.Renderer).HTML)
}

func (h *Handler) invoicePDF(w http.ResponseWriter, r *http.Request, acct string) error {
	return h.serveDocument(w, r, acct, "application/pdf", ".pdf", (*document.Renderer).PDF)
}

// serveDocument renders one of the account's invoices or credit notes.
// The document is rendered into memory first, so a failure is still a
// clean problem response. ext, when set, makes the response a download
// named after the document's number.
func (h *Handler) serveDocument(w http.ResponseWriter, r *http.Request, acct, contentType, ext string,
	render func(*document.Renderer, io.Writer, invoice.Invoice, document.Options) error) error {
	ctx := r.Context()
	inv, err := h.sys.Invoice(ctx, acct, r.PathValue("id"))
	if err != nil {
		return err
	}
	opts, err := h.documentOptions(r, acct, inv)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := render(h.renderer, &buf, inv, opts); err != nil {
		return err
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if ext != "" {
		name := inv.DisplayNumber()
		if name == "" {
			name = inv.ID
		}
		w.Header().Set("Content-Disposition", mimeAttachment(name+ext))
	}
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = buf.WriteTo(w) // the status is sent; a failed write has no one to tell
	}
	return nil
}

// documentOptions gathers what a rendering needs besides the document:
// the parties, the locale, the account's time zone, and for a credit note
// the number of the invoice it corrects.
func (h *Handler) documentOptions(r *http.Request, acct string, inv invoice.Invoice) (document.Options, error) {
	ctx := r.Context()
	account, err := h.sys.Account(ctx, acct)
	if err != nil {
		return document.Options{}, err
	}
	loc, err := time.LoadLocation(account.TimeZone)
	if err != nil {
		return document.Options{}, fmt.Errorf("portal: account %q time zone: %w", acct, err)
	}
	buyer := document.Party{Name: acct}
	// A document issued with its buyer shows that one; the host is asked
	// only for documents issued without.
	if h.buyer != nil && inv.Buyer == nil {
		if buyer, err = h.buyer(ctx, acct); err != nil {
			return document.Options{}, fmt.Errorf("portal: buyer of %q: %w", acct, err)
		}
	}
	opts := document.Options{Seller: h.seller, Buyer: buyer, Locale: localeOfRequest(r), Location: loc}
	if inv.Kind == invoice.KindCreditNote && inv.CreditedInvoiceID != "" {
		credited, err := h.sys.Invoice(ctx, acct, inv.CreditedInvoiceID)
		switch {
		case err == nil:
			opts.CreditedInvoiceNumber = credited.DisplayNumber()
		case !errors.Is(err, billing.ErrInvoiceNotFound):
			return document.Options{}, err
		}
	}
	return opts, nil
}

// mimeAttachment is a Content-Disposition for a download named name, which
// is made of invoice-number characters (letters, digits, '-', '_', '.').
func mimeAttachment(name string) string {
	safe := make([]byte, 0, len(name))
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '-' || c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' {
			safe = append(safe, c)
		}
	}
	return `attachment; filename="` + string(safe) + `"`
}

func (h *Handler) getWallet(w http.ResponseWriter, r *http.Request, acct string) error {
	account, err := h.sys.Account(r.Context(), acct)
	if err != nil {
		return err
	}
	wal, err := h.sys.Wallet(r.Context(), acct)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, walletJSON(wal, account.Currency))
}

func (h *Handler) walletHistory(w http.ResponseWriter, r *http.Request, acct string) error {
	limit, cursor, err := pageParams(r)
	if err != nil {
		return err
	}
	if cursor != "" {
		if after, err := strconv.ParseInt(cursor, 10, 64); err != nil || after < 0 {
			return badRequest("cursor", "is not a cursor this API returned")
		}
	}
	list, err := h.sys.WalletHistory(r.Context(), billing.ListRequest{AccountID: acct, After: cursor, Limit: limit + 1})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, page(list.Items, limit,
		func(x billing.WalletEntry) string { return strconv.FormatInt(x.Seq, 10) }, walletEntryJSON))
}

func (h *Handler) listPayments(w http.ResponseWriter, r *http.Request, acct string) error {
	limit, cursor, err := pageParams(r)
	if err != nil {
		return err
	}
	list, err := h.sys.Payments(r.Context(), billing.ListRequest{AccountID: acct, After: cursor, Limit: limit + 1})
	if err != nil {
		return cursorError(err, cursor, billing.ErrPaymentNotFound)
	}
	return writeJSON(w, http.StatusOK, page(list.Items, limit, func(x billing.Payment) string { return x.ID }, paymentJSON))
}

func (h *Handler) getPayment(w http.ResponseWriter, r *http.Request, acct string) error {
	p, err := h.sys.Payment(r.Context(), acct, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, paymentJSON(p))
}

func (h *Handler) listLinked(w http.ResponseWriter, r *http.Request, acct string) error {
	list, err := h.sys.LinkedAccounts(r.Context(), acct)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, Page[LinkedAccount]{Data: linkedJSON(list)})
}

func (h *Handler) startLinking(w http.ResponseWriter, r *http.Request, acct string) error {
	var req LinkRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	gw, err := h.gatewayOf(req.Gateway)
	if err != nil {
		return err
	}
	start, err := h.sys.StartLinking(r.Context(), r.Header.Get(IdempotencyKeyHeader),
		billing.LinkAccountRequest{AccountID: acct, Gateway: gw, ReturnURL: req.ReturnURL})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, LinkStart{LinkID: start.LinkID, RedirectURL: start.RedirectURL})
}

func (h *Handler) setDefault(w http.ResponseWriter, r *http.Request, acct string) error {
	if err := noBody(r); err != nil {
		return err
	}
	list, err := h.sys.SetDefaultLinkedAccount(r.Context(), r.Header.Get(IdempotencyKeyHeader), billing.LinkedAccountRequest{AccountID: acct, LinkID: r.PathValue("id")})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, Page[LinkedAccount]{Data: linkedJSON(list)})
}

func (h *Handler) clearDefault(w http.ResponseWriter, r *http.Request, acct string) error {
	if err := noBody(r); err != nil {
		return err
	}
	list, err := h.sys.ClearDefaultLinkedAccount(r.Context(), r.Header.Get(IdempotencyKeyHeader), billing.LinkedAccountRequest{AccountID: acct, LinkID: r.PathValue("id")})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, Page[LinkedAccount]{Data: linkedJSON(list)})
}

func (h *Handler) unlink(w http.ResponseWriter, r *http.Request, acct string) error {
	if err := noBody(r); err != nil {
		return err
	}
	list, err := h.sys.Unlink(r.Context(), r.Header.Get(IdempotencyKeyHeader), billing.LinkedAccountRequest{AccountID: acct, LinkID: r.PathValue("id")})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, Page[LinkedAccount]{Data: linkedJSON(list)})
}

// topUp starts a top-up and answers the payment: pending with a
// redirect_url for a redirect gateway, or settled for a linked account.
func (h *Handler) topUp(w http.ResponseWriter, r *http.Request, acct string) error {
	var req TopUpRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	if req.Amount.Currency().IsZero() {
		return badRequest("amount", `is required, as a string with its currency, e.g. "500000 VND"`)
	}
	gw := req.Gateway
	if req.LinkedAccountID == "" {
		var err error
		if gw, err = h.gatewayOf(req.Gateway); err != nil {
			return err
		}
	}
	p, err := h.sys.TopUp(r.Context(), r.Header.Get(IdempotencyKeyHeader), billing.TopUpRequest{
		AccountID: acct, Amount: req.Amount, Gateway: gw, LinkedAccountID: req.LinkedAccountID, ReturnURL: req.ReturnURL,
		ClientIP: h.payerIP(r),
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, paymentJSON(p))
}

// gatewayOf returns the named gateway or the default one.
func (h *Handler) gatewayOf(name string) (string, error) {
	if name != "" {
		return name, nil
	}
	if h.gateway == "" {
		return "", badRequest("gateway", "is required")
	}
	return h.gateway, nil
}

// cursorError turns "the item after which to list does not exist" into a
// bad cursor; it is not the listed object that is missing.
func cursorError(err error, cursor string, notFound error) error {
	if cursor != "" && errors.Is(err, notFound) {
		return badRequest("cursor", "is not a cursor this API returned")
	}
	return err
}
