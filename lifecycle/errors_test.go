package lifecycle_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/lifecycle"
)

func TestErrorMessagesNameWhatWentWrong(t *testing.T) {
	end := time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC)
	termErr := period.Term{Months: -1}.Validate()
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"transition", &lifecycle.TransitionError{From: lifecycle.StateGrace, Event: lifecycle.EventResize},
			`lifecycle: illegal transition: "resize" in state "grace"`},
		{"state change", &lifecycle.StateChangeError{From: lifecycle.StateDeleted, To: lifecycle.StateActive},
			`lifecycle: no transition from "deleted" to "active"`},
		{"policy denied", &lifecycle.PolicyDeniedError{From: lifecycle.StateReleased, Event: lifecycle.EventRecover, Err: lifecycle.ErrNotRecoverable},
			`lifecycle: recover in state released refused by policy: lifecycle: product does not allow recovery`},
		{"unknown state", &lifecycle.UnknownNameError{Kind: "state", Name: "expired"}, `lifecycle: unknown state "expired"`},
		{"policy", &lifecycle.PolicyError{Field: "GraceDays", Reason: "is -1, must be 0..3660"},
			`lifecycle: invalid policy: GraceDays is -1, must be 0..3660`},
		{"policy with cause", &lifecycle.PolicyError{Field: "AutoRenewTerm", Reason: "is invalid", Err: termErr},
			`lifecycle: invalid policy: AutoRenewTerm is invalid: ` + termErr.Error()},
		{"view", &lifecycle.ViewError{Field: "End", Reason: "is required in state active"},
			`lifecycle: invalid resource view: End is required in state active`},
		{"time", &lifecycle.TimeError{Op: "resize", Now: end.Add(time.Hour), End: end, Err: lifecycle.ErrTermEnded},
			`lifecycle: resize at 2024-06-30T13:00:00Z with end 2024-06-30T12:00:00Z: lifecycle: the term has ended`},
		{"match", &lifecycle.MatchError{Index: 2, End: end, Target: end.Add(-time.Hour)},
			`lifecycle: match end time: resource 2 ends 2024-06-30T12:00:00Z, after the target 2024-06-30T11:00:00Z`},
	}
	for _, tt := range tests {
		t.Run(tt.name+" error reads "+tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.err.Error())
		})
	}
}

func TestUnknownNamesAreClippedInMessages(t *testing.T) {
	_, err := lifecycle.ParseState(strings.Repeat("x", 10000))
	assert.ErrorIs(t, err, lifecycle.ErrUnknownState)
	assert.Equal(t, `lifecycle: unknown state "`+strings.Repeat("x", 64)+`"...`, err.Error(),
		"a hostile name cannot flood logs: 64 bytes are kept")
}

func TestViewErrorForUnknownStateMatchesBoth(t *testing.T) {
	err := lifecycle.ResourceView{State: "gone"}.Validate()
	assert.ErrorIs(t, err, lifecycle.ErrInvalidView)
	assert.ErrorIs(t, err, lifecycle.ErrUnknownState)
	assert.Equal(t, `lifecycle: invalid resource view: State is not a state: lifecycle: unknown state "gone"`, err.Error())
	var ne *lifecycle.UnknownNameError
	assert.True(t, errors.As(err, &ne))
}
