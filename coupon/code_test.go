package coupon_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/coupon"
)

func TestNormalizeCode(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"upper case stays as it is", "SPRING20", "SPRING20"},
		{"lower case is upper-cased", "spring20", "SPRING20"},
		{"mixed case with _ and - is upper-cased", "Black-Friday_2026", "BLACK-FRIDAY_2026"},
		{"surrounding spaces, tabs and newlines are trimmed", " \t spring20\r\n", "SPRING20"},
		{"3 characters is the shortest code", "abc", "ABC"},
		{"64 characters is the longest code", strings.Repeat("a", 64), strings.Repeat("A", 64)},
		{"digits only is a code", "123", "123"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := coupon.NormalizeCode(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			again, err := coupon.NormalizeCode(got)
			require.NoError(t, err)
			assert.Equal(t, got, again, "a normal form is its own normal form")
		})
	}
}

func TestNormalizeCodeRejectsMalformed(t *testing.T) {
	tests := []struct {
		name, in, reason string
	}{
		{"empty is malformed", "", "empty"},
		{"only spaces is malformed", "   ", "empty"},
		{"2 characters is too short", "ab", "shorter than 3 characters"},
		{"2 characters with spaces around is too short", "  ab  ", "shorter than 3 characters"},
		{"65 characters is too long", strings.Repeat("a", 65), "longer than 64 characters"},
		{"an inner space is malformed", "SPRING 20", "character ' ' at byte 6 is not a letter A-Z, a digit, '_' or '-'"},
		{"a dot is malformed", "SPRING.20", "character '.' at byte 6 is not a letter A-Z, a digit, '_' or '-'"},
		{"Vietnamese letters are malformed", "GIẢMGIÁ", "character 'Ả' at byte 2 is not a letter A-Z, a digit, '_' or '-'"},
		{"long s that upper-cases to S is malformed", "ſpring", "character 'ſ' at byte 0 is not a letter A-Z, a digit, '_' or '-'"},
		{"dotless i that upper-cases to I is malformed", "lıke", "character 'ı' at byte 1 is not a letter A-Z, a digit, '_' or '-'"},
		{"Kelvin sign that lower-cases to k is malformed", "\u212aEY", "character '\u212a' at byte 0 is not a letter A-Z, a digit, '_' or '-'"},
		{"a NUL byte is malformed", "AB\x00C", `character '\x00' at byte 2 is not a letter A-Z, a digit, '_' or '-'`},
		{"invalid UTF-8 is malformed", "AB\xffC", `character '�' at byte 2 is not a letter A-Z, a digit, '_' or '-'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := coupon.NormalizeCode(tt.in)
			assert.Empty(t, got)
			require.ErrorIs(t, err, coupon.ErrMalformedCode)
			var ce *coupon.CodeError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, coupon.CodeError{Input: tt.in, Reason: tt.reason}, *ce)
		})
	}
}

func TestCodeErrorMessageClipsLongInput(t *testing.T) {
	_, err := coupon.NormalizeCode(strings.Repeat("x", 10_000))
	require.Error(t, err)
	assert.Equal(t, `coupon: malformed code "`+strings.Repeat("x", 80)+`...": longer than 64 characters`, err.Error())
}
