package core

import (
	"context"
	"log/slog"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
)

// MaxReason bounds the failure reasons the worker stores and reports, in
// bytes.
const MaxReason = 500

// Sweep is what one of Tick's sweeps did with its page of items.
type Sweep struct {
	// Done counts the items handled (expired, answered, delivered).
	Done int
	// Full reports that the page held limit items: more may be due.
	Full bool
	// Reconciled counts the items the gateway's answer to a status query
	// settled or ended (the expiry sweep's reconciliation).
	Reconciled int
	// Failures are the items that failed, recorded for a retry.
	Failures []billingtype.ItemFailure
}

// RetryBackoff is the worker's wait after the n-th failed try in a row of
// an item: Config.RetryDelay, doubled for each further failure, capped at
// Config.MaxRetryDelay.
func (s *Env) RetryBackoff(n int) time.Duration {
	d := s.Cfg.RetryDelay
	for i := 1; i < n && d < s.Cfg.MaxRetryDelay; i++ {
		d *= 2
	}
	return min(d, s.Cfg.MaxRetryDelay)
}

// LogFailure tells the host's logger about an item the worker will retry.
func (s *Env) LogFailure(ctx context.Context, f billingtype.ItemFailure) {
	s.Log.LogAttrs(ctx, slog.LevelWarn, "billing: worker item failed; it will be retried",
		slog.String("kind", string(f.Kind)), slog.String("id", f.ID), slog.String("account", f.AccountID),
		slog.Int("attempts", f.Attempts), slog.Time("retry_at", f.RetryAt), slog.String("reason", f.Reason))
}

// Failed is the ItemFailure of an item that has just failed its
// attempts-th try in a row at now: the cause as its reason, cut to
// MaxReason bytes of valid UTF-8 (stores keep it as text), and its next try
// after RetryBackoff(attempts). The worker's sweeps (payments, resources,
// postpaid jobs) record every failure through it, each in its own record.
func (s *Env) Failed(kind billingtype.ItemKind, id, accountID string, attempts int, cause error, now time.Time) billingtype.ItemFailure {
	return billingtype.ItemFailure{Kind: kind, ID: id, AccountID: accountID, Reason: Truncate(cause.Error(), MaxReason),
		Attempts: attempts, RetryAt: now.Add(s.RetryBackoff(attempts))}
}
