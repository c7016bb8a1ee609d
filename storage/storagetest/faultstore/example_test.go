package faultstore_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/memory"
	"github.com/cloudbill/cloudbill/storage/storagetest/faultstore"
)

// Put a fault at every storage step of an operation: fail call k for k = 1,
// 2, … until the operation no longer reaches k, and check each time that
// nothing was half-done.
func Example() {
	op := func(ctx context.Context, st storage.Store) error {
		return st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			for _, id := range []string{"a", "b"} {
				if err := tx.Accounts().Create(ctx, storage.Account{ID: id, Type: storage.Prepaid, Currency: "VND", TimeZone: "UTC"}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	for k := 1; ; k++ {
		inner := memory.New()
		fs := faultstore.New(inner)
		fs.FailAt(k)
		err := op(context.Background(), fs)
		f, fired := fs.Injected()
		if !fired {
			fmt.Printf("k=%d: not reached, op succeeded: %v\n", k, err == nil)
			break
		}
		stored := 0
		_ = inner.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			for _, id := range []string{"a", "b"} {
				if _, err := tx.Accounts().Get(ctx, id); err == nil {
					stored++
				}
			}
			return nil
		})
		fmt.Printf("k=%d: %s → injected: %v, accounts stored: %d\n", k, f, errors.Is(err, faultstore.ErrInjected), stored)
	}
	// Output:
	// k=1: fail at call 1 (InTx) → injected: true, accounts stored: 0
	// k=2: fail at call 2 (Accounts.Create) → injected: true, accounts stored: 0
	// k=3: fail at call 3 (Accounts.Create) → injected: true, accounts stored: 0
	// k=4: not reached, op succeeded: true
}
