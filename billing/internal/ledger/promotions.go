package ledger

import (
	"context"
	"errors"
	"time"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/storage"
)

// ExpirePromotionalCredit moves the unspent balance of every promotional
// grant whose expiry has passed to income:promo_expired, up to limit grants
// per call (1–1000), one account per transaction: the promotional sweep of
// Tick. It is safe to run from several workers at once (each account's
// expiry runs under its lock, on the balances it reads there, so a balance
// expires once). Credit that comes back to an expired grant later — a hold
// released after the expiry — expires at the next run. It returns how many
// grants it expired.
func ExpirePromotionalCredit(ctx context.Context, s *core.Env, limit int) (int, error) {
	now := s.Now()
	var due []storage.LedgerBalance
	if err := s.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		var err error
		due, err = tx.Ledger().Expiring(ctx, now, limit)
		return err
	}); err != nil {
		return 0, err
	}
	accounts := map[string]bool{}
	for _, b := range due {
		accounts[b.AccountID] = true
	}
	expired := 0
	for id := range accounts {
		n := 0
		err := s.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			acct, err := core.GetAccount(ctx, tx, id, true)
			if err != nil {
				return err
			}
			ws, err := LoadWallet(ctx, tx, acct)
			if err != nil {
				return err
			}
			entries, err := ws.Wallet.PlanExpiry(now)
			if err != nil {
				return err
			}
			for _, e := range entries {
				// Credit can come back to an expired grant (a hold taken
				// before the expiry, released after) and expire again, even
				// at the same instant (a second pass of a busy Tick): each
				// expiry is an entry of its own. The account's lock keeps
				// two workers from expiring the same balance.
				if e.ID, err = s.NewID("promo_expire"); err != nil {
					return err
				}
				if _, err := AppendEntry(ctx, tx, acct, e, time.Time{}); err != nil {
					return err
				}
			}
			n = len(entries)
			return nil
		})
		switch {
		case err == nil:
			expired += n
		case errors.Is(err, storage.ErrDuplicate):
			// Another worker expired these grants first.
		default:
			return expired, err
		}
	}
	return expired, nil
}
