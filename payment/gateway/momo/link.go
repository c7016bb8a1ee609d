package momo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// requestTypeLinkWallet is the create requestType of an account binding.
const requestTypeLinkWallet = "linkWallet"

// linkRequest is the body of /v2/gateway/api/create for an account binding.
type linkRequest struct {
	PartnerCode     string `json:"partnerCode"`
	AccessKey       string `json:"accessKey"`
	RequestID       string `json:"requestId"`
	Amount          int64  `json:"amount"`
	OrderID         string `json:"orderId"`
	OrderInfo       string `json:"orderInfo"`
	RedirectURL     string `json:"redirectUrl"`
	IPNURL          string `json:"ipnUrl"`
	PartnerClientID string `json:"partnerClientId"`
	RequestType     string `json:"requestType"`
	ExtraData       string `json:"extraData"`
	Lang            string `json:"lang"`
	Signature       string `json:"signature"`
}

// rawLink is the signed string of a binding: the create fields with
// partnerClientId between orderInfo and partnerCode.
func rawLink(accessKey string, r linkRequest) string {
	return rawString(
		field{"accessKey", accessKey},
		field{"amount", strconv.FormatInt(r.Amount, 10)},
		field{"extraData", r.ExtraData},
		field{"ipnUrl", r.IPNURL},
		field{"orderId", r.OrderID},
		field{"orderInfo", r.OrderInfo},
		field{"partnerClientId", r.PartnerClientID},
		field{"partnerCode", r.PartnerCode},
		field{"redirectUrl", r.RedirectURL},
		field{"requestId", r.RequestID},
		field{"requestType", r.RequestType},
	)
}

// linkInfo is the orderInfo of a binding, in the configured language.
func (g *Gateway) linkInfo() string {
	if g.cfg.Lang == "en" {
		return "Link your MoMo wallet"
	}
	return "Liên kết ví MoMo"
}

// StartLink asks MoMo to bind the user's wallet ("linkWallet", amount 0:
// binding only) and returns MoMo's page where the user approves it;
// Redirect.GatewayRef is the binding's orderId ("link-" and the LinkID,
// see the package documentation). partnerClientId is derived from
// req.AccountID, and extraData carries the LinkID and AccountID under the
// IPN's signature. The result arrives as an IPN that ReadCallback turns
// into link.succeeded (with the Token) or link.failed. Repeating it with
// the same LinkID sends the same request. Without Config.RSAPublicKey it
// returns gateway.ErrUnsupported.
func (g *Gateway) StartLink(ctx context.Context, req gateway.LinkRequest) (gateway.Redirect, error) {
	if err := g.linking("linking a wallet"); err != nil {
		return gateway.Redirect{}, err
	}
	if err := req.Validate(); err != nil {
		return gateway.Redirect{}, err
	}
	redirect := req.ReturnURL
	if redirect == "" {
		redirect = g.cfg.RedirectURL
	} else if !absoluteURL(redirect, true) {
		return gateway.Redirect{}, &gateway.RequestError{Field: "ReturnURL", Reason: "is not an absolute http(s) URL"}
	}
	oid := linkOrderID(req.LinkID)
	body := linkRequest{
		PartnerCode:     g.cfg.PartnerCode,
		AccessKey:       g.cfg.AccessKey,
		RequestID:       oid,
		Amount:          0,
		OrderID:         oid,
		OrderInfo:       g.linkInfo(),
		RedirectURL:     redirect,
		IPNURL:          g.cfg.IPNURL,
		PartnerClientID: clientID(req.AccountID),
		RequestType:     requestTypeLinkWallet,
		ExtraData:       encodeExtraOf(extra{LinkID: req.LinkID, AccountID: req.AccountID}),
		Lang:            g.cfg.Lang,
	}
	body.Signature = sign(g.cfg.SecretKey, rawLink(g.cfg.AccessKey, body))
	var resp createResponse
	if err := g.post(ctx, "/v2/gateway/api/create", body, &resp); err != nil {
		return gateway.Redirect{}, err
	}
	code, ok := int64Of(resp.ResultCode)
	if !ok {
		return gateway.Redirect{}, fmt.Errorf("%w: momo: link: no resultCode in the answer", gateway.ErrTemporary)
	}
	if code != 0 {
		return gateway.Redirect{}, resultError("link", code)
	}
	if resp.PartnerCode != g.cfg.PartnerCode || resp.OrderID != oid || !absoluteURL(resp.PayURL, true) {
		return gateway.Redirect{}, fmt.Errorf("%w: %w: link", gateway.ErrTemporary, errBadAnswer)
	}
	return gateway.Redirect{URL: resp.PayURL, GatewayRef: oid}, nil
}

// bindRequest is the body of /v2/gateway/api/tokenization/bind, which
// exchanges a binding's callbackToken for the wallet's token.
type bindRequest struct {
	PartnerCode     string `json:"partnerCode"`
	RequestID       string `json:"requestId"`
	OrderID         string `json:"orderId"`
	PartnerClientID string `json:"partnerClientId"`
	CallbackToken   string `json:"callbackToken"`
	Lang            string `json:"lang"`
	Signature       string `json:"signature"`
}

// rawBind is the signed string of a bind request.
func rawBind(accessKey string, r bindRequest) string {
	return rawString(
		field{"accessKey", accessKey},
		field{"callbackToken", r.CallbackToken},
		field{"orderId", r.OrderID},
		field{"partnerClientId", r.PartnerClientID},
		field{"partnerCode", r.PartnerCode},
		field{"requestId", r.RequestID},
	)
}

// bindResponse is MoMo's answer to a bind request.
type bindResponse struct {
	PartnerCode     string      `json:"partnerCode"`
	OrderID         string      `json:"orderId"`
	PartnerClientID string      `json:"partnerClientId"`
	AESToken        string      `json:"aesToken"`
	ResultCode      json.Number `json:"resultCode"`
}

// requestIDAt is a fresh requestId for a request that changes nothing at
// MoMo (a bind, a query): kind, now in Unix milliseconds, '-' and 16 hex
// digits of the SHA-256 of the orderId. MoMo wants one per request; the
// library's clock makes it, never the adapter's.
func requestIDAt(kind, oid string, now time.Time) string {
	sum := sha256.Sum256([]byte(oid))
	return kind + strconv.FormatInt(now.UnixMilli(), 10) + "-" + hex.EncodeToString(sum[:8])
}

// linked is a bound wallet: its Token and Display.
type linked struct {
	token   gateway.Token
	display string
}

// bind exchanges the callbackToken of the binding oid of accountID for the
// wallet's token. A definite refusal is returned as its resultCode with a
// nil error; anything not understood is an error matching
// gateway.ErrTemporary (or a *gateway.EventError for a token the adapter
// cannot carry). Neither the callbackToken nor the token ever appears in an
// error.
func (g *Gateway) bind(ctx context.Context, now time.Time, oid, accountID, callbackToken string) (linked, int64, error) {
	body := bindRequest{
		PartnerCode:     g.cfg.PartnerCode,
		RequestID:       requestIDAt("b", oid, now),
		OrderID:         oid,
		PartnerClientID: clientID(accountID),
		CallbackToken:   callbackToken,
		Lang:            g.cfg.Lang,
	}
	body.Signature = sign(g.cfg.SecretKey, rawBind(g.cfg.AccessKey, body))
	var resp bindResponse
	if err := g.post(ctx, "/v2/gateway/api/tokenization/bind", body, &resp); err != nil {
		return linked{}, 0, err
	}
	code, ok := int64Of(resp.ResultCode)
	if !ok {
		return linked{}, 0, fmt.Errorf("%w: momo: bind: no resultCode in the answer", gateway.ErrTemporary)
	}
	switch classify(code) {
	case classSucceeded:
	case classTemporary, classPending:
		return linked{}, 0, resultError("bind", code)
	default:
		return linked{}, code, nil
	}
	if resp.PartnerCode != g.cfg.PartnerCode || resp.OrderID != oid || resp.PartnerClientID != body.PartnerClientID {
		return linked{}, 0, fmt.Errorf("%w: %w: bind", gateway.ErrTemporary, errBadAnswer)
	}
	plain, err := decryptAESToken(g.keys.aes, resp.AESToken)
	if err != nil {
		return linked{}, 0, fmt.Errorf("%w: %w", gateway.ErrTemporary, err)
	}
	initial := plain.InitialOrderID
	if initial == "" {
		initial = oid
	}
	if !validOrderID(initial) || len(initial) > MaxOrderIDLen || !validValue(plain.Value) {
		return linked{}, 0, &gateway.EventError{Field: "aesToken", Reason: "holds a token this adapter cannot carry"}
	}
	t := newToken(accountID, initial, plain.Value)
	if len(t.Reveal()) > gateway.MaxIDLen {
		return linked{}, 0, &gateway.EventError{Field: "aesToken", Reason: "holds a token longer than a gateway token may be"}
	}
	return linked{token: t, display: display(plain.UserAlias)}, 0, nil
}

// cbQueryRequest is the body of /v2/gateway/api/tokenization/queryCb, which
// asks for the callbackToken of a binding whose IPN was lost.
type cbQueryRequest struct {
	PartnerCode     string `json:"partnerCode"`
	RequestID       string `json:"requestId"`
	OrderID         string `json:"orderId"`
	PartnerClientID string `json:"partnerClientId"`
	Lang            string `json:"lang"`
	Signature       string `json:"signature"`
}

// rawCbQuery is the signed string of a callbackToken query.
func rawCbQuery(accessKey string, r cbQueryRequest) string {
	return rawString(
		field{"accessKey", accessKey},
		field{"orderId", r.OrderID},
		field{"partnerClientId", r.PartnerClientID},
		field{"partnerCode", r.PartnerCode},
		field{"requestId", r.RequestID},
	)
}

// cbQueryResponse is MoMo's answer to a callbackToken query.
type cbQueryResponse struct {
	PartnerCode   string      `json:"partnerCode"`
	OrderID       string      `json:"orderId"`
	CallbackToken string      `json:"callbackToken"`
	ResultCode    json.Number `json:"resultCode"`
}

// QueryLink asks MoMo where the binding q.LinkID of q.AccountID stands, so
// that a binding whose IPN was lost, or whose token could not be fetched
// when it came, still completes: MoMo's callbackToken for the binding is
// exchanged for the wallet's token (PaymentSucceeded with Token and
// Display). A binding still open is PaymentPending, one MoMo does not know
// PaymentNotFound (42), an expired page PaymentExpired (1005), a refusal
// PaymentFailed; any other answer is an error. q.Now makes the request
// ids. Without Config.RSAPublicKey it returns gateway.ErrUnsupported.
func (g *Gateway) QueryLink(ctx context.Context, q gateway.LinkQuery) (gateway.LinkStatus, error) {
	if err := g.linking("querying a wallet link"); err != nil {
		return gateway.LinkStatus{}, err
	}
	if err := checkID("LinkID", q.LinkID); err != nil {
		return gateway.LinkStatus{}, err
	}
	if err := checkID("AccountID", q.AccountID); err != nil {
		return gateway.LinkStatus{}, err
	}
	if q.Now.IsZero() {
		return gateway.LinkStatus{}, &gateway.RequestError{Field: "Now", Reason: "is missing"}
	}
	oid := linkOrderID(q.LinkID)
	body := cbQueryRequest{
		PartnerCode:     g.cfg.PartnerCode,
		RequestID:       requestIDAt("c", oid, q.Now),
		OrderID:         oid,
		PartnerClientID: clientID(q.AccountID),
		Lang:            g.cfg.Lang,
	}
	body.Signature = sign(g.cfg.SecretKey, rawCbQuery(g.cfg.AccessKey, body))
	var resp cbQueryResponse
	if err := g.post(ctx, "/v2/gateway/api/tokenization/queryCb", body, &resp); err != nil {
		return gateway.LinkStatus{}, err
	}
	code, ok := int64Of(resp.ResultCode)
	if !ok {
		return gateway.LinkStatus{}, fmt.Errorf("%w: momo: link query: no resultCode in the answer", gateway.ErrTemporary)
	}
	switch classify(code) {
	case classPending:
		return gateway.LinkStatus{State: gateway.PaymentPending}, nil
	case classNotFound:
		return gateway.LinkStatus{State: gateway.PaymentNotFound}, nil
	case classExpired:
		return gateway.LinkStatus{State: gateway.PaymentExpired, FailureReason: reason(code)}, nil
	case classDeclined:
		return gateway.LinkStatus{State: gateway.PaymentFailed, FailureReason: reason(code)}, nil
	case classSucceeded:
	default:
		return gateway.LinkStatus{}, resultError("link query", code)
	}
	if resp.PartnerCode != g.cfg.PartnerCode || resp.OrderID != oid || resp.CallbackToken == "" {
		return gateway.LinkStatus{}, fmt.Errorf("%w: %w: link query", gateway.ErrTemporary, errBadAnswer)
	}
	l, refused, err := g.bind(ctx, q.Now, oid, q.AccountID, resp.CallbackToken)
	if err != nil {
		return gateway.LinkStatus{}, err
	}
	if refused != 0 {
		return gateway.LinkStatus{State: gateway.PaymentFailed, FailureReason: reason(refused)}, nil
	}
	return gateway.LinkStatus{State: gateway.PaymentSucceeded, Token: l.token, Display: l.display}, nil
}
