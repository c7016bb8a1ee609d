package invoice

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/cloudbill/cloudbill/billing/period"
)

// ActionKind is what a user, operator or the lifecycle did to a resource.
// The names are stored, so they never change; new kinds are only ever added.
type ActionKind string

// The kinds of action recorded in the action log.
const (
	// ActionCreate: a resource was bought; a new invoice.
	ActionCreate ActionKind = "create"
	// ActionRenew: the term was extended from its current end; a new
	// invoice, same configuration, new period.
	ActionRenew ActionKind = "renew"
	// ActionResize: the configuration changed mid-term; the current
	// invoice is adjusted (a credit note) and a new one issued.
	ActionResize ActionKind = "resize"
	// ActionRecover: a released resource was bought back with its old
	// configuration; a new invoice.
	ActionRecover ActionKind = "recover"
	// ActionDelete: the user deleted the resource; a credit note when
	// unused value is refunded.
	ActionDelete ActionKind = "delete"
	// ActionMatchEndTime: the end time was aligned with other resources;
	// billed like a renewal.
	ActionMatchEndTime ActionKind = "match_end_time"
	// ActionAutoRenewOn: automatic renewal was switched on.
	ActionAutoRenewOn ActionKind = "auto_renew_on"
	// ActionAutoRenewOff: automatic renewal was switched off.
	ActionAutoRenewOff ActionKind = "auto_renew_off"
	// ActionSuspend: the resource was stopped, its data kept.
	ActionSuspend ActionKind = "suspend"
	// ActionResume: a suspended resource was started again.
	ActionResume ActionKind = "resume"
	// ActionRelease: the resource and its data were deleted at the end of
	// the retention time.
	ActionRelease ActionKind = "release"
	// ActionProvisionFailed: the resource could not be provisioned; the
	// payment is refunded.
	ActionProvisionFailed ActionKind = "provision_failed"
)

// ActionKinds returns every action kind.
func ActionKinds() []ActionKind {
	return []ActionKind{ActionCreate, ActionRenew, ActionResize, ActionRecover, ActionDelete,
		ActionMatchEndTime, ActionAutoRenewOn, ActionAutoRenewOff, ActionSuspend, ActionResume,
		ActionRelease, ActionProvisionFailed}
}

// Valid reports whether k is one of the kinds above.
func (k ActionKind) Valid() bool { return slices.Contains(ActionKinds(), k) }

// Configuration is a resource's configuration as the action log records it:
// an optional plan and component quantities (the shape of a catalog
// configuration). A component with quantity 0 is the same as one left out.
type Configuration struct {
	// Plan is the plan id, or "" for none.
	Plan string `json:"plan,omitempty"`
	// Components maps component ids to quantities, each 0..MaxQuantity.
	Components map[string]int64 `json:"components,omitempty"`
}

// Clone returns a copy of c that shares no map with it.
func (c Configuration) Clone() Configuration {
	c.Components = maps.Clone(c.Components)
	return c
}

// IsZero reports whether c records nothing: no plan and no non-zero
// component.
func (c Configuration) IsZero() bool {
	if c.Plan != "" {
		return false
	}
	for _, q := range c.Components {
		if q != 0 {
			return false
		}
	}
	return true
}

// Equal reports whether c and o have the same plan and the same non-zero
// component quantities; go-cmp uses it.
func (c Configuration) Equal(o Configuration) bool {
	if c.Plan != o.Plan {
		return false
	}
	for id, q := range c.Components {
		if o.Components[id] != q {
			return false
		}
	}
	for id, q := range o.Components {
		if c.Components[id] != q {
			return false
		}
	}
	return true
}

// Action is one record of the action log: who did what to which resource,
// when, and what changed. Every action on a resource is recorded, in the
// same storage transaction as its effect; InvoiceID links the invoice or
// credit note it produced, if any.
type Action struct {
	// ID, AccountID and ResourceID are required ids.
	ID         string `json:"id"`
	AccountID  string `json:"account_id"`
	ResourceID string `json:"resource_id"`
	// Kind is what was done.
	Kind ActionKind `json:"kind"`
	// Actor is who did it, e.g. "user:u_42", "operator:ops_7" or
	// "system:lifecycle"; required, an id without spaces.
	Actor string `json:"actor"`
	// At is when, from the host's clock.
	At time.Time `json:"at"`
	// OldConfiguration and NewConfiguration are the configuration before
	// and after; zero when the kind does not involve one.
	OldConfiguration Configuration `json:"old_configuration,omitzero"`
	NewConfiguration Configuration `json:"new_configuration,omitzero"`
	// OldPeriod and NewPeriod are the billed term before and after (the
	// zero Span when not relevant); non-zero spans have Start before End.
	OldPeriod period.Span `json:"old_period,omitzero"`
	NewPeriod period.Span `json:"new_period,omitzero"`
	// InvoiceID is the invoice or credit note the action produced, or "".
	InvoiceID string `json:"invoice_id,omitempty"`
	// Note is optional free text, e.g. why an operator acted.
	Note string `json:"note,omitempty"`
}

// Clone returns a copy of a that shares no map with it.
func (a Action) Clone() Action {
	a.OldConfiguration = a.OldConfiguration.Clone()
	a.NewConfiguration = a.NewConfiguration.Clone()
	return a
}

// Validate checks a and returns an *ActionError (ErrInvalidAction) naming
// the first field that breaks a rule. Every action needs its ids, a known
// kind, an actor and a time; configurations have id-like plan and component
// names and quantities in 0..MaxQuantity; periods are zero or have Start
// before End. By kind:
//
//   - create: a new configuration and period, and no old ones;
//   - recover: a new configuration and period;
//   - renew, match_end_time: a new period;
//   - resize: old and new configurations that differ;
//   - the others need nothing more.
func (a Action) Validate() error {
	for _, f := range []struct{ name, id string }{{"ID", a.ID}, {"AccountID", a.AccountID}, {"ResourceID", a.ResourceID}, {"Actor", a.Actor}} {
		if p := idProblem(f.id); p != "" {
			return &ActionError{Field: f.name, Reason: p}
		}
	}
	if !a.Kind.Valid() {
		return &ActionError{Field: "Kind", Reason: fmt.Sprintf("%q is not an action kind", clip(string(a.Kind)))}
	}
	if a.At.IsZero() {
		return &ActionError{Field: "At", Reason: "is the zero time"}
	}
	if a.InvoiceID != "" {
		if p := idProblem(a.InvoiceID); p != "" {
			return &ActionError{Field: "InvoiceID", Reason: p}
		}
	}
	if p := textProblem(a.Note, false); p != "" {
		return &ActionError{Field: "Note", Reason: p}
	}
	for _, f := range []struct {
		name string
		c    Configuration
	}{{"OldConfiguration", a.OldConfiguration}, {"NewConfiguration", a.NewConfiguration}} {
		if err := checkConfiguration(f.name, f.c); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		name string
		p    period.Span
	}{{"OldPeriod", a.OldPeriod}, {"NewPeriod", a.NewPeriod}} {
		if p := periodProblem(f.p); p != "" {
			return &ActionError{Field: f.name, Reason: p}
		}
	}
	return a.checkKindRules()
}

// checkKindRules checks what each kind of action must record.
func (a Action) checkKindRules() error {
	needs := func(field string, missing bool) error {
		if missing {
			return &ActionError{Field: field, Reason: "is required for " + string(a.Kind)}
		}
		return nil
	}
	noNewPeriod := a.NewPeriod.Start.IsZero() // periodProblem: both or neither set
	switch a.Kind {
	case ActionCreate:
		if !a.OldConfiguration.IsZero() {
			return &ActionError{Field: "OldConfiguration", Reason: "is set on create, which has no before"}
		}
		if !a.OldPeriod.Start.IsZero() {
			return &ActionError{Field: "OldPeriod", Reason: "is set on create, which has no before"}
		}
		fallthrough
	case ActionRecover:
		if err := needs("NewConfiguration", a.NewConfiguration.IsZero()); err != nil {
			return err
		}
		return needs("NewPeriod", noNewPeriod)
	case ActionRenew, ActionMatchEndTime:
		return needs("NewPeriod", noNewPeriod)
	case ActionResize:
		if err := needs("OldConfiguration", a.OldConfiguration.IsZero()); err != nil {
			return err
		}
		if err := needs("NewConfiguration", a.NewConfiguration.IsZero()); err != nil {
			return err
		}
		if a.OldConfiguration.Equal(a.NewConfiguration) {
			return &ActionError{Field: "NewConfiguration", Reason: "equals OldConfiguration: a resize changes something"}
		}
	}
	return nil
}

// checkConfiguration checks one configuration named name.
func checkConfiguration(name string, c Configuration) error {
	if c.Plan != "" {
		if p := idProblem(c.Plan); p != "" {
			return &ActionError{Field: name + ".Plan", Reason: p}
		}
	}
	// Sorted, so that the error names the same component every time.
	for _, id := range slices.Sorted(maps.Keys(c.Components)) {
		if p := idProblem(id); p != "" {
			return &ActionError{Field: name + ".Components", Reason: fmt.Sprintf("component id %q %s", clip(id), p)}
		}
		if q := c.Components[id]; q < 0 || q > MaxQuantity {
			return &ActionError{Field: name + ".Components", Reason: fmt.Sprintf("%q has quantity %d, not in [0, %d]", clip(id), q, int64(MaxQuantity))}
		}
	}
	return nil
}
