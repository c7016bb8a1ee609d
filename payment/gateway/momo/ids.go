package momo

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment/gateway"
)

// Limits of MoMo's fields that the adapter enforces.
const (
	// MaxOrderIDLen is the longest orderId the adapter sends: 50 bytes, the
	// limit MoMo states for binding orders and within the 200 of
	// captureWallet, so one rule serves both.
	MaxOrderIDLen = 50
	// MaxOrderInfoLen is the longest orderInfo (the description the payer
	// sees), in bytes.
	MaxOrderInfoLen = 255
	// MinAmount and MaxAmount bound a payment or a refund, in VND.
	MinAmount = 1_000
	MaxAmount = 50_000_000
)

// orderID returns the MoMo orderId for a library id: the id itself when it
// matches MoMo's pattern and length, otherwise "h" and 40 hex digits of its
// SHA-256 (41 bytes, which the pattern accepts).
func orderID(id string) string {
	if len(id) <= MaxOrderIDLen && validOrderID(id) {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return "h" + hex.EncodeToString(sum[:20])
}

// validOrderID reports whether s matches ^[0-9a-zA-Z]([-_.]*[0-9a-zA-Z]+)*$:
// alphanumerics, with runs of '-', '_' and '.' only between them.
func validOrderID(s string) bool {
	if s == "" {
		return false
	}
	prevAlnum := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			prevAlnum = true
		case c == '-' || c == '_' || c == '.':
			if i == 0 {
				return false
			}
			prevAlnum = false
		default:
			return false
		}
	}
	return prevAlnum
}

// extra is what the adapter puts in extraData: the PaymentID of a payment,
// or the LinkID and AccountID of an account binding.
type extra struct {
	PaymentID string `json:"paymentId,omitempty"`
	LinkID    string `json:"linkId,omitempty"`
	AccountID string `json:"accountId,omitempty"`
}

// encodeExtra returns extraData for a payment: base64 of {"paymentId":"..."}.
func encodeExtra(paymentID string) string {
	return encodeExtraOf(extra{PaymentID: paymentID})
}

// encodeExtraOf returns base64 of e's JSON.
func encodeExtraOf(e extra) string {
	b, _ := json.Marshal(e) // a struct of strings always marshals
	return base64.StdEncoding.EncodeToString(b)
}

// decodeExtra reads the PaymentID back from extraData, or "" when it is not
// the adapter's.
func decodeExtra(s string) string {
	return decodeExtraOf(s).PaymentID
}

// decodeExtraOf reads extraData back, or the zero extra when it is not the
// adapter's.
func decodeExtraOf(s string) extra {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return extra{}
	}
	var e extra
	if json.Unmarshal(b, &e) != nil {
		return extra{}
	}
	return e
}

// linkOrderID returns the MoMo orderId of an account binding: orderID of
// "link-" and the LinkID, so that a LinkID equal to a PaymentID never
// names the same MoMo order.
func linkOrderID(linkID string) string { return orderID("link-" + linkID) }

// MaxClientIDLen is the longest partnerClientId the adapter sends.
const MaxClientIDLen = 50

// clientID returns the partnerClientId, MoMo's name for the merchant's
// user, of an account: the AccountID itself when it matches MoMo's pattern
// ^[0-9a-zA-Z]([-_.@]*[0-9a-zA-Z]+)*$ within MaxClientIDLen bytes,
// otherwise "h" and 40 hex digits of its SHA-256. It is a function of the
// AccountID alone, so every binding and payment of one account names the
// same MoMo user.
func clientID(accountID string) string {
	if len(accountID) <= MaxClientIDLen && validOrderID(strings.ReplaceAll(accountID, "@", "_")) {
		return accountID
	}
	sum := sha256.Sum256([]byte(accountID))
	return "h" + hex.EncodeToString(sum[:20])
}

// vnd returns a as whole VND within MoMo's bounds, or a *RequestError for
// field.
func vnd(field string, a money.Amount) (int64, error) {
	if a.Currency().Code() != "VND" {
		return 0, &gateway.RequestError{Field: field, Reason: "is not in VND, the only currency MoMo accepts"}
	}
	if !a.IsRounded() {
		return 0, &gateway.RequestError{Field: field, Reason: "is not a whole number of VND"}
	}
	n, err := a.MinorUnits()
	if err != nil || n < MinAmount || n > MaxAmount {
		return 0, &gateway.RequestError{Field: field, Reason: "is outside MoMo's bounds of 1,000 to 50,000,000 VND"}
	}
	return n, nil
}

// fromVND returns n VND as an amount.
func fromVND(n int64) money.Amount {
	a, _ := money.FromMinor(n, "VND") // VND is a known currency
	return a
}

// checkID requires an id of 1 to gateway.MaxIDLen bytes of printable ASCII,
// the ids the library makes.
func checkID(name, id string) error {
	if id == "" || len(id) > gateway.MaxIDLen || strings.ContainsFunc(id, notPrintableASCII) {
		return &gateway.RequestError{Field: name, Reason: "is not 1 to 255 bytes of printable ASCII"}
	}
	return nil
}
