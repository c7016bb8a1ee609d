package vnpay

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// VNPay's integration guide shows this payment URL (TmnCode DEMOV210). Its
// secret is not published, but the encoding is: sorting and encoding its
// parameters must give its query string byte for byte.
func TestPublishedPaymentURLEncoding(t *testing.T) {
	const published = "vnp_Amount=1806000&vnp_Command=pay&vnp_CreateDate=20210801153333&vnp_CurrCode=VND" +
		"&vnp_IpAddr=127.0.0.1&vnp_Locale=vn&vnp_OrderInfo=Thanh+toan+don+hang+%3A5&vnp_OrderType=other" +
		"&vnp_ReturnUrl=https%3A%2F%2Fdomainmerchant.vn%2FReturnUrl&vnp_TmnCode=DEMOV210&vnp_TxnRef=5&vnp_Version=2.1.0"
	q, err := url.ParseQuery(published)
	require.NoError(t, err)
	params := map[string]string{}
	for k, v := range q {
		params[k] = v[0]
	}
	params["vnp_SecureHash"] = strings.Repeat("0", 128) // excluded from the data
	params["vnp_SecureHashType"] = "HmacSHA512"         // excluded too
	params["other"] = "x"                               // not a vnp_ parameter
	assert.Equal(t, published, hashData(params, ""))
}

// The IPN test vector of the open-source client lehuygiang28/vnpay
// (test/verify-ipn-call.test.ts), verbatim: secret "test_secret", and the
// checksums of the same fields with response code 00 and 99.
func TestPublishedIPNVector(t *testing.T) {
	params := map[string]string{
		"vnp_Amount": "1000000", "vnp_BankCode": "NCB", "vnp_BankTranNo": "VNP14422574", "vnp_CardType": "ATM",
		"vnp_OrderInfo": "Thanh toan don hang 2024-05-21T02:17:31.249Z", "vnp_PayDate": "20240521091806",
		"vnp_ResponseCode": "00", "vnp_TmnCode": "TEST_TMN_CODE", "vnp_TransactionNo": "14422574",
		"vnp_TransactionStatus": "00", "vnp_TxnRef": "1716257871703",
	}
	secret := []byte("test_secret")
	assert.Equal(t, "649982421beb422556a1374713c74e58e716ecbd05007c0c0e1f7effdfaf361dbf146889ca446139afe11b9954c4d5c486e99e3b86fcfab6957f29eb0be72895",
		macHex(secret, hashData(params, "")))
	params["vnp_ResponseCode"] = "99"
	assert.Equal(t, "503194f6d93b57b357b2d1d09742565e67e86d771352c5dca4fc8d39df3d392c6b3809add9405f97cfb9631f445e36c80656cfbf47eac67d97fa165865c13e1b",
		macHex(secret, hashData(params, "")))
}

func TestFormEncodeFollowsTheSamples(t *testing.T) {
	assert.Equal(t, "a+b%3A%2F%2A%7E%21-_.", formEncode("a b:/*~!-_.", ""), "PHP urlencode")
	assert.Equal(t, "a+b%3A%2F*%7E%21-_.", formEncode("a b:/*~!-_.", "*"), "Java URLEncoder")
	assert.Equal(t, "a+b%3A%2F*~!-_.", formEncode("a b:/*~!-_.", "!'()*~"), "Node.js encodeURIComponent, %20 as +")
	assert.Equal(t, "%C4%91", formEncode("đ", ""))
}

func TestRequestIDIsDerived(t *testing.T) {
	a := requestID("refund", "rf_1")
	assert.Len(t, a, 32)
	assert.Equal(t, a, requestID("refund", "rf_1"))
	assert.NotEqual(t, a, requestID("refund", "rf_2"))
	assert.NotEqual(t, requestID("a", "bc"), requestID("ab", "c"), "parts are length-prefixed")
}
