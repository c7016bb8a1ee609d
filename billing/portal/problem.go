package portal

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/invoice/document"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
)

// ProblemContentType is the media type of every error response (RFC 9457).
const ProblemContentType = "application/problem+json"

// Problem types: the "type" member of every error response. They identify
// the kind of problem for programs (the title and detail are for people);
// they are stable names, not links, and new ones are only ever added.
const (
	// ProblemUnauthenticated: the request has no account (401).
	ProblemUnauthenticated = "urn:cloudbill:problem:unauthenticated"
	// ProblemNotFound: no such object in the caller's account, including
	// another account's objects, and no path with a "." or ".." segment
	// (404).
	ProblemNotFound = "urn:cloudbill:problem:not-found"
	// ProblemMethodNotAllowed: the path exists, the method does not (405).
	ProblemMethodNotAllowed = "urn:cloudbill:problem:method-not-allowed"
	// ProblemInvalidRequest: a parameter, header or body field is
	// malformed or refused (400); Field names it when known.
	ProblemInvalidRequest = "urn:cloudbill:problem:invalid-request"
	// ProblemIdempotencyKeyRequired: a mutating request has no
	// Idempotency-Key header (400).
	ProblemIdempotencyKeyRequired = "urn:cloudbill:problem:idempotency-key-required"
	// ProblemIdempotencyConflict: the Idempotency-Key was first used for a
	// different request (422).
	ProblemIdempotencyConflict = "urn:cloudbill:problem:idempotency-conflict"
	// ProblemUnsupportedMediaType: the body is not sent as UTF-8
	// application/json without a Content-Encoding (415).
	ProblemUnsupportedMediaType = "urn:cloudbill:problem:unsupported-media-type"
	// ProblemNotPayable: the object has nothing outstanding (409).
	ProblemNotPayable = "urn:cloudbill:problem:not-payable"
	// ProblemInsufficientCredit: a payment by credit needs more credit
	// than is available; nothing was charged (409).
	ProblemInsufficientCredit = "urn:cloudbill:problem:insufficient-credit"
	// ProblemActionNotAllowed: the resource's state does not allow the
	// action (renewing a released resource, deleting a deleted one, a
	// term on a postpaid resource) (409).
	ProblemActionNotAllowed = "urn:cloudbill:problem:action-not-allowed"
	// ProblemQuoteChanged: the price the customer confirmed
	// (expected_total), or an invoice amount, is not what is due now;
	// nothing was charged, and a new preview shows the current one (409).
	ProblemQuoteChanged = "urn:cloudbill:problem:quote-changed"
	// ProblemCouponRejected: a coupon does not apply; Field is "coupons"
	// (400).
	ProblemCouponRejected = "urn:cloudbill:problem:coupon-rejected"
	// ProblemGatewayUnavailable: the payment gateway did not answer; the
	// payment is kept, and retrying with the same Idempotency-Key resumes
	// it (503).
	ProblemGatewayUnavailable = "urn:cloudbill:problem:gateway-unavailable"
	// ProblemInternal: anything else (500); the detail is not disclosed and
	// the error is logged.
	ProblemInternal = "urn:cloudbill:problem:internal"
)

// Problem is an error response, RFC 9457 problem details: Type, Title and
// Status always, Detail when there is more to say, and the extension Field
// naming the request field at fault.
type Problem struct {
	// Type is one of the Problem… constants.
	Type string `json:"type"`
	// Title is the HTTP status text in the request's locale ("Not Found",
	// "Không tìm thấy"); the Content-Language header names the locale.
	Title string `json:"title"`
	// Status is the HTTP status code.
	Status int `json:"status"`
	// Detail explains this occurrence for people.
	Detail string `json:"detail,omitempty"`
	// Instance is the request path the problem occurred on.
	Instance string `json:"instance,omitempty"`
	// Field names the request field, parameter or header at fault
	// ("amount", "limit", "Idempotency-Key"), when known.
	Field string `json:"field,omitempty"`
}

// Error returns the title and detail, so a Problem can travel as an error.
func (p *Problem) Error() string {
	if p.Detail == "" {
		return p.Title
	}
	return p.Title + ": " + p.Detail
}

// newProblem returns a problem of type typ with status and detail.
func newProblem(status int, typ, detail string) *Problem {
	return &Problem{Type: typ, Title: http.StatusText(status), Status: status, Detail: detail}
}

// badRequest is an invalid-request problem about field.
func badRequest(field, detail string) *Problem {
	p := newProblem(http.StatusBadRequest, ProblemInvalidRequest, detail)
	p.Field = field
	return p
}

// problemFor maps an error of the billing API to the problem the client
// sees. Unknown errors are internal: logged, never disclosed.
func (h *Handler) problemFor(r *http.Request, err error) *Problem {
	var p *Problem
	var re *billing.RequestError
	var oe *document.OptionError
	switch {
	case errors.As(err, &p):
		return p
	case notFound(err) != nil:
		// The sentinel's text and the path's id, quoted and bounded: the
		// error's own text quotes the id in full.
		detail := notFound(err).Error()
		if id := r.PathValue("id"); id != "" {
			detail += ": " + quoteInput(id)
		}
		return newProblem(http.StatusNotFound, ProblemNotFound, detail)
	case errors.As(err, &re):
		return badRequest(snake(re.Field), err.Error())
	case errors.Is(err, billing.ErrInvalidIdempotencyKey):
		return badRequest("Idempotency-Key", err.Error())
	case errors.Is(err, billing.ErrIdempotencyConflict):
		return newProblem(http.StatusUnprocessableEntity, ProblemIdempotencyConflict, err.Error())
	case errors.Is(err, billing.ErrCurrencyMismatch), errors.Is(err, money.ErrCurrencyMismatch),
		errors.Is(err, money.ErrInvalidAmount), errors.Is(err, money.ErrUnknownCurrency),
		errors.Is(err, payment.ErrInvalidAmount):
		return badRequest("amount", err.Error())
	case errors.Is(err, billing.ErrUnknownGateway):
		return badRequest("gateway", err.Error())
	case errors.Is(err, billing.ErrInvalidRequest), errors.Is(err, payment.ErrInvalidArgument):
		return badRequest("", err.Error())
	case errors.As(err, &oe):
		// The host's document options are wrong, not the customer's request.
		h.log.ErrorContext(r.Context(), "portal: document options refused", "path", r.URL.Path, "error", err)
		return newProblem(http.StatusInternalServerError, ProblemInternal, "")
	case errors.Is(err, coupon.ErrRejected), errors.Is(err, coupon.ErrMalformedCode):
		p := newProblem(http.StatusBadRequest, ProblemCouponRejected, err.Error())
		p.Field = "coupons"
		return p
	case errors.Is(err, payment.ErrInsufficientCredit):
		return newProblem(http.StatusConflict, ProblemInsufficientCredit, err.Error())
	case errors.Is(err, billing.ErrQuoteChanged), errors.Is(err, billing.ErrAmountDue):
		return newProblem(http.StatusConflict, ProblemQuoteChanged, err.Error())
	case errors.Is(err, lifecycle.ErrIllegalTransition), errors.Is(err, lifecycle.ErrTermEnded),
		errors.Is(err, lifecycle.ErrRenewalInPast), errors.Is(err, billing.ErrPostpaidResource):
		return newProblem(http.StatusConflict, ProblemActionNotAllowed, err.Error())
	case errors.Is(err, billing.ErrNotPayable):
		return newProblem(http.StatusConflict, ProblemNotPayable, err.Error())
	case errors.Is(err, billing.ErrGatewayUnavailable):
		return newProblem(http.StatusServiceUnavailable, ProblemGatewayUnavailable, err.Error())
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return newProblem(http.StatusServiceUnavailable, ProblemInternal, "the request was cancelled or timed out")
	}
	h.log.ErrorContext(r.Context(), "portal: request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	return newProblem(http.StatusInternalServerError, ProblemInternal, "")
}

// notFound returns the not-found sentinel err matches, or nil.
func notFound(err error) error {
	for _, s := range []error{billing.ErrAccountNotFound, billing.ErrResourceNotFound, billing.ErrInvoiceNotFound,
		billing.ErrPaymentNotFound, billing.ErrLinkedAccountNotFound, billing.ErrOrderNotFound} {
		if errors.Is(err, s) {
			return s
		}
	}
	return nil
}

// Bounds of what a problem echoes of the request, in bytes.
const (
	maxDetail   = 400
	maxField    = 64
	maxInstance = 256
)

// writeProblem answers with p as application/problem+json. Detail, Field
// and Instance are bounded (maxDetail, maxField, maxInstance bytes) and
// valid UTF-8, whatever the request held; client text inside a detail is
// already quoted by quoteInput.
func writeProblem(w http.ResponseWriter, r *http.Request, p *Problem) {
	out := *p
	// The path as the client sent it, before any prefix the host strips.
	out.Instance = r.URL.EscapedPath()
	if path, _, _ := strings.Cut(r.RequestURI, "?"); strings.HasPrefix(path, "/") {
		out.Instance = path
	}
	out.Instance = bound(out.Instance, maxInstance)
	out.Detail = bound(out.Detail, maxDetail)
	out.Field = bound(out.Field, maxField)
	// Titles are the status's, in the request's locale.
	out.Title = localTitle(r, out.Status)
	w.Header().Set("Content-Type", ProblemContentType)
	w.Header().Set(ContentLanguageHeader, string(localeOfRequest(r)))
	w.Header().Set("Cache-Control", "no-store")
	if out.Status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "5")
	}
	w.WriteHeader(out.Status)
	_ = json.NewEncoder(w).Encode(out) // the status is sent; a failed write has no one to tell
}

// bound makes s valid UTF-8 of at most limit bytes, cut on a rune boundary
// and ending in "..." when cut.
func bound(s string, limit int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= limit {
		return s
	}
	cut := limit - len("...")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	// Nor inside a percent-escape of a path.
	if i := strings.LastIndexByte(s[max(0, cut-2):cut], '%'); i >= 0 {
		cut = max(0, cut-2) + i
	}
	return s[:cut] + "..."
}
