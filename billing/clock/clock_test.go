package clock_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/cloudbill/cloudbill/billing/clock"
)

func TestManualMovesOnlyWhenTold(t *testing.T) {
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	c := clock.NewManual(start)
	assert.Equal(t, start, c.Now())
	assert.Equal(t, start, c.Now(), "reading does not move it")
	assert.Equal(t, start.Add(36*time.Hour), c.Advance(36*time.Hour))
	c.Set(start)
	assert.Equal(t, start, c.Now())
}

func TestManualIsSafeForConcurrentUse(t *testing.T) {
	c := clock.NewManual(time.Unix(0, 0))
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() { c.Advance(time.Minute); _ = c.Now() })
	}
	wg.Wait()
	assert.Equal(t, time.Unix(0, 0).Add(100*time.Minute), c.Now())
}

func TestFuncAdaptsAFunction(t *testing.T) {
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	var c clock.Clock = clock.Func(func() time.Time { return at })
	assert.Equal(t, at, c.Now())
	assert.WithinDuration(t, time.Now(), clock.System{}.Now(), time.Minute)
}
