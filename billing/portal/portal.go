package portal

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/message/catalog"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/invoice/document"
)

// Defaults for zero Config fields.
const (
	// DefaultPageSize is the page size when a list request has no limit.
	DefaultPageSize = 20
	// MaxPageSize is the largest limit a list request may ask for.
	MaxPageSize = 100
	// DefaultChallenge is the WWW-Authenticate value of a 401 when
	// Config.Challenge is "".
	DefaultChallenge = "Bearer"
	// maxBody bounds request bodies; portal requests are small.
	maxBody = 16 << 10
)

// IdempotencyKeyHeader is the request header every mutating endpoint
// requires; its value is the idempotency key of the billing operation.
const IdempotencyKeyHeader = "Idempotency-Key"

// Config configures a Handler. System, Authenticate and Seller are
// required; every other zero field takes the documented default.
type Config struct {
	// System is the billing system the portal reads and acts on, through
	// its public API only.
	System *billing.System
	// Authenticate resolves a request to the customer's billing account
	// id. The host mounts the Handler behind its own authentication and
	// passes what that established (a sign-in cookie, a token's subject); false
	// answers 401. The portal never trusts an account id from the request
	// itself.
	Authenticate func(r *http.Request) (accountID string, ok bool)
	// Challenge is the WWW-Authenticate header of a 401; "" means
	// DefaultChallenge.
	Challenge string
	// Renderer renders invoice documents; nil means a Renderer with the
	// embedded template and font (document.NewRenderer(document.Config{})).
	Renderer *document.Renderer
	// Seller is the provider's legal party printed on documents issued
	// without one (billing.Config.Seller unset, or issued before it was
	// set); its Name is required. A document issued with parties shows
	// its own.
	Seller document.Party
	// Buyer returns the customer's legal party for documents issued
	// without one (the account had no legal details then,
	// billing.System.SetLegalDetails); nil prints the account id as the
	// buyer's name. Errors answer 500 and are logged.
	Buyer func(ctx context.Context, accountID string) (document.Party, error)
	// Locale returns the locale of a request: the language of documents
	// and of problem titles. nil means: the account's own setting
	// (AccountLocale), else the "lang" query parameter ("vi", "vi-VN",
	// "en", "en-US"), else the Vietnamese or English tag Accept-Language
	// weighs highest, else en-US. A request without an account (a 401)
	// skips the account's setting.
	Locale func(r *http.Request) document.Locale
	// AccountLocale returns the locale the account chose in the host's
	// settings ("" when it chose none, so the request decides); nil means
	// no account has a setting. Used only when Locale is nil.
	AccountLocale func(ctx context.Context, accountID string) document.Locale
	// DefaultGateway is the gateway of a top-up or link request that names
	// none; "" makes the gateway field required.
	DefaultGateway string
	// Logger receives failures the client is not told about (500s);
	// nil means slog.Default(). Nothing secret is logged.
	Logger *slog.Logger
	// ClientIP returns the payer's IP address for a request, handed to
	// the gateway of a payment the request starts (billing's ClientIP);
	// "" for none. nil means the address of the connection
	// (http.Request.RemoteAddr without its port): behind a reverse proxy
	// the host supplies the address its proxy vouches for, since headers
	// such as X-Forwarded-For can be forged by anyone else.
	ClientIP func(r *http.Request) string
}

// Handler serves the customer portal's JSON API and invoice documents. It
// is an http.Handler the host mounts under a prefix of its choice (with
// http.StripPrefix), behind its own authentication. Routes, relative to
// the mount point:
//
//	GET    /resources                       resources with billing status and end time
//	GET    /resources/{id}
//	GET    /resources/{id}/renewal?term=&coupon=  what renewing costs now, with the allowed terms
//	POST   /resources/{id}/renew            {"term","coupons","method","expected_total"} → payment
//	POST   /resources/{id}/auto-renew       {"on": true|false, "term"}
//	GET    /resources/{id}/deletion         what deleting it now refunds
//	DELETE /resources/{id}                  delete it, refunding its unused value to credit
//	GET    /open-invoices                   invoices still owed on, oldest first, with the total
//	POST   /open-invoices/pay               {"invoices":[{"id","amount"}],"method"} pays them in order
//	POST   /invoices/{id}/pay               {"amount","method"} → payment
//	GET    /invoices?resource_id=           invoices and credit notes, newest first
//	GET    /invoices/{id}                   one, with its lines
//	GET    /invoices/{id}/html              the document as an HTML page
//	GET    /invoices/{id}/pdf               the document as a PDF download
//	GET    /wallet                          cash, promotional credit with expiry, held
//	GET    /wallet/history                  wallet movements, oldest first
//	GET    /payments                        payments, newest first
//	GET    /payments/{id}
//	GET    /linked-accounts                 linked payment methods, masked
//	POST   /linked-accounts                 start linking: {"gateway"} → redirect
//	POST   /linked-accounts/{id}/default    make it the default
//	DELETE /linked-accounts/{id}/default    stop using it by default (kept linked)
//	DELETE /linked-accounts/{id}            unlink it
//	POST   /top-ups                         {"amount": "500000 VND"} → payment with redirect_url
//
// Lists take limit (1–100, default 20) and cursor (a previous page's
// next_cursor) and answer a Page. Mutating requests (POST, DELETE) need an
// Idempotency-Key header, which becomes the billing operation's
// idempotency key: a retry with the same key returns the first result and
// has no second effect; there are no PUT endpoints. Request bodies are
// one UTF-8 JSON object with no duplicate or unknown keys (see the package
// doc for the exact rules). Every error is an
// application/problem+json Problem: 401 without an account, 404 for
// anything not in the caller's account (another account's objects
// included, and any path with "." or ".." segments), 400 for bad input,
// 405, 415 for a body not sent as UTF-8 JSON, 422 for a key reused with a
// different request, 503 when the gateway is unavailable, 500 otherwise.
//
// A Handler is safe for concurrent use.
type Handler struct {
	sys      *billing.System
	auth     func(*http.Request) (string, bool)
	renderer *document.Renderer
	seller   document.Party
	buyer    func(context.Context, string) (document.Party, error)
	locale   func(*http.Request) document.Locale
	// accountLocale is Config.AccountLocale; catalog holds the problem
	// titles in every locale.
	accountLocale func(context.Context, string) document.Locale
	catalog       catalog.Catalog
	gateway       string
	log           *slog.Logger
	mux           *http.ServeMux
	challenge     string
	clientIP      func(*http.Request) string
}

// New returns a Handler for cfg. Errors: a missing System, Authenticate or
// Seller.Name, or a default Renderer that cannot be built.
func New(cfg Config) (*Handler, error) {
	switch {
	case cfg.System == nil:
		return nil, errors.New("portal: Config.System is required")
	case cfg.Authenticate == nil:
		return nil, errors.New("portal: Config.Authenticate is required")
	case strings.TrimSpace(cfg.Seller.Name) == "":
		return nil, errors.New("portal: Config.Seller.Name is required: documents name the seller")
	}
	h := &Handler{
		sys: cfg.System, auth: cfg.Authenticate, renderer: cfg.Renderer, seller: cfg.Seller,
		buyer: cfg.Buyer, locale: cfg.Locale, accountLocale: cfg.AccountLocale, gateway: cfg.DefaultGateway, log: cfg.Logger,
		challenge: cfg.Challenge, mux: http.NewServeMux(), clientIP: cfg.ClientIP,
	}
	if h.clientIP == nil {
		h.clientIP = RemoteIP
	}
	cat, err := newCatalog()
	if err != nil {
		return nil, fmt.Errorf("portal: message catalog: %w", err)
	}
	h.catalog = cat
	if h.renderer == nil {
		r, err := document.NewRenderer(document.Config{})
		if err != nil {
			return nil, fmt.Errorf("portal: default renderer: %w", err)
		}
		h.renderer = r
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.challenge == "" {
		h.challenge = DefaultChallenge
	}
	h.routes()
	return h, nil
}

// endpoint is a handler of an authenticated request.
type endpoint func(w http.ResponseWriter, r *http.Request, accountID string) error

// routes registers every path with the methods it allows.
func (h *Handler) routes() {
	h.route("/resources", map[string]endpoint{http.MethodGet: h.listResources})
	h.route("/resources/{id}", map[string]endpoint{http.MethodGet: h.getResource, http.MethodDelete: h.deleteResource})
	h.route("/resources/{id}/renewal", map[string]endpoint{http.MethodGet: h.renewal})
	h.route("/resources/{id}/renew", map[string]endpoint{http.MethodPost: h.renew})
	h.route("/resources/{id}/auto-renew", map[string]endpoint{http.MethodPost: h.setAutoRenew})
	h.route("/resources/{id}/deletion", map[string]endpoint{http.MethodGet: h.deletion})
	h.route("/open-invoices", map[string]endpoint{http.MethodGet: h.openInvoices})
	h.route("/open-invoices/pay", map[string]endpoint{http.MethodPost: h.payAll})
	h.route("/invoices/{id}/pay", map[string]endpoint{http.MethodPost: h.payInvoice})
	h.route("/invoices", map[string]endpoint{http.MethodGet: h.listInvoices})
	h.route("/invoices/{id}", map[string]endpoint{http.MethodGet: h.getInvoice})
	h.route("/invoices/{id}/html", map[string]endpoint{http.MethodGet: h.invoiceHTML})
	h.route("/invoices/{id}/pdf", map[string]endpoint{http.MethodGet: h.invoicePDF})
	h.route("/wallet", map[string]endpoint{http.MethodGet: h.getWallet})
	h.route("/wallet/history", map[string]endpoint{http.MethodGet: h.walletHistory})
	h.route("/payments", map[string]endpoint{http.MethodGet: h.listPayments})
	h.route("/payments/{id}", map[string]endpoint{http.MethodGet: h.getPayment})
	h.route("/linked-accounts", map[string]endpoint{http.MethodGet: h.listLinked, http.MethodPost: h.startLinking})
	h.route("/linked-accounts/{id}", map[string]endpoint{http.MethodDelete: h.unlink})
	h.route("/linked-accounts/{id}/default", map[string]endpoint{http.MethodPost: h.setDefault, http.MethodDelete: h.clearDefault})
	h.route("/top-ups", map[string]endpoint{http.MethodPost: h.topUp})
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, r, newProblem(http.StatusNotFound, ProblemNotFound, "no such endpoint"))
	})
}

// route registers pattern for every method (so that a wrong method is a
// 405 problem, not a 404) and dispatches by method. HEAD is served as GET.
// POST and DELETE are refused without an Idempotency-Key header.
func (h *Handler) route(pattern string, methods map[string]endpoint) {
	allowed := make([]string, 0, len(methods)+1)
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodDelete} {
		if methods[m] != nil || (m == http.MethodHead && methods[http.MethodGet] != nil) {
			allowed = append(allowed, m)
		}
	}
	h.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		method := r.Method
		if method == http.MethodHead {
			method = http.MethodGet
		}
		ep := methods[method]
		if ep == nil {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			writeProblem(w, r, newProblem(http.StatusMethodNotAllowed, ProblemMethodNotAllowed,
				r.Method+" is not allowed here; allowed: "+strings.Join(allowed, ", ")))
			return
		}
		if (method == http.MethodPost || method == http.MethodDelete) && r.Header.Get(IdempotencyKeyHeader) == "" {
			p := newProblem(http.StatusBadRequest, ProblemIdempotencyKeyRequired,
				"a request that changes something needs an "+IdempotencyKeyHeader+" header, unique per operation; reuse it only to retry")
			p.Field = IdempotencyKeyHeader
			writeProblem(w, r, p)
			return
		}
		accountID, _ := r.Context().Value(accountKey{}).(string)
		if err := ep(w, r, accountID); err != nil {
			writeProblem(w, r, h.problemFor(r, err))
		}
	})
}

// accountKey carries the authenticated account id from ServeHTTP to the
// endpoint, within one request.
type accountKey struct{}

// ServeHTTP authenticates the request, then serves it.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	accountID, ok := h.auth(r)
	if !ok {
		accountID = ""
	}
	r = h.withLocale(r, h.chooseLocale(r, accountID))
	if accountID == "" {
		w.Header().Set("WWW-Authenticate", h.challenge)
		writeProblem(w, r, newProblem(http.StatusUnauthorized, ProblemUnauthenticated, "sign in to see your billing"))
		return
	}
	if !canonicalPath(r.URL) {
		// http.ServeMux would redirect to the cleaned path, which is
		// relative to the mount point and so leaves the host's prefix.
		writeProblem(w, r, newProblem(http.StatusNotFound, ProblemNotFound,
			"no such endpoint: a path with an empty, \".\" or \"..\" segment names nothing"))
		return
	}
	h.mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), accountKey{}, accountID)))
}

// canonicalPath reports whether u's path is one http.ServeMux serves as
// it is: it starts with "/", and neither as sent nor decoded ("%2e%2e",
// "..%2F") has it an empty segment (but a final one) or a "." or ".."
// segment.
func canonicalPath(u *url.URL) bool {
	for _, p := range []string{u.EscapedPath(), u.Path} {
		if !strings.HasPrefix(p, "/") {
			return false
		}
		segs := strings.Split(p[1:], "/")
		for i, seg := range segs {
			if seg == "." || seg == ".." || (seg == "" && i < len(segs)-1) {
				return false
			}
		}
	}
	return true
}

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("portal: encode response: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n')) // the status is sent; a failed write has no one to tell
	return nil
}

// pageParams reads limit and cursor. The cursor is decoded from its opaque
// form; "" means the first page.
func pageParams(r *http.Request) (limit int, cursor string, err error) {
	q := r.URL.Query()
	limit = DefaultPageSize
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxPageSize {
			return 0, "", badRequest("limit", fmt.Sprintf("%q is not a whole number from 1 to %d", clip(s), MaxPageSize))
		}
		limit = n
	}
	if s := q.Get("cursor"); s != "" {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(b) == 0 || len(b) > 256 {
			return 0, "", badRequest("cursor", "is not a cursor this API returned")
		}
		cursor = string(b)
	}
	return limit, cursor, nil
}

// encodeCursor makes the opaque form of a position.
func encodeCursor(pos string) string { return base64.RawURLEncoding.EncodeToString([]byte(pos)) }

// page trims a list fetched with limit+1 items to limit and sets the next
// cursor from the last item kept.
func page[T, J any](items []T, limit int, pos func(T) string, conv func(T) J) Page[J] {
	out := Page[J]{Data: make([]J, 0, min(len(items), limit))}
	if len(items) > limit {
		items = items[:limit]
		out.NextCursor = encodeCursor(pos(items[len(items)-1]))
	}
	for _, it := range items {
		out.Data = append(out.Data, conv(it))
	}
	return out
}

// localeOf maps a language tag to a supported locale.
func localeOf(tag string) (document.Locale, bool) {
	lang, _, _ := strings.Cut(strings.ToLower(tag), "-")
	switch lang {
	case "vi":
		return document.ViVN, true
	case "en":
		return document.EnUS, true
	}
	return "", false
}

// snake turns a Go field name of a billing request ("LinkedAccountID")
// into the JSON name the client sent ("linked_account_id").
func snake(field string) string {
	var b strings.Builder
	rs := []rune(field)
	for i, r := range rs {
		if unicode.IsUpper(r) {
			if i > 0 && (unicode.IsLower(rs[i-1]) || (i+1 < len(rs) && unicode.IsLower(rs[i+1]))) {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// clip shortens client input quoted in an error, on a rune boundary.
func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "..."
	}
	return s
}
