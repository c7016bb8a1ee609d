package zalopay

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// mac is the hex HMAC-SHA256 under key of the fields joined by '|'.
func mac(key string, fields ...string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(strings.Join(fields, "|")))
	return hex.EncodeToString(m.Sum(nil))
}

// macMatches compares a received hex mac of data under key in constant
// time.
func macMatches(key string, data []byte, got string) bool {
	m := hmac.New(sha256.New, []byte(key))
	m.Write(data)
	b, err := hex.DecodeString(got)
	return err == nil && hmac.Equal(m.Sum(nil), b)
}
