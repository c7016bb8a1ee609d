package postgres

import (
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/storage"
)

var testCurrencies = []string{"VND", "USD", "KWD", "CLF", "JPY"}

// TestNumericRoundTripProperty: for any amount, the NUMERIC argument built
// from it and read back with its currency is the same amount, with the same
// coefficient and exponent.
func TestNumericRoundTripProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		digits := rapid.StringMatching(`-?[1-9][0-9]{0,39}|0`).Draw(t, "coefficient")
		coef, ok := new(big.Int).SetString(digits, 10)
		if !ok {
			t.Fatalf("bad coefficient %q", digits)
		}
		exp := rapid.Int32Range(-10_000, 10_000).Draw(t, "exponent")
		code := rapid.SampledFrom(testCurrencies).Draw(t, "currency")
		want, err := money.FromDecimal(decimal.NewFromBigInt(coef, exp), code)
		if err != nil {
			t.Fatal(err)
		}
		got, err := readAmount(amountArg(want), code)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Equal(want) || got.Number().Exponent() != exp || got.Number().Coefficient().Cmp(coef) != 0 {
			t.Fatalf("%s came back as %s (exponent %d)", want, got, got.Number().Exponent())
		}
	})
}

func TestReadAmount(t *testing.T) {
	for _, tc := range []struct {
		name    string
		n       pgtype.Numeric
		code    string
		want    string
		wantErr error
	}{
		{"NULL is the zero Amount", pgtype.Numeric{}, "", "", nil},
		{"12345e-3 in KWD is 12.345 KWD", pgtype.Numeric{Int: big.NewInt(12345), Exp: -3, Valid: true}, "KWD", "12.345 KWD", nil},
		{"181e3 in VND is 181000 VND", pgtype.Numeric{Int: big.NewInt(181), Exp: 3, Valid: true}, "VND", "181000 VND", nil},
		{"NaN is refused", pgtype.Numeric{NaN: true, Valid: true}, "VND", "", errNotANumber},
		{"+infinity is refused", pgtype.Numeric{InfinityModifier: pgtype.Infinity, Valid: true}, "VND", "", errNotANumber},
		{"-infinity is refused", pgtype.Numeric{InfinityModifier: pgtype.NegativeInfinity, Valid: true}, "VND", "", errNotANumber},
		{"an unknown currency is refused", pgtype.Numeric{Int: big.NewInt(1), Valid: true}, "XYZ", "", money.ErrUnknownCurrency},
		{"an exponent of 10001 is refused", pgtype.Numeric{Int: big.NewInt(1), Exp: 10_001, Valid: true}, "VND", "", money.ErrInvalidAmount},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readAmount(tc.n, tc.code)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.String())
		})
	}
}

// FuzzReadAmount: whatever a NUMERIC column holds, reading it as money
// either fails with an error or gives exactly that number.
func FuzzReadAmount(f *testing.F) {
	f.Add("12345", int32(-3), "KWD", false)
	f.Add("-181", int32(3), "VND", false)
	f.Add("0", int32(0), "", true)
	f.Add("1", int32(-2147483648), "USD", false)
	f.Fuzz(func(t *testing.T, coef string, exp int32, code string, nan bool) {
		i, ok := new(big.Int).SetString(coef, 10)
		if !ok {
			return
		}
		got, err := readAmount(pgtype.Numeric{Int: i, Exp: exp, NaN: nan, Valid: true}, code)
		if err != nil {
			return
		}
		if nan || got.Currency().Code() != code || got.Number().Cmp(decimal.NewFromBigInt(i, exp)) != 0 {
			t.Fatalf("%s e%d %s read as %s", coef, exp, code, got)
		}
	})
}

func TestSharedCurrency(t *testing.T) {
	vnd, usd := mustAmount(t, "1", "VND"), mustAmount(t, "1", "USD")
	for _, tc := range []struct {
		name    string
		amounts []money.Amount
		want    string
		ok      bool
	}{
		{"no amounts share no currency", nil, "", true},
		{"only zero Amounts share no currency", []money.Amount{{}, {}}, "", true},
		{"VND and a zero Amount share VND", []money.Amount{{}, vnd, vnd}, "VND", true},
		{"VND and USD disagree", []money.Amount{vnd, {}, usd}, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := sharedCurrency(tc.amounts...)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.ok, ok)
		})
	}
}

func mustAmount(t testing.TB, n, code string) money.Amount {
	t.Helper()
	a, err := money.New(n, code)
	require.NoError(t, err)
	return a
}

// TestNetChangesProperty: netting keeps, per ledger account, the sum of its
// postings, the OR of their guards and the first posting's expiry, and
// lists each ledger account once in byte order — the lock order.
func TestNetChangesProperty(t *testing.T) {
	accounts := []string{"customer:cash", "customer:promo:g1", "revenue:sales", "gateway:clearing:sim", "Z", "é"}
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 12).Draw(t, "postings")
		ps := make([]storage.LedgerPosting, n)
		sums, guards, expiries := map[string]decimal.Decimal{}, map[string]bool{}, map[string]time.Time{}
		for i := range ps {
			acct := rapid.SampledFrom(accounts).Draw(t, fmt.Sprintf("account %d", i))
			a, err := money.FromMinor(rapid.Int64Range(-1e12, 1e12).Draw(t, fmt.Sprintf("amount %d", i)), "USD")
			if err != nil {
				t.Fatal(err)
			}
			exp := time.Time{}
			if rapid.Bool().Draw(t, fmt.Sprintf("expires %d", i)) {
				exp = time.Unix(rapid.Int64Range(0, 1e9).Draw(t, fmt.Sprintf("expiry %d", i)), 0)
			}
			ps[i] = storage.LedgerPosting{LedgerAccount: acct, Amount: a, NonNegative: rapid.Bool().Draw(t, fmt.Sprintf("guard %d", i)), ExpiresAt: exp}
			if _, seen := sums[acct]; !seen {
				expiries[acct] = exp
			}
			sums[acct] = sums[acct].Add(a.Number())
			guards[acct] = guards[acct] || ps[i].NonNegative
		}
		got := netChanges(ps)
		if len(got) != len(sums) {
			t.Fatalf("%d deltas for %d ledger accounts", len(got), len(sums))
		}
		for i, d := range got {
			if i > 0 && strings.Compare(got[i-1].account, d.account) >= 0 {
				t.Fatalf("%q listed after %q", d.account, got[i-1].account)
			}
			if !d.amount.Equal(sums[d.account]) || d.nonNegative != guards[d.account] || !d.expiresAt.Equal(expiries[d.account]) {
				t.Fatalf("%s: got %s guard %v expiry %v; want %s guard %v expiry %v", d.account,
					d.amount, d.nonNegative, d.expiresAt, sums[d.account], guards[d.account], expiries[d.account])
			}
		}
	})
}

func TestValidEntry(t *testing.T) {
	vnd := func(n string) money.Amount { return mustAmount(t, n, "VND") }
	ok := func() storage.LedgerEntry {
		return storage.LedgerEntry{ID: "e", AccountID: "a", Kind: "top_up", CreditAfter: vnd("100"), Postings: []storage.LedgerPosting{
			{LedgerAccount: "gateway:clearing:sim", Amount: vnd("-100")}, {LedgerAccount: "customer:cash", Amount: vnd("100")}}}
	}
	for _, tc := range []struct {
		name string
		mut  func(*storage.LedgerEntry)
		ok   bool
	}{
		{"-100 and +100 VND with credit after 100 VND is valid", func(*storage.LedgerEntry) {}, true},
		{"a zero credit after (no amount) is valid", func(e *storage.LedgerEntry) { e.CreditAfter = money.Amount{} }, true},
		{"-100 and +99 VND do not sum to zero", func(e *storage.LedgerEntry) { e.Postings[1].Amount = vnd("99") }, false},
		{"one posting is too few", func(e *storage.LedgerEntry) { e.Postings = e.Postings[:1] }, false},
		{"-100 VND and +1.00 USD mix currencies", func(e *storage.LedgerEntry) { e.Postings[1].Amount = mustAmount(t, "100", "USD") }, false},
		{"a posting without amount has no currency", func(e *storage.LedgerEntry) { e.Postings[0].Amount = money.Amount{} }, false},
		{"credit after in USD for a VND entry", func(e *storage.LedgerEntry) { e.CreditAfter = mustAmount(t, "1", "USD") }, false},
		{"an empty ledger account", func(e *storage.LedgerEntry) { e.Postings[0].LedgerAccount = "" }, false},
		{"an empty kind", func(e *storage.LedgerEntry) { e.Kind = "" }, false},
		{"a ref id with a NUL byte", func(e *storage.LedgerEntry) { e.RefID = "x\x00" }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := ok()
			tc.mut(&e)
			cur, err := validEntry(e)
			if tc.ok {
				require.NoError(t, err)
				assert.Equal(t, "VND", cur)
				return
			}
			require.ErrorIs(t, err, storage.ErrInvalidRecord)
		})
	}
}
