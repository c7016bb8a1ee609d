package zalopay

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// createRequest is the body of /v2/create.
type createRequest struct {
	AppID          int64  `json:"app_id"`
	AppUser        string `json:"app_user"`
	AppTransID     string `json:"app_trans_id"`
	AppTime        int64  `json:"app_time"`
	ExpireDuration int64  `json:"expire_duration_seconds,omitempty"`
	Amount         int64  `json:"amount"`
	Item           string `json:"item"`
	EmbedData      string `json:"embed_data"`
	Description    string `json:"description"`
	BankCode       string `json:"bank_code"`
	CallbackURL    string `json:"callback_url,omitempty"`
	Mac            string `json:"mac"`
}

// createResponse is ZaloPay's answer to a create.
type createResponse struct {
	status
	OrderURL string `json:"order_url"`
}

// CreatePayment creates an order and returns ZaloPay's order_url;
// GatewayRef is the app_trans_id. req.CreatedAt is required: it dates the
// app_trans_id and is the app_time. ExpiresAt, when set, becomes
// expire_duration_seconds and must be 300 seconds to 30 days after
// CreatedAt. A repeat with the same PaymentID sends the same order, which
// ZaloPay refuses as existing (sub_return_code -68): that is
// gateway.ErrConflict, since ZaloPay does not give the order_url again.
func (g *Gateway) CreatePayment(ctx context.Context, req gateway.PaymentRequest) (gateway.Redirect, error) {
	if err := req.Validate(); err != nil {
		return gateway.Redirect{}, err
	}
	if req.CreatedAt.IsZero() {
		return gateway.Redirect{}, &gateway.RequestError{Field: "CreatedAt", Reason: "is missing"}
	}
	amount, err := vnd("Amount", req.Amount)
	if err != nil {
		return gateway.Redirect{}, err
	}
	var expire int64
	if !req.ExpiresAt.IsZero() {
		d := req.ExpiresAt.Sub(req.CreatedAt)
		if d < MinExpiry || d > MaxExpiry {
			return gateway.Redirect{}, &gateway.RequestError{Field: "ExpiresAt", Reason: "is not 300 seconds to 30 days after CreatedAt"}
		}
		expire = int64(d.Seconds())
	}
	redirect := req.ReturnURL
	if redirect == "" {
		redirect = g.cfg.RedirectURL
	} else if !absoluteURL(redirect, true) {
		return gateway.Redirect{}, &gateway.RequestError{Field: "ReturnURL", Reason: "is not an absolute http(s) URL"}
	}
	txn := appTransID(req.PaymentID, req.CreatedAt)
	description := req.Description
	if description == "" {
		description = "Payment " + txn
	}
	if len(description) > MaxDescriptionLen {
		return gateway.Redirect{}, &gateway.RequestError{Field: "Description", Reason: "is longer than ZaloPay's 256 bytes"}
	}
	user := req.AccountID
	if len(user) > MaxAppUserLen {
		sum := sha256.Sum256([]byte(user))
		user = "h" + hex.EncodeToString(sum[:20])
	}
	body := createRequest{
		AppID:          g.cfg.AppID,
		AppUser:        user,
		AppTransID:     txn,
		AppTime:        req.CreatedAt.UnixMilli(),
		ExpireDuration: expire,
		Amount:         amount,
		Item:           "[]",
		EmbedData:      jsonString(embed{PaymentID: req.PaymentID, RedirectURL: redirect}),
		Description:    description,
		BankCode:       g.cfg.BankCode,
		CallbackURL:    g.cfg.CallbackURL,
	}
	body.Mac = mac(g.cfg.Key1, strconv.FormatInt(body.AppID, 10), body.AppTransID, body.AppUser,
		strconv.FormatInt(body.Amount, 10), strconv.FormatInt(body.AppTime, 10), body.EmbedData, body.Item)
	var resp createResponse
	if err := g.post(ctx, "/v2/create", body, &resp); err != nil {
		return gateway.Redirect{}, err
	}
	ret, sub, ok := resp.codes()
	switch {
	case !ok:
		return gateway.Redirect{}, fmt.Errorf("%w: zalopay: create: no return_code in the answer", gateway.ErrTemporary)
	case ret != 1:
		return gateway.Redirect{}, failure("create", ret, sub, false)
	case !absoluteURL(resp.OrderURL, true):
		return gateway.Redirect{}, fmt.Errorf("%w: %w: create without order_url", gateway.ErrTemporary, errBadAnswer)
	}
	return gateway.Redirect{URL: resp.OrderURL, GatewayRef: txn}, nil
}
