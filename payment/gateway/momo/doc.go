// Package momo connects Cloudbill to MoMo's payment gateway (API v2,
// "captureWallet": the payer approves in the MoMo app or by scanning a QR
// code on MoMo's page; and linked wallets, "linkWallet" with payments by
// token). A *Gateway implements gateway.Gateway, gateway.WireFormat (MoMo's
// IPN), gateway.Querier and gateway.LinkQuerier.
//
// # Protocol
//
// Every request is a JSON POST signed with HMAC-SHA256 under the partner's
// secret key, over a raw string of "name=value" pairs joined by '&' in the
// order MoMo documents (alphabetical):
//
//	create  /v2/gateway/api/create  accessKey, amount, extraData, ipnUrl, orderId, orderInfo,
//	                                partnerCode, redirectUrl, requestId, requestType
//	query   /v2/gateway/api/query   accessKey, orderId, partnerCode, requestId
//	refund  /v2/gateway/api/refund  accessKey, amount, description, orderId, partnerCode,
//	                                requestId, transId
//	IPN     (MoMo → ipnUrl, POST)   accessKey, amount, extraData, message, orderId, orderInfo,
//	                                orderType, partnerCode, payType, requestId, responseTime,
//	                                resultCode, transId
//
// and, for linked wallets:
//
//	link    /v2/gateway/api/create  as create, with partnerClientId between orderInfo and
//	        (requestType linkWallet) partnerCode
//	bind    /v2/gateway/api/tokenization/bind     accessKey, callbackToken, orderId,
//	                                              partnerClientId, partnerCode, requestId
//	queryCb /v2/gateway/api/tokenization/queryCb  accessKey, orderId, partnerClientId,
//	                                              partnerCode, requestId
//	pay     /v2/gateway/api/tokenization/pay      accessKey, amount, extraData, orderId, orderInfo,
//	                                              partnerClientId, partnerCode, requestId, token
//	IPN with partnerClientId or callbackToken     the IPN's fields with callbackToken and
//	                                              partnerClientId in their alphabetical places
//
// The IPN is answered with HTTP 204 No Content. MoMo does not sign the
// answers to create, query and refund; the adapter relies on TLS and checks
// that each answer names the partner, order and amount it asked about,
// treating any other answer as an unknown outcome (gateway.ErrTemporary).
//
// # Ids, amounts and time
//
// The MoMo orderId of a payment is the library's PaymentID when it matches
// MoMo's pattern ^[0-9a-zA-Z]([-_.]*[0-9a-zA-Z]+)*$ and has at most
// MaxOrderIDLen bytes; otherwise it is "h" and the first 40 hex digits of
// the SHA-256 of the PaymentID. Either way the PaymentID itself travels in
// extraData (base64 of {"paymentId":"..."}), which the IPN signature covers,
// so Event.PaymentID is always the library's id and never a guess. The
// requestId of a create is the orderId, so a retried create is the same
// request to MoMo, which answers it idempotently. A refund is its own MoMo
// order: its orderId and requestId come from the RefundID by the same rule.
//
// Amounts are whole VND between MinAmount and MaxAmount (1,000 and
// 50,000,000, MoMo's published bounds for captureWallet and refunds); any
// other currency or a fractional amount is gateway.ErrInvalidRequest.
//
// The adapter never reads a clock: query request ids use PaymentQuery.Now,
// and an IPN's time is its responseTime.
//
// # Events
//
// An IPN with resultCode 0 (or 9000, authorised, which is final for a
// captureWallet payment, captured automatically) is payment.succeeded with
// GatewayRef the MoMo transId (what Refund needs); 1005 is payment.expired;
// any other final code is payment.failed with a fixed reason for the code.
// The non-final codes 1000, 7000, 7002 and 8000 are refused with
// ErrNotFinal. Event.ID is "momo:<orderId>:<transId>:<resultCode>", so a
// redelivered IPN keeps its id and two outcomes of one order never share
// one.
//
// # Linked wallets
//
// MoMo grants account binding per merchant and gives it an RSA public key;
// Config.RSAPublicKey turns linked wallets on, and without it StartLink,
// Charge and QueryLink return gateway.ErrUnsupported.
//
// StartLink creates a "linkWallet" order of amount 0 (binding only). Its
// orderId is "link-" and the LinkID by the orderId rule above, so a LinkID
// never collides with a PaymentID; its partnerClientId, MoMo's name for
// the merchant's user, is the AccountID when it matches MoMo's pattern
// ^[0-9a-zA-Z]([-_.@]*[0-9a-zA-Z]+)*$ within MaxClientIDLen bytes, else "h"
// and 40 hex digits of its SHA-256; extraData is base64 of
// {"linkId":"...","accountId":"..."}, which the IPN's signature covers.
//
// MoMo's IPN for the binding carries partnerClientId and, on success
// (resultCode 0), a callbackToken. ReadCallback checks that the orderId and
// partnerClientId are the ones derived from the signed LinkID and
// AccountID, then exchanges the callbackToken at tokenization/bind for
// aesToken: AES-256-CBC, key Config.AESKey (default SecretKey, which must
// then be 32 bytes), IV of 16 zero bytes, PKCS #7 padding, of the JSON
// {"value":"<token>","initialOrderId":"...",...}, carried as base64 (hex
// is accepted too, as some integrations see it). The event is link.succeeded
// with the Token "momo1:<16 hex of SHA-256 of the AccountID>:<initial
// orderId>:<value>" and Display "MoMo •••• " and the last four digits of the
// wallet's userAlias (its phone number) when MoMo gives one, else "MoMo
// wallet". A non-final code (1000, 7000, ...) is ErrNotFinal; any other
// code, or a refusal of the bind request, is link.failed with a fixed
// reason. A bind request that fails in transport or with an unknown code
// is an error matching gateway.ErrTemporary; QueryLink (tokenization/
// queryCb, then bind) completes such a link, or one whose IPN was lost.
//
// Charge sends tokenization/pay with autoCapture, the orderId and requestId
// of the PaymentID (as CreatePayment), the account's partnerClientId and
// the token field: base64 of RSA PKCS #1 v1.5 encryption, under MoMo's
// public key, of {"value":"<token>","initialOrderId":"..."}; the signature
// covers the token as sent. A Token whose account tag is not
// Charge's AccountID is refused before anything is sent. Answers map as
// described on Charge; a later IPN for the order (with or without
// partnerClientId) is a payment IPN like any other.
//
// What the sources leave open, and what the adapter does: MoMo's pages give
// the flow, the binding's fields, the partnerClientId pattern, the orderId
// bound and the result codes; the signed strings of bind, queryCb and pay,
// the endpoints' paths, the AES parameters and the JSON inside the tokens
// come from MoMo's SDK and public integrations. The pay request's signed
// string is the SDK's (without ipnUrl, which one integration also signs),
// and the RSA plaintext carries initialOrderId as one integration sends
// it; both are the first things to check against MoMo's sandbox.
//
// # Sources
//
//   - One-time payments (create, fields, bounds, orderId pattern):
//     https://developers.momo.vn/v3/docs/payment/api/wallet/onetime
//   - IPN and the 204 answer:
//     https://developers.momo.vn/v3/docs/payment/api/result-handling/notification
//   - Result codes:
//     https://developers.momo.vn/v3/docs/payment/api/result-handling/resultcode
//   - Query: https://developers.momo.vn/v3/docs/payment/api/payment-api/query
//   - Refund: https://developers.momo.vn/v3/docs/payment/api/payment-api/refund
//   - Account binding and payments by token (flow, linkWallet, amount 0,
//     partnerClientId pattern, callbackToken, aesToken):
//     https://developers.momo.vn/v3/docs/payment/api/wallet/pay-with-token
//     and, for the callbackToken → aesToken steps,
//     https://developers.momo.vn/v3/docs/payment/api/credit/pay-with-token
//   - RSA and AES: https://developers.momo.vn/v3/docs/payment/api/other/RSA
//     and https://developers.momo.vn/v3/docs/payment/api/other/AES; MoMo's
//     RSA sample encrypts JSON with PKCS #1 v1.5 (node-rsa "pkcs1",
//     github.com/momo-wallet/payment nodejs/RSAExample.js; the Java SDK's
//     Cipher "RSA", github.com/momo-wallet/java Encoder.java).
//   - Signed strings of bind, queryCb (TOKEN_INQUIRY_URL /tokenization/queryCb)
//     and pay, and the endpoints' paths: MoMo's Java SDK,
//     github.com/momo-wallet/java (processor/BindingToken.java,
//     InquiryCbToken.java, PayByToken.java, resources/environment.properties).
//   - The binding IPN's signed fields, the AES-256-CBC zero-IV decryption
//     under the secret key and the {"value","initialOrderId"} JSON: public
//     integrations of MoMo's tokenization in Node.js, TypeScript and C#.
//   - Sandbox host https://test-payment.momo.vn, production
//     https://payment.momo.vn (MoMo's sample code, github.com/momo-wallet/payment).
package momo
