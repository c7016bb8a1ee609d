package billing_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/cloudbill/cloudbill/storage/memory"
)

// byteChooser decodes a fuzzer's bytes into decisions: two bytes per
// choice. Once the bytes run out every choice is 0 and exhausted is set,
// which ends the sequence.
type byteChooser struct {
	data      []byte
	exhausted bool
}

func (b *byteChooser) IntN(n int) int {
	if len(b.data) < 2 {
		b.exhausted = true
		return 0
	}
	v := int(binary.LittleEndian.Uint16(b.data))
	b.data = b.data[2:]
	return v % n
}

// FuzzOperations decodes a byte slice into a sequence of operations and
// runs it against the memory store with the simulation's reference model,
// comparing after every step: coverage-guided exploration of the same
// rules TestSimulation checks at random.
func FuzzOperations(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x05\x00\x01\x00\x02\x00\x10\x00\x20\x00\x03\x00\x30\x00\x04\x00"))
	seed := make([]byte, 0, 1024)
	for i := range 512 {
		seed = binary.LittleEndian.AppendUint16(seed, uint16(i*7919))
	}
	f.Add(seed)
	cat := taxFree(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4096 {
			return
		}
		ch := &byteChooser{data: data}
		var r *simRun
		defer func() {
			if p := recover(); p != nil {
				t.Fatal(describeFailure(p, 0, r))
			}
		}()
		var err error
		r, err = newSimRun(context.Background(), memory.New(), cat, 0, start, "fz", ch, simOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for r.step = 1; r.step <= 400 && !ch.exhausted; r.step++ {
			r.runOne()
		}
		r.publicSweep = true
		r.checkAll()
		if testing.Verbose() {
			fmt.Printf("fuzzed sequence: %d operations, %d checks\n", r.step-1, r.checks)
		}
	})
}
