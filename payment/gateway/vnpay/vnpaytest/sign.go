package vnpaytest

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"net/url"
	"sort"
	"strings"
)

// Checksum is VNPay's vnp_SecureHash of data under secret: HMAC-SHA512 in
// lower-case hex.
func Checksum(secret, data string) string {
	m := hmac.New(sha512.New, []byte(secret))
	m.Write([]byte(data))
	return hex.EncodeToString(m.Sum(nil))
}

// phpURLEncode is PHP's urlencode, which VNPay's published sample applies to
// every name and value: letters, digits and "-_." stay, a space is '+',
// everything else %XX in upper-case hex.
func phpURLEncode(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "~", "%7E")
}

// HashData is the checksum input of a payment URL, an IPN or a return:
// the parameters whose names begin with "vnp_", except vnp_SecureHash and
// vnp_SecureHashType, sorted by name, each name=value URL-encoded as PHP's
// urlencode does, joined by '&'.
func HashData(params map[string]string) string {
	names := make([]string, 0, len(params))
	for n := range params {
		if strings.HasPrefix(n, "vnp_") && n != "vnp_SecureHash" && n != "vnp_SecureHashType" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = phpURLEncode(n) + "=" + phpURLEncode(params[n])
	}
	return strings.Join(parts, "&")
}

// SignQuery returns the query string VNPay sends for params (an IPN or a
// return): HashData(params) followed by "&vnp_SecureHash=" and its
// Checksum under secret. Tests use it to make IPNs of any content.
func SignQuery(secret string, params map[string]string) string {
	data := HashData(params)
	return data + "&vnp_SecureHash=" + Checksum(secret, data)
}

// pipe joins the named members of m with '|', the checksum input of the
// merchant API's requests and answers; a missing member counts as "".
func pipe(m map[string]string, names []string) string {
	vals := make([]string, len(names))
	for i, n := range names {
		vals[i] = m[n]
	}
	return strings.Join(vals, "|")
}

// The documented checksum orders of the merchant API. Functions, so that
// the package holds no mutable state.
func queryRequestOrder() []string {
	return []string{"vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef",
		"vnp_TransactionDate", "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo"}
}

func refundRequestOrder() []string {
	return []string{"vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TransactionType",
		"vnp_TxnRef", "vnp_Amount", "vnp_TransactionNo", "vnp_TransactionDate", "vnp_CreateBy", "vnp_CreateDate",
		"vnp_IpAddr", "vnp_OrderInfo"}
}

func refundAnswerOrder() []string {
	return []string{"vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode",
		"vnp_TxnRef", "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo", "vnp_TransactionType",
		"vnp_TransactionStatus", "vnp_OrderInfo"}
}

func queryAnswerOrder() []string {
	return append(refundAnswerOrder(), "vnp_PromotionCode", "vnp_PromotionAmount")
}
