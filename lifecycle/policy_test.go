package lifecycle_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/lifecycle"
)

func TestDefaultPolicyIsTheProvidersRules(t *testing.T) {
	want := lifecycle.Policy{
		GraceDays:            15,
		ReleaseAfterDays:     30,
		WarningDays:          15,
		AlertDays:            5,
		ReminderLeadDays:     7,
		ReminderEveryDays:    1,
		AutoRenewTerm:        period.Term{Months: 1},
		AutoRenewAttemptDays: []int{-7, -4, -1, 0},
		RefundOnDowngrade:    true,
		RefundOnDelete:       true,
		Recoverable:          true,
	}
	p := lifecycle.DefaultPolicy()
	if diff := cmp.Diff(want, p); diff != "" {
		t.Fatalf("DefaultPolicy (-want +got):\n%s", diff)
	}
	require.NoError(t, p.Validate())
	p.AutoRenewAttemptDays[0] = -9
	assert.Equal(t, -7, lifecycle.DefaultPolicy().AutoRenewAttemptDays[0], "each call returns a fresh policy")
}

func TestPolicyValidateRejectsEachBrokenRule(t *testing.T) {
	tests := []struct {
		name   string
		change func(p *lifecycle.Policy)
		field  string
	}{
		{"negative grace -1 is refused", func(p *lifecycle.Policy) { p.GraceDays = -1 }, "GraceDays"},
		{"grace of 3661 days exceeds the limit", func(p *lifecycle.Policy) { p.GraceDays = 3661; p.ReleaseAfterDays = 3661 }, "GraceDays"},
		{"negative release day -1 is refused", func(p *lifecycle.Policy) { p.ReleaseAfterDays = -1 }, "ReleaseAfterDays"},
		{"release at day 14 before suspension at day 15 is refused", func(p *lifecycle.Policy) { p.ReleaseAfterDays = 14 }, "ReleaseAfterDays"},
		{"negative warning days are refused", func(p *lifecycle.Policy) { p.WarningDays = -1; p.AlertDays = -2 }, "WarningDays"},
		{"negative alert days are refused", func(p *lifecycle.Policy) { p.AlertDays = -1 }, "AlertDays"},
		{"alert at 16 days above warning at 15 is refused", func(p *lifecycle.Policy) { p.AlertDays = 16 }, "AlertDays"},
		{"negative reminder lead is refused", func(p *lifecycle.Policy) { p.ReminderLeadDays = -7 }, "ReminderLeadDays"},
		{"reminders every 0 days are refused", func(p *lifecycle.Policy) { p.ReminderEveryDays = 0 }, "ReminderEveryDays"},
		{"a zero auto-renew term is refused", func(p *lifecycle.Policy) { p.AutoRenewTerm = period.Term{} }, "AutoRenewTerm"},
		{"a negative auto-renew term is refused", func(p *lifecycle.Policy) { p.AutoRenewTerm = period.Term{Months: -1} }, "AutoRenewTerm"},
		{"unsorted attempts -4, -7 are refused", func(p *lifecycle.Policy) { p.AutoRenewAttemptDays = []int{-4, -7} }, "AutoRenewAttemptDays"},
		{"repeated attempt days -1, -1 are refused", func(p *lifecycle.Policy) { p.AutoRenewAttemptDays = []int{-1, -1} }, "AutoRenewAttemptDays"},
		{"an attempt at day 15, the suspension, is refused", func(p *lifecycle.Policy) { p.AutoRenewAttemptDays = []int{0, 15} }, "AutoRenewAttemptDays"},
		{"an attempt at day 0 with no grace is refused", func(p *lifecycle.Policy) { p.GraceDays = 0 }, "AutoRenewAttemptDays"},
		{"an attempt 3661 days before the end is refused", func(p *lifecycle.Policy) { p.AutoRenewAttemptDays = []int{-3661} }, "AutoRenewAttemptDays"},
		{"33 attempts are refused", func(p *lifecycle.Policy) {
			p.AutoRenewAttemptDays = nil
			for d := -33; d < 0; d++ {
				p.AutoRenewAttemptDays = append(p.AutoRenewAttemptDays, d)
			}
		}, "AutoRenewAttemptDays"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := lifecycle.DefaultPolicy()
			tt.change(&p)
			err := p.Validate()
			require.ErrorIs(t, err, lifecycle.ErrInvalidPolicy)
			var pe *lifecycle.PolicyError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.field, pe.Field, err.Error())
			_, err = lifecycle.NewRules(p, period.Calendar{})
			require.ErrorIs(t, err, lifecycle.ErrInvalidPolicy, "NewRules validates")
		})
	}
}

func TestPolicyValidateAcceptsTheEdges(t *testing.T) {
	tests := []struct {
		name   string
		change func(p *lifecycle.Policy)
	}{
		{"no grace, release at 0 and no attempts is a valid hard stop", func(p *lifecycle.Policy) {
			p.GraceDays, p.ReleaseAfterDays, p.AutoRenewAttemptDays = 0, 0, nil
		}},
		{"release on the day grace ends skips suspension", func(p *lifecycle.Policy) { p.ReleaseAfterDays = 15 }},
		{"alert equal to warning at 5 days", func(p *lifecycle.Policy) { p.WarningDays = 5 }},
		{"an attempt at day 14 in grace", func(p *lifecycle.Policy) { p.AutoRenewAttemptDays = []int{-1, 14} }},
		{"32 attempts", func(p *lifecycle.Policy) {
			p.AutoRenewAttemptDays = nil
			for d := -32; d < 0; d++ {
				p.AutoRenewAttemptDays = append(p.AutoRenewAttemptDays, d)
			}
		}},
		{"reminders with no lead start at T", func(p *lifecycle.Policy) { p.ReminderLeadDays = 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := lifecycle.DefaultPolicy()
			tt.change(&p)
			require.NoError(t, p.Validate())
		})
	}
}

func TestZeroPolicyIsInvalid(t *testing.T) {
	require.ErrorIs(t, lifecycle.Policy{}.Validate(), lifecycle.ErrInvalidPolicy)
}

func TestBadAutoRenewTermAlsoMatchesThePeriodError(t *testing.T) {
	p := lifecycle.DefaultPolicy()
	p.AutoRenewTerm = period.Term{Days: -3}
	err := p.Validate()
	require.ErrorIs(t, err, lifecycle.ErrInvalidPolicy)
	require.ErrorIs(t, err, period.ErrInvalidTerm)
}

func TestRulesKeepTheirOwnCopyOfThePolicy(t *testing.T) {
	p := lifecycle.DefaultPolicy()
	r, err := lifecycle.NewRules(p, period.Calendar{})
	require.NoError(t, err)
	p.AutoRenewAttemptDays[0] = -6
	got := r.Policy()
	assert.Equal(t, []int{-7, -4, -1, 0}, got.AutoRenewAttemptDays, "changing the caller's slice changes nothing")
	got.AutoRenewAttemptDays[1] = -3
	assert.Equal(t, []int{-7, -4, -1, 0}, r.Policy().AutoRenewAttemptDays, "Policy returns a copy")
	if diff := cmp.Diff(lifecycle.DefaultPolicy(), lifecycle.Rules{}.Policy()); diff != "" {
		t.Errorf("zero Rules policy (-want +got):\n%s", diff)
	}
}
