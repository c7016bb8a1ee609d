package outbox

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/cloudbill/cloudbill/storage"
)

func TestRecordReleasesTheClaimAndNeverOverwritesAnotherWorkers(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	down := errors.New("down")
	claimed := func(token string, until time.Time) storage.Event {
		return storage.Event{Seq: 7, ClaimToken: token, ClaimedUntil: until, Attempts: 2, NextAttemptAt: t0}
	}

	e := claimed("A", t0.Add(ClaimLease))
	assert.True(t, Record(&e, "A", nil, "", t0.Add(time.Minute)))
	assert.True(t, e.DeliveredAt.Equal(t0.Add(time.Minute)), "accepted: delivered at 09:01")
	assert.Empty(t, e.ClaimToken, "claim released")
	assert.True(t, e.ClaimedUntil.IsZero())
	assert.False(t, Record(&e, "B", nil, "", t0.Add(2*time.Minute)), "already delivered: nothing to write")

	e = claimed("A", t0.Add(ClaimLease))
	assert.True(t, Record(&e, "A", down, "down", t0.Add(time.Minute)))
	assert.Equal(t, 3, e.Attempts, "third failed attempt")
	assert.True(t, e.NextAttemptAt.Equal(t0.Add(time.Minute+40*time.Second)), "backoff after 3 failures: 40 s")
	assert.Equal(t, "down", e.LastError)
	assert.Empty(t, e.ClaimToken, "claim released: the retry waits for NextAttemptAt, not the lease")

	// A's lease ended at 09:05; B claimed at 09:06 until 09:11. A's late
	// failure is not recorded: B's delivery decides.
	e = claimed("B", t0.Add(11*time.Minute))
	assert.False(t, Record(&e, "A", down, "down", t0.Add(7*time.Minute)))
	assert.Equal(t, 2, e.Attempts)
	assert.Equal(t, "B", e.ClaimToken)
	// A's late success is recorded: the host has the event.
	assert.True(t, Record(&e, "A", nil, "", t0.Add(7*time.Minute)))
	assert.False(t, e.DeliveredAt.IsZero())
	// B's lease over too: a failure by anyone is recorded.
	e = claimed("B", t0.Add(11*time.Minute))
	assert.True(t, Record(&e, "A", down, "down", t0.Add(11*time.Minute)))
	assert.Equal(t, 3, e.Attempts)
}

func TestLeaseLostAtTheLeasesEnd(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	e := storage.Event{ClaimToken: "A", ClaimedUntil: t0.Add(ClaimLease)}
	assert.False(t, LeaseLost(e, t0.Add(ClaimLease-time.Second)), "4:59 into a 5-minute lease")
	assert.True(t, LeaseLost(e, t0.Add(ClaimLease)), "at 5:00 it has ended")
	assert.False(t, LeaseLost(storage.Event{}, t0.Add(time.Hour)), "an event read without a claim is never lost")
}
