package money

import (
	"math/big"
	"testing"

	"pgregory.net/rapid"
)

// The uint64 fast path and the arbitrary-precision path must hand out exactly
// the same parts; the public tests mostly reach only the fast path.
func TestSplitPathsAgree(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		total := rapid.Uint64().Draw(t, "total")
		raw := rapid.SliceOfN(rapid.OneOf(rapid.Uint64Range(0, 5), rapid.Uint64Range(0, 1<<60)), 1, 10).Draw(t, "weights")
		ws := make([]*big.Int, len(raw))
		sum := new(big.Int)
		for i, w := range raw {
			ws[i] = new(big.Int).SetUint64(w)
			sum.Add(sum, ws[i])
		}
		if sum.Sign() == 0 || !sum.IsUint64() {
			t.Skip("sum must be positive and fit uint64")
		}
		fast := splitUint64(total, sum.Uint64(), raw)
		slow := splitBig(new(big.Int).SetUint64(total), sum, ws)
		for i := range fast {
			if new(big.Int).SetUint64(fast[i]).Cmp(slow[i]) != 0 {
				t.Fatalf("total %d weights %v: part %d fast %d slow %s", total, raw, i, fast[i], slow[i])
			}
		}
	})
}
