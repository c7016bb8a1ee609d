package billing_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
	"github.com/cloudbill/cloudbill/storage"
)

// textOf returns exactly n bytes of valid, printable text with one-, two-
// and three-byte characters in it (and spaces), as a customer might type.
func textOf(n int) string {
	const words = "Thanh toán đơn hàng — máy chủ ảo "
	var b strings.Builder
	for b.Len() < n {
		for _, r := range words {
			if b.Len()+utf8.RuneLen(r) > n {
				break
			}
			b.WriteRune(r)
		}
		if rest := n - b.Len(); rest > 0 && rest < utf8.UTFMax-1 {
			b.WriteString(strings.Repeat("a", rest))
		}
	}
	return b.String()
}

// idOf returns exactly n bytes of a printable id without spaces, with
// non-ASCII letters in it.
func idOf(n int) string {
	s := strings.Repeat("khách-", n/len("khách-")+1)[:n-n%len("khách-")]
	return s + strings.Repeat("x", n-len(s))
}

// snapshot is everything of an account a rejected call must leave as it
// was.
type snapshot struct {
	Wallet    billing.Wallet
	History   []billing.WalletEntry
	Payments  []billing.Payment
	Resources []billing.Resource
	Invoices  int
	Audit     int
	Actions   int
	Events    int
	Linked    []billing.LinkedAccount
}

func (e env) snapshot(t *testing.T, acct string) snapshot {
	t.Helper()
	ctx := context.Background()
	var s snapshot
	var err error
	s.Wallet, err = e.sys.Wallet(ctx, acct)
	require.NoError(t, err)
	s.History, err = items(e.sys.WalletHistory(ctx, billing.ListRequest{AccountID: acct, Limit: 1000}))
	require.NoError(t, err)
	s.Payments, err = items(e.sys.Payments(ctx, billing.ListRequest{AccountID: acct, Limit: 1000}))
	require.NoError(t, err)
	s.Resources, err = items(e.sys.Resources(ctx, billing.ListRequest{AccountID: acct, Limit: 1000}))
	require.NoError(t, err)
	s.Invoices = e.invoiceCount(t, acct, "")
	audit, err := items(e.sys.AuditTrail(ctx, billing.ListRequest{AccountID: acct, Limit: 1000}))
	require.NoError(t, err)
	s.Audit = len(audit)
	actions, err := items(e.sys.Actions(ctx, billing.ListRequest{AccountID: acct, Limit: 1000}))
	require.NoError(t, err)
	s.Actions = len(actions)
	events, err := items(e.sys.Events(ctx, billing.ListRequest{AccountID: acct, Limit: 1000}))
	require.NoError(t, err)
	s.Events = len(events)
	s.Linked, err = e.sys.LinkedAccounts(ctx, acct)
	require.NoError(t, err)
	return s
}

// fixture is an account with credit, an active resource bought by credit
// (its order payment succeeded) and an order waiting for a gateway payment
// with an open payment link, for calls that name them.
type fixture struct {
	resource  billing.Resource
	paymentID string
	token     string
}

// pendingOrder checks out one vServer through the gateway and leaves it
// unpaid: an obligation Pay and payment links can settle.
func (e env) pendingOrder(t *testing.T, acct string) billing.Order {
	t.Helper()
	e.clk.Advance(time.Second)
	res, err := e.sys.Checkout(context.Background(), "pending-"+e.clk.Now().String(), billing.CheckoutRequest{AccountID: acct,
		Items: seedItems()[:1], Method: payment.MethodGateway, Gateway: "sim"})
	require.NoError(t, err)
	return res.Order
}

// orderOf is the Purpose that pays an order.
func orderOf(o billing.Order) payment.Purpose {
	return payment.Purpose{Kind: payment.PurposeOrder, Ref: o.ID}
}

func newFixture(t *testing.T, e env) fixture {
	t.Helper()
	ctx := context.Background()
	e.fund(t, "acme", 5_000_000)
	r := e.buy(t, "acme", small, period.Months(1))
	link, err := e.sys.CreatePaymentLink(ctx, "link", billing.PaymentLinkRequest{AccountID: "acme", Purpose: orderOf(e.pendingOrder(t, "acme"))})
	require.NoError(t, err)
	o, err := e.sys.Order(ctx, "acme", r.OrderID)
	require.NoError(t, err)
	return fixture{resource: r, paymentID: o.PaymentID, token: link.Token}
}

// fieldKind is the rule a request field follows.
type fieldKind int

const (
	accountIDField   fieldKind = iota // required id, printable, no white space
	refField                          // required id of printable ASCII
	optionalRefField                  // as refField, "" allowed
	textField                         // free text up to a limit
	urlField                          // optional return URL
	couponField                       // one entered coupon code
)

// badValue is a value a field must refuse, with the reason it must give.
type badValue struct{ name, value, reason string }

func badText(limit int) []badValue {
	return []badValue{
		{"one byte over the limit", strings.Repeat("a", limit+1), fmt.Sprintf("is %s bytes, at most %s", grouped(limit+1), grouped(limit))},
		{"a NUL byte", "ab\x00c", "contains a NUL byte (byte 2)"},
		{"invalid UTF-8", "ab\xffc", "is not valid UTF-8 (byte 2)"},
		{"a newline", "ab\nc", "contains the control character U+000A (byte 2)"},
		{"a C1 control character", "ab\u0085c", "contains the control character U+0085 (byte 2)"},
	}
}

func badValues(kind fieldKind, limit int) []badValue {
	switch kind {
	case accountIDField, refField, optionalRefField:
		out := append(badText(billing.MaxIDBytes),
			badValue{"a space", "ac me", "contains white space (byte 2)"},
			badValue{"a zero-width space", "ac\u200bme", "contains the unprintable character U+200B (byte 2)"})
		if kind != optionalRefField {
			out = append(out, badValue{"nothing", "", "is required"})
		}
		if kind != accountIDField {
			out = append(out, badValue{"a non-ASCII letter", "résumé", "contains U+00E9 (byte 1); only printable ASCII is allowed"})
		}
		return out
	case urlField:
		return []badValue{
			{"one byte over the limit", "https://x.vn/" + strings.Repeat("a", billing.MaxReturnURLBytes-len("https://x.vn/")+1), "is 2,049 bytes, at most 2,048"},
			{"a NUL byte", "https://x.vn/\x00", "contains a NUL byte (byte 13)"},
			{"invalid UTF-8", "https://x.vn/\xff", "is not valid UTF-8 (byte 13)"},
			{"a newline", "https://x.vn/\n", "contains the control character U+000A (byte 13)"},
			{"a space", "https://x.vn/a b", "contains white space (byte 14); encode it"},
			{"an ftp scheme", "ftp://x.vn/back", "is not an absolute http or https URL"},
			{"a relative path", "/back", "is not an absolute http or https URL"},
			{"no host", "https:///back", "has no host"},
			{"credentials", "https://user:pw@x.vn/back", "must not carry a user name or password"},
			{"an unclosed IPv6 host", "http://[::1/back", "is not a URL: missing ']' in host"},
		}
	case couponField:
		return []badValue{
			{"one byte over the limit", strings.Repeat("A", billing.MaxCouponCodeBytes+1), "is 129 bytes, at most 128"},
			{"a NUL byte", "AB\x00C", "contains a NUL byte (byte 2)"},
			{"invalid UTF-8", "AB\xffC", "is not valid UTF-8 (byte 2)"},
			{"a newline inside", "AB\nC", "contains the control character U+000A (byte 2)"},
		}
	}
	return badText(limit)
}

// grouped writes n with thousands separators, as the reasons do.
func grouped(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// fieldCase is one field of one public call: do calls it with key k and
// the field set to v, every other field valid.
type fieldCase struct {
	call, field string
	kind        fieldKind
	limit       int
	do          func(ctx context.Context, k, v string) error
}

// paySpecCases are the payment fields of a call taking a PaySpec.
func paySpecCases(call string, do func(ctx context.Context, k string, ps billing.PaySpec) error) []fieldCase {
	base := func() billing.PaySpec { return billing.PaySpec{Method: payment.MethodCredit} }
	return []fieldCase{
		{call, "Gateway", optionalRefField, 0, func(ctx context.Context, k, v string) error {
			ps := base()
			ps.Gateway = v
			return do(ctx, k, ps)
		}},
		{call, "LinkedAccountID", optionalRefField, 0, func(ctx context.Context, k, v string) error {
			ps := base()
			ps.LinkedAccountID = v
			return do(ctx, k, ps)
		}},
		{call, "ReturnURL", urlField, 0, func(ctx context.Context, k, v string) error {
			ps := base()
			ps.ReturnURL = v
			return do(ctx, k, ps)
		}},
		{call, "Coupons[0]", couponField, 0, func(ctx context.Context, k, v string) error {
			ps := base()
			ps.Coupons = []string{v}
			return do(ctx, k, ps)
		}},
		{call, "Actor", textField, billing.MaxActorBytes, func(ctx context.Context, k, v string) error {
			ps := base()
			ps.Actor = v
			return do(ctx, k, ps)
		}},
	}
}

// fieldCases lists every text field of every public call that takes one.
func fieldCases(t *testing.T, e env, fx fixture) []fieldCase {
	s := e.sys
	rid := fx.resource.ID
	order := payment.Purpose{Kind: payment.PurposeOrder, Ref: "host-order-1"}
	quote := func(accountID, code, label string) error {
		_, err := s.Quote(context.Background(), accountID, pricing.QuoteRequest{
			Items:     []pricing.QuoteItem{{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: 1, Term: period.Months(1)}},
			Discounts: []pricing.Discount{{Code: code, Label: label, Amount: vnd(t, 1000)}},
		})
		return err
	}
	checkout := func(preview bool) func(ctx context.Context, k string, req billing.CheckoutRequest) error {
		return func(ctx context.Context, k string, req billing.CheckoutRequest) error {
			req.Items, req.Method = seedItems(), payment.MethodCredit
			var err error
			if preview {
				_, err = s.PreviewCheckout(ctx, req)
			} else {
				_, err = s.Checkout(ctx, k, req)
			}
			return err
		}
	}
	checkoutCases := func(call string, do func(ctx context.Context, k string, req billing.CheckoutRequest) error) []fieldCase {
		out := []fieldCase{{call, "AccountID", accountIDField, 0, func(ctx context.Context, k, v string) error {
			return do(ctx, k, billing.CheckoutRequest{AccountID: v})
		}}}
		return append(out, paySpecCases(call, func(ctx context.Context, k string, ps billing.PaySpec) error {
			return do(ctx, k, billing.CheckoutRequest{AccountID: "acme", Gateway: ps.Gateway, LinkedAccountID: ps.LinkedAccountID,
				ReturnURL: ps.ReturnURL, Coupons: ps.Coupons, Actor: ps.Actor})
		})...)
	}
	renew := func(ctx context.Context, k, acct string, ids []string, ps billing.PaySpec) error {
		_, err := s.Renew(ctx, k, billing.RenewRequest{AccountID: acct, ResourceIDs: ids, Term: period.Months(1), PaySpec: ps})
		return err
	}
	match := func(ctx context.Context, k, acct string, ids []string, ps billing.PaySpec) error {
		_, err := s.MatchEndTime(ctx, k, billing.MatchEndTimeRequest{AccountID: acct, ResourceIDs: ids, End: fx.resource.PeriodEnd.Add(10 * day), PaySpec: ps})
		return err
	}
	recoverIt := func(ctx context.Context, k, acct, id string, ps billing.PaySpec) error {
		_, err := s.Recover(ctx, k, billing.RecoverRequest{AccountID: acct, ResourceID: id, Term: period.Months(1), PaySpec: ps})
		return err
	}
	resize := func(ctx context.Context, k, acct, id string, ps billing.PaySpec) error {
		_, err := s.Resize(ctx, k, billing.ResizeRequest{AccountID: acct, ResourceID: id, Configuration: large, PaySpec: ps})
		return err
	}
	credit := billing.PaySpec{Method: payment.MethodCredit}

	cases := []fieldCase{
		{"CreateAccount", "ID", accountIDField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.CreateAccount(ctx, k, billing.CreateAccountRequest{ID: v})
			return err
		}},
		{"CreateAccount", "TimeZone", textField, billing.MaxIDBytes, func(ctx context.Context, k, v string) error {
			_, err := s.CreateAccount(ctx, k, billing.CreateAccountRequest{ID: "acme2", TimeZone: v})
			return err
		}},
		{"SetAccountType", "AccountID", accountIDField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.SetAccountType(ctx, k, billing.SetAccountTypeRequest{AccountID: v, Type: billing.Postpaid, Actor: "ops"})
			return err
		}},
		{"SetAccountType", "Actor", textField, billing.MaxActorBytes, func(ctx context.Context, k, v string) error {
			_, err := s.SetAccountType(ctx, k, billing.SetAccountTypeRequest{AccountID: "acme", Type: billing.Postpaid, Actor: v})
			return err
		}},
		{"SetAccountType", "Reason", textField, billing.MaxReasonBytes, func(ctx context.Context, k, v string) error {
			_, err := s.SetAccountType(ctx, k, billing.SetAccountTypeRequest{AccountID: "acme", Type: billing.Postpaid, Actor: "ops", Reason: v})
			return err
		}},
		{"Quote", "AccountID", accountIDField, 0, func(ctx context.Context, k, v string) error { return quote(v, "HOST10", "host discount") }},
		{"Quote", "Discounts[0].Code", couponField, 0, func(ctx context.Context, k, v string) error { return quote("acme", v, "host discount") }},
		{"Quote", "Discounts[0].Label", textField, billing.MaxDescriptionBytes, func(ctx context.Context, k, v string) error { return quote("acme", "HOST10", v) }},
		{"Pay", "AccountID", accountIDField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.Pay(ctx, k, billing.PayRequest{AccountID: v, Amount: vnd(t, 1000), Method: payment.MethodCredit, Purpose: order})
			return err
		}},
		{"Pay", "Purpose.Ref", refField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.Pay(ctx, k, billing.PayRequest{AccountID: "acme", Amount: vnd(t, 1000), Method: payment.MethodCredit, Purpose: payment.Purpose{Kind: payment.PurposeOrder, Ref: v}})
			return err
		}},
		{"Pay", "Gateway", optionalRefField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.Pay(ctx, k, billing.PayRequest{AccountID: "acme", Amount: vnd(t, 1000), Method: payment.MethodGateway, Gateway: v, Purpose: order})
			return err
		}},
		{"Pay", "LinkedAccountID", optionalRefField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.Pay(ctx, k, billing.PayRequest{AccountID: "acme", Amount: vnd(t, 1000), Method: payment.MethodLinkedAccount, LinkedAccountID: v, Purpose: order})
			return err
		}},
		{"Pay", "ReturnURL", urlField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.Pay(ctx, k, billing.PayRequest{AccountID: "acme", Amount: vnd(t, 1000), Method: payment.MethodGateway, Gateway: "sim", ReturnURL: v, Purpose: order})
			return err
		}},
		{"Pay", "Description", textField, billing.MaxDescriptionBytes, func(ctx context.Context, k, v string) error {
			_, err := s.Pay(ctx, k, billing.PayRequest{AccountID: "acme", Amount: vnd(t, 1000), Method: payment.MethodGateway, Gateway: "sim", Description: v, Purpose: order})
			return err
		}},
		{"TopUp", "AccountID", accountIDField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.TopUp(ctx, k, billing.TopUpRequest{AccountID: v, Amount: vnd(t, 1000), Gateway: "sim"})
			return err
		}},
		{"TopUp", "Gateway", optionalRefField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.TopUp(ctx, k, billing.TopUpRequest{AccountID: "acme", Amount: vnd(t, 1000), Gateway: v})
			return err
		}},
		{"TopUp", "LinkedAccountID", optionalRefField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.TopUp(ctx, k, billing.TopUpRequest{AccountID: "acme", Amount: vnd(t, 1000), LinkedAccountID: v})
			return err
		}},
		{"TopUp", "ReturnURL", urlField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.TopUp(ctx, k, billing.TopUpRequest{AccountID: "acme", Amount: vnd(t, 1000), Gateway: "sim", ReturnURL: v})
			return err
		}},
		{"CreatePaymentLink", "AccountID", accountIDField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.CreatePaymentLink(ctx, k, billing.PaymentLinkRequest{AccountID: v, Amount: vnd(t, 1000), Purpose: order})
			return err
		}},
		{"CreatePaymentLink", "Purpose.Ref", refField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.CreatePaymentLink(ctx, k, billing.PaymentLinkRequest{AccountID: "acme", Amount: vnd(t, 1000), Purpose: payment.Purpose{Kind: payment.PurposeOrder, Ref: v}})
			return err
		}},
		{"CreatePaymentLink", "Description", textField, billing.MaxDescriptionBytes, func(ctx context.Context, k, v string) error {
			_, err := s.CreatePaymentLink(ctx, k, billing.PaymentLinkRequest{AccountID: "acme", Amount: vnd(t, 1000), Purpose: order, Description: v})
			return err
		}},
		{"PayLink", "Token", refField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.PayLink(ctx, k, billing.PayLinkRequest{Token: v, Gateway: "sim"})
			return err
		}},
		{"PayLink", "Gateway", optionalRefField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.PayLink(ctx, k, billing.PayLinkRequest{Token: fx.token, Gateway: v})
			return err
		}},
		{"PayLink", "ReturnURL", urlField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.PayLink(ctx, k, billing.PayLinkRequest{Token: fx.token, Gateway: "sim", ReturnURL: v})
			return err
		}},
		{"StartLinking", "AccountID", accountIDField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.StartLinking(ctx, k, billing.LinkAccountRequest{AccountID: v, Gateway: "sim"})
			return err
		}},
		{"StartLinking", "Gateway", optionalRefField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.StartLinking(ctx, k, billing.LinkAccountRequest{AccountID: "acme", Gateway: v})
			return err
		}},
		{"StartLinking", "ReturnURL", urlField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.StartLinking(ctx, k, billing.LinkAccountRequest{AccountID: "acme", Gateway: "sim", ReturnURL: v})
			return err
		}},
		{"SetDefaultLinkedAccount", "AccountID", accountIDField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.SetDefaultLinkedAccount(ctx, k, billing.LinkedAccountRequest{AccountID: v, LinkID: "lnk_1"})
			return err
		}},
		{"SetDefaultLinkedAccount", "LinkID", refField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.SetDefaultLinkedAccount(ctx, k, billing.LinkedAccountRequest{AccountID: "acme", LinkID: v})
			return err
		}},
		{"Unlink", "AccountID", accountIDField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.Unlink(ctx, k, billing.LinkedAccountRequest{AccountID: v, LinkID: "lnk_1"})
			return err
		}},
		{"Unlink", "LinkID", refField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.Unlink(ctx, k, billing.LinkedAccountRequest{AccountID: "acme", LinkID: v})
			return err
		}},
		{"RefundToCredit", "AccountID", accountIDField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.RefundToCredit(ctx, k, billing.RefundRequest{AccountID: v, PaymentID: fx.paymentID, Amount: vnd(t, 1000)})
			return err
		}},
		{"RefundToCredit", "PaymentID", refField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.RefundToCredit(ctx, k, billing.RefundRequest{AccountID: "acme", PaymentID: v, Amount: vnd(t, 1000)})
			return err
		}},
		{"RefundToCredit", "Reason", textField, billing.MaxReasonBytes, func(ctx context.Context, k, v string) error {
			_, err := s.RefundToCredit(ctx, k, billing.RefundRequest{AccountID: "acme", PaymentID: fx.paymentID, Amount: vnd(t, 1000), Reason: v})
			return err
		}},
	}
	for _, call := range []struct {
		name string
		do   func(ctx context.Context, k string, req billing.ProvisioningRequest) (billing.Resource, error)
	}{{"ProvisioningSucceeded", s.ProvisioningSucceeded}, {"ProvisioningFailed", s.ProvisioningFailed}} {
		cases = append(cases,
			fieldCase{call.name, "AccountID", accountIDField, 0, func(ctx context.Context, k, v string) error {
				_, err := call.do(ctx, k, billing.ProvisioningRequest{AccountID: v, ResourceID: rid})
				return err
			}},
			fieldCase{call.name, "ResourceID", refField, 0, func(ctx context.Context, k, v string) error {
				_, err := call.do(ctx, k, billing.ProvisioningRequest{AccountID: "acme", ResourceID: v})
				return err
			}},
			fieldCase{call.name, "Reason", textField, billing.MaxReasonBytes, func(ctx context.Context, k, v string) error {
				_, err := call.do(ctx, k, billing.ProvisioningRequest{AccountID: "acme", ResourceID: rid, Reason: v})
				return err
			}},
			fieldCase{call.name, "Actor", textField, billing.MaxActorBytes, func(ctx context.Context, k, v string) error {
				_, err := call.do(ctx, k, billing.ProvisioningRequest{AccountID: "acme", ResourceID: rid, Actor: v})
				return err
			}})
	}
	cases = append(cases, checkoutCases("PreviewCheckout", checkout(true))...)
	cases = append(cases, checkoutCases("Checkout", checkout(false))...)
	for _, call := range []struct {
		name string
		do   func(ctx context.Context, k, acct string, ids []string, ps billing.PaySpec) error
	}{{"Renew", renew}, {"MatchEndTime", match}} {
		cases = append(cases,
			fieldCase{call.name, "AccountID", accountIDField, 0, func(ctx context.Context, k, v string) error {
				return call.do(ctx, k, v, []string{rid}, credit)
			}},
			fieldCase{call.name, "ResourceIDs[0]", refField, 0, func(ctx context.Context, k, v string) error {
				return call.do(ctx, k, "acme", []string{v}, credit)
			}})
		cases = append(cases, paySpecCases(call.name, func(ctx context.Context, k string, ps billing.PaySpec) error {
			return call.do(ctx, k, "acme", []string{rid}, ps)
		})...)
	}
	for _, call := range []struct {
		name string
		do   func(ctx context.Context, k, acct, id string, ps billing.PaySpec) error
	}{{"Recover", recoverIt}, {"Resize", resize}} {
		cases = append(cases,
			fieldCase{call.name, "AccountID", accountIDField, 0, func(ctx context.Context, k, v string) error {
				return call.do(ctx, k, v, rid, credit)
			}},
			fieldCase{call.name, "ResourceID", refField, 0, func(ctx context.Context, k, v string) error {
				return call.do(ctx, k, "acme", v, credit)
			}})
		cases = append(cases, paySpecCases(call.name, func(ctx context.Context, k string, ps billing.PaySpec) error {
			return call.do(ctx, k, "acme", rid, ps)
		})...)
	}
	return append(cases,
		fieldCase{"Delete", "AccountID", accountIDField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.Delete(ctx, k, billing.DeleteRequest{AccountID: v, ResourceID: rid})
			return err
		}},
		fieldCase{"Delete", "ResourceID", refField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.Delete(ctx, k, billing.DeleteRequest{AccountID: "acme", ResourceID: v})
			return err
		}},
		fieldCase{"Delete", "Reason", textField, billing.MaxReasonBytes, func(ctx context.Context, k, v string) error {
			_, err := s.Delete(ctx, k, billing.DeleteRequest{AccountID: "acme", ResourceID: rid, Reason: v})
			return err
		}},
		fieldCase{"Delete", "Actor", textField, billing.MaxActorBytes, func(ctx context.Context, k, v string) error {
			_, err := s.Delete(ctx, k, billing.DeleteRequest{AccountID: "acme", ResourceID: rid, Actor: v})
			return err
		}},
		fieldCase{"SetAutoRenew", "AccountID", accountIDField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.SetAutoRenew(ctx, k, billing.AutoRenewRequest{AccountID: v, ResourceID: rid, On: true})
			return err
		}},
		fieldCase{"SetAutoRenew", "ResourceID", refField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.SetAutoRenew(ctx, k, billing.AutoRenewRequest{AccountID: "acme", ResourceID: v, On: true})
			return err
		}},
		fieldCase{"SetAutoRenew", "Actor", textField, billing.MaxActorBytes, func(ctx context.Context, k, v string) error {
			_, err := s.SetAutoRenew(ctx, k, billing.AutoRenewRequest{AccountID: "acme", ResourceID: rid, On: true, Actor: v})
			return err
		}},
		fieldCase{"GrantPromotionalCredit", "AccountID", accountIDField, 0, func(ctx context.Context, k, v string) error {
			_, err := s.GrantPromotionalCredit(ctx, k, billing.GrantRequest{AccountID: v, Amount: vnd(t, 1000), ValidFor: day, Actor: "ops"})
			return err
		}},
		fieldCase{"GrantPromotionalCredit", "Actor", textField, billing.MaxActorBytes, func(ctx context.Context, k, v string) error {
			_, err := s.GrantPromotionalCredit(ctx, k, billing.GrantRequest{AccountID: "acme", Amount: vnd(t, 1000), ValidFor: day, Actor: v})
			return err
		}},
		fieldCase{"GrantPromotionalCredit", "Reason", textField, billing.MaxReasonBytes, func(ctx context.Context, k, v string) error {
			_, err := s.GrantPromotionalCredit(ctx, k, billing.GrantRequest{AccountID: "acme", Amount: vnd(t, 1000), ValidFor: day, Actor: "ops", Reason: v})
			return err
		}},
		fieldCase{"DefineCoupon", "Coupon.Products[0]", textField, billing.MaxIDBytes, func(ctx context.Context, k, v string) error {
			c := fixedCoupon(t, "PRODX", 1000)
			c.Products = []string{v}
			return s.DefineCoupon(ctx, c)
		}},
	)
}

func TestValidateRejectsBadTextAtEveryPublicCallAndChangesNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		fx := newFixture(t, e)
		before := e.snapshot(t, "acme")
		n := 0
		for _, fc := range fieldCases(t, e, fx) {
			for _, bad := range badValues(fc.kind, fc.limit) {
				t.Run(fc.call+" refuses "+fc.field+" with "+bad.name, func(t *testing.T) {
					n++
					err := fc.do(ctx, fmt.Sprintf("bad-%d", n), bad.value)
					var re *billing.RequestError
					require.ErrorAs(t, err, &re)
					assert.Equal(t, fc.field, re.Field)
					assert.Equal(t, bad.reason, re.Reason)
					assert.ErrorIs(t, err, billing.ErrInvalidRequest)
					require.Empty(t, cmp.Diff(before, e.snapshot(t, "acme")), "nothing changed")
				})
			}
		}
		_, err := e.sys.Account(ctx, "acme2")
		require.ErrorIs(t, err, billing.ErrAccountNotFound, "no account was created")
	})
}

func TestValidateIdempotencyKeysMustBeValidUTF8(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		e.fund(t, "acme", 100_000)
		before := e.snapshot(t, "acme")
		_, err := e.sys.Pay(ctx, "key-\xff", billing.PayRequest{AccountID: "acme", Amount: vnd(t, 1000), Method: payment.MethodCredit,
			Purpose: payment.Purpose{Kind: payment.PurposeOrder, Ref: "host-order-1"}})
		require.ErrorIs(t, err, billing.ErrInvalidIdempotencyKey)
		require.Empty(t, cmp.Diff(before, e.snapshot(t, "acme")), "nothing changed")
	})
}

// history returns the account's wallet history, oldest first.
func (e env) history(t *testing.T, acct string) []billing.WalletEntry {
	t.Helper()
	h, err := items(e.sys.WalletHistory(context.Background(), billing.ListRequest{AccountID: acct, Limit: 1000}))
	require.NoError(t, err)
	return h
}

// memosOf returns the memos of the entries of a kind.
func memosOf(h []billing.WalletEntry, kind payment.EntryKind) []string {
	var out []string
	for _, en := range h {
		if en.Kind == kind {
			out = append(out, en.Memo)
		}
	}
	return out
}

func TestValidateTheLongestAcceptedTextGoesAllTheWayThrough(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		desc := textOf(billing.MaxDescriptionBytes)
		reason := textOf(billing.MaxReasonBytes)
		require.Len(t, desc, 1024)
		require.Len(t, reason, 1000)

		t.Run("a gateway payment with a MaxDescriptionBytes description is confirmed by its callback", func(t *testing.T) {
			e.account(t, "gw")
			o := e.pendingOrder(t, "gw")
			p, err := e.sys.Pay(ctx, "pay", billing.PayRequest{AccountID: "gw", Amount: o.Total, Method: payment.MethodGateway, Gateway: "sim",
				Purpose: orderOf(o), Description: desc})
			require.NoError(t, err)
			require.Equal(t, payment.StatusPending, p.Status)
			cb, err := e.sim.Complete(p.ID)
			require.NoError(t, err)
			_, err = e.deliver(t, cb)
			require.NoError(t, err, "the success callback applies")
			p, err = e.sys.Payment(ctx, "gw", p.ID)
			require.NoError(t, err)
			assert.Equal(t, payment.StatusSucceeded, p.Status)
			assert.Equal(t, desc, p.Description)
			assert.Equal(t, []string{desc}, memosOf(e.history(t, "gw"), "gateway_payment"), "the description is the memo, whole")
		})

		t.Run("Top up & Pay with a MaxDescriptionBytes description holds and captures with it", func(t *testing.T) {
			e.fund(t, "tup", 20_000)
			o := e.pendingOrder(t, "tup")
			p, err := e.sys.Pay(ctx, "pay", billing.PayRequest{AccountID: "tup", Amount: o.Total, Method: payment.MethodTopUpAndPay, Gateway: "sim",
				Purpose: orderOf(o), Description: desc})
			require.NoError(t, err)
			cb, err := e.sim.Complete(p.ID)
			require.NoError(t, err)
			_, err = e.deliver(t, cb)
			require.NoError(t, err)
			h := e.history(t, "tup")
			assert.Equal(t, []string{desc}, memosOf(h, "hold"))
			assert.Equal(t, []string{desc}, memosOf(h, "capture"))
			checkLedger(t, e.st, "tup")
		})

		t.Run("a credit payment with a MaxDescriptionBytes description is spent with it", func(t *testing.T) {
			e.fund(t, "cr", 1_000_000)
			o := e.pendingOrder(t, "cr")
			_, err := e.sys.Pay(ctx, "pay", billing.PayRequest{AccountID: "cr", Amount: o.Total, Method: payment.MethodCredit, Purpose: orderOf(o), Description: desc})
			require.NoError(t, err)
			assert.Equal(t, []string{desc}, memosOf(e.history(t, "cr"), "payment"))
		})

		t.Run("a payment link with a MaxDescriptionBytes description is paid through the callback", func(t *testing.T) {
			e.account(t, "pl")
			res, err := e.sys.Checkout(ctx, "o", billing.CheckoutRequest{AccountID: "pl", Items: seedItems(), Method: payment.MethodGateway, Gateway: "sim"})
			require.NoError(t, err)
			link, err := e.sys.CreatePaymentLink(ctx, "link", billing.PaymentLinkRequest{AccountID: "pl", Amount: res.Order.Total,
				Purpose: payment.Purpose{Kind: payment.PurposeOrder, Ref: res.Order.ID}, Description: desc})
			require.NoError(t, err)
			assert.Equal(t, desc, link.Description)
			p, err := e.sys.PayLink(ctx, "payer", billing.PayLinkRequest{Token: link.Token, Gateway: "sim", ReturnURL: "https://portal.example.vn/paid"})
			require.NoError(t, err)
			assert.Equal(t, desc, p.Description)
			cb, err := e.sim.Complete(p.ID)
			require.NoError(t, err)
			_, err = e.deliver(t, cb)
			require.NoError(t, err)
			link, err = e.sys.PaymentLinkByToken(ctx, link.Token)
			require.NoError(t, err)
			assert.Equal(t, billing.PaymentLinkPaid, link.Status)
			o, err := e.sys.Order(ctx, "pl", res.Order.ID)
			require.NoError(t, err)
			assert.Equal(t, "paid", string(o.Status))
		})

		t.Run("a refund with a MaxReasonBytes reason is booked with it as the memo", func(t *testing.T) {
			e.fund(t, "rf", 1_000_000)
			r := e.buy(t, "rf", small, period.Months(1))
			o, err := e.sys.Order(ctx, "rf", r.OrderID)
			require.NoError(t, err)
			_, err = e.sys.RefundToCredit(ctx, "refund", billing.RefundRequest{AccountID: "rf", PaymentID: o.PaymentID, Amount: vnd(t, 10_000), Reason: reason})
			require.NoError(t, err)
			assert.Equal(t, []string{reason}, memosOf(e.history(t, "rf"), "refund"))
		})

		t.Run("a failed provisioning with a MaxReasonBytes reason refunds with the reason in the memo", func(t *testing.T) {
			e.fund(t, "pf", 500_000)
			res, err := e.sys.Checkout(ctx, "o", billing.CheckoutRequest{AccountID: "pf", Items: seedItems()[:1], Method: payment.MethodCredit})
			require.NoError(t, err)
			r, err := e.sys.ProvisioningFailed(ctx, "fail", billing.ProvisioningRequest{AccountID: "pf", ResourceID: res.Resources[0].ID, Reason: reason})
			require.NoError(t, err)
			assert.Equal(t, reason, r.FailureReason)
			assert.Equal(t, []string{"provisioning failed: " + reason}, memosOf(e.history(t, "pf"), "refund"))
		})

		t.Run("a delete with a MaxReasonBytes reason refunds and credits with the reason in the memo", func(t *testing.T) {
			e.fund(t, "dl", 1_000_000)
			r := e.buy(t, "dl", small, period.Months(1))
			e.clk.Advance(10 * day)
			res, err := e.sys.Delete(ctx, "delete", billing.DeleteRequest{AccountID: "dl", ResourceID: r.ID, Reason: reason})
			require.NoError(t, err)
			require.True(t, res.Refunded.IsPositive())
			assert.Equal(t, []string{reason + ": unused time refunded"}, memosOf(e.history(t, "dl"), "refund"))
			invs, err := items(e.sys.Invoices(ctx, billing.ListRequest{AccountID: "dl", ResourceID: r.ID, Limit: 10}))
			require.NoError(t, err)
			require.Len(t, invs, 2, "the invoice and its credit note")
			assert.Equal(t, reason+": unused time refunded", invs[0].Memo)
		})

		t.Run("an account switch with a MaxActorBytes actor and a MaxReasonBytes reason is audited whole", func(t *testing.T) {
			e.account(t, "sw")
			actor := textOf(billing.MaxActorBytes)
			_, err := e.sys.SetAccountType(ctx, "switch", billing.SetAccountTypeRequest{AccountID: "sw", Type: billing.Postpaid, Actor: actor, Reason: reason})
			require.NoError(t, err)
			recs, err := items(e.sys.AuditTrail(ctx, billing.ListRequest{AccountID: "sw", Limit: 10}))
			require.NoError(t, err)
			require.Len(t, recs, 1)
			assert.Equal(t, actor, recs[0].Actor)
			assert.Contains(t, string(recs[0].Detail), reason)
		})

		t.Run("a promotional grant with a MaxReasonBytes reason is booked with it as the memo", func(t *testing.T) {
			e.account(t, "gr")
			_, err := e.sys.GrantPromotionalCredit(ctx, "grant", billing.GrantRequest{AccountID: "gr", Amount: vnd(t, 10_000), ValidFor: 30 * day,
				Actor: textOf(billing.MaxActorBytes), Reason: reason})
			require.NoError(t, err)
			assert.Equal(t, []string{reason}, memosOf(e.history(t, "gr"), "promo_grant"))
		})

		t.Run("a MaxIDBytes account pays MaxCouponsPerOrder coupons through a gateway with a MaxReturnURLBytes return URL, and is invoiced", func(t *testing.T) {
			acct := idOf(billing.MaxIDBytes)
			require.Len(t, acct, 128)
			e.account(t, acct)
			var codes []string
			for i := range billing.MaxCouponsPerOrder {
				c := fixedCoupon(t, fmt.Sprintf("STACK%02d", i), 1000)
				c.Stackable = true
				require.NoError(t, e.sys.DefineCoupon(ctx, c))
				codes = append(codes, fmt.Sprintf(" stack%02d ", i))
			}
			back := "https://portal.example.vn/back?to="
			back += strings.Repeat("x", billing.MaxReturnURLBytes-len(back))
			actor := textOf(billing.MaxActorBytes)
			req := billing.CheckoutRequest{AccountID: acct, Items: seedItems(), Coupons: codes, Method: payment.MethodGateway, Gateway: "sim",
				ReturnURL: back, Actor: actor}
			q, err := e.sys.PreviewCheckout(ctx, req)
			require.NoError(t, err)
			res, err := e.sys.Checkout(ctx, "o", req)
			require.NoError(t, err)
			assert.True(t, q.Total.Equal(res.Order.Total))
			assert.Len(t, res.Order.Coupons, billing.MaxCouponsPerOrder)
			cb, err := e.sim.Complete(res.Payment.ID)
			require.NoError(t, err)
			_, err = e.deliver(t, cb)
			require.NoError(t, err)
			rs := e.provisionAll(t, acct, res)
			require.Len(t, rs, 2)
			assert.Equal(t, lifecycle.StateActive, rs[0].State)
			assert.Equal(t, 2, e.invoiceCount(t, acct, ""), "one invoice per resource")
			checkLedger(t, e.st, acct)
		})
	})
}

func TestValidateCouponAndItemCountsAreTheSameForEveryCall(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		fx := newFixture(t, e)
		rid := fx.resource.ID
		var codes []string
		var discounts []pricing.Discount
		for i := range billing.MaxCouponsPerOrder + 1 {
			codes = append(codes, fmt.Sprintf("CODE%02d", i))
			discounts = append(discounts, pricing.Discount{Code: fmt.Sprintf("CODE%02d", i), Amount: vnd(t, 100)})
		}
		item := func(q int64) billing.OrderItem {
			return billing.OrderItem{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: q, Term: period.Months(1)}
		}
		quoteItem := func(q int64) pricing.QuoteItem {
			return pricing.QuoteItem{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: q, Term: period.Months(1)}
		}
		tooMany := billing.PaySpec{Method: payment.MethodCredit, Coupons: codes}
		const couponsReason = "has 11 codes, at most 10"
		before := e.snapshot(t, "acme")
		tests := []struct {
			name          string
			call          func() error
			field, reason string
		}{
			{"Quote refuses 11 discounts", func() error {
				_, err := e.sys.Quote(ctx, "acme", pricing.QuoteRequest{Items: []pricing.QuoteItem{quoteItem(1)}, Discounts: discounts})
				return err
			}, "Discounts", couponsReason},
			{"PreviewCheckout refuses 11 coupons", func() error {
				_, err := e.sys.PreviewCheckout(ctx, billing.CheckoutRequest{AccountID: "acme", Items: seedItems(), Coupons: codes})
				return err
			}, "Coupons", couponsReason},
			{"Checkout refuses 11 coupons", func() error {
				_, err := e.sys.Checkout(ctx, "c1", billing.CheckoutRequest{AccountID: "acme", Items: seedItems(), Coupons: codes, Method: payment.MethodCredit})
				return err
			}, "Coupons", couponsReason},
			{"Renew refuses 11 coupons", func() error {
				_, err := e.sys.Renew(ctx, "c2", billing.RenewRequest{AccountID: "acme", ResourceIDs: []string{rid}, Term: period.Months(1), PaySpec: tooMany})
				return err
			}, "Coupons", couponsReason},
			{"MatchEndTime refuses 11 coupons", func() error {
				_, err := e.sys.MatchEndTime(ctx, "c3", billing.MatchEndTimeRequest{AccountID: "acme", ResourceIDs: []string{rid}, End: fx.resource.PeriodEnd.Add(day), PaySpec: tooMany})
				return err
			}, "Coupons", couponsReason},
			{"Recover refuses 11 coupons", func() error {
				_, err := e.sys.Recover(ctx, "c4", billing.RecoverRequest{AccountID: "acme", ResourceID: rid, Term: period.Months(1), PaySpec: tooMany})
				return err
			}, "Coupons", couponsReason},
			{"Resize refuses 11 coupons", func() error {
				_, err := e.sys.Resize(ctx, "c5", billing.ResizeRequest{AccountID: "acme", ResourceID: rid, Configuration: large, PaySpec: tooMany})
				return err
			}, "Coupons", couponsReason},
			{"Quote refuses 101 resources", func() error {
				_, err := e.sys.Quote(ctx, "acme", pricing.QuoteRequest{Items: []pricing.QuoteItem{quoteItem(100), quoteItem(1)}})
				return err
			}, "Items", "101 resources in one order (at most 100)"},
			{"PreviewCheckout refuses 101 resources", func() error {
				_, err := e.sys.PreviewCheckout(ctx, billing.CheckoutRequest{AccountID: "acme", Items: []billing.OrderItem{item(100), item(1)}})
				return err
			}, "Items", "101 resources in one order (at most 100)"},
			{"Checkout refuses 101 resources", func() error {
				_, err := e.sys.Checkout(ctx, "c6", billing.CheckoutRequest{AccountID: "acme", Items: []billing.OrderItem{item(100), item(1)}, Method: payment.MethodCredit})
				return err
			}, "Items", "101 resources in one order (at most 100)"},
			{"Quote refuses a quantity of 101", func() error {
				_, err := e.sys.Quote(ctx, "acme", pricing.QuoteRequest{Items: []pricing.QuoteItem{quoteItem(101)}})
				return err
			}, "Items[0].Quantity", "101 is outside 1–100"},
			{"Checkout refuses a quantity of 101", func() error {
				_, err := e.sys.Checkout(ctx, "c7", billing.CheckoutRequest{AccountID: "acme", Items: []billing.OrderItem{item(101)}, Method: payment.MethodCredit})
				return err
			}, "Items[0].Quantity", "101 is outside 1–100"},
			{"Quote refuses an order without items", func() error {
				_, err := e.sys.Quote(ctx, "acme", pricing.QuoteRequest{})
				return err
			}, "Items", "an order needs at least one item"},
			{"PreviewCheckout refuses an order without items", func() error {
				_, err := e.sys.PreviewCheckout(ctx, billing.CheckoutRequest{AccountID: "acme"})
				return err
			}, "Items", "an order needs at least one item"},
			{"Renew refuses 101 resources", func() error {
				ids := make([]string, billing.MaxOrderResources+1)
				for i := range ids {
					ids[i] = fmt.Sprintf("res_%d", i)
				}
				_, err := e.sys.Renew(ctx, "c8", billing.RenewRequest{AccountID: "acme", ResourceIDs: ids, Term: period.Months(1), PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
				return err
			}, "ResourceIDs", "101 resources (want 1–100)"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := tt.call()
				var re *billing.RequestError
				require.ErrorAs(t, err, &re)
				assert.Equal(t, tt.field, re.Field)
				assert.Equal(t, tt.reason, re.Reason)
				require.Empty(t, cmp.Diff(before, e.snapshot(t, "acme")), "nothing changed")
			})
		}

		t.Run("Quote, PreviewCheckout and Checkout accept exactly MaxOrderResources resources", func(t *testing.T) {
			_, err := e.sys.Quote(ctx, "acme", pricing.QuoteRequest{Items: []pricing.QuoteItem{quoteItem(99), quoteItem(1)}})
			require.NoError(t, err)
			_, err = e.sys.PreviewCheckout(ctx, billing.CheckoutRequest{AccountID: "acme", Items: []billing.OrderItem{item(99), item(1)}})
			require.NoError(t, err)
			_, err = e.sys.Checkout(ctx, "hundred", billing.CheckoutRequest{AccountID: "acme", Items: []billing.OrderItem{item(99), item(1)}, Method: payment.MethodGateway, Gateway: "sim"})
			require.NoError(t, err)
		})
	})
}

func TestValidateTermsMayNotEndAfterYear9999(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		e.clk.Set(time.Date(9997, 6, 1, 9, 0, 0, 0, time.UTC))
		e.fund(t, "acme", 50_000_000)
		r := e.buy(t, "acme", small, period.Months(1))
		require.Equal(t, 9997, r.PeriodEnd.Year())
		before := e.snapshot(t, "acme")
		credit := billing.PaySpec{Method: payment.MethodCredit}
		item := func(term period.Term) []billing.OrderItem {
			return []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: small, Quantity: 1, Term: term}}
		}

		tests := []struct {
			name      string
			call      func() error
			edgeCheck bool // refused at the edge (ErrInvalidRequest) as well
		}{
			{"a 36-month renewal from 9997-07 is refused", func() error {
				_, err := e.sys.Renew(ctx, "renew-36", billing.RenewRequest{AccountID: "acme", ResourceIDs: []string{r.ID}, Term: period.Months(36), PaySpec: credit})
				return err
			}, false},
			{"a 36-month checkout in 9997 is refused", func() error {
				_, err := e.sys.Checkout(ctx, "buy-36", billing.CheckoutRequest{AccountID: "acme", Items: item(period.Months(36)), Method: payment.MethodCredit})
				return err
			}, true},
			{"a 36-month checkout preview in 9997 is refused", func() error {
				_, err := e.sys.PreviewCheckout(ctx, billing.CheckoutRequest{AccountID: "acme", Items: item(period.Months(36))})
				return err
			}, true},
			{"a 36-month recovery in 9997 is refused", func() error {
				_, err := e.sys.Recover(ctx, "recover-36", billing.RecoverRequest{AccountID: "acme", ResourceID: r.ID, Term: period.Months(36), PaySpec: credit})
				return err
			}, true},
			{"matching end times to 10000-01-01 is refused", func() error {
				_, err := e.sys.MatchEndTime(ctx, "match", billing.MatchEndTimeRequest{AccountID: "acme", ResourceIDs: []string{r.ID},
					End: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), PaySpec: credit})
				return err
			}, true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := tt.call()
				require.ErrorIs(t, err, period.ErrOutOfRange)
				var re *period.RangeError
				require.ErrorAs(t, err, &re)
				assert.True(t, re.End.After(period.MaxEnd()))
				if tt.edgeCheck {
					assert.ErrorIs(t, err, billing.ErrInvalidRequest)
				}
				require.Empty(t, cmp.Diff(before, e.snapshot(t, "acme")), "nothing changed")
			})
		}

		t.Run("a 24-month renewal ending in 9999 still goes through", func(t *testing.T) {
			res, err := e.sys.Renew(ctx, "renew-24", billing.RenewRequest{AccountID: "acme", ResourceIDs: []string{r.ID}, Term: period.Months(24), PaySpec: credit})
			require.NoError(t, err)
			assert.Equal(t, 9999, res.Resources[0].PeriodEnd.Year())
		})
		t.Run("a 24-month checkout in 9997 still goes through", func(t *testing.T) {
			res, err := e.sys.Checkout(ctx, "buy-24", billing.CheckoutRequest{AccountID: "acme", Items: item(period.Months(24)), Method: payment.MethodCredit})
			require.NoError(t, err)
			rs := e.provisionAll(t, "acme", res)
			assert.Equal(t, 9999, rs[0].PeriodEnd.Year())
		})
	})
}

func TestValidateALongGatewayFailureReasonIsClippedAndTheHoldReleased(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		ctx := context.Background()
		e := newEnv(t, newStore(t))
		e.fund(t, "acme", 20_000)
		o := e.pendingOrder(t, "acme")
		p, err := e.sys.Pay(ctx, "pay", billing.PayRequest{AccountID: "acme", Amount: o.Total, Method: payment.MethodTopUpAndPay, Gateway: "sim",
			Purpose: orderOf(o)})
		require.NoError(t, err)
		require.Equal(t, int64(0), e.available(t, "acme"), "the credit is held")
		e.sim.SetOutcome(p.ID, gatewaysim.Decline(textOf(2000)))
		cb, err := e.sim.Complete(p.ID)
		require.NoError(t, err)
		_, err = e.deliver(t, cb)
		require.NoError(t, err, "a 2,000-byte reason the gateway may send is applied, not a 500 until expiry")
		p, err = e.sys.Payment(ctx, "acme", p.ID)
		require.NoError(t, err)
		assert.Equal(t, payment.StatusFailed, p.Status)
		assert.LessOrEqual(t, len(p.FailureReason), billing.MaxDescriptionBytes)
		assert.True(t, utf8.ValidString(p.FailureReason), "clipped at a rune boundary")
		assert.Greater(t, len(p.FailureReason), billing.MaxDescriptionBytes-utf8.UTFMax, "clipped, not dropped")
		assert.True(t, strings.HasPrefix(textOf(2000), p.FailureReason))
		assert.Equal(t, int64(20_000), e.available(t, "acme"), "the held credit is released")
		checkLedger(t, e.st, "acme")
	})
}

func TestValidateErrorsNameTheFieldAndMatchErrInvalidRequest(t *testing.T) {
	e := newEnv(t, newMemory())
	_, err := e.sys.Pay(context.Background(), "k", billing.PayRequest{AccountID: "acme", Amount: vnd(t, 1000), Method: payment.MethodCredit,
		Purpose: payment.Purpose{Kind: payment.PurposeOrder, Ref: "o-1"}, Description: strings.Repeat("a", 1100)})
	assert.EqualError(t, err, "billing: invalid request: Description is 1,100 bytes, at most 1,024")
	assert.True(t, errors.Is(err, billing.ErrInvalidRequest))
}
