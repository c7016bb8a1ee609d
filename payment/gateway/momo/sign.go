package momo

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// field is one name=value pair of a signed raw string.
type field struct{ name, value string }

// rawString joins the pairs as MoMo signs them: "a=1&b=2", in the order
// given, values unescaped.
func rawString(fields ...field) string {
	var b strings.Builder
	for i, f := range fields {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(f.name)
		b.WriteByte('=')
		b.WriteString(f.value)
	}
	return b.String()
}

// sign returns the hex HMAC-SHA256 of raw under key.
func sign(key, raw string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(raw))
	return hex.EncodeToString(m.Sum(nil))
}

// signatureMatches compares a received hex signature with the expected one
// in constant time; case is ignored, as hex is.
func signatureMatches(key, raw, got string) bool {
	want, _ := hex.DecodeString(sign(key, raw))
	b, err := hex.DecodeString(got)
	if err != nil {
		return false
	}
	return hmac.Equal(want, b)
}
