package zalopay

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment/gateway"
)

// Limits the adapter enforces.
const (
	// MaxSuffixLen is the longest id suffix: app_trans_id is at most 40
	// bytes and starts with "yymmdd_".
	MaxSuffixLen = 33
	// MaxDescriptionLen is the longest description, in bytes.
	MaxDescriptionLen = 256
	// MaxAppUserLen is the longest app_user, in bytes.
	MaxAppUserLen = 50
	// MinAmount and MaxAmount bound a payment or a refund, in VND.
	MinAmount = 1_000
	MaxAmount = 50_000_000
	// MinExpiry and MaxExpiry bound expire_duration_seconds.
	MinExpiry = 300 * time.Second
	MaxExpiry = 2_592_000 * time.Second
)

// vietnam returns t in Vietnam's time zone (GMT+7, no daylight saving), in
// which ZaloPay dates its ids.
func vietnam(t time.Time) time.Time { return t.In(time.FixedZone("GMT+7", 7*60*60)) }

// yymmdd is t's date in Vietnam, as app_trans_id and m_refund_id start.
func yymmdd(t time.Time) string { return vietnam(t).Format("060102") }

// suffix returns the id suffix for a library id: the id itself when it is at
// most MaxSuffixLen bytes of [0-9A-Za-z_.-] and not of the hashed form,
// otherwise "h" and 32 hex digits of its SHA-256.
func suffix(id string) string {
	if len(id) <= MaxSuffixLen && plainID(id) && !hashedForm(id) {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return "h" + hex.EncodeToString(sum[:16])
}

// plainID reports whether s is non-empty [0-9A-Za-z_.-].
func plainID(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// hashedForm reports whether s looks like a hashed suffix, which a
// verbatim id must not, so that the two never collide.
func hashedForm(s string) bool {
	if len(s) != 33 || s[0] != 'h' {
		return false
	}
	_, err := hex.DecodeString(s[1:])
	return err == nil && strings.ToLower(s) == s
}

// appTransID is the app_trans_id of the payment id created at createdAt.
func appTransID(id string, createdAt time.Time) string {
	return yymmdd(createdAt) + "_" + suffix(id)
}

// embed is the adapter's part of embed_data.
type embed struct {
	PaymentID   string `json:"cloudbill_payment_id"`
	RedirectURL string `json:"redirecturl,omitempty"`
}

// vnd returns a as whole VND within the bounds, or a *RequestError.
func vnd(field string, a money.Amount) (int64, error) {
	if a.Currency().Code() != "VND" {
		return 0, &gateway.RequestError{Field: field, Reason: "is not in VND, the only currency ZaloPay accepts"}
	}
	if !a.IsRounded() {
		return 0, &gateway.RequestError{Field: field, Reason: "is not a whole number of VND"}
	}
	n, err := a.MinorUnits()
	if err != nil || n < MinAmount || n > MaxAmount {
		return 0, &gateway.RequestError{Field: field, Reason: "is outside the bounds of 1,000 to 50,000,000 VND"}
	}
	return n, nil
}

// fromVND returns n VND as an amount.
func fromVND(n int64) money.Amount {
	a, _ := money.FromMinor(n, "VND") // VND is a known currency
	return a
}

// checkID requires an id of 1 to gateway.MaxIDLen bytes of printable ASCII.
func checkID(name, id string) error {
	if id == "" || len(id) > gateway.MaxIDLen || strings.ContainsFunc(id, notPrintableASCII) {
		return &gateway.RequestError{Field: name, Reason: "is not 1 to 255 bytes of printable ASCII"}
	}
	return nil
}

// jsonString marshals v, which holds only strings.
func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
