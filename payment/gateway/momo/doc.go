// Package momo connects Cloudbill to MoMo's payment gateway (API v2,
// "captureWallet": the payer approves in the MoMo app or by scanning a QR
// code on MoMo's page). A *Gateway implements gateway.Gateway,
// gateway.WireFormat (MoMo's IPN) and gateway.Querier.
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
// # Linked accounts
//
// MoMo publishes account binding ("linkWallet", then payments through
// /v2/gateway/api/tokenization/pay), but it needs more than this adapter is
// given: a per-merchant permission, MoMo's RSA public key to encrypt each
// token, and the AES decryption of the token MoMo returns. Charge and
// StartLink therefore return gateway.ErrUnsupported.
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
//   - Account binding: https://developers.momo.vn/v3/docs/payment/api/wallet/pay-with-token
//   - Sandbox host https://test-payment.momo.vn, production
//     https://payment.momo.vn (MoMo's sample code, github.com/momo-wallet/payment).
package momo
