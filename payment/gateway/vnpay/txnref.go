package vnpay

import (
	"math/big"
	"strings"
	"unicode/utf8"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// MaxTxnRefLen is the longest vnp_TxnRef VNPay accepts (Alphanumeric[1,100]).
const MaxTxnRefLen = 100

// The two forms of a vnp_TxnRef (see TxnRef).
const (
	escapeByte = 'Z'  // starts "Z" + two upper-case hex digits in the readable form
	packedMark = "ZZ" // starts the packed form; never a valid escape
)

// TxnRef returns the vnp_TxnRef that carries paymentID, the library's id of
// a payment. VNPay allows only 1 to 100 letters and digits, and the library's
// ids may hold other characters ("pay_3k7q…") and be up to
// gateway.MaxIDLen bytes, so the id is encoded, reversibly and
// deterministically, in one of two forms:
//
//   - readable, when it fits in 100 characters: letters and digits other
//     than 'Z' are kept, every other byte becomes 'Z' and its two upper-case
//     hex digits ("pay_3k7q" → "payZ5F3k7q", "Zed" → "Z5Aed");
//   - packed, otherwise: "ZZ" and the id's bytes, after a 0x01 byte, as one
//     base-62 number (digits, then a–z, then A–Z). Any id of up to 72 bytes
//     fits.
//
// An id that fits neither is a *gateway.RequestError (ErrInvalidRequest).
// PaymentID is the inverse, so an IPN's vnp_TxnRef names the library's
// payment without any stored mapping.
func TxnRef(paymentID string) (string, error) {
	if reason := paymentIDProblem(paymentID); reason != "" {
		return "", &gateway.RequestError{Field: "PaymentID", Reason: reason}
	}
	if ref := readableRef(paymentID); len(ref) <= MaxTxnRefLen {
		return ref, nil
	}
	if ref := packedRef(paymentID); len(ref) <= MaxTxnRefLen {
		return ref, nil
	}
	return "", &gateway.RequestError{Field: "PaymentID", Reason: "does not fit VNPay's vnp_TxnRef of 100 letters and digits once encoded"}
}

// PaymentID returns the library's payment id that TxnRef encoded as ref. It
// accepts only what TxnRef produces (so every payment has exactly one
// vnp_TxnRef) and reports anything else with ok false.
func PaymentID(ref string) (id string, ok bool) {
	if len(ref) == 0 || len(ref) > MaxTxnRefLen || !alnum(ref) {
		return "", false
	}
	if strings.HasPrefix(ref, packedMark) {
		id, ok = unpackRef(ref[len(packedMark):])
	} else {
		id, ok = unescapeRef(ref)
	}
	if !ok || paymentIDProblem(id) != "" {
		return "", false
	}
	// Canonical: the id encodes back to exactly ref.
	if again, err := TxnRef(id); err != nil || again != ref {
		return "", false
	}
	return id, true
}

// paymentIDProblem applies the gateway contract's id rules.
func paymentIDProblem(id string) string {
	switch {
	case id == "":
		return "is empty"
	case len(id) > gateway.MaxIDLen:
		return "is too long"
	case !utf8.ValidString(id):
		return "is not valid UTF-8"
	case strings.ContainsFunc(id, isControl):
		return "contains a control character"
	}
	return ""
}

func readableRef(id string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c != escapeByte && isAlnum(rune(c)) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte(escapeByte)
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

func unescapeRef(ref string) (string, bool) {
	out := make([]byte, 0, len(ref))
	for i := 0; i < len(ref); i++ {
		if ref[i] != escapeByte {
			out = append(out, ref[i])
			continue
		}
		if i+2 >= len(ref) {
			return "", false
		}
		hi, ok1 := upperHex(ref[i+1])
		lo, ok2 := upperHex(ref[i+2])
		if !ok1 || !ok2 {
			return "", false
		}
		out = append(out, hi<<4|lo)
		i += 2
	}
	return string(out), true
}

func upperHex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func packedRef(id string) string {
	n := new(big.Int).SetBytes(append([]byte{1}, id...))
	return packedMark + n.Text(62)
}

func unpackRef(digits62 string) (string, bool) {
	if digits62 == "" {
		return "", false
	}
	n, ok := new(big.Int).SetString(digits62, 62)
	if !ok {
		return "", false
	}
	b := n.Bytes()
	if len(b) == 0 || b[0] != 1 {
		return "", false
	}
	return string(b[1:]), true
}
