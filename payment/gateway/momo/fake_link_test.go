package momo_test

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gateway/momo"
)

// linkAESKey is the made-up 32-byte AES-256 key the fake encrypts wallet
// tokens with (Config.AESKey; secretKey is not 32 bytes).
const linkAESKey = "aes-key-for-tests-0123456789abcd"

// testRSAKey is MoMo's key pair in these tests: the adapter gets the public
// half, the fake decrypts with the private half. Generated once per run,
// never stored.
var testRSAKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// testRSAPublicPEM is the public key as a "PUBLIC KEY" PEM block.
func testRSAPublicPEM() string {
	der, err := x509.MarshalPKIXPublicKey(&testRSAKey().PublicKey)
	if err != nil {
		panic(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// fakeLinked is the account-binding side of the fake MoMo, written from
// MoMo's tokenization documentation and samples: linkWallet orders, the
// binding IPN with its callbackToken, tokenization/bind answering an
// AES-encrypted token, tokenization/queryCb, and tokenization/pay, which
// decrypts the RSA-encrypted token with MoMo's private key.
type fakeLinked struct {
	links     map[string]*fakeLink // by binding orderId
	bindCode  int64                // programmed resultCode of bind, 0 for success
	hexAES    bool                 // answer aesToken as hex instead of base64
	noAlias   bool                 // leave userAlias out of the aesToken
	strictDup bool                 // answer a repeated pay with 41, as a strict MoMo may
	badTokens int                  // pay requests whose token did not decrypt to a bound wallet
	charges   int                  // pay requests that took money
	nextLink  int
}

type fakeLink struct {
	requestID, extraData, clientID string
	decided                        bool
	code                           int64
	callbackToken, value, alias    string
}

// linkGateway is a gateway with linked wallets enabled.
func (f *fakeMoMo) linkGateway(t require.TestingT) *momo.Gateway {
	g, err := momo.New(f.linkConfig())
	require.NoError(t, err)
	return g
}

func (f *fakeMoMo) linkConfig() momo.Config {
	return momo.Config{PartnerCode: partner, AccessKey: accessKey, SecretKey: secretKey,
		Endpoint: f.srv.URL, IPNURL: "https://shop.example/momo/ipn", RedirectURL: "https://shop.example/back",
		HTTPClient: f.srv.Client(), RSAPublicKey: testRSAPublicPEM(), AESKey: linkAESKey}
}

// serveLinked answers the binding and token endpoints; false for every
// other request, which serve answers.
func (f *fakeMoMo) serveLinked(w http.ResponseWriter, path string, m map[string]any) bool {
	var names []string
	switch {
	case path == "/v2/gateway/api/create" && m["requestType"] == "linkWallet":
		names = []string{"accessKey", "amount", "extraData", "ipnUrl", "orderId", "orderInfo", "partnerClientId", "partnerCode", "redirectUrl", "requestId", "requestType"}
	case path == "/v2/gateway/api/tokenization/bind":
		names = []string{"accessKey", "callbackToken", "orderId", "partnerClientId", "partnerCode", "requestId"}
	case path == "/v2/gateway/api/tokenization/queryCb":
		names = []string{"accessKey", "orderId", "partnerClientId", "partnerCode", "requestId"}
	case path == "/v2/gateway/api/tokenization/pay":
		names = []string{"accessKey", "amount", "extraData", "orderId", "orderInfo", "partnerClientId", "partnerCode", "requestId", "token"}
	default:
		return false
	}
	oid, _ := m["orderId"].(string)
	client, _ := m["partnerClientId"].(string)
	if m["signature"] != hmacHex(secretKey, raw(m, names...)) || m["partnerCode"] != partner {
		f.badSigs++
		f.answer(w, map[string]any{"partnerCode": m["partnerCode"], "orderId": oid, "resultCode": 13, "message": "bad signature"})
		return true
	}
	switch path {
	case "/v2/gateway/api/create":
		code := int64(0)
		if l, ok := f.links[oid]; ok && (l.requestID != m["requestId"] || l.clientID != client) {
			code = 41
		} else if !ok {
			f.links[oid] = &fakeLink{requestID: m["requestId"].(string), extraData: m["extraData"].(string), clientID: client}
		}
		if c, ok := f.codes[oid]; ok {
			code = c
		}
		f.answer(w, map[string]any{"partnerCode": partner, "orderId": oid, "requestId": m["requestId"], "amount": 0,
			"responseTime": t0.UnixMilli(), "message": "ok", "resultCode": code,
			"payUrl": "https://test-payment.momo.vn/v2/gateway/link?t=" + oid})
	case "/v2/gateway/api/tokenization/bind":
		l, ok := f.links[oid]
		switch {
		case f.bindCode != 0:
			f.answer(w, map[string]any{"partnerCode": partner, "orderId": oid, "resultCode": f.bindCode})
			return true
		case !ok || l.code != 0 || !l.decided || l.callbackToken != m["callbackToken"] || l.clientID != client:
			f.answer(w, map[string]any{"partnerCode": partner, "orderId": oid, "resultCode": 1007})
			return true
		}
		plain := map[string]any{"value": l.value, "initialOrderId": oid}
		if !f.noAlias {
			plain["userAlias"] = l.alias
		}
		f.answer(w, map[string]any{"partnerCode": partner, "orderId": oid, "requestId": m["requestId"], "partnerClientId": client,
			"aesToken": aesEncrypt(plain, f.hexAES), "resultCode": 0, "message": "ok", "responseTime": t0.UnixMilli()})
	case "/v2/gateway/api/tokenization/queryCb":
		l, ok := f.links[oid]
		switch {
		case !ok || l.clientID != client:
			f.answer(w, map[string]any{"partnerCode": partner, "orderId": oid, "resultCode": 42})
		case !l.decided:
			f.answer(w, map[string]any{"partnerCode": partner, "orderId": oid, "resultCode": 1000})
		case l.code != 0:
			f.answer(w, map[string]any{"partnerCode": partner, "orderId": oid, "resultCode": l.code})
		default:
			f.answer(w, map[string]any{"partnerCode": partner, "orderId": oid, "requestId": m["requestId"],
				"callbackToken": l.callbackToken, "resultCode": 0})
		}
	case "/v2/gateway/api/tokenization/pay":
		f.servePay(w, m, oid, client)
	}
	return true
}

// servePay is tokenization/pay: the token must decrypt, with MoMo's
// private key, to the value and initial orderId of a wallet bound by the
// same partnerClientId. One orderId is paid at most once.
func (f *fakeMoMo) servePay(w http.ResponseWriter, m map[string]any, oid, client string) {
	amount, _ := strconv.ParseInt(jsonText(m["amount"]), 10, 64)
	if !f.tokenOK(m["token"], client) {
		f.badTokens++
		f.answer(w, map[string]any{"partnerCode": partner, "orderId": oid, "resultCode": 1007, "amount": amount})
		return
	}
	if o, ok := f.orders[oid]; ok {
		if f.strictDup || o.requestID != m["requestId"] || o.amount != amount {
			f.answer(w, map[string]any{"partnerCode": partner, "orderId": oid, "resultCode": 41})
			return
		}
		f.answer(w, map[string]any{"partnerCode": partner, "orderId": oid, "requestId": o.requestID, "amount": o.amount,
			"transId": o.transID, "resultCode": o.code, "responseTime": t0.UnixMilli()})
		return
	}
	code, programmed := f.codes[oid]
	if !programmed && (amount < 1000 || amount > 50000000) {
		code = 22
	}
	o := &fakeOrder{requestID: m["requestId"].(string), extraData: m["extraData"].(string), orderInfo: m["orderInfo"].(string),
		amount: amount, code: code}
	if code == 0 || code == 9000 {
		f.nextTx++
		o.transID = f.nextTx
		f.charges++
	}
	f.orders[oid] = o
	f.answer(w, map[string]any{"partnerCode": partner, "orderId": oid, "requestId": o.requestID, "amount": amount,
		"transId": o.transID, "resultCode": code, "message": "ok", "responseTime": t0.UnixMilli()})
}

// tokenOK decrypts a pay request's token (base64 of RSA PKCS #1 v1.5 of
// {"value":...,"initialOrderId":...}) and checks it names a wallet bound
// by client.
func (f *fakeMoMo) tokenOK(token any, client string) bool {
	s, _ := token.(string)
	ct, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return false
	}
	//lint:ignore SA1019 the fake plays MoMo, whose protocol is PKCS #1 v1.5.
	plain, err := rsa.DecryptPKCS1v15(nil, testRSAKey(), ct)
	if err != nil {
		return false
	}
	var p struct {
		Value          string `json:"value"`
		InitialOrderID string `json:"initialOrderId"`
	}
	if json.Unmarshal(plain, &p) != nil {
		return false
	}
	l, ok := f.links[p.InitialOrderID]
	return ok && l.decided && l.code == 0 && l.value == p.Value && l.clientID == client
}

// aesEncrypt is MoMo's aesToken: AES-256-CBC under linkAESKey, zero IV,
// PKCS #7 padding, of the JSON plain; base64, or hex when asked.
func aesEncrypt(plain map[string]any, asHex bool) string {
	b, _ := json.Marshal(plain)
	n := aes.BlockSize - len(b)%aes.BlockSize
	b = append(b, bytes.Repeat([]byte{byte(n)}, n)...)
	block, _ := aes.NewCipher([]byte(linkAESKey))
	ct := make([]byte, len(b))
	cipher.NewCBCEncrypter(block, make([]byte, aes.BlockSize)).CryptBlocks(ct, b)
	if asHex {
		return hex.EncodeToString(ct)
	}
	return base64.StdEncoding.EncodeToString(ct)
}

// link decides the binding orderID as MoMo would after the user acts and
// returns its signed IPN. A success gets a callbackToken and a wallet token
// value; the wallet's phone number ends in 6789.
func (f *fakeMoMo) link(orderID string, code int64) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	l := f.links[orderID]
	require.NotNil(f.t, l, "binding %s was never created", orderID)
	l.decided, l.code = true, code
	ipn := map[string]any{
		"partnerCode": partner, "orderId": orderID, "requestId": l.requestID, "amount": 0,
		"orderInfo": "Liên kết ví MoMo", "orderType": "momo_wallet", "transId": 0, "resultCode": code,
		"message": "Successful.", "payType": "", "responseTime": t0.Add(time.Minute).UnixMilli(), "extraData": l.extraData,
		"partnerClientId": l.clientID,
	}
	if code == 0 {
		f.nextLink++
		l.callbackToken = "cbt-" + strconv.Itoa(f.nextLink) + "-" + strings.Repeat("c", 24)
		l.value = "wallet-token-" + strconv.Itoa(f.nextLink) + "-" + strings.Repeat("v", 40)
		l.alias = "0912346789"
		ipn["callbackToken"] = l.callbackToken
	}
	return signBindingIPN(ipn, secretKey)
}

// signBindingIPN signs an IPN that carries partnerClientId (and
// callbackToken) under key, with those fields in their alphabetical
// places.
func signBindingIPN(m map[string]any, key string) []byte {
	b, _ := json.Marshal(m)
	var n map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	_ = dec.Decode(&n)
	m["signature"] = hmacHex(key, raw(n, "accessKey", "amount", "callbackToken", "extraData", "message", "orderId", "orderInfo",
		"orderType", "partnerClientId", "partnerCode", "payType", "requestId", "responseTime", "resultCode", "transId"))
	out, _ := json.Marshal(m)
	return out
}

// payLinked settles a payment with a linked wallet and returns its IPN in
// the binding form (with partnerClientId).
func (f *fakeMoMo) payLinked(orderID, client string, code int64) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.orders[orderID]
	require.NotNil(f.t, o, "order %s was never created", orderID)
	o.code = code
	if code == 0 {
		f.nextTx++
		o.transID = f.nextTx
		f.charges++
	}
	return signBindingIPN(map[string]any{
		"partnerCode": partner, "orderId": orderID, "requestId": o.requestID, "amount": o.amount,
		"orderInfo": o.orderInfo, "orderType": "momo_wallet", "transId": o.transID, "resultCode": code,
		"message": "Successful.", "payType": "", "responseTime": t0.Add(time.Minute).UnixMilli(), "extraData": o.extraData,
		"partnerClientId": client,
	}, secretKey)
}
