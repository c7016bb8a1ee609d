package outbox

import (
	"context"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

// Notify writes a customer notice to the outbox. key (a lifecycle work
// key) makes the event id stable: one notice per resource and work.
func Notify(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, kind billingtype.NoticeKind, key, detail string) error {
	id := ""
	if key != "" {
		id = "notice:" + r.ID + ":" + string(kind) + ":" + key
	}
	p := billingtype.NoticePayload{Notice: kind, ResourceID: r.ID, ProductID: r.ProductID, State: lifecycle.State(r.Status), PeriodEnd: r.PeriodEnd, Detail: detail}
	if lifecycle.State(r.Status).Scheduled() {
		p.Status = s.Rules(acct, r.ProductID).BillingStatus(r.PeriodEnd, s.Now())
	}
	return Emit(ctx, s, tx, acct.ID, r.ID, billingtype.EventNotice, id, Zoned(s, acct, p))
}
