package ledger

import (
	"time"

	"github.com/cloudbill/cloudbill/payment"
)

// holdEntryID names the hold entry made by the computation at t: one hold
// is active at a time, and the job's Since says which.
func HoldEntryID(accountID string, t time.Time) string {
	return EntryID(payment.EntryHold, "usage:"+accountID+":"+t.UTC().Format("20060102T150405Z"))
}
