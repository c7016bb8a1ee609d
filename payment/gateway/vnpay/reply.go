package vnpay

import (
	"net/http"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// Reply returns the JSON VNPay expects in answer to an IPN, always with
// HTTP 200 and Content-Type application/json; VNPay reads RspCode, not the
// status. The bodies are byte for byte those of VNPay's published IPN
// sample, including its spelling:
//
//	applied          {"RspCode":"00","Message":"Confirm Success"}
//	duplicate        {"RspCode":"02","Message":"Order already confirmed"}
//	unknown payment  {"RspCode":"01","Message":"Order not found"}
//	wrong amount     {"RspCode":"04","Message":"invalid amount"}
//	rejected         {"RspCode":"97","Message":"Invalid signature"}
//	failed, other    {"RspCode":"99","Message":"Unknow error"}
//
// "00" and "02" tell VNPay to stop; "99" makes it deliver the IPN again.
func (g *Gateway) Reply(outcome gateway.CallbackOutcome) gateway.CallbackReply {
	code, message := "99", "Unknow error"
	switch outcome {
	case gateway.CallbackApplied, gateway.CallbackIgnored:
		code, message = "00", "Confirm Success"
	case gateway.CallbackDuplicate:
		code, message = "02", "Order already confirmed"
	case gateway.CallbackUnknownPayment:
		code, message = "01", "Order not found"
	case gateway.CallbackWrongAmount:
		code, message = "04", "invalid amount"
	case gateway.CallbackRejected:
		code, message = "97", "Invalid signature"
	}
	return gateway.CallbackReply{
		Status:      http.StatusOK,
		ContentType: "application/json",
		Body:        []byte(`{"RspCode":"` + code + `","Message":"` + message + `"}`),
	}
}
