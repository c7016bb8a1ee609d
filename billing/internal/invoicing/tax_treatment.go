package invoicing

import (
	"context"
	"encoding/json"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/storage"
)

// AuditTaxTreatmentChanged is the audit action of a change of an account's
// tax treatment.
const AuditTaxTreatmentChanged = "account.tax_treatment_changed"

// treatmentChange is the audit detail of a change of tax treatment.
type treatmentChange struct {
	From   invoice.TaxTreatment `json:"from"`
	To     invoice.TaxTreatment `json:"to"`
	Reason string               `json:"reason,omitempty"`
}

// SetTaxTreatment replaces the account's tax treatment (audited); setting
// the treatment it has (an account that chose none has the standard one)
// changes nothing and writes no audit record. req is valid.
func SetTaxTreatment(ctx context.Context, s *core.Env, tx storage.Tx, req billingtype.SetTaxTreatmentRequest) (storage.Account, error) {
	a, err := core.GetAccount(ctx, tx, req.AccountID, true)
	if err != nil {
		return storage.Account{}, err
	}
	if a.TaxTreatment.OrStandard() == req.Treatment {
		return a, nil
	}
	detail, err := json.Marshal(treatmentChange{From: a.TaxTreatment.OrStandard(), To: req.Treatment, Reason: req.Reason})
	if err != nil {
		return storage.Account{}, err
	}
	now := s.Now()
	a.TaxTreatment, a.UpdatedAt = req.Treatment, now
	if a, err = tx.Accounts().Update(ctx, a); err != nil {
		return storage.Account{}, err
	}
	_, err = tx.Audit().Append(ctx, storage.AuditRecord{AccountID: a.ID, Actor: req.Actor, Action: AuditTaxTreatmentChanged, Detail: detail, At: now})
	return a, err
}
