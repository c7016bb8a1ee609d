package billing

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/txn"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
)

// reasonMemoAffix is the most text the library adds to a reason to build a
// memo: "provisioning failed: " + reason (ProvisioningFailed) and reason +
// ": unused time refunded" (Delete).
const reasonMemoAffix = max(len("provisioning failed: "), len(": unused time refunded"))

// The limits never exceed what the layers below accept: each line fails to
// compile (a negative constant overflows uint) if one of them does.
const (
	_ = uint(payment.MaxMemoLen - MaxDescriptionBytes)
	_ = uint(gateway.MaxTextLen - MaxDescriptionBytes)
	_ = uint(payment.MaxMemoLen - (MaxReasonBytes + reasonMemoAffix))
	_ = uint(invoice.MaxTextLen - (MaxReasonBytes + reasonMemoAffix))
	_ = uint(payment.MaxIDLen - MaxIDBytes)
	_ = uint(invoice.MaxIDLen - MaxIDBytes)
	_ = uint(gateway.MaxIDLen - MaxIDBytes)
	_ = uint(gateway.MaxTextLen - MaxReturnURLBytes)
	_ = uint(txn.MaxKeyLen - MaxIDBytes)
)

// requestCheck checks a request's fields in order and keeps the first
// problem as a *RequestError.
type requestCheck struct{ err error }

// fail records the first problem.
func (c *requestCheck) fail(field, reason string) {
	if c.err == nil {
		c.err = &RequestError{Field: field, Reason: reason}
	}
}

// text checks free text of at most max bytes (see the text rules).
func (c *requestCheck) text(field, s string, max int) {
	if c.err == nil {
		if reason := textProblem(s, max); reason != "" {
			c.fail(field, reason)
		}
	}
}

// accountID checks a required account id: 1 to MaxIDBytes bytes, printable,
// without white space.
func (c *requestCheck) accountID(field, s string) {
	if c.err == nil {
		if reason := idProblem(s, false); reason != "" {
			c.fail(field, reason)
		}
	}
}

// ref checks an id the library or the host's configuration hands out
// (resource, payment and linked-account ids, payment-link tokens, gateway
// names, purpose references): 1 to MaxIDBytes bytes of printable ASCII
// without spaces; "" passes unless required.
func (c *requestCheck) ref(field, s string, required bool) {
	if c.err == nil && (s != "" || required) {
		if reason := idProblem(s, true); reason != "" {
			c.fail(field, reason)
		}
	}
}

// returnURL checks an optional return URL.
func (c *requestCheck) returnURL(field, s string) {
	if c.err == nil && s != "" {
		if reason := urlProblem(s); reason != "" {
			c.fail(field, reason)
		}
	}
}

// clientIP checks a payer's IP address: empty, or an IPv4 or IPv6
// address in its usual text form, without a zone (what every gateway
// that asks for one accepts).
func (c *requestCheck) clientIP(field, s string) {
	if c.err != nil || s == "" {
		return
	}
	ip, err := netip.ParseAddr(s)
	switch {
	case err != nil || len(s) > MaxClientIPBytes:
		c.fail(field, "is not an IP address")
	case ip.Zone() != "":
		c.fail(field, "has a zone; give the address alone")
	}
}

// coupons checks the codes a customer entered: at most MaxCouponsPerOrder,
// each at most MaxCouponCodeBytes of text (white space around it allowed).
func (c *requestCheck) coupons(field string, codes []string) {
	if c.err != nil {
		return
	}
	if len(codes) > MaxCouponsPerOrder {
		c.fail(field, fmt.Sprintf("has %s codes, at most %s", grouped(len(codes)), grouped(MaxCouponsPerOrder)))
		return
	}
	for i, code := range codes {
		c.couponCode(fmt.Sprintf("%s[%d]", field, i), code)
	}
}

// couponCode checks one entered code as text; its shape is the coupon
// package's business.
func (c *requestCheck) couponCode(field, code string) {
	if c.err != nil {
		return
	}
	if len(code) > MaxCouponCodeBytes {
		c.fail(field, tooLong(len(code), MaxCouponCodeBytes))
		return
	}
	c.text(field, strings.TrimSpace(code), MaxCouponCodeBytes)
}

// orderSize checks an order's item quantities: at least one item, each
// 1..MaxOrderResources, at most MaxOrderResources in total.
func (c *requestCheck) orderSize(field string, quantities []int64) {
	if c.err != nil {
		return
	}
	if len(quantities) == 0 {
		c.fail(field, "an order needs at least one item")
		return
	}
	total := int64(0)
	for i, q := range quantities {
		if q < 1 || q > MaxOrderResources {
			c.fail(fmt.Sprintf("%s[%d].Quantity", field, i), fmt.Sprintf("%d is outside 1–%d", q, MaxOrderResources))
			return
		}
		total += q // at most MaxOrderResources × len(quantities): no overflow
	}
	if total > MaxOrderResources {
		c.fail(field, fmt.Sprintf("%d resources in one order (at most %d)", total, MaxOrderResources))
	}
}

// actor checks a host-given actor: text like any other, and never one of
// the names the library reserves for what it does itself ("system:…", and
// the older "auto-renew"), so the action log and the notices it drives
// cannot be spoofed.
func (c *requestCheck) actor(a string) {
	c.text("Actor", a, MaxActorBytes)
	if c.err == nil && (strings.HasPrefix(a, core.SystemActorPrefix) || a == core.LegacyAutoRenewActor) {
		c.err = &RequestError{Field: "Actor", Reason: fmt.Sprintf("%q is reserved for the library's own actions", a)}
	}
}

// paySpec checks the payment fields shared by checkout and actions on
// existing resources.
func (c *requestCheck) paySpec(p PaySpec) {
	c.ref("Gateway", p.Gateway, false)
	c.ref("LinkedAccountID", p.LinkedAccountID, false)
	c.returnURL("ReturnURL", p.ReturnURL)
	c.clientIP("ClientIP", p.ClientIP)
	c.coupons("Coupons", p.Coupons)
	c.actor(p.Actor)
}

// resourceIDs checks the resources an action names: 1..MaxOrderResources
// ids.
func (c *requestCheck) resourceIDs(field string, ids []string) {
	if c.err != nil {
		return
	}
	if len(ids) == 0 || len(ids) > MaxOrderResources {
		c.fail(field, fmt.Sprintf("%d resources (want 1–%d)", len(ids), MaxOrderResources))
		return
	}
	for i, id := range ids {
		c.ref(fmt.Sprintf("%s[%d]", field, i), id, true)
	}
}

// termEnd refuses a term that would end after period.MaxEnd if it started
// TermEndSlack from now (see TermEndSlack). An invalid term is the same
// *RequestError the rest of the call gives.
func (c *requestCheck) termEnd(s *System, field string, t period.Term) {
	if c.err != nil {
		return
	}
	if err := t.Validate(); err != nil {
		c.err = &RequestError{Field: field, Reason: err.Error(), Err: err}
		return
	}
	// UTC with the system's basis: the account's zone moves the end by
	// less than a day, well within the slack.
	cal, err := period.NewCalendar("UTC", s.cfg.Basis)
	if err != nil {
		c.err = err
		return
	}
	if _, err := cal.AddTerm(s.env.Now().Add(TermEndSlack), t); err != nil {
		c.err = fmt.Errorf("%w: %s must end by %s even when it starts %s from now: %w",
			ErrInvalidRequest, field, period.MaxEnd().Format(time.RFC3339), TermEndSlack, err)
	}
}

// validateCreateAccount checks a CreateAccountRequest.
func validateCreateAccount(req CreateAccountRequest) error {
	var c requestCheck
	c.accountID("ID", req.ID)
	c.text("Currency", req.Currency, MaxIDBytes)
	c.text("TimeZone", req.TimeZone, MaxIDBytes)
	return c.err
}

// validateSetAccountType checks a SetAccountTypeRequest.
func validateSetAccountType(req SetAccountTypeRequest) error {
	var c requestCheck
	c.accountID("AccountID", req.AccountID)
	c.actor(req.Actor)
	c.text("Reason", req.Reason, MaxReasonBytes)
	return c.err
}

// validateQuote checks Quote's arguments: the same order size as a
// checkout, at most MaxCouponsPerOrder discounts.
func validateQuote(accountID string, req pricing.QuoteRequest) error {
	var c requestCheck
	c.accountID("AccountID", accountID)
	quantities := make([]int64, len(req.Items))
	for i, it := range req.Items {
		quantities[i] = it.Quantity
	}
	c.orderSize("Items", quantities)
	if c.err == nil && len(req.Discounts) > MaxCouponsPerOrder {
		c.fail("Discounts", fmt.Sprintf("has %s codes, at most %s", grouped(len(req.Discounts)), grouped(MaxCouponsPerOrder)))
	}
	for i, d := range req.Discounts {
		c.couponCode(fmt.Sprintf("Discounts[%d].Code", i), d.Code)
		c.text(fmt.Sprintf("Discounts[%d].Label", i), d.Label, MaxDescriptionBytes)
	}
	return c.err
}

// validateCheckout checks a CheckoutRequest, for Checkout and
// PreviewCheckout alike.
func (s *System) validateCheckout(req CheckoutRequest) error {
	var c requestCheck
	c.accountID("AccountID", req.AccountID)
	quantities := make([]int64, len(req.Items))
	for i, it := range req.Items {
		quantities[i] = it.Quantity
	}
	c.orderSize("Items", quantities)
	for i, it := range req.Items {
		field := fmt.Sprintf("Items[%d].Term", i)
		c.termEnd(s, field, it.Term)
		if c.err == nil {
			c.err = s.env.BadTermAnywhere(field, it.ProductID, it.Term)
		}
	}
	c.paySpec(PaySpec{Gateway: req.Gateway, LinkedAccountID: req.LinkedAccountID, ReturnURL: req.ReturnURL,
		ClientIP: req.ClientIP, Coupons: req.Coupons, Actor: req.Actor})
	return c.err
}

// validatePay checks a PayRequest.
func validatePay(req PayRequest) error {
	var c requestCheck
	c.accountID("AccountID", req.AccountID)
	c.ref("Purpose.Ref", req.Purpose.Ref, true)
	c.ref("Gateway", req.Gateway, false)
	c.ref("LinkedAccountID", req.LinkedAccountID, false)
	c.returnURL("ReturnURL", req.ReturnURL)
	c.clientIP("ClientIP", req.ClientIP)
	c.text("Description", req.Description, MaxDescriptionBytes)
	return c.err
}

// validateTopUp checks a TopUpRequest.
func validateTopUp(req TopUpRequest) error {
	var c requestCheck
	c.accountID("AccountID", req.AccountID)
	c.ref("Gateway", req.Gateway, false)
	c.ref("LinkedAccountID", req.LinkedAccountID, false)
	c.returnURL("ReturnURL", req.ReturnURL)
	c.clientIP("ClientIP", req.ClientIP)
	return c.err
}

// validatePaymentLink checks a PaymentLinkRequest.
func validatePaymentLink(req PaymentLinkRequest) error {
	var c requestCheck
	c.accountID("AccountID", req.AccountID)
	c.ref("Purpose.Ref", req.Purpose.Ref, true)
	c.text("Description", req.Description, MaxDescriptionBytes)
	return c.err
}

// validatePayLink checks a PayLinkRequest.
func validatePayLink(req PayLinkRequest) error {
	var c requestCheck
	c.ref("Token", req.Token, true)
	c.ref("Gateway", req.Gateway, false)
	c.returnURL("ReturnURL", req.ReturnURL)
	c.clientIP("ClientIP", req.ClientIP)
	return c.err
}

// validateLinkAccount checks a LinkAccountRequest.
func validateLinkAccount(req LinkAccountRequest) error {
	var c requestCheck
	c.accountID("AccountID", req.AccountID)
	c.ref("Gateway", req.Gateway, false)
	c.returnURL("ReturnURL", req.ReturnURL)
	return c.err
}

// validateLinkedAccountRef checks a LinkedAccountRequest.
func validateLinkedAccountRef(req LinkedAccountRequest) error {
	var c requestCheck
	c.accountID("AccountID", req.AccountID)
	c.ref("LinkID", req.LinkID, true)
	return c.err
}

// validateRefund checks a RefundRequest.
func validateRefund(req RefundRequest) error {
	var c requestCheck
	c.accountID("AccountID", req.AccountID)
	c.ref("PaymentID", req.PaymentID, true)
	c.text("Reason", req.Reason, MaxReasonBytes)
	return c.err
}

// validateProvisioning checks a ProvisioningRequest.
func validateProvisioning(req ProvisioningRequest) error {
	var c requestCheck
	c.accountID("AccountID", req.AccountID)
	c.ref("ResourceID", req.ResourceID, true)
	c.text("Reason", req.Reason, MaxReasonBytes)
	c.actor(req.Actor)
	return c.err
}

// validateRenew checks a RenewRequest; the renewal's end is checked
// against period.MaxEnd from each resource's own end, in the call.
func validateRenew(req RenewRequest) error {
	var c requestCheck
	c.accountID("AccountID", req.AccountID)
	c.resourceIDs("ResourceIDs", req.ResourceIDs)
	c.paySpec(req.PaySpec)
	return c.err
}

// validateMatchEndTime checks a MatchEndTimeRequest. An End after
// period.MaxEnd could not even be recorded (JSON has four-digit years), so
// it is refused here, matching ErrInvalidRequest and period.ErrOutOfRange.
func validateMatchEndTime(req MatchEndTimeRequest) error {
	var c requestCheck
	c.accountID("AccountID", req.AccountID)
	c.resourceIDs("ResourceIDs", req.ResourceIDs)
	c.paySpec(req.PaySpec)
	if err := period.CheckEnd(req.End); c.err == nil && err != nil {
		c.err = fmt.Errorf("%w: End: %w", ErrInvalidRequest, err)
	}
	return c.err
}

// validateRecover checks a RecoverRequest.
func (s *System) validateRecover(req RecoverRequest) error {
	var c requestCheck
	c.accountID("AccountID", req.AccountID)
	c.ref("ResourceID", req.ResourceID, true)
	c.termEnd(s, "Term", req.Term)
	c.paySpec(req.PaySpec)
	return c.err
}

// validateResize checks a ResizeRequest.
func validateResize(req ResizeRequest) error {
	var c requestCheck
	c.accountID("AccountID", req.AccountID)
	c.ref("ResourceID", req.ResourceID, true)
	c.paySpec(req.PaySpec)
	return c.err
}

// validateDelete checks a DeleteRequest.
func validateDelete(req DeleteRequest) error {
	var c requestCheck
	c.accountID("AccountID", req.AccountID)
	c.ref("ResourceID", req.ResourceID, true)
	c.text("Reason", req.Reason, MaxReasonBytes)
	c.actor(req.Actor)
	return c.err
}

// validateAutoRenew checks an AutoRenewRequest.
func validateAutoRenew(req AutoRenewRequest) error {
	var c requestCheck
	c.accountID("AccountID", req.AccountID)
	c.ref("ResourceID", req.ResourceID, true)
	c.actor(req.Actor)
	return c.err
}

// validateGrant checks a GrantRequest.
func validateGrant(req GrantRequest) error {
	var c requestCheck
	c.accountID("AccountID", req.AccountID)
	c.actor(req.Actor)
	c.text("Reason", req.Reason, MaxReasonBytes)
	return c.err
}

// validateCouponDefinition checks the text of a coupon definition that
// coupon.Coupon.Validate leaves to the host: its product ids.
func validateCouponDefinition(cp coupon.Coupon) error {
	var c requestCheck
	for i, p := range cp.Products {
		c.text(fmt.Sprintf("Coupon.Products[%d]", i), p, MaxIDBytes)
	}
	return c.err
}

// textProblem says why s breaks the text rules with a limit of max bytes,
// or "".
func textProblem(s string, max int) string {
	if len(s) > max {
		return tooLong(len(s), max)
	}
	for i, r := range s {
		if reason := runeProblem(s, i, r); reason != "" {
			return reason
		}
	}
	return ""
}

// runeProblem says why the rune r at byte i of s is not acceptable text,
// or "".
func runeProblem(s string, i int, r rune) string {
	switch {
	case r == utf8.RuneError:
		if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
			return "is not valid UTF-8 (byte " + strconv.Itoa(i) + ")"
		}
	case r == 0:
		return "contains a NUL byte (byte " + strconv.Itoa(i) + ")"
	case unicode.IsControl(r):
		return fmt.Sprintf("contains the control character %U (byte %d)", r, i)
	}
	return ""
}

// idProblem says why s is not an acceptable id, or "": 1 to MaxIDBytes
// bytes of printable text without white space, and only ASCII when ascii.
func idProblem(s string, ascii bool) string {
	if s == "" {
		return "is required"
	}
	if reason := textProblem(s, MaxIDBytes); reason != "" {
		return reason
	}
	for i, r := range s {
		switch {
		case unicode.IsSpace(r):
			return "contains white space (byte " + strconv.Itoa(i) + ")"
		case !unicode.IsPrint(r):
			return fmt.Sprintf("contains the unprintable character %U (byte %d)", r, i)
		case ascii && r > '~':
			return fmt.Sprintf("contains %U (byte %d); only printable ASCII is allowed", r, i)
		}
	}
	return ""
}

// urlProblem says why s is not an acceptable return URL, or "".
func urlProblem(s string) string {
	if reason := textProblem(s, MaxReturnURLBytes); reason != "" {
		return reason
	}
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		return "contains white space (byte " + strconv.Itoa(i) + "); encode it"
	}
	u, err := url.Parse(s)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "is not a URL: " + err.Error()
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "is not an absolute http or https URL"
	case u.Opaque != "" || u.Host == "":
		return "has no host"
	case u.User != nil:
		return "must not carry a user name or password"
	}
	return ""
}

// tooLong is the reason for text over its limit: "is 1,100 bytes, at most
// 1,024".
func tooLong(n, max int) string {
	return "is " + grouped(n) + " bytes, at most " + grouped(max)
}

// grouped writes a non-negative n with commas between groups of three
// digits: 1,024.
func grouped(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, d := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return b.String()
}

// validateRefundPayment checks a RefundPaymentRequest; the amount is
// checked in the call.
func validateRefundPayment(req RefundPaymentRequest) error {
	var c requestCheck
	c.accountID("AccountID", req.AccountID)
	c.ref("PaymentID", req.PaymentID, true)
	c.text("Reason", req.Reason, MaxReasonBytes)
	return c.err
}

// validateIDs checks an account id and the id of one of its records.
func validateIDs(accountID, id, field string) error {
	var c requestCheck
	c.accountID("AccountID", accountID)
	c.ref(field, id, true)
	return c.err
}
