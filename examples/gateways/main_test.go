package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestStory runs the example and checks the lines that make its points:
// VNPay's answers to a paid, a replayed and a forged IPN, the lost IPN
// recovered by the worker's query instead of an expiry, and the partial
// refund settled through VNPay.
func TestStory(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"VNPay's page (its checksum verified): Thanh toán 99000 VND",
		`code 00) ← 200 {"RspCode":"00","Message":"Confirm Success"}`,
		"return page: VNPay: the payment succeeded (transaction 14422574); our record: succeeded",
		"[resource.provision] create vserver",
		`← 200 {"RspCode":"02","Message":"Order already confirmed"}`,
		`vnp_Amount 990000000, code 00) ← 200 {"RspCode":"97","Message":"Invalid signature"}`,
		"return page: VNPay: the payment succeeded (transaction 14422575); our record: pending",
		"it asked VNPay first (querydr; VNPay's status 00): 1 reconciled, 0 expired",
		"VNPay's refund API: vnp_TransactionType 03 (partial), vnp_Amount 3000000 → refund; VNPay's status 05",
		"worker asks VNPay (querydr; VNPay's status 05): refund",
		"worker asks VNPay again (querydr; VNPay's status 00): 1 refund settled",
		"partially_refunded, 30000 VND refunded",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q\n%s", want, got)
		}
	}
	for what, n := range map[string]int{
		// One receipt and one server per paid checkout: the replay and the
		// forgery applied nothing.
		"[payment.succeeded]":    2,
		"[resource.provision]":   2,
		"VNPay → GET /vnpay/ipn": 3,
	} {
		if c := strings.Count(got, what); c != n {
			t.Errorf("%q appears %d times, want %d\n%s", what, c, n, got)
		}
	}
	if n := strings.Count(got, "\n"); n > 150 {
		t.Errorf("%d lines of output, want a readable story of at most 150", n)
	}
}
