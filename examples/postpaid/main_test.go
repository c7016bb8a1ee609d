package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
)

// TestPostpaidStory runs the example and checks the facts its story shows.
func TestPostpaidStory(t *testing.T) {
	var out bytes.Buffer
	f, err := run(context.Background(), &out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	checks := []struct {
		what string
		ok   bool
	}{
		{"April's close issues one bill per resource", f.BillsIssued == 2},
		{"a partial payment leaves the bill partially paid", f.PartialStatus == invoice.StatusPartiallyPaid},
		{"the 09:00 run collects both bills", f.Collected == 2},
		{"three overdue charge attempts (T, T+7, T+14)", f.OverdueCharges == 3},
		{"suspension at T+15", f.Suspended},
		{"a checkout refused with ErrAccountOverdue", f.Refused},
		{"resumption after paying", f.Resumed && f.FinalState == lifecycle.StateActive},
		{"five hold_short notices", f.HoldShort == 5},
		{"usage.stop after 5 short days", f.UsageStop != nil && f.UsageStop.ShortDays == 5 && len(f.UsageStop.ResourceIDs) == 1},
		{"beta's wallet agrees with its history", f.WalletBalanced},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: not so (facts %+v)", c.what, f)
		}
	}
	for _, want := range []string{
		"5.56 GB, billed 5 × 1000 VND = 5000 VND",
		"16678 min; 1 × 181000 VND",
		"partially_paid",
		"invoice.collected for acme",
		"resource.suspend",
		"resource.resume",
		"usage.stop",
		"the ledger balances",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q\n%s", want, out.String())
		}
	}
	if n := strings.Count(out.String(), "\n"); n > 300 {
		t.Errorf("%d lines of output, want a readable few hundred at most", n)
	}
}
