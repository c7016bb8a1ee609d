package memory_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/memory"
	"github.com/cloudbill/cloudbill/storage/storagetest"
)

func TestConformance(t *testing.T) {
	storagetest.RunWithOptions(t, func(t *testing.T) storage.Store { return memory.New() }, storagetest.Options{Parallelism: 32})
}

func TestNestedTransactionIsRejected(t *testing.T) {
	s := memory.New()
	err := s.InTx(context.Background(), func(ctx context.Context, _ storage.Tx) error {
		return s.InTx(ctx, func(context.Context, storage.Tx) error { return nil })
	})
	assert.ErrorIs(t, err, storage.ErrNestedTx)
}
