package vnpay

import (
	"context"
	"fmt"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// Version is the VNPay API version this adapter speaks (vnp_Version).
const Version = "2.1.0"

// CreatePayment returns the signed URL of VNPay's payment page for req
// (vnp_Command=pay). Nothing is sent to VNPay: the payer's browser carries
// the URL, and the result arrives as an IPN (see ReadCallback).
// Redirect.GatewayRef is the vnp_TxnRef, TxnRef(req.PaymentID).
//
// The parameters: vnp_Amount is req.Amount × 100 (VND only, whole dong, at
// most MaxAmountVND); vnp_CreateDate is req.CreatedAt and vnp_ExpireDate
// req.ExpiresAt (or CreatedAt + Config.PaymentTimeout), both in GMT+7;
// vnp_OrderInfo is req.Description without diacritics or special
// characters ("Payment <TxnRef>" when empty); vnp_IpAddr is req.ClientIP or
// Config.ServerIP; vnp_ReturnUrl is req.ReturnURL or Config.ReturnURL.
// vnp_SecureHash is HMAC-SHA512 over the parameters sorted by name and
// form-encoded, which are also the URL's query string.
//
// The URL depends only on req and the config, so a retry returns the same
// URL. The adapter keeps no record of a PaymentID; a second payment with
// the same id and another amount is caught by VNPay, which refuses a
// vnp_TxnRef already used that day, not by the adapter (ErrConflict is
// never returned). Unacceptable requests are *gateway.RequestError.
func (g *Gateway) CreatePayment(ctx context.Context, req gateway.PaymentRequest) (gateway.Redirect, error) {
	if err := ctx.Err(); err != nil {
		return gateway.Redirect{}, fmt.Errorf("%w: %w", gateway.ErrTemporary, err)
	}
	params, err := g.payParams(req)
	if err != nil {
		return gateway.Redirect{}, err
	}
	query := hashData(params, "")
	url := g.cfg.PaymentURL + "?" + query + "&" + paramSecureHash + "=" + macHex(g.secret(), query)
	return gateway.Redirect{URL: url, GatewayRef: params["vnp_TxnRef"]}, nil
}

// payParams validates req and returns the vnp_ parameters of its payment
// URL, without the checksum.
func (g *Gateway) payParams(req gateway.PaymentRequest) (map[string]string, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	ref, err := TxnRef(req.PaymentID)
	if err != nil {
		return nil, err
	}
	amount, err := vnpAmount("Amount", req.Amount)
	if err != nil {
		return nil, err
	}
	if !timeOK(req.CreatedAt) {
		return nil, &gateway.RequestError{Field: "CreatedAt", Reason: "is required (vnp_CreateDate) and must be within years 1000 to 9999"}
	}
	expires := req.ExpiresAt
	if expires.IsZero() {
		expires = req.CreatedAt.Add(g.cfg.PaymentTimeout)
	}
	if !timeOK(expires) || !expires.After(req.CreatedAt) {
		return nil, &gateway.RequestError{Field: "ExpiresAt", Reason: "must be after CreatedAt"}
	}
	ip := g.cfg.ServerIP
	if req.ClientIP != "" {
		if !ipOK(req.ClientIP) {
			return nil, &gateway.RequestError{Field: "ClientIP", Reason: "is not an IP address"}
		}
		ip = req.ClientIP
	}
	returnURL := g.cfg.ReturnURL
	if req.ReturnURL != "" {
		if !returnURLOK(req.ReturnURL) {
			return nil, &gateway.RequestError{Field: "ReturnURL", Reason: "must be an absolute http or https URL of 10 to 255 bytes"}
		}
		returnURL = req.ReturnURL
	}
	if returnURL == "" {
		return nil, &gateway.RequestError{Field: "ReturnURL", Reason: "is required: the request and the config have none"}
	}
	return map[string]string{
		"vnp_Version":    Version,
		"vnp_Command":    "pay",
		"vnp_TmnCode":    g.cfg.TmnCode,
		"vnp_Amount":     amount,
		"vnp_CurrCode":   "VND",
		"vnp_TxnRef":     ref,
		"vnp_OrderInfo":  orderInfo(req.Description, "Payment "+ref),
		"vnp_OrderType":  g.cfg.OrderType,
		"vnp_Locale":     g.cfg.Locale,
		"vnp_ReturnUrl":  returnURL,
		"vnp_IpAddr":     ip,
		"vnp_CreateDate": formatVNTime(req.CreatedAt),
		"vnp_ExpireDate": formatVNTime(expires),
	}, nil
}
