package money_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
)

func TestNewAccepts(t *testing.T) {
	tests := []struct {
		name, number, currency string
		want                   string // String()
		coef                   string // Number().Coefficient()
		exp                    int32  // Number().Exponent(): the scale is kept as written
	}{
		{"181000 VND is read as written", "181000", "VND", "181000 VND", "181000", 0},
		{"12.5 USD keeps one fraction digit and prints two", "12.5", "USD", "12.50 USD", "125", -1},
		{"-12.345 USD keeps three digits", "-12.345", "USD", "-12.345 USD", "-12345", -3},
		{"+5 VND takes an explicit plus", "+5", "VND", "5 VND", "5", 0},
		{"7.7 VND keeps a fraction beyond the currency", "7.7", "VND", "7.7 VND", "77", -1},
		{"leading zeros 007.50 are only padding", "007.50", "USD", "7.50 USD", "750", -2},
		{"-0 is zero", "-0", "USD", "0.00 USD", "0", 0},
		{"0.000 KWD keeps its scale", "0.000", "KWD", "0.000 KWD", "0", -3},
		{"40 significant digits are allowed", strings.Repeat("9", 40), "VND", strings.Repeat("9", 40) + " VND", strings.Repeat("9", 40), 0},
		{"leading zeros do not count toward 40 digits", "0000" + strings.Repeat("1", 40), "VND", strings.Repeat("1", 40) + " VND", strings.Repeat("1", 40), 0},
		{"a 64-character fraction is allowed", "0." + strings.Repeat("0", 61) + "1", "USD", "0." + strings.Repeat("0", 61) + "1 USD", "1", -62},
		{"1 CLF prints four digits", "1", "CLF", "1.0000 CLF", "1", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := money.New(tt.number, tt.currency)
			require.NoError(t, err)
			assert.Equal(t, tt.want, a.String())
			assert.Equal(t, tt.currency, a.Currency().Code())
			assert.Equal(t, tt.coef, a.Number().Coefficient().String())
			assert.Equal(t, tt.exp, a.Number().Exponent())
		})
	}
}

func TestNewRejects(t *testing.T) {
	tests := []struct {
		name, number, reason string
	}{
		{"empty text", "", "empty"},
		{"a leading space", " 1", "unexpected character ' ' at offset 0"},
		{"a trailing space", "1 ", "unexpected character ' ' at offset 1"},
		{"a tab", "1\t", "unexpected character '\\t' at offset 1"},
		{"NaN", "NaN", "unexpected character 'N' at offset 0"},
		{"Inf", "Inf", "unexpected character 'I' at offset 0"},
		{"-Infinity", "-Infinity", "unexpected character 'I' at offset 1"},
		{"hexadecimal 0x1F", "0x1F", "unexpected character 'x' at offset 1"},
		{"two signs", "--1", "more than one sign"},
		{"plus minus", "+-1", "more than one sign"},
		{"a sign after digits", "1-", "misplaced sign (offset 1)"},
		{"a lone sign", "-", "no digits"},
		{"a thousands comma", "1,000", "digit separators are not accepted (offset 1)"},
		{"a decimal comma", "12,50", "digit separators are not accepted (offset 2)"},
		{"exponent 1e3", "1e3", "exponent notation is not accepted (offset 1)"},
		{"exponent 1.5E-2", "1.5E-2", "exponent notation is not accepted (offset 3)"},
		{"a bare fraction .5", ".5", "no digits before the decimal point"},
		{"a bare point 5.", "5.", "no digits after the decimal point"},
		{"two points", "1.2.3", "more than one decimal point (offset 3)"},
		{"a currency symbol", "$5", "unexpected character '$' at offset 0"},
		{"an underscore separator", "1_000", "unexpected character '_' at offset 1"},
		{"non-ASCII digits", "١٢", "unexpected character '١' at offset 0"},
		{"41 significant digits", strings.Repeat("1", 41), "more than 40 significant digits"},
		{"41 digits split by a point", strings.Repeat("1", 20) + "." + strings.Repeat("1", 21), "more than 40 significant digits"},
		{"65 characters", "0." + strings.Repeat("0", 62) + "1", "longer than 64 characters"},
		{"a megabyte of digits", strings.Repeat("9", 1<<20), "longer than 64 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is refused: "+tt.reason, func(t *testing.T) {
			a, err := money.New(tt.number, "USD")
			require.Error(t, err)
			assert.True(t, errors.Is(err, money.ErrInvalidAmount))
			var pe *money.ParseError
			require.True(t, errors.As(err, &pe))
			assert.Equal(t, tt.number, pe.Input)
			assert.Equal(t, tt.reason, pe.Reason)
			assert.Equal(t, money.Amount{}, a)
			assert.LessOrEqual(t, len(err.Error()), 200, "messages stay short whatever the input")
		})
	}
}

func TestNewUnknownCurrency(t *testing.T) {
	_, err := money.New("1", "usd")
	var ue *money.UnknownCurrencyError
	require.True(t, errors.As(err, &ue))
	assert.Equal(t, "usd", ue.Code)
	assert.True(t, errors.Is(err, money.ErrUnknownCurrency))
	assert.False(t, errors.Is(err, money.ErrInvalidAmount))
}

func TestParse(t *testing.T) {
	t.Run("12.50 USD reads back", func(t *testing.T) {
		a, err := money.Parse("12.50 USD")
		require.NoError(t, err)
		assert.Equal(t, "12.50 USD", a.String())
	})
	t.Run("empty text is the zero Amount", func(t *testing.T) {
		a, err := money.Parse("")
		require.NoError(t, err)
		assert.Equal(t, money.Amount{}, a)
	})
	for _, s := range []string{"12.50", "12.50  USD", "12.50 usd", "USD 12.50", "12.50 USD ", " 12.50 USD", "12.50\tUSD"} {
		t.Run("malformed "+s+" is refused", func(t *testing.T) {
			_, err := money.Parse(s)
			require.Error(t, err)
			assert.True(t, errors.Is(err, money.ErrInvalidAmount) || errors.Is(err, money.ErrUnknownCurrency), err)
		})
	}
}

// FuzzNew checks that New never panics, that everything it refuses is a
// *ParseError, and that everything it accepts prints as text that reads back
// to an equal amount.
func FuzzNew(f *testing.F) {
	for _, s := range []string{
		"0", "-0", "+1", "181000", "12.50", "-12.345", "7.7", "0.0000001", "1e3",
		"NaN", "", " ", "--1", ".5", "5.", "1,000", "0x10", strings.Repeat("9", 40),
		strings.Repeat("9", 41), "0." + strings.Repeat("0", 61) + "1",
	} {
		f.Add(s, "USD")
		f.Add(s, "VND")
	}
	f.Add("1.5", "CLF")
	f.Add("1.5", "KWD")
	f.Fuzz(func(t *testing.T, number, code string) {
		a, err := money.New(number, code)
		if err != nil {
			if !errors.Is(err, money.ErrInvalidAmount) && !errors.Is(err, money.ErrUnknownCurrency) {
				t.Fatalf("New(%q, %q) error %v is neither invalid amount nor unknown currency", number, code, err)
			}
			if errors.Is(err, money.ErrInvalidAmount) {
				var pe *money.ParseError
				if !errors.As(err, &pe) || pe.Input != number || pe.Reason == "" {
					t.Fatalf("New(%q) error %#v is not a *ParseError with input and reason", number, err)
				}
			}
			if a != (money.Amount{}) {
				t.Fatalf("New(%q, %q) returned %v with an error", number, code, a)
			}
			return
		}
		s := a.String()
		b, err := money.Parse(s)
		if err != nil {
			t.Fatalf("New(%q, %q) = %q, which does not parse back: %v", number, code, s, err)
		}
		if !a.Equal(b) || b.String() != s {
			t.Fatalf("round trip of %q: %v != %v", number, a, b)
		}
		j, err := a.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var c money.Amount
		if err := c.UnmarshalJSON(j); err != nil || !c.Equal(a) {
			t.Fatalf("JSON round trip of %q via %s: %v, %v", number, j, c, err)
		}
	})
}

// FuzzParse checks that Parse never panics and that what it accepts prints
// back to the same canonical text.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"12.50 USD", "181000 VND", "", "1 ", " USD", "1e3 USD", "7.7 VND", "-0.125 KWD"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := money.Parse(s)
		if err != nil {
			if !errors.Is(err, money.ErrInvalidAmount) && !errors.Is(err, money.ErrUnknownCurrency) {
				t.Fatalf("Parse(%q): untyped error %v", s, err)
			}
			return
		}
		b, err := money.Parse(a.String())
		if err != nil || !a.Equal(b) || a.String() != b.String() {
			t.Fatalf("Parse(%q) = %v, which reads back as %v, %v", s, a, b, err)
		}
	})
}
