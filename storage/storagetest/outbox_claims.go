package storagetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/storage"
)

// testOutboxClaims checks storage.OutboxClaimer, the lease a delivery
// worker takes on a page of due events before it hands them to the host:
// a running lease keeps every other worker off the event (and off the rest
// of its stream), an expired one lets another worker claim it again, and
// concurrent claims never take one event twice. A store whose Outbox is
// not an OutboxClaimer skips it.
func (s suite) testOutboxClaims(t *testing.T) {
	ev := func(id, stream string, due time.Time) storage.Event {
		return storage.Event{ID: id, AccountID: "a", Stream: stream, Kind: "resource.provision",
			Payload: []byte(`{"id":"` + id + `"}`), NextAttemptAt: due, CreatedAt: epoch()}
	}
	seed := func(t *testing.T, st storage.Store, events ...storage.Event) {
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			return tx.Outbox().AppendMany(ctx, events)
		})
	}
	claim := func(t *testing.T, st storage.Store, at time.Time, token string, until time.Time, limit int) []string {
		var out []string
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			c, ok := tx.Outbox().(storage.OutboxClaimer)
			if !ok {
				t.Skip("the store's Outbox does not implement storage.OutboxClaimer")
			}
			page, err := c.Claim(ctx, at, token, until, limit)
			if err != nil {
				return err
			}
			for i, e := range page {
				assert.Equal(t, token, e.ClaimToken)
				assert.True(t, until.Equal(e.ClaimedUntil), "leased until %s, got %s", until, e.ClaimedUntil)
				if i > 0 {
					assert.Less(t, page[i-1].Seq, e.Seq, "Seq order")
				}
				out = append(out, e.ID)
			}
			return nil
		})
		return out
	}
	get := func(t *testing.T, st storage.Store, id string) storage.Event {
		var found storage.Event
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			all, err := tx.Outbox().List(ctx, "a", 0, 100)
			for _, e := range all {
				if e.ID == id {
					found = e
				}
			}
			return err
		})
		require.NotZero(t, found.Seq, "event %s", id)
		return found
	}
	update := func(t *testing.T, st storage.Store, id string, change func(*storage.Event)) {
		e := get(t, st, id)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			cur, err := tx.Outbox().GetForUpdate(ctx, e.Seq)
			if err != nil {
				return err
			}
			change(&cur)
			return tx.Outbox().Update(ctx, cur)
		})
	}
	minute := func(m int) time.Time { return epoch().Add(time.Duration(m) * time.Minute) }

	t.Run("outbox claim: a running lease keeps other workers off the event and its stream; an expired one does not", func(t *testing.T) {
		st := s.newStore(t)
		seed(t, st, ev("e1", "r1", epoch()), ev("e2", "r1", epoch()), ev("e3", "r2", epoch()), ev("e4", "r3", minute(10)))
		assert.Equal(t, []string{"e1", "e3"}, claim(t, st, epoch(), "A", minute(5), 10),
			"the due heads: e2 waits behind e1, e4 is due at minute 10")
		assert.Empty(t, claim(t, st, epoch(), "B", minute(5), 10), "A's lease runs until minute 5; e2 stays behind claimed e1")
		assert.Empty(t, claim(t, st, minute(4), "B", minute(9), 10), "still A's at minute 4")
		assert.Equal(t, []string{"e1"}, claim(t, st, minute(4), "A", minute(9), 1), "A renews its own lease, limit 1")
		assert.Equal(t, []string{"e3"}, claim(t, st, minute(5), "B", minute(10), 10),
			"A's lease of e3 ended at minute 5 (a lease ending at t has expired); e1's runs to minute 9")
		e1 := get(t, st, "e1")
		assert.Equal(t, "A", e1.ClaimToken)
		assert.True(t, minute(9).Equal(e1.ClaimedUntil))
		assert.Equal(t, []string{"e1", "e3", "e4"}, claim(t, st, minute(10), "C", minute(15), 10),
			"at minute 10 the leases of A (to 9) and B (to 10) have expired: a dead worker's events are claimed again, and e4 is due")
		assert.Equal(t, 0, get(t, st, "e1").Attempts, "claiming is not an attempt")
	})

	t.Run("outbox claim: the next event of a stream is claimable once its head is delivered, never before", func(t *testing.T) {
		st := s.newStore(t)
		seed(t, st, ev("e1", "r1", epoch()), ev("e2", "r1", epoch()), ev("e3", "r1", epoch()))
		assert.Equal(t, []string{"e1"}, claim(t, st, epoch(), "A", minute(5), 10))
		assert.Empty(t, claim(t, st, epoch(), "B", minute(5), 10), "e2 never overtakes claimed e1")
		update(t, st, "e1", func(e *storage.Event) { e.DeliveredAt = minute(1) })
		assert.Equal(t, []string{"e2"}, claim(t, st, minute(1), "B", minute(6), 10), "e1 delivered: e2 is the head, and unclaimed")
		// B's handler fails: it records the attempt and gives the lease
		// back; e2 waits for its retry time, not for the lease, and holds
		// e3 back meanwhile.
		update(t, st, "e2", func(e *storage.Event) {
			e.Attempts, e.NextAttemptAt, e.LastError = 1, minute(2), "down"
			e.ClaimToken, e.ClaimedUntil = "", time.Time{}
		})
		got := get(t, st, "e2")
		assert.Empty(t, got.ClaimToken, "released")
		assert.True(t, got.ClaimedUntil.IsZero(), "released")
		assert.Empty(t, claim(t, st, minute(1), "A", minute(6), 10), "e2 backs off until minute 2; e3 waits")
		assert.Equal(t, []string{"e2"}, claim(t, st, minute(2), "A", minute(7), 10))
	})

	t.Run("outbox claim: bad input is refused with nothing claimed; a rolled-back claim leaves no lease", func(t *testing.T) {
		st := s.newStore(t)
		seed(t, st, ev("e1", "r1", epoch()))
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			c, ok := tx.Outbox().(storage.OutboxClaimer)
			if !ok {
				t.Skip("the store's Outbox does not implement storage.OutboxClaimer")
			}
			for name, call := range map[string]func() ([]storage.Event, error){
				"empty token":         func() ([]storage.Event, error) { return c.Claim(ctx, epoch(), "", minute(1), 10) },
				"NUL in token":        func() ([]storage.Event, error) { return c.Claim(ctx, epoch(), "a\x00b", minute(1), 10) },
				"non-UTF-8 token":     func() ([]storage.Event, error) { return c.Claim(ctx, epoch(), "\xff", minute(1), 10) },
				"lease ending at t":   func() ([]storage.Event, error) { return c.Claim(ctx, epoch(), "A", epoch(), 10) },
				"lease ending before": func() ([]storage.Event, error) { return c.Claim(ctx, epoch(), "A", minute(-1), 10) },
				"limit 0":             func() ([]storage.Event, error) { return c.Claim(ctx, epoch(), "A", minute(1), 0) },
				"limit 1001":          func() ([]storage.Event, error) { return c.Claim(ctx, epoch(), "A", minute(1), 1001) },
				"negative limit (-1)": func() ([]storage.Event, error) { return c.Claim(ctx, epoch(), "A", minute(1), -1) },
			} {
				got, err := call()
				assert.ErrorIs(t, err, storage.ErrInvalidRecord, name)
				assert.Empty(t, got, name)
			}
			return nil
		})
		e1 := get(t, st, "e1")
		assert.Empty(t, e1.ClaimToken, "nothing claimed by the refused calls")
		for name, change := range map[string]func(*storage.Event){
			"a lease without a token": func(e *storage.Event) { e.ClaimedUntil = minute(1) },
			"a token with NUL":        func(e *storage.Event) { e.ClaimToken, e.ClaimedUntil = "a\x00", minute(1) },
		} {
			err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
				cur := e1
				change(&cur)
				return tx.Outbox().Update(ctx, cur)
			})
			assert.ErrorIs(t, err, storage.ErrInvalidRecord, name)
		}
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			c := tx.Outbox().(storage.OutboxClaimer)
			page, err := c.Claim(ctx, epoch(), "A", minute(5), 10)
			require.NoError(t, err)
			require.Len(t, page, 1)
			return errUndo
		})
		require.ErrorIs(t, err, errUndo)
		assert.Equal(t, []string{"e1"}, claim(t, st, epoch(), "B", minute(5), 10), "A's claim was rolled back")
		// Append ignores claim fields: a new event is unclaimed.
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			e := ev("e9", "r9", epoch())
			e.ClaimToken, e.ClaimedUntil = "Z", minute(60)
			got, err := tx.Outbox().Append(ctx, e)
			assert.Empty(t, got.ClaimToken)
			assert.True(t, got.ClaimedUntil.IsZero())
			return err
		})
		assert.Empty(t, get(t, st, "e9").ClaimToken)
		assert.Equal(t, []string{"e9"}, claim(t, st, epoch(), "C", minute(5), 10), "e1 is B's until minute 5")
	})

	// Workers claim pages at once until nothing is left: every event is
	// claimed by exactly one of them. A store running transactions at once
	// makes a claim skip the rows another is taking (SKIP LOCKED); one that
	// runs them one after the other makes a claim see the leases before it.
	t.Run("outbox claim: concurrent workers split the outbox, each event claimed once", func(t *testing.T) {
		st := s.newStore(t)
		const streams, perStream = 30, 3
		var events []storage.Event
		for i := range perStream {
			for r := range streams {
				events = append(events, ev(fmt.Sprintf("e%d-%d", r, i), fmt.Sprintf("r%d", r), epoch()))
			}
		}
		seed(t, st, events...)
		if !isClaimer(t, st) {
			t.Skip("the store's Outbox does not implement storage.OutboxClaimer")
		}
		workers := min(s.opts.Parallelism, 8)
		var (
			mu    sync.Mutex
			count = map[string]int{}
			wg    sync.WaitGroup
			errs  = make(chan error, workers)
		)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				token := fmt.Sprintf("w%d", w)
				for idle := 0; idle < 3; {
					var page []storage.Event
					err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
						var err error
						page, err = tx.Outbox().(storage.OutboxClaimer).Claim(ctx, epoch(), token, minute(5), 4)
						return err
					})
					if err != nil {
						errs <- err
						return
					}
					if len(page) == 0 {
						idle++
						time.Sleep(time.Millisecond)
						continue
					}
					idle = 0
					mu.Lock()
					for _, e := range page {
						count[e.ID]++
					}
					mu.Unlock()
					// Deliver: mark each delivered, so the next of its
					// stream becomes claimable.
					err = st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
						for _, e := range page {
							cur, err := tx.Outbox().GetForUpdate(ctx, e.Seq)
							if err != nil {
								return err
							}
							if cur.ClaimToken != token {
								return errors.New("claimed event " + e.ID + " changed hands within its lease")
							}
							cur.DeliveredAt = minute(1)
							if err := tx.Outbox().Update(ctx, cur); err != nil {
								return err
							}
						}
						return nil
					})
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		var ids []string
		for id, n := range count {
			assert.Equal(t, 1, n, "event %s claimed %d times", id, n)
			ids = append(ids, id)
		}
		slices.Sort(ids)
		assert.Len(t, ids, streams*perStream, "all %d events claimed and delivered", streams*perStream)
	})
}

// isClaimer reports whether st's Outbox is an OutboxClaimer.
func isClaimer(t *testing.T, st storage.Store) bool {
	var ok bool
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		_, ok = tx.Outbox().(storage.OutboxClaimer)
		return nil
	})
	return ok
}
