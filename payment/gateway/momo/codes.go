package momo

import (
	"fmt"
	"strconv"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// class is what a MoMo resultCode means to the adapter.
type class uint8

const (
	classTemporary class = iota // unknown outcome, retry with the same ids
	classSucceeded              // 0, and 9000 (authorised; captured automatically)
	classPending                // the payer or MoMo has not finished
	classExpired                // the payment page expired unpaid
	classDeclined               // a definite refusal of the payer's money
	classInvalid                // the request can never work as sent
	classConflict               // the id was already used for another request
	classNotFound               // MoMo does not know the order
)

// classify maps a resultCode from MoMo's published list. Codes MoMo may add
// later are temporary: an answer not understood may hide a payment.
func classify(code int64) class {
	switch code {
	case 0, 9000:
		return classSucceeded
	case 1000, 7000, 7002, 8000:
		return classPending
	case 1005:
		return classExpired
	case 1001, 1002, 1003, 1004, 1006, 1007, 1017, 1026, 1080, 1081, 1088, 2019, 4001, 4002, 4100:
		return classDeclined
	case 11, 12, 13, 20, 21, 22, 47:
		return classInvalid
	case 41, 45:
		return classConflict
	case 42:
		return classNotFound
	}
	return classTemporary
}

// reason is fixed text, fit to show a payer, for a refusal code; MoMo's own
// message is not used because it is free text in the language of the
// request.
func reason(code int64) string {
	switch code {
	case 1001:
		return "insufficient funds in the MoMo wallet"
	case 1002:
		return "refused by the issuer of the payment method"
	case 1003:
		return "cancelled after authorisation"
	case 1004:
		return "over the wallet's daily or monthly payment limit"
	case 1005:
		return "the payment page expired"
	case 1006:
		return "the payer declined the payment"
	case 1007:
		return "the MoMo account is inactive or does not exist"
	case 1017:
		return "cancelled by the merchant"
	case 1026:
		return "restricted by the promotion rules"
	case 1080:
		return "the refund failed while being processed"
	case 1081:
		return "the payment was already refunded or is past its refund period"
	case 1088:
		return "the payment cannot be refunded"
	case 2019:
		return "invalid order group"
	case 4001:
		return "the MoMo account is restricted"
	case 4002:
		return "the MoMo account is not verified"
	case 4100:
		return "the payer could not log in to MoMo"
	}
	return "refused by MoMo (code " + strconv.FormatInt(code, 10) + ")"
}

// resultError turns a resultCode that is not a success into the error the
// gateway contract asks for; op names the call ("create", "refund").
func resultError(op string, code int64) error {
	switch classify(code) {
	case classDeclined, classExpired:
		return &gateway.DeclineError{Code: strconv.FormatInt(code, 10), Reason: reason(code)}
	case classInvalid, classNotFound:
		return fmt.Errorf("%w: momo: %s refused with resultCode %d", gateway.ErrInvalidRequest, op, code)
	case classConflict:
		return fmt.Errorf("%w: momo: %s refused with resultCode %d", gateway.ErrConflict, op, code)
	}
	return fmt.Errorf("%w: momo: %s answered resultCode %d", gateway.ErrTemporary, op, code)
}
