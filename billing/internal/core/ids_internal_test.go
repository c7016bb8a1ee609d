package core

import (
	"bytes"
	"encoding/base32"
	"math/rand/v2"
	"strings"
	"testing"
)

// NewID must spell ids exactly as lower-case unpadded base32 of the random
// bytes, as ids were always spelled.
func TestNewIDIsLowerBase32(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		var b [10]byte
		for i := range b {
			b[i] = byte(r.UintN(256))
		}
		s := &Env{Cfg: Settings{Random: bytes.NewReader(b[:])}}
		got, err := s.NewID("pay")
		if err != nil {
			t.Fatal(err)
		}
		want := "pay_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
		if got != want {
			t.Fatalf("NewID(%x) = %q, want %q", b, got, want)
		}
	}
}
