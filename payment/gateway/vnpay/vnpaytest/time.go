package vnpaytest

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxAmountVND is the largest payment vnp_Amount (Numeric[1,12], × 100)
// carries.
const maxAmountVND = 9_999_999_999

// vnpLayout is VNPay's yyyyMMddHHmmss, always in GMT+7.
const vnpLayout = "20060102150405"

func gmt7() *time.Location { return time.FixedZone("GMT+7", 7*3600) }

// vnTime writes t in GMT+7, "" for the zero time.
func vnTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(gmt7()).Format(vnpLayout)
}

// parseVNTime reads yyyyMMddHHmmss in GMT+7.
func parseVNTime(s string) (time.Time, bool) {
	if len(s) != len(vnpLayout) || !allDigits(s) {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(vnpLayout, s, gmt7())
	return t.UTC(), err == nil
}

func allDigits(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
}

func alnum(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return (r < '0' || r > '9') && (r < 'a' || r > 'z') && (r < 'A' || r > 'Z')
	})
}

// amount100 reads a vnp_Amount: 1 to 12 digits, a positive multiple of 100.
func amount100(s string) (int64, bool) {
	if len(s) > 12 || !allDigits(s) {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0 && n%100 == 0
}

// absoluteURL reports whether s is an absolute http or https URL.
func absoluteURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
