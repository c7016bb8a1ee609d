// Package zalopay connects Cloudbill to ZaloPay's order API (v2): the
// payer pays an order in the ZaloPay app or on ZaloPay's gateway page. A
// *Gateway implements gateway.Gateway, gateway.WireFormat (ZaloPay's
// callback) and gateway.Querier.
//
// # Protocol
//
// Requests are JSON POSTs authenticated by mac, the hex HMAC-SHA256 under
// key1 of fields joined by '|':
//
//	create       /v2/create        app_id|app_trans_id|app_user|amount|app_time|embed_data|item
//	query        /v2/query         app_id|app_trans_id|key1
//	refund       /v2/refund        app_id|zp_trans_id|amount|description|timestamp
//	query refund /v2/query_refund  app_id|m_refund_id|timestamp
//
// ZaloPay calls back only when an order is paid: a POST of
// {"data": "<JSON string>", "mac": "<hex>", "type": 1} where mac is the
// HMAC-SHA256 of data under key2. The merchant answers with JSON:
// {"return_code":1,"return_message":"success"} once recorded, return_code 2
// for a payment already recorded, 0 to have ZaloPay call again (it retries
// up to three times) and -1 for a callback that must not be retried. A
// payment that fails or expires is never called back; QueryPayment finds it.
//
// # Ids, amounts and time
//
// app_trans_id is yymmdd_<suffix>, where yymmdd is
// PaymentRequest.CreatedAt's date in Vietnam (GMT+7), as ZaloPay
// reconciles by Vietnamese days, and the suffix is the PaymentID when it is
// at most 33 bytes of [0-9A-Za-z_.-] (so the whole fits ZaloPay's 40) and is
// not itself of the hashed form; otherwise "h" and 32 hex digits of the
// PaymentID's SHA-256. The PaymentID also travels in embed_data
// ({"cloudbill_payment_id":"..."}), which the callback's mac covers, so
// Event.PaymentID is always the library's id. app_time is CreatedAt in Unix
// milliseconds (ZaloPay refuses an app_time more than 15 minutes old), and
// a query rebuilds app_trans_id from PaymentQuery.CreatedAt. A refund's
// m_refund_id is yymmdd_<app_id>_<suffix> from RefundRequest.CreatedAt and
// the RefundID; its timestamp is CreatedAt, and a refund query's is
// RefundQuery.Now. The adapter never reads a clock.
//
// Amounts are whole VND between MinAmount and MaxAmount (1,000 and
// 50,000,000 VND per payment, the bounds acquirers publish for ZaloPay);
// anything else is gateway.ErrInvalidRequest.
//
// # Events
//
// A callback is payment.succeeded with GatewayRef the zp_trans_id (what
// Refund needs), Amount the amount paid and OccurredAt server_time.
// Event.ID is "zalopay:<zp_trans_id>:succeeded": a transaction is paid once,
// so a redelivered callback keeps its id.
//
// # Linked accounts
//
// ZaloPay publishes agreement payments (/v2/agreement/bind, then
// /v2/agreement/query for the pay_token and /v2/agreement/pay), but a
// binding must carry the caller's time (req_date, and an app_trans_id dated
// by it) and gateway.LinkRequest carries none; as the adapter never reads a
// clock, Charge and StartLink return gateway.ErrUnsupported.
//
// # Sources
//
//   - Create order: https://docs.zalopay.vn/v2/general/overview.html
//   - Callback, its sample and mac: https://docs.zalopay.vn/docs/specs/callback-api
//     and https://beta-docs.zalopay.vn/vi/docs/developer-tools/knowledge-base/callback
//   - Query: https://docs.zalopay.vn/docs/specs/order-query
//   - Status codes: https://docs.zalopay.vn/v2/general/errors.html
//   - Refund, refund query, agreement pay (OpenAPI): github.com/zalopay-oss/zalopay-nodejs,
//     specs/zlp.yaml
//   - Amount bounds: https://docs.antom.com/ac/antomop/zalopay
//   - The callback answers (1, 2, 0 retried up to three times, -1 for a bad
//     mac): ZaloPay's callback sample code on docs.zalopay.vn
//   - Sandbox app 2553 and its key2, with which ZaloPay's published
//     callback sample verifies: ZaloPay's sample code (docs.zalopay.vn).
package zalopay
