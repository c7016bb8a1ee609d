package lifecycle_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/lifecycle"
)

// legal is the state table as the package documentation states it, written
// out independently of the code so that a changed row fails the tests.
var legal = map[lifecycle.State]map[lifecycle.Event]lifecycle.State{
	lifecycle.StatePendingPayment: {
		lifecycle.EventPay:    lifecycle.StateProvisioning,
		lifecycle.EventCancel: lifecycle.StateDeleted,
	},
	lifecycle.StateProvisioning: {
		lifecycle.EventProvisioned:     lifecycle.StateActive,
		lifecycle.EventProvisionFailed: lifecycle.StateProvisioningFailed,
	},
	lifecycle.StateActive: {
		lifecycle.EventTermEnded: lifecycle.StateGrace,
		lifecycle.EventRenew:     lifecycle.StateActive,
		lifecycle.EventResize:    lifecycle.StateActive,
		lifecycle.EventDelete:    lifecycle.StateDeleted,
		lifecycle.EventOverdue:   lifecycle.StateSuspended,
	},
	lifecycle.StateGrace: {
		lifecycle.EventGraceEnded: lifecycle.StateSuspended,
		lifecycle.EventRenew:      lifecycle.StateActive,
		lifecycle.EventDelete:     lifecycle.StateDeleted,
	},
	lifecycle.StateSuspended: {
		lifecycle.EventSuspensionEnded: lifecycle.StateReleased,
		lifecycle.EventRenew:           lifecycle.StateActive,
		lifecycle.EventDelete:          lifecycle.StateDeleted,
		lifecycle.EventOverduePaid:     lifecycle.StateActive,
	},
	lifecycle.StateReleased: {
		lifecycle.EventRecover: lifecycle.StateProvisioning,
	},
}

// effects is the host work of every change of state, as documented.
var effects = map[[2]lifecycle.State][]lifecycle.HostAction{
	{lifecycle.StatePendingPayment, lifecycle.StateProvisioning}:     {lifecycle.HostProvision},
	{lifecycle.StatePendingPayment, lifecycle.StateDeleted}:          nil,
	{lifecycle.StateProvisioning, lifecycle.StateActive}:             nil,
	{lifecycle.StateProvisioning, lifecycle.StateProvisioningFailed}: nil,
	{lifecycle.StateActive, lifecycle.StateGrace}:                    {lifecycle.HostRestrict},
	{lifecycle.StateActive, lifecycle.StateActive}:                   nil,
	{lifecycle.StateActive, lifecycle.StateDeleted}:                  {lifecycle.HostRelease},
	{lifecycle.StateActive, lifecycle.StateSuspended}:                {lifecycle.HostSuspend},
	{lifecycle.StateGrace, lifecycle.StateSuspended}:                 {lifecycle.HostSuspend},
	{lifecycle.StateGrace, lifecycle.StateActive}:                    {lifecycle.HostUnrestrict},
	{lifecycle.StateGrace, lifecycle.StateDeleted}:                   {lifecycle.HostRelease},
	{lifecycle.StateSuspended, lifecycle.StateReleased}:              {lifecycle.HostRelease},
	{lifecycle.StateSuspended, lifecycle.StateActive}:                {lifecycle.HostResume, lifecycle.HostUnrestrict},
	{lifecycle.StateSuspended, lifecycle.StateDeleted}:               {lifecycle.HostRelease},
	{lifecycle.StateReleased, lifecycle.StateProvisioning}:           {lifecycle.HostProvision},
}

// oddStates and oddEvents are names that must never be accepted.
var (
	oddStates = []lifecycle.State{"", "unknown", "Active", " active", "active "}
	oddEvents = []lifecycle.Event{"", "expire", "Renew", "renew\n"}
)

func TestNextEveryStateAndEventPair(t *testing.T) {
	states := append(lifecycle.States(), oddStates...)
	events := append(lifecycle.Events(), oddEvents...)
	pairs := 0
	for _, from := range states {
		for _, ev := range events {
			to, ok := legal[from][ev]
			name := fmt.Sprintf("%q on %q is illegal", ev, from)
			if ok {
				name = fmt.Sprintf("%s on %s goes to %s", ev, from, to)
			}
			t.Run(name, func(t *testing.T) {
				got, err := lifecycle.Next(from, ev)
				if ok {
					require.NoError(t, err)
					assert.Equal(t, to, got)
					return
				}
				require.ErrorIs(t, err, lifecycle.ErrIllegalTransition)
				var te *lifecycle.TransitionError
				require.ErrorAs(t, err, &te)
				assert.Equal(t, lifecycle.TransitionError{From: from, Event: ev}, *te)
				assert.Equal(t, from, got, "an illegal event leaves the state where it was")
			})
			pairs++
		}
	}
	assert.Equal(t, 13*17, pairs)
}

func TestTransitionsTableHasTheSeventeenDocumentedRows(t *testing.T) {
	rows := lifecycle.Transitions()
	require.Len(t, rows, 17)
	seen := map[lifecycle.Transition]bool{}
	for _, r := range rows {
		assert.Equal(t, legal[r.From][r.Event], r.To, "%+v", r)
		assert.False(t, seen[r], "duplicate row %+v", r)
		seen[r] = true
	}
	rows[0].To = lifecycle.StateDeleted
	assert.Equal(t, lifecycle.StateProvisioning, lifecycle.Transitions()[0].To, "Transitions returns a copy")
}

func TestEffectsEveryStatePair(t *testing.T) {
	states := append(lifecycle.States(), oddStates...)
	pairs := 0
	for _, from := range states {
		for _, to := range states {
			want, ok := effects[[2]lifecycle.State{from, to}]
			name := fmt.Sprintf("%q to %q is no transition", from, to)
			if ok {
				name = fmt.Sprintf("%s to %s asks the host for %v", from, to, want)
			}
			t.Run(name, func(t *testing.T) {
				got, err := lifecycle.Effects(from, to)
				if ok {
					require.NoError(t, err)
					assert.Equal(t, want, got)
					return
				}
				require.ErrorIs(t, err, lifecycle.ErrIllegalTransition)
				var se *lifecycle.StateChangeError
				require.ErrorAs(t, err, &se)
				assert.Equal(t, lifecycle.StateChangeError{From: from, To: to}, *se)
				assert.Nil(t, got)
			})
			pairs++
		}
	}
	assert.Equal(t, 13*13, pairs)
}

func TestEveryTransitionRowHasEffectsAndEveryEffectARow(t *testing.T) {
	connected := map[[2]lifecycle.State]bool{}
	for _, r := range lifecycle.Transitions() {
		connected[[2]lifecycle.State{r.From, r.To}] = true
		_, err := lifecycle.Effects(r.From, r.To)
		assert.NoError(t, err, "%+v", r)
	}
	assert.Len(t, connected, len(effects), "one effects entry per connected pair")
	for pair := range effects {
		assert.True(t, connected[pair], "effects for %v, which no row connects", pair)
	}
}

func TestEffectsResultIsTheCallersToKeep(t *testing.T) {
	got, err := lifecycle.Effects(lifecycle.StateSuspended, lifecycle.StateActive)
	require.NoError(t, err)
	got[0] = lifecycle.HostRelease
	again, err := lifecycle.Effects(lifecycle.StateSuspended, lifecycle.StateActive)
	require.NoError(t, err)
	assert.Equal(t, []lifecycle.HostAction{lifecycle.HostResume, lifecycle.HostUnrestrict}, again)
}

func TestEveryHostActionIsUsedAndValid(t *testing.T) {
	used := map[lifecycle.HostAction]bool{}
	for _, as := range effects {
		for _, a := range as {
			used[a] = true
		}
	}
	for _, a := range lifecycle.HostActions() {
		assert.True(t, a.Valid(), a)
		assert.True(t, used[a], "%s is never asked for", a)
	}
	assert.False(t, lifecycle.HostAction("stop").Valid())
	assert.False(t, lifecycle.HostAction("").Valid())
}

func TestTerminalStatesAreDeletedAndProvisioningFailed(t *testing.T) {
	terminal := map[lifecycle.State]bool{lifecycle.StateDeleted: true, lifecycle.StateProvisioningFailed: true}
	for _, s := range append(lifecycle.States(), oddStates...) {
		t.Run(fmt.Sprintf("%q terminal is %v", s, terminal[s]), func(t *testing.T) {
			assert.Equal(t, terminal[s], s.Terminal())
			_, hasRows := legal[s]
			assert.Equal(t, s.Valid() && !hasRows, s.Terminal())
		})
	}
}

func TestScheduledStatesAreActiveGraceSuspended(t *testing.T) {
	want := map[lifecycle.State]bool{lifecycle.StateActive: true, lifecycle.StateGrace: true, lifecycle.StateSuspended: true}
	for _, s := range append(lifecycle.States(), oddStates...) {
		assert.Equal(t, want[s], s.Scheduled(), "%q", s)
	}
}

func TestParseStateAndEventAcceptExactlyTheNames(t *testing.T) {
	wantStates := []string{"pending_payment", "provisioning", "active", "grace", "suspended",
		"released", "deleted", "provisioning_failed"}
	for i, s := range lifecycle.States() {
		assert.Equal(t, wantStates[i], string(s), "state names are stored and never change")
		got, err := lifecycle.ParseState(wantStates[i])
		require.NoError(t, err)
		assert.Equal(t, s, got)
	}
	wantEvents := []string{"pay", "cancel", "provisioned", "provision_failed", "term_ended",
		"grace_ended", "suspension_ended", "renew", "resize", "delete", "recover", "overdue", "overdue_paid"}
	for i, e := range lifecycle.Events() {
		assert.Equal(t, wantEvents[i], string(e), "event names are stored and never change")
		got, err := lifecycle.ParseEvent(wantEvents[i])
		require.NoError(t, err)
		assert.Equal(t, e, got)
	}
	for _, s := range oddStates {
		t.Run(fmt.Sprintf("state %q is refused", s), func(t *testing.T) {
			_, err := lifecycle.ParseState(string(s))
			require.ErrorIs(t, err, lifecycle.ErrUnknownState)
			assert.NotErrorIs(t, err, lifecycle.ErrUnknownEvent)
			var ne *lifecycle.UnknownNameError
			require.ErrorAs(t, err, &ne)
			assert.Equal(t, lifecycle.UnknownNameError{Kind: "state", Name: string(s)}, *ne)
		})
	}
	for _, e := range oddEvents {
		t.Run(fmt.Sprintf("event %q is refused", e), func(t *testing.T) {
			_, err := lifecycle.ParseEvent(string(e))
			require.ErrorIs(t, err, lifecycle.ErrUnknownEvent)
			assert.NotErrorIs(t, err, lifecycle.ErrUnknownState)
		})
	}
}

func TestRulesNextGuardsRecoveryByPolicy(t *testing.T) {
	allow := lifecycle.DefaultPolicy()
	deny := lifecycle.DefaultPolicy()
	deny.Recoverable = false
	cal := period.Calendar{}
	tests := []struct {
		name    string
		policy  lifecycle.Policy
		from    lifecycle.State
		ev      lifecycle.Event
		want    lifecycle.State
		wantErr error
	}{
		{"recover of released with recovery allowed provisions again", allow, lifecycle.StateReleased, lifecycle.EventRecover, lifecycle.StateProvisioning, nil},
		{"recover of released with recovery off is refused by policy", deny, lifecycle.StateReleased, lifecycle.EventRecover, lifecycle.StateReleased, lifecycle.ErrNotRecoverable},
		{"recover of active is illegal whatever the policy", allow, lifecycle.StateActive, lifecycle.EventRecover, lifecycle.StateActive, lifecycle.ErrIllegalTransition},
		{"renew of suspended is not guarded", deny, lifecycle.StateSuspended, lifecycle.EventRenew, lifecycle.StateActive, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := lifecycle.NewRules(tt.policy, cal)
			require.NoError(t, err)
			got, err := r.Next(tt.from, tt.ev)
			assert.Equal(t, tt.want, got)
			if tt.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			if tt.wantErr == lifecycle.ErrNotRecoverable {
				var pe *lifecycle.PolicyDeniedError
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, lifecycle.StateReleased, pe.From)
				assert.Equal(t, lifecycle.EventRecover, pe.Event)
			}
		})
	}
	got, err := lifecycle.Rules{}.Next(lifecycle.StateReleased, lifecycle.EventRecover)
	require.NoError(t, err, "the zero Rules uses the default policy, which allows recovery")
	assert.Equal(t, lifecycle.StateProvisioning, got)
}

// EffectsOf tells the host what the event did: a resource the overdue
// schedule suspended straight from active is only resumed when its bill
// is paid, while a resource suspended after grace is also unrestricted.
func TestEffectsOfAnOverduePaymentResumeOnly(t *testing.T) {
	got, err := lifecycle.EffectsOf(lifecycle.EventOverduePaid, lifecycle.StateSuspended, lifecycle.StateActive)
	require.NoError(t, err)
	require.Equal(t, []lifecycle.HostAction{lifecycle.HostResume}, got)
	got, err = lifecycle.EffectsOf(lifecycle.EventOverdue, lifecycle.StateActive, lifecycle.StateSuspended)
	require.NoError(t, err)
	require.Equal(t, []lifecycle.HostAction{lifecycle.HostSuspend}, got)
	want, err := lifecycle.Effects(lifecycle.StateSuspended, lifecycle.StateActive)
	require.NoError(t, err)
	got, err = lifecycle.EffectsOf(lifecycle.EventRenew, lifecycle.StateSuspended, lifecycle.StateActive)
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Equal(t, []lifecycle.HostAction{lifecycle.HostResume, lifecycle.HostUnrestrict}, got)
}
