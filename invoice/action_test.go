package invoice_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice"
)

// baseAction is a valid resize: 2 vCPU / 4 GB to 4 vCPU / 8 GB.
func baseAction() invoice.Action {
	return invoice.Action{
		ID: "act_1", AccountID: "acc_1", ResourceID: "res_1", Kind: invoice.ActionResize,
		Actor: "user:u_42", At: t0,
		OldConfiguration: invoice.Configuration{Components: map[string]int64{"vcpu": 2, "ram_gb": 4}},
		NewConfiguration: invoice.Configuration{Components: map[string]int64{"vcpu": 4, "ram_gb": 8}},
		InvoiceID:        "inv_1",
	}
}

func TestActionValidate(t *testing.T) {
	term := span30()
	cfg := invoice.Configuration{Plan: "s2", Components: map[string]int64{"disk_gb": 40}}
	valid := []struct {
		name string
		a    invoice.Action
	}{
		{"a resize with two configurations", baseAction()},
		{"a create with a configuration and a period", invoice.Action{ID: "a", AccountID: "b", ResourceID: "c",
			Kind: invoice.ActionCreate, Actor: "user:u_1", At: t0, NewConfiguration: cfg, NewPeriod: term}},
		{"a recover with the old configuration as the new one", invoice.Action{ID: "a", AccountID: "b", ResourceID: "c",
			Kind: invoice.ActionRecover, Actor: "user:u_1", At: t0, OldConfiguration: cfg, NewConfiguration: cfg, NewPeriod: term}},
		{"a renewal with old and new periods", invoice.Action{ID: "a", AccountID: "b", ResourceID: "c",
			Kind: invoice.ActionRenew, Actor: "system:auto_renew", At: t0, OldPeriod: term,
			NewPeriod: period.Span{Start: term.End, End: term.End.Add(30 * 24 * time.Hour)}}},
		{"a suspension by the lifecycle with a note", invoice.Action{ID: "a", AccountID: "b", ResourceID: "c",
			Kind: invoice.ActionSuspend, Actor: "system:lifecycle", At: t0, Note: "15 days after the end of the term"}},
	}
	for _, tt := range valid {
		t.Run(tt.name+" is valid", func(t *testing.T) {
			require.NoError(t, tt.a.Validate())
		})
	}
	for _, k := range invoice.ActionKinds() {
		t.Run(string(k)+" is a valid kind", func(t *testing.T) { assert.True(t, k.Valid()) })
	}
	bad := []struct {
		name   string
		change func(*invoice.Action)
		field  string
	}{
		{"an empty id", func(a *invoice.Action) { a.ID = "" }, "ID"},
		{"an empty account", func(a *invoice.Action) { a.AccountID = "" }, "AccountID"},
		{"an empty resource", func(a *invoice.Action) { a.ResourceID = "" }, "ResourceID"},
		{"an empty actor", func(a *invoice.Action) { a.Actor = "" }, "Actor"},
		{"an actor with a space", func(a *invoice.Action) { a.Actor = "John Smith" }, "Actor"},
		{"an unknown kind", func(a *invoice.Action) { a.Kind = "upgrade" }, "Kind"},
		{"a capitalised kind", func(a *invoice.Action) { a.Kind = "Resize" }, "Kind"},
		{"the zero time", func(a *invoice.Action) { a.At = time.Time{} }, "At"},
		{"an invoice id with a newline", func(a *invoice.Action) { a.InvoiceID = "inv\n1" }, "InvoiceID"},
		{"a note of 2,001 bytes", func(a *invoice.Action) { a.Note = strings.Repeat("n", 2001) }, "Note"},
		{"a negative component quantity", func(a *invoice.Action) { a.NewConfiguration.Components["vcpu"] = -4 }, "NewConfiguration.Components"},
		{"an absurd component quantity", func(a *invoice.Action) { a.NewConfiguration.Components["vcpu"] = 1 << 62 }, "NewConfiguration.Components"},
		{"an empty component id", func(a *invoice.Action) { a.OldConfiguration.Components[""] = 1 }, "OldConfiguration.Components"},
		{"a plan with a space", func(a *invoice.Action) { a.NewConfiguration.Plan = "big plan" }, "NewConfiguration.Plan"},
		{"an inverted period", func(a *invoice.Action) { a.NewPeriod = period.Span{Start: t0, End: t0.Add(-time.Hour)} }, "NewPeriod"},
		{"a period with only an end", func(a *invoice.Action) { a.OldPeriod = period.Span{End: t0} }, "OldPeriod"},
		{"a resize without an old configuration", func(a *invoice.Action) { a.OldConfiguration = invoice.Configuration{} }, "OldConfiguration"},
		{"a resize to the same configuration", func(a *invoice.Action) {
			a.NewConfiguration = invoice.Configuration{Components: map[string]int64{"vcpu": 2, "ram_gb": 4, "gpu": 0}}
		}, "NewConfiguration"},
		{"a create with an old configuration", func(a *invoice.Action) { a.Kind = invoice.ActionCreate; a.NewPeriod = span30() }, "OldConfiguration"},
		{"a create with an old period", func(a *invoice.Action) {
			a.Kind = invoice.ActionCreate
			a.OldConfiguration = invoice.Configuration{}
			a.OldPeriod, a.NewPeriod = span30(), span30()
		}, "OldPeriod"},
		{"a create without a period", func(a *invoice.Action) { a.Kind = invoice.ActionCreate; a.OldConfiguration = invoice.Configuration{} }, "NewPeriod"},
		{"a recover without a configuration", func(a *invoice.Action) {
			a.Kind = invoice.ActionRecover
			a.NewConfiguration = invoice.Configuration{Components: map[string]int64{"vcpu": 0}}
			a.NewPeriod = span30()
		}, "NewConfiguration"},
		{"a renewal without a new period", func(a *invoice.Action) { a.Kind = invoice.ActionRenew }, "NewPeriod"},
		{"a match of end times without a new period", func(a *invoice.Action) { a.Kind = invoice.ActionMatchEndTime }, "NewPeriod"},
	}
	for _, tt := range bad {
		t.Run(tt.name+" is refused", func(t *testing.T) {
			a := baseAction()
			tt.change(&a)
			err := a.Validate()
			require.ErrorIs(t, err, invoice.ErrInvalidAction)
			var ae *invoice.ActionError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.field, ae.Field, "%v", err)
		})
	}
}

func TestActionStoredNamesNeverChange(t *testing.T) {
	want := []string{"create", "renew", "resize", "recover", "delete", "match_end_time", "auto_renew_on",
		"auto_renew_off", "suspend", "resume", "release", "provision_failed"}
	got := make([]string, 0, len(want))
	for _, k := range invoice.ActionKinds() {
		got = append(got, string(k))
	}
	assert.Equal(t, want, got)
}

func TestConfiguration(t *testing.T) {
	a := invoice.Configuration{Plan: "s2", Components: map[string]int64{"vcpu": 2}}
	assert.True(t, a.Equal(invoice.Configuration{Plan: "s2", Components: map[string]int64{"vcpu": 2, "gpu": 0}}),
		"a zero component is the same as none")
	assert.False(t, a.Equal(invoice.Configuration{Plan: "s4", Components: map[string]int64{"vcpu": 2}}))
	assert.False(t, a.Equal(invoice.Configuration{Plan: "s2", Components: map[string]int64{"vcpu": 4}}))
	assert.False(t, a.Equal(invoice.Configuration{Plan: "s2"}))
	assert.True(t, invoice.Configuration{Components: map[string]int64{"vcpu": 0}}.IsZero())
	assert.False(t, a.IsZero())

	act := baseAction()
	c := act.Clone()
	c.NewConfiguration.Components["vcpu"] = 64
	assert.Equal(t, int64(4), act.NewConfiguration.Components["vcpu"], "a clone shares no map")
	assert.Empty(t, cmp.Diff(baseAction(), act), "go-cmp compares actions by value")
}
