package coupon_test

import (
	"strings"
	"testing"

	"github.com/cloudbill/cloudbill/coupon"
)

func FuzzNormalizeCode(f *testing.F) {
	for _, s := range []string{"SPRING20", " spring20 ", "ab", "abc", "SPRING 20", "ſpring", "lıke",
		"GIẢMGIÁ", "", "\t\n", "a-b_c", strings.Repeat("z", 64), strings.Repeat("z", 65), "\xff\xfeab"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := coupon.NormalizeCode(s)
		if err != nil {
			if got != "" {
				t.Fatalf("NormalizeCode(%q) = %q with error %v", s, got, err)
			}
			if err.Error() == "" {
				t.Fatalf("empty error message for %q", s)
			}
			// Case must not matter for rejection either.
			if _, err2 := coupon.NormalizeCode(strings.ToLower(s)); err2 == nil && isASCII(s) {
				t.Fatalf("%q is malformed but its lower case is not", s)
			}
			return
		}
		if len(got) < coupon.MinCodeLen || len(got) > coupon.MaxCodeLen {
			t.Fatalf("NormalizeCode(%q) = %q of length %d", s, got, len(got))
		}
		for i := 0; i < len(got); i++ {
			c := got[i]
			if !('A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
				t.Fatalf("NormalizeCode(%q) = %q has %q", s, got, c)
			}
		}
		if !strings.EqualFold(got, strings.TrimSpace(s)) {
			t.Fatalf("NormalizeCode(%q) = %q is not the trimmed input up to case", s, got)
		}
		for _, variant := range []string{got, strings.ToLower(got), " " + got + "\n"} {
			if again, err := coupon.NormalizeCode(variant); err != nil || again != got {
				t.Fatalf("NormalizeCode(%q) = %q, %v; want %q", variant, again, err, got)
			}
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
