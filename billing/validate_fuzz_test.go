package billing_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/payment"
)

// acceptableText is the documented text rule, written independently of the
// validators: at most max bytes of valid UTF-8 without control characters.
func acceptableText(s string, max int) bool {
	if len(s) > max || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// acceptableAccountID is the documented account-id rule: 1 to MaxIDBytes
// bytes of printable text without white space.
func acceptableAccountID(s string) bool {
	if s == "" || !acceptableText(s, billing.MaxIDBytes) {
		return false
	}
	for _, r := range s {
		if unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// acceptableReturnURL is the documented return-URL rule.
func acceptableReturnURL(s string) bool {
	if !acceptableText(s, billing.MaxReturnURLBytes) || strings.ContainsFunc(s, unicode.IsSpace) {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.Opaque == "" && u.User == nil
}

// refusedField returns the field a *RequestError names, or fails.
func refusedField(t *testing.T, err error) string {
	t.Helper()
	var re *billing.RequestError
	if !errors.As(err, &re) {
		t.Fatalf("want a *RequestError, got %v", err)
	}
	return re.Field
}

// FuzzRequestText throws arbitrary strings at the validators through the
// public calls on the memory store: they never panic, they accept exactly
// what the documented rules accept (a refusal is a *RequestError naming the
// field), and whatever they accept is stored and read back byte for byte —
// as a payment link's and a payment's description, a journal entry's memo,
// an audit record's actor and reason, an account id — and a return URL they
// accept is taken by the gateway.
func FuzzRequestText(f *testing.F) {
	for _, s := range []string{"", "a", "đơn hàng tháng 4", "\x00", "a\x00b", "\xff", "a\xc3", "a\nb", "a\tb", "\u0085", "\u2028",
		"\u200b", "\ufeff", "\ufffd", "<b>&amp;</b>", `"quoted" \ back`, strings.Repeat("a", 1000), strings.Repeat("đ", 512),
		strings.Repeat("a", 1025), "https://portal.example.vn/back?x=1#top", "http://[::1]:8080/", "ftp://x.vn/", "https://u:p@x.vn/",
		"https:///nohost", "//x.vn/back", "khách-42", "acme corp"} {
		f.Add(s)
	}
	z := newTextFuzz(f)
	f.Fuzz(z.check)
}

// textFuzz is FuzzRequestText's system, shared by the inputs of one
// process: an account with ample credit.
type textFuzz struct {
	e env
	n int
	// Cursors past what earlier inputs wrote: the history and the audit
	// trail are read a page after them.
	historySeq, auditSeq int64
}

func newTextFuzz(tb testing.TB) *textFuzz {
	ctx := context.Background()
	e := newEnvTB(tb, newMemory())
	_, err := e.sys.CreateAccount(ctx, "open", billing.CreateAccountRequest{ID: "acme"})
	require.NoError(tb, err)
	// The type switches go to an account of their own: a postpaid "acme"
	// would buy without paying.
	_, err = e.sys.CreateAccount(ctx, "open-switcher", billing.CreateAccountRequest{ID: "switcher"})
	require.NoError(tb, err)
	top, err := e.sys.TopUp(ctx, "fund", billing.TopUpRequest{AccountID: "acme", Amount: vnd(tb, 1_000_000_000_000), Gateway: "sim"})
	require.NoError(tb, err)
	cb, err := e.sim.Complete(top.ID)
	require.NoError(tb, err)
	_, err = e.sys.HandleCallback(ctx, "sim", cb.Header, cb.Body)
	require.NoError(tb, err)
	return &textFuzz{e: e}
}

// check runs one input through the public calls (see FuzzRequestText).
func (z *textFuzz) check(t *testing.T, s string) {
	ctx := context.Background()
	e := z.e
	z.n++
	key := func(what string) string { return fmt.Sprintf("%s-%d", what, z.n) }
	res, err := e.sys.Checkout(ctx, key("order"), billing.CheckoutRequest{AccountID: "acme", Items: seedItems()[:1],
		Method: payment.MethodGateway, Gateway: "sim"})
	require.NoError(t, err)
	order := payment.Purpose{Kind: payment.PurposeOrder, Ref: res.Order.ID}
	textOK := acceptableText(s, billing.MaxDescriptionBytes)

	// A payment link's description.
	link, err := e.sys.CreatePaymentLink(ctx, key("link"), billing.PaymentLinkRequest{AccountID: "acme", Purpose: order, Description: s})
	if textOK {
		require.NoError(t, err)
		got, err := e.sys.PaymentLinkByToken(ctx, link.Token)
		require.NoError(t, err)
		require.Equal(t, s, got.Description)
	} else {
		require.Equal(t, "Description", refusedField(t, err))
	}

	// A credit payment's description, and the memo of its entry.
	p, err := e.sys.Pay(ctx, key("pay"), billing.PayRequest{AccountID: "acme", Amount: res.Order.Total, Method: payment.MethodCredit,
		Purpose: order, Description: s})
	if textOK {
		require.NoError(t, err)
		require.Equal(t, s, p.Description)
		got, err := e.sys.Payment(ctx, "acme", p.ID)
		require.NoError(t, err)
		require.Equal(t, s, got.Description)
		h, err := items(e.sys.WalletHistory(ctx, billing.ListRequest{AccountID: "acme", After: cursorAt(z.historySeq), Limit: 1000}))
		require.NoError(t, err)
		require.NotEmpty(t, h)
		z.historySeq = h[len(h)-1].Seq
		require.Equal(t, p.ID, h[len(h)-1].RefID)
		require.Equal(t, s, h[len(h)-1].Memo)
	} else {
		require.Equal(t, "Description", refusedField(t, err))
	}

	// An audit record's actor and reason (the type flips each time, so
	// each accepted switch writes one).
	a, err := e.sys.Account(ctx, "switcher")
	require.NoError(t, err)
	to := billing.Postpaid
	if a.Type == billing.Postpaid {
		to = billing.Prepaid
	}
	actor := s
	if actor == "" {
		actor = "ops" // required; its emptiness is not the rule under test
	}
	_, err = e.sys.SetAccountType(ctx, key("switch"), billing.SetAccountTypeRequest{AccountID: "switcher", Type: to, Actor: actor, Reason: s})
	switch {
	case !acceptableText(actor, billing.MaxActorBytes):
		require.Equal(t, "Actor", refusedField(t, err))
	case !acceptableText(s, billing.MaxReasonBytes):
		require.Equal(t, "Reason", refusedField(t, err))
	default:
		require.NoError(t, err)
		recs, err := items(e.sys.AuditTrail(ctx, billing.ListRequest{AccountID: "switcher", After: cursorAt(z.auditSeq), Limit: 1000}))
		require.NoError(t, err)
		require.Len(t, recs, 1)
		last := recs[0]
		z.auditSeq = last.Seq
		require.Equal(t, actor, last.Actor)
		var detail struct{ Reason string }
		require.NoError(t, json.Unmarshal(last.Detail, &detail))
		require.Equal(t, s, detail.Reason)
	}

	// An account id.
	_, err = e.sys.CreateAccount(ctx, key("account"), billing.CreateAccountRequest{ID: s})
	switch {
	case !acceptableAccountID(s):
		require.Equal(t, "ID", refusedField(t, err))
	case s == "acme":
		require.ErrorIs(t, err, billing.ErrAccountExists)
	case errors.Is(err, billing.ErrAccountExists):
		// The fuzzer repeated an id it created before.
	default:
		require.NoError(t, err)
		got, err := e.sys.Account(ctx, s)
		require.NoError(t, err)
		require.Equal(t, s, got.ID)
	}

	// A return URL: accepted means the gateway takes it too.
	tp, err := e.sys.TopUp(ctx, key("topup"), billing.TopUpRequest{AccountID: "acme", Amount: vnd(t, 1000), Gateway: "sim", ReturnURL: s})
	if s == "" || acceptableReturnURL(s) {
		require.NoError(t, err)
		require.Equal(t, payment.StatusPending, tp.Status, "the gateway accepted the return URL: %s", tp.FailureReason)
	} else {
		require.Equal(t, "ReturnURL", refusedField(t, err))
	}
}
