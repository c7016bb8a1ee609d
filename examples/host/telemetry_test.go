package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestTelemetryLeavesTheStoryUnchanged runs the story twice, the second
// time exporting spans and metrics to a buffer: the story prints the same
// lines, and the export holds the checkout's spans, a tick's sweeps, the
// gateway's calls and the operations metric.
func TestTelemetryLeavesTheStoryUnchanged(t *testing.T) {
	var plain, traced, exported bytes.Buffer
	if _, err := run(context.Background(), &plain); err != nil {
		t.Fatal(err)
	}
	on, shutdown, err := stdoutTelemetry(&exported)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run(context.Background(), &traced, on); err != nil {
		t.Fatal(err)
	}
	if err := shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if plain.String() != traced.String() {
		t.Errorf("the story changed with telemetry on")
	}
	for _, want := range []string{`"Name":"billing.Checkout"`, `"Name":"billing.tick.resources"`, `"Name":"gateway.CreatePayment"`,
		`"Name":"cloudbill.operations"`, `"Name":"cloudbill.outbox.lag"`} {
		if !strings.Contains(exported.String(), want) {
			t.Errorf("the export has no %s", want)
		}
	}
}
