package vnpay

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"sort"
	"strings"
)

// Parameter names the checksum rules treat specially.
const (
	paramSecureHash     = "vnp_SecureHash"
	paramSecureHashType = "vnp_SecureHashType"
	paramPrefix         = "vnp_"
)

// formEncode percent-encodes s the way VNPay's published PHP sample does
// (PHP's urlencode): ASCII letters, digits and "-_." stay as they are, a
// space becomes '+', every other byte of the UTF-8 text becomes %XX with
// upper-case hex. keep lists further bytes left as they are, for the
// encoders of VNPay's Java ('*') and Node.js ("!'()*~") samples.
func formEncode(s, keep string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) + len(s)/2)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isAlnum(rune(c)) || c == '-' || c == '_' || c == '.' || (c < 0x80 && strings.IndexByte(keep, c) >= 0):
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}

// The encoders of VNPay's three published samples differ only in which of
// these bytes they leave unencoded. A delivery is accepted when its checksum
// matches under any of them: each form decodes to the same parameters, so
// none lets a checksum made for one message vouch for another.
// A function, not a variable, so the package keeps no mutable state.
func sampleEncoders() [3]string { return [3]string{"", "*", "!'()*~"} }

// hashData builds VNPay's checksum input for the parameters in params:
// the names beginning with "vnp_", without vnp_SecureHash and
// vnp_SecureHashType, sorted by name, each written as name=value with the
// value form-encoded, joined by '&'. The result is also the query string of
// a payment URL.
func hashData(params map[string]string, keep string) string {
	names := make([]string, 0, len(params))
	for name := range params {
		if strings.HasPrefix(name, paramPrefix) && name != paramSecureHash && name != paramSecureHashType {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for i, name := range names {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(formEncode(name, keep))
		b.WriteByte('=')
		b.WriteString(formEncode(params[name], keep))
	}
	return b.String()
}

// mac is HMAC-SHA512 of data under secret.
func mac(secret []byte, data string) []byte {
	m := hmac.New(sha512.New, secret)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// macHex is mac in lower-case hex, the form VNPay sends and expects.
func macHex(secret []byte, data string) string { return hex.EncodeToString(mac(secret, data)) }

// pipeData joins fields with '|', the checksum input of querydr and refund
// and of their answers.
func pipeData(fields ...string) string { return strings.Join(fields, "|") }

// hashMatches reports, in constant time, whether the hex checksum got is
// HMAC-SHA512 of data under secret. Hex of either case is accepted; a value
// that is not 128 hex digits never matches.
func hashMatches(secret []byte, data, got string) bool {
	sum, err := hex.DecodeString(got)
	if err != nil || len(sum) != sha512.Size {
		return false
	}
	return hmac.Equal(mac(secret, data), sum)
}
