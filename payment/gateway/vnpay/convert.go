package vnpay

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment/gateway"
)

// Amount limits. vnp_Amount is Numeric[1,12] and carries the amount × 100,
// so the largest payment is 9,999,999,999 VND.
const (
	// MaxAmountDigits is the most digits vnp_Amount may have.
	MaxAmountDigits = 12
	// MaxAmountVND is the largest amount VNPay can carry, in VND.
	MaxAmountVND = 9_999_999_999
)

// vnpAmount returns vnp_Amount for a: whole VND × 100 ("150000 VND" →
// "15000000"). Another currency, a fraction of a dong, a non-positive
// amount or one beyond MaxAmountVND is a *gateway.RequestError.
func vnpAmount(field string, a money.Amount) (string, error) {
	switch {
	case a.Currency().Code() != "VND":
		return "", &gateway.RequestError{Field: field, Reason: "is not in VND, the only currency VNPay accepts"}
	case !a.IsPositive():
		return "", &gateway.RequestError{Field: field, Reason: "is not positive"}
	case !a.IsRounded():
		return "", &gateway.RequestError{Field: field, Reason: "is not a whole number of dong"}
	}
	dong, err := a.MinorUnits()
	if err != nil || dong > MaxAmountVND {
		return "", &gateway.RequestError{Field: field, Reason: "is more than VNPay's 9,999,999,999 VND"}
	}
	return strconv.FormatInt(dong*100, 10), nil
}

// parseVNPAmount reads a vnp_Amount back into VND: 1 to 12 digits, a
// positive multiple of 100. ok is false for anything else.
func parseVNPAmount(s string) (money.Amount, bool) {
	if len(s) > MaxAmountDigits || !digits(s) {
		return money.Amount{}, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n%100 != 0 {
		return money.Amount{}, false
	}
	a, err := money.FromMinor(n/100, "VND")
	if err != nil {
		return money.Amount{}, false
	}
	return a, true
}

// vnTime is the zone of every VNPay timestamp: GMT+7 (Asia/Ho_Chi_Minh,
// which has had no daylight saving time since 1975). A fixed zone, so the
// adapter needs no time-zone database. A function, so the package keeps no
// mutable state.
func vnTime() *time.Location { return time.FixedZone("GMT+7", 7*60*60) }

// vnpTimeLayout is yyyyMMddHHmmss.
const vnpTimeLayout = "20060102150405"

// formatVNTime writes t as VNPay's yyyyMMddHHmmss in GMT+7.
func formatVNTime(t time.Time) string { return t.In(vnTime()).Format(vnpTimeLayout) }

// parseVNTime reads VNPay's yyyyMMddHHmmss in GMT+7, returning UTC.
func parseVNTime(s string) (time.Time, bool) {
	if len(s) != len(vnpTimeLayout) || !digits(s) {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(vnpTimeLayout, s, vnTime())
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// timeOK reports whether t can be written as 14 digits.
func timeOK(t time.Time) bool {
	y := t.In(vnTime()).Year()
	return !t.IsZero() && y >= 1000 && y <= 9999
}

// MaxOrderInfoLen is the longest vnp_OrderInfo VNPay accepts.
const MaxOrderInfoLen = 255

// orderInfo turns a description into vnp_OrderInfo, which VNPay wants in
// Vietnamese without diacritics and without special characters: diacritics
// are removed ("Thanh toán đơn hàng" → "Thanh toan don hang"), letters,
// digits, spaces and ".,:-_#" are kept, anything else becomes a space,
// runs of spaces become one, and the text is cut to 255 bytes. An empty
// result is replaced by fallback.
func orderInfo(description, fallback string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(description) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ':
			r = 'd'
		case r == 'Đ':
			r = 'D'
		}
		if r < 0x80 && (isAlnum(r) || strings.ContainsRune(".,:-_#", r)) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	s := b.String()
	if len(s) > MaxOrderInfoLen {
		s = strings.TrimRight(s[:MaxOrderInfoLen], " ")
	}
	if s == "" {
		return fallback
	}
	return s
}
