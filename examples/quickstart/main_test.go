package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestQuickstartTellsTheSeedsStory runs the example and checks the numbers
// of the story it prints.
func TestQuickstartTellsTheSeedsStory(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, nil); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"vServer 2 vCPU / 4 GB RAM / 40 GB SSD: 181000 VND per 30 days",
		"subtotal 250000 VND − coupon 20000 VND = 230000 VND before VAT; VAT 23000 VND; total 253000 VND",
		"paid by Credit: payment succeeded, order paid",
		"247000 VND from credit (held) + 325000 VND through momo → pending",
		"payment succeeded (a duplicate delivery is ignored: true)",
		"provisioned 3 resources from the event outbox",
		"INV-2026-000001  paid   net 165600 VND + VAT 16560 VND = 182160 VND",
		"INV-2026-000003  paid   net 520000 VND + VAT 52000 VND = 572000 VND",
		"wallet: available 0 VND, held 0 VND",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q\n%s", want, out.String())
		}
	}
}

func TestQuickstartRejectsAnUnknownStore(t *testing.T) {
	if err := run(context.Background(), &bytes.Buffer{}, []string{"-store", "mongo"}); err == nil {
		t.Fatal("want an error for -store mongo")
	}
}
