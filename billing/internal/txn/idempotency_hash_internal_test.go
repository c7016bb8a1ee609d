package txn

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"
)

// requestHash must hash exactly json.Marshal's bytes, as it always did, so
// that keys stored before keep matching their requests.
func TestRequestHashMatchesMarshal(t *testing.T) {
	reqs := []any{
		nil,
		"a\nb",
		map[string]any{"z": 1, "a": []string{"<tag>", "x\n"}, "m": "&"},
		struct {
			ID    string
			Items []int
		}{"ord_1\n", []int{1, 2, 3}},
	}
	for _, req := range reqs {
		body, err := json.Marshal(struct {
			Op  string `json:"op"`
			Req any    `json:"req"`
		}{"checkout", req})
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(body)
		want := hex.EncodeToString(sum[:])
		got, err := requestHash("checkout", req)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("requestHash(%#v) = %s, want %s (sha256 of %s)", req, got, want, body)
		}
	}
	if _, err := requestHash("x", func() {}); err == nil {
		t.Error("an unencodable request must fail")
	}
}
