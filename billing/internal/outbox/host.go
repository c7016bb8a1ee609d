package outbox

import (
	"context"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

// HostEffects emits the events the host must act on for a state change.
func HostEffects(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, from, to lifecycle.State) error {
	if from == to {
		return nil
	}
	actions, err := lifecycle.Effects(from, to)
	if err != nil {
		return err
	}
	return EmitHostActions(ctx, s, tx, acct, r, from, to, actions)
}

// EmitHostActions writes one host event per action of a move from → to.
func EmitHostActions(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, from, to lifecycle.State,
	actions []lifecycle.HostAction) error {
	for _, a := range actions {
		kind, ok := map[lifecycle.HostAction]billingtype.EventKind{
			lifecycle.HostProvision: billingtype.EventProvision, lifecycle.HostRestrict: billingtype.EventRestrict, lifecycle.HostUnrestrict: billingtype.EventUnrestrict,
			lifecycle.HostSuspend: billingtype.EventSuspend, lifecycle.HostResume: billingtype.EventResume, lifecycle.HostRelease: billingtype.EventRelease,
		}[a]
		if !ok {
			continue
		}
		if err := Emit(ctx, s, tx, acct.ID, r.ID, kind, "", Zoned(s, acct, billingtype.StatePayload{ResourceID: r.ID, From: from, To: to, PeriodEnd: r.PeriodEnd})); err != nil {
			return err
		}
	}
	return nil
}
