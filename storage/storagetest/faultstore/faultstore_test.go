package faultstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/memory"
	"github.com/cloudbill/cloudbill/storage/storagetest"
	"github.com/cloudbill/cloudbill/storage/storagetest/faultstore"
)

var epoch = time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC)

func account(id string) storage.Account {
	return storage.Account{ID: id, Type: storage.Prepaid, Currency: "VND", TimeZone: "Asia/Ho_Chi_Minh", CreatedAt: epoch, UpdatedAt: epoch}
}

// openTwo opens accounts a and b in one transaction: three calls (InTx,
// Accounts.Create, Accounts.Create).
func openTwo(ctx context.Context, st storage.Store, a, b string) error {
	return st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		if err := tx.Accounts().Create(ctx, account(a)); err != nil {
			return err
		}
		return tx.Accounts().Create(ctx, account(b))
	})
}

// exists reports whether the account is stored, reading around the wrapper.
func exists(t *testing.T, st storage.Store, id string) bool {
	t.Helper()
	found := false
	require.NoError(t, st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
		_, err := tx.Accounts().Get(ctx, id)
		if errors.Is(err, storage.ErrNotFound) {
			return nil
		}
		found = err == nil
		return err
	}))
	return found
}

func TestDisarmedItPassesTheConformanceSuite(t *testing.T) {
	storagetest.Run(t, func(*testing.T) storage.Store { return faultstore.New(memory.New()) })
}

func TestFailAtEveryCall(t *testing.T) {
	ops := []string{"InTx", "Accounts.Create", "Accounts.Create"}
	nth := []int{1, 1, 2}
	for k := 1; k <= len(ops); k++ {
		t.Run(fmt.Sprintf("call %d (%s)", k, ops[k-1]), func(t *testing.T) {
			inner := memory.New()
			fs := faultstore.New(inner)
			fs.FailAt(k)
			err := openTwo(context.Background(), fs, "a", "b")
			require.ErrorIs(t, err, faultstore.ErrInjected)
			f, ok := fs.Injected()
			require.True(t, ok)
			assert.Equal(t, faultstore.Fault{Call: k, Op: ops[k-1], Nth: nth[k-1], Mode: faultstore.Fail}, f)
			assert.Equal(t, k, fs.Calls(), "nothing runs after the fault in this transaction")
			assert.False(t, exists(t, inner, "a"), "the transaction rolled back")

			require.NoError(t, openTwo(context.Background(), fs, "a", "b"), "then it behaves normally")
			assert.True(t, exists(t, inner, "a") && exists(t, inner, "b"))
			assert.Equal(t, k+len(ops), fs.Calls())
		})
	}
	t.Run("past the last call nothing is injected", func(t *testing.T) {
		fs := faultstore.New(memory.New())
		fs.FailAt(len(ops) + 1)
		require.NoError(t, openTwo(context.Background(), fs, "a", "b"))
		_, ok := fs.Injected()
		assert.False(t, ok)
		assert.Equal(t, len(ops), fs.Calls())
	})
	t.Run("Reset disarms and restarts counting", func(t *testing.T) {
		fs := faultstore.New(memory.New())
		fs.FailAt(1)
		fs.Reset()
		require.NoError(t, openTwo(context.Background(), fs, "a", "b"))
		assert.Equal(t, len(ops), fs.Calls())
		fs.FailAt(0)
		require.NoError(t, openTwo(context.Background(), fs, "c", "d"), "k < 1 disarms")
	})
}

func TestAFaultSwallowedByTheCallerStillFailsOnlyThatCall(t *testing.T) {
	inner := memory.New()
	fs := faultstore.New(inner)
	fs.FailAt(2)
	err := fs.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
		if err := tx.Accounts().Create(ctx, account("skipped")); !errors.Is(err, faultstore.ErrInjected) {
			return fmt.Errorf("want the injected error, got %v", err)
		}
		return tx.Accounts().Create(ctx, account("kept"))
	})
	require.NoError(t, err)
	assert.False(t, exists(t, inner, "skipped"), "the faulted call never reached the store")
	assert.True(t, exists(t, inner, "kept"))
}

func TestCancelAt(t *testing.T) {
	t.Run("a repository call: its transaction's context ends and nothing commits", func(t *testing.T) {
		inner := memory.New()
		fs := faultstore.New(inner)
		fs.CancelAt(2, nil)
		var seen error
		err := fs.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			seen = tx.Accounts().Create(ctx, account("a"))
			// A caller that ignores the error cannot commit either.
			assert.ErrorIs(t, ctx.Err(), context.Canceled)
			return tx.Accounts().Create(ctx, account("b"))
		})
		require.ErrorIs(t, seen, context.Canceled)
		require.ErrorIs(t, err, context.Canceled)
		f, ok := fs.Injected()
		require.True(t, ok)
		assert.Equal(t, faultstore.Fault{Call: 2, Op: "Accounts.Create", Nth: 1, Mode: faultstore.Cancel}, f)
		assert.False(t, exists(t, inner, "a"))
		assert.False(t, exists(t, inner, "b"))
	})
	t.Run("the caller's cancel function is called too", func(t *testing.T) {
		fs := faultstore.New(memory.New())
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		fs.CancelAt(3, cancel)
		require.ErrorIs(t, openTwo(ctx, fs, "a", "b"), context.Canceled)
		assert.ErrorIs(t, ctx.Err(), context.Canceled)
		assert.ErrorIs(t, openTwo(ctx, fs, "a", "b"), context.Canceled, "later work of the caller sees it")
		require.NoError(t, openTwo(context.Background(), fs, "a", "b"), "a fresh context works")
	})
	t.Run("InTx itself, with a context nobody can cancel", func(t *testing.T) {
		inner := memory.New()
		fs := faultstore.New(inner)
		fs.CancelAt(1, nil)
		ran := false
		err := fs.InTx(context.Background(), func(context.Context, storage.Tx) error { ran = true; return nil })
		require.ErrorIs(t, err, context.Canceled)
		assert.False(t, ran)
	})
}

func TestConcurrentCallsFaultExactlyOnce(t *testing.T) {
	const workers, rounds = 8, 25
	inner := memory.New()
	fs := faultstore.New(inner)
	const k = workers * rounds // somewhere in the middle of the 3 × workers × rounds calls
	fs.FailAt(k)
	var wg sync.WaitGroup
	var mu sync.Mutex
	injected, committed := 0, 0
	for w := range workers {
		wg.Go(func() {
			for r := range rounds {
				err := openTwo(context.Background(), fs, fmt.Sprintf("a%d-%d", w, r), fmt.Sprintf("b%d-%d", w, r))
				mu.Lock()
				switch {
				case errors.Is(err, faultstore.ErrInjected):
					injected++
				case err == nil:
					committed++
				default:
					t.Errorf("unexpected error: %v", err)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 1, injected)
	assert.Equal(t, workers*rounds-1, committed)
	f, ok := fs.Injected()
	require.True(t, ok)
	assert.Equal(t, k, f.Call)
	// Every transaction makes three calls but the faulted one, which
	// stops at its fault.
	assert.GreaterOrEqual(t, fs.Calls(), 3*(workers*rounds-1)+1)
	assert.LessOrEqual(t, fs.Calls(), 3*workers*rounds)
}
