package core

import (
	"fmt"
	"io"
	"sync"
)

// idAlphabet spells random ids: RFC 4648 base32 in lower case, without
// padding, which is URL- and log-safe. A constant, so the package keeps no
// state.
const idAlphabet = "abcdefghijklmnopqrstuvwxyz234567"

// NewID returns prefix + "_" + 80 random bits, e.g. "pay_3k7q…". Ids need
// only be unique, not secret; payment-link tokens use their own, longer
// secret. 80 bits are exactly 16 base32 digits, built in place so that an
// id costs one allocation.
func (s *Env) NewID(prefix string) (string, error) {
	b, err := s.ids.read(s.Cfg.Random)
	if err != nil {
		return "", fmt.Errorf("billing: read random id: %w", err)
	}
	var buf [64]byte
	out := append(buf[:0], prefix...)
	out = append(out, '_')
	for i := 0; i < len(b); i += 5 {
		// Five bytes are forty bits, eight digits of five bits each.
		v := uint64(b[i])<<32 | uint64(b[i+1])<<24 | uint64(b[i+2])<<16 | uint64(b[i+3])<<8 | uint64(b[i+4])
		for shift := 35; shift >= 0; shift -= 5 {
			out = append(out, idAlphabet[v>>uint(shift)&31])
		}
	}
	return string(out), nil
}

// idScratch is the buffer an Env's ids read their random bytes into. A
// local array passed to the host's io.Reader escapes to the heap, one
// allocation per id; this one is allocated with the Env and shared under
// a lock held only for the read.
type idScratch struct {
	mu  sync.Mutex
	buf [10]byte
}

// read fills the scratch from r and returns a copy of it.
func (x *idScratch) read(r io.Reader) ([10]byte, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	_, err := io.ReadFull(r, x.buf[:])
	return x.buf, err
}
