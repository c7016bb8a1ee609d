package vnpay

// responseText is the payer-facing English meaning of a vnp_ResponseCode of
// a payment (VNPay's error-code table), used as a failed payment's
// FailureReason; "" for a code not in the table.
func responseText(code string) string {
	switch code {
	case "00":
		return "approved"
	case "07":
		return "money taken but the transaction is suspected of fraud"
	case "09":
		return "the card or account is not registered for internet banking"
	case "10":
		return "the card or account details were wrong more than 3 times"
	case "11":
		return "the payment page expired"
	case "12":
		return "the card or account is locked"
	case "13":
		return "the one-time password was wrong"
	case "24":
		return "the customer cancelled the payment"
	case "51":
		return "insufficient balance"
	case "65":
		return "the account's daily limit was exceeded"
	case "75":
		return "the paying bank is under maintenance"
	case "79":
		return "the payment password was wrong too many times"
	case "99":
		return "other error"
	}
	return ""
}

// statusText is the meaning of a vnp_TransactionStatus (VNPay's
// transaction-status table); "" for a status not in the table.
func statusText(status string) string {
	switch status {
	case "00":
		return "successful"
	case "01":
		return "not completed"
	case "02":
		return "transaction error"
	case "04":
		return "reversed: debited at the bank but not completed at VNPay"
	case "05":
		return "VNPay is processing the refund"
	case "06":
		return "VNPay has sent the refund to the bank"
	case "07":
		return "suspected of fraud"
	case "08":
		return "payment time expired"
	case "09":
		return "refund rejected"
	}
	return ""
}

// failureReason is the FailureReason of a failed payment with these codes.
func failureReason(responseCode, status string) string {
	if t := responseText(responseCode); t != "" && responseCode != "00" {
		return t + " (VNPay code " + responseCode + ")"
	}
	if t := statusText(status); t != "" {
		return t + " (VNPay status " + status + ")"
	}
	return "declined (VNPay code " + responseCode + ", status " + status + ")"
}
