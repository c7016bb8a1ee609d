// Package vnpaytest is a fake VNPay sandbox for tests and examples: an
// httptest server that speaks VNPay's API version 2.1.0 as the
// payment/gateway/vnpay adapter uses it, written from VNPay's documentation
// and independently of the adapter, so that the one checks the other.
//
// # What it serves
//
//   - The payment page (PaymentURL, VNPay's vpcpay.html): a GET with the
//     signed vnp_ parameters of a payment. The fake checks the checksum
//     (HMAC-SHA512 over the sorted vnp_ parameters, URL-encoded as PHP's
//     urlencode does), the terminal, the version, the amount (× 100, VND)
//     and the dates, registers the transaction (status 01, not completed)
//     and shows a page whose forms pay or cancel it. A bad request is
//     answered 400 with the reason; VNPay shows its own error page.
//   - The payer's choice: Pay and Cancel (or the page's forms) settle the
//     transaction, send the signed IPN as a GET to Config.IPNURL, where
//     VNPay's merchant portal would have it, read the merchant's
//     {"RspCode":…,"Message":…} answer, and give the return URL the payer's
//     browser is sent to (vnp_ReturnUrl with the same signed fields).
//     LoseIPNs makes the IPNs of a transaction never arrive; DeliverIPN
//     sends any query string to the IPN URL, for replays and forgeries.
//   - The merchant API (APIURL, merchant_webapi/api/transaction): querydr
//     and refund as JSON POSTs, each checked against its documented
//     pipe-joined HMAC-SHA512 and answered signed the same way, with
//     VNPay's codes (91 not found, 94 duplicate vnp_RequestId or refund in
//     progress, 95 not successful, 93 invalid amount, 02 bad terminal, 03
//     bad format, 97 bad checksum). A refund is accepted in progress
//     (status 05) until SettleRefund pays it out (status 00).
//
// Time comes from Config.Now, so a test's fake clock drives the page's
// expiry and the dates the fake writes. Test hooks (AddTransaction,
// SetStatus, ForceResponseCode, TamperAnswers, FailWith, Requests) set up
// the cases a real sandbox cannot produce on demand.
//
// A Server is safe for concurrent use; the package keeps no state of its
// own outside its Servers.
package vnpaytest
