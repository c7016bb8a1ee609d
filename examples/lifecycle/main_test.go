package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestLifecycleWalk runs the example and checks the rules its story shows.
func TestLifecycleWalk(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"resize C up 181,000 → 520,000 with 50 days left: difference 565000 VND, paid 565000 VND",
		"auto_renew_succeeded",
		"auto_renew_failed",
		"active → grace",
		"A is suspended",
		"manual renewal of A: active, until 2026-03-11",
		"difference -226000 VND, refunded 226000 VND to credit",
		"unused value 120667 VND, refunded 120667 VND",
		"host: resource.resume",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q\n%s", want, out.String())
		}
	}
	if n := strings.Count(out.String(), "auto_renew_failed"); n != 4 {
		t.Errorf("%d failed renewal notices, want 4 (T−7, T−4, T−1, T)\n%s", n, out.String())
	}
}
