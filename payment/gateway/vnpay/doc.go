// Package vnpay is a gateway adapter for VNPay, Vietnam's payment gateway,
// speaking its published protocol, API version 2.1.0. It implements
// gateway.Gateway, gateway.WireFormat (the IPN) and gateway.Querier
// (querydr). Only VND is accepted.
//
// # Flows
//
//   - CreatePayment builds the signed URL of VNPay's payment page
//     (vnp_Command=pay). Nothing is sent: the payer's browser goes there.
//   - VNPay then calls the merchant's IPN URL with a signed GET;
//     ReadCallback turns it into a payment.succeeded, payment.failed or
//     payment.expired event, and Reply gives the JSON VNPay expects
//     ({"RspCode":"00","Message":"Confirm Success"} and the others).
//   - VNPay also sends the payer back to vnp_ReturnUrl with the same signed
//     fields: VerifyReturn reads them for the page the payer sees. The IPN,
//     not the return, settles the payment.
//   - QueryPayment (querydr) finds a payment whose IPN never came;
//     Refund (refund) returns money to the payer; QueryRefund follows a
//     refund.
//   - Charge and StartLink return gateway.ErrUnsupported: VNPay's token
//     payments exist only in some merchant contracts and, as published,
//     still need the payer's OTP at VNPay, so there is no charge without a
//     redirect to implement.
//
// # Protocol facts the adapter relies on
//
//   - Payment URL: vnp_Version=2.1.0, vnp_Command=pay, vnp_TmnCode (8
//     letters or digits), vnp_Amount = amount × 100 (Numeric[1,12]: at most
//     9,999,999,999 VND), vnp_CurrCode=VND, vnp_TxnRef (Alphanumeric[1,100],
//     unique in a day), vnp_OrderInfo (Vietnamese without diacritics, at
//     most 255), vnp_OrderType, vnp_Locale (vn or en), vnp_ReturnUrl,
//     vnp_IpAddr, vnp_CreateDate and vnp_ExpireDate (yyyyMMddHHmmss in
//     GMT+7). vnp_SecureHash is HMAC-SHA512 in hex, under the merchant's
//     hash secret, of the vnp_ parameters sorted by name, without
//     vnp_SecureHash and vnp_SecureHashType (which 2.1.0 no longer sends),
//     each written name=value with the value URL-encoded as VNPay's PHP
//     sample does (urlencode: a space is '+'), joined by '&'.
//   - The IPN carries vnp_TmnCode, vnp_Amount, vnp_BankCode, vnp_BankTranNo,
//     vnp_CardType, vnp_OrderInfo, vnp_PayDate, vnp_ResponseCode,
//     vnp_TransactionNo, vnp_TransactionStatus, vnp_TxnRef and
//     vnp_SecureHash, checked with the same rule. "00"/"00" is a payment;
//     code 24 a cancellation; 11 an expired page; 07 money held for fraud
//     review. The merchant answers RspCode 00 (recorded), 01 (order not
//     found), 02 (already confirmed), 04 (invalid amount), 97 (invalid
//     checksum) or 99 (other error).
//   - querydr and refund are JSON POSTs to merchant_webapi/api/transaction.
//     Their vnp_SecureHash is HMAC-SHA512 of fields joined by '|':
//     querydr vnp_RequestId|vnp_Version|vnp_Command|vnp_TmnCode|vnp_TxnRef|
//     vnp_TransactionDate|vnp_CreateDate|vnp_IpAddr|vnp_OrderInfo; refund
//     vnp_RequestId|vnp_Version|vnp_Command|vnp_TmnCode|vnp_TransactionType|
//     vnp_TxnRef|vnp_Amount|vnp_TransactionNo|vnp_TransactionDate|
//     vnp_CreateBy|vnp_CreateDate|vnp_IpAddr|vnp_OrderInfo
//     (vnp_TransactionType 02 full, 03 partial). Answers are signed the
//     same way over vnp_ResponseId|vnp_Command|vnp_ResponseCode|
//     vnp_Message|vnp_TmnCode|vnp_TxnRef|vnp_Amount|vnp_BankCode|
//     vnp_PayDate|vnp_TransactionNo|vnp_TransactionType|
//     vnp_TransactionStatus|vnp_OrderInfo, and for querydr also
//     |vnp_PromotionCode|vnp_PromotionAmount. Codes: 91 not found, 94
//     duplicate (refund: already being refunded), 95 payment not successful,
//     93 invalid refund amount, 16 not refundable now, 02 bad terminal, 03
//     bad format, 97 bad checksum, 08 maintenance, 99 other.
//     vnp_TransactionStatus: 00 success, 01 not completed, 02 error, 04
//     reversed, 05 and 06 refund in progress, 07 suspected fraud, 08 expired,
//     09 refund rejected.
//
// # Ids, times and exactly-once
//
// vnp_TxnRef carries the library's PaymentID reversibly (see TxnRef), so an
// IPN names the library's payment with no stored mapping. An event's ID is
// "<vnp_TxnRef>:<vnp_TransactionNo>:<vnp_ResponseCode>:<vnp_TransactionStatus>",
// the same for every redelivery of one IPN. Every timestamp comes from the
// request (PaymentRequest.CreatedAt and ExpiresAt, PaymentQuery.Now,
// RefundRequest.CreatedAt) and is written in GMT+7 through a fixed zone;
// the adapter never reads a clock and needs no time-zone database.
// vnp_RequestId is derived from the refund's id (refund) or from the
// payment and the query's time (querydr).
//
// # Secrets
//
// Config.HashSecret is a Secret, which prints and logs as "[REDACTED]";
// errors never quote it, and a Gateway prints only its name.
//
// # Sources
//
//   - VNPay, "Hướng dẫn tích hợp Cổng thanh toán VNPAY" (payment URL,
//     parameter table, IPN and return code):
//     https://sandbox.vnpayment.vn/apis/docs/huong-dan-tich-hop/ and
//     https://sandbox.vnpayment.vn/apis/docs/thanh-toan-pay/pay.html
//   - VNPay, "Chuyển đổi phiên bản và thuật toán mã hóa" (2.1.0,
//     HMAC-SHA512, vnp_SecureHashType no longer sent):
//     https://sandbox.vnpayment.vn/apis/docs/chuyen-doi-thuat-toan/changeTypeHash.html
//   - VNPay, "API querydr, refund" (endpoint, fields, Alphanumeric[1,32]
//     vnp_RequestId, Alphanumeric[1,100] vnp_TxnRef):
//     https://sandbox.vnpayment.vn/apis/docs/truy-van-hoan-tien/querydr&refund.html
//   - VNPay, error-code table: https://sandbox.vnpayment.vn/apis/docs/bang-ma-loi/
//   - VNPay, token payments ("Thanh toán bằng mã Token", the payer confirms
//     with OTP at VNPay): https://sandbox.vnpayment.vn/apis/docs/thanh-toan-token/token.html
//   - VNPay's published sample code (vnpay_php vnpay_ipn.php: urlencode of
//     sorted vnp_ parameters, the exact RspCode/Message answers; vnpay_nodejs
//     order.js: the querydr and refund pipe orders, vnp_TransactionNo "0"
//     when unknown), as copied in public repositories.
//   - The answer checksum orders and the code tables as implemented by the
//     open-source client github.com/lehuygiang28/vnpay
//     (src/services/query.service.ts, src/constants/response-map.constant.ts);
//     its IPN test vector (secret "test_secret", vnp_SecureHash 649982…)
//     is reproduced verbatim by this package's tests. VNPay's own example
//     URL (TmnCode DEMOV210) is used as an encoding vector; its secret is
//     not published, so its checksum cannot be.
package vnpay
