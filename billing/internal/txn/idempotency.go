package txn

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"unicode"
	"unicode/utf8"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/storage"
)

// MaxKeyLen bounds idempotency keys so that a host cannot store unbounded
// data through them; 255 fits UUIDs, ULIDs and composite keys.
const MaxKeyLen = 255

// ValidateKey rejects keys that are empty, too long or not printable.
func ValidateKey(key string) error {
	if key == "" || len(key) > MaxKeyLen {
		return fmt.Errorf("%w: length %d (want 1–%d bytes)", billingtype.ErrInvalidIdempotencyKey, len(key), MaxKeyLen)
	}
	if !utf8.ValidString(key) {
		return fmt.Errorf("%w: not valid UTF-8", billingtype.ErrInvalidIdempotencyKey)
	}
	for _, r := range key {
		if !unicode.IsPrint(r) {
			return fmt.Errorf("%w: contains a non-printable character", billingtype.ErrInvalidIdempotencyKey)
		}
	}
	return nil
}

// requestHash is the digest that tells "the same request" from "a different
// one": SHA-256 over the operation name and the request's JSON encoding
// (encoding/json sorts map keys, so equal requests hash equally). The
// encoding is streamed into the hash rather than built as a slice first;
// the bytes hashed are exactly json.Marshal's, so hashes stored before
// still match.
func requestHash(op string, req any) (string, error) {
	h := hashWriter{h: sha256.New()}
	// Encoder writes json.Marshal's bytes (HTML escaping included) and then
	// a newline, which hashWriter leaves out.
	if err := json.NewEncoder(&h).Encode(struct {
		Op  string `json:"op"`
		Req any    `json:"req"`
	}{op, req}); err != nil {
		return "", fmt.Errorf("billing: encode %s request: %w", op, err)
	}
	var sum [sha256.Size]byte
	var text [2 * sha256.Size]byte
	hex.Encode(text[:], h.h.Sum(sum[:0]))
	return string(text[:]), nil
}

// hashWriter feeds a hash everything written to it except a final newline,
// the one json.Encoder adds after each value.
type hashWriter struct {
	h       hash.Hash
	newline bool // a newline was held back from the last write
}

// Write hashes p, holding back its last byte if it is a newline until more
// bytes follow.
func (w *hashWriter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if w.newline {
		w.h.Write([]byte{'\n'})
		w.newline = false
	}
	body := p
	if p[len(p)-1] == '\n' {
		body, w.newline = p[:len(p)-1], true
	}
	w.h.Write(body)
	return len(p), nil
}

// Idempotent runs effect once per (accountID, key): in one transaction it
// claims the key, runs effect and stores effect's result with the claim, so
// the effect and the record commit together. A later call with the same key
// and request gets the stored result; with a different request, an
// *IdempotencyConflictError. If effect fails, the claim is rolled back with
// everything else and the error is returned.
//
// Two concurrent first calls cannot both run effect to completion: the
// store's Insert lets exactly one claim the key; the other reads the
// winner's result once it commits.
func Idempotent[Res any](ctx context.Context, s *core.Env, accountID, key, op string, req any,
	effect func(ctx context.Context, tx storage.Tx) (Res, error)) (Res, error) {
	res, _, err := idempotent(ctx, s, accountID, key, op, req, false, effect)
	return res, err
}

// IdempotentRan is Idempotent that also reports whether effect ran in the
// transaction that committed (false for a replay of the first result), so
// that the caller can show what effect wrote rather than read it back.
// The key's claim is held back (storage.DeferWrites) and goes out with
// effect's first read, in one round trip: effect must begin by reading
// (the account's lock), and must not handle storage.ErrDuplicate itself,
// because a claim lost to an earlier call is reported by that read. An
// effect that fails with ErrDuplicate while the key holds a first result
// gets that result replayed.
func IdempotentRan[Res any](ctx context.Context, s *core.Env, accountID, key, op string, req any,
	effect func(ctx context.Context, tx storage.Tx) (Res, error)) (Res, bool, error) {
	return idempotent(ctx, s, accountID, key, op, req, true, effect)
}

// IdempotentRanOr is IdempotentRan that, when it replays the first result,
// calls replayed with it in the same transaction, so that what the caller
// shows of it now is read together with the key's claim, not in a
// transaction of its own. replayed must only read: its error fails the
// call, and nothing it does is kept otherwise.
func IdempotentRanOr[Res any](ctx context.Context, s *core.Env, accountID, key, op string, req any,
	effect func(ctx context.Context, tx storage.Tx) (Res, error), replayed func(ctx context.Context, tx storage.Tx, first Res) error) (Res, bool, error) {
	return idempotentOr(ctx, s, accountID, key, op, req, true, effect, replayed)
}

// idempotent is Idempotent and, with early, IdempotentRan.
func idempotent[Res any](ctx context.Context, s *core.Env, accountID, key, op string, req any, early bool,
	effect func(ctx context.Context, tx storage.Tx) (Res, error)) (Res, bool, error) {
	return idempotentOr(ctx, s, accountID, key, op, req, early, effect, nil)
}

// idempotentOr is idempotent calling replayed, when not nil, after a
// replay in the replay's transaction.
func idempotentOr[Res any](ctx context.Context, s *core.Env, accountID, key, op string, req any, early bool,
	effect func(ctx context.Context, tx storage.Tx) (Res, error), replayed func(ctx context.Context, tx storage.Tx, first Res) error) (Res, bool, error) {
	var zero Res
	if err := ValidateKey(key); err != nil {
		return zero, false, err
	}
	hash, err := requestHash(op, req)
	if err != nil {
		return zero, false, err
	}
	var res Res
	ran := false
	err = s.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		res, ran = zero, false
		ids := tx.Idempotency()
		// Claim first: a first call (the common case) costs one statement,
		// not a lookup and then an insert. A key claimed before, or by a
		// concurrent call that has committed since (the insert waits for
		// it), is a duplicate whose stored result is then visible.
		claimCtx, wctx := ctx, storage.DeferWrites(ctx)
		if early {
			claimCtx = wctx
		}
		err := ids.Insert(claimCtx, storage.IdempotencyRecord{
			AccountID: accountID, Key: key, Operation: op, RequestHash: hash, CreatedAt: s.Now(),
		})
		if errors.Is(err, storage.ErrDuplicate) {
			first, err := ids.Get(ctx, accountID, key)
			if err != nil {
				return err
			}
			if err := replay(first, accountID, key, op, hash, &res); err != nil || replayed == nil {
				return err
			}
			return replayed(ctx, tx, res)
		}
		if err != nil {
			return err
		}
		res, err = effect(ctx, tx)
		if err != nil {
			if early && errors.Is(err, storage.ErrDuplicate) {
				// The held-back claim may have been lost: the key then
				// holds the first call's record, whose result is stored
				// with it. Our own claim would have none yet.
				if first, gerr := ids.Get(ctx, accountID, key); gerr == nil && first.Response != nil {
					res = zero
					if err := replay(first, accountID, key, op, hash, &res); err != nil || replayed == nil {
						return err
					}
					return replayed(ctx, tx, res)
				}
			}
			return err
		}
		ran = true
		body, err := json.Marshal(res)
		if err != nil {
			return fmt.Errorf("billing: encode %s result: %w", op, err)
		}
		// Held back with the effect's writes: it goes out with COMMIT.
		return ids.SetResponse(wctx, accountID, key, body)
	})
	if err != nil {
		return zero, false, err
	}
	return res, ran, nil
}

// replay decodes the first call's result into res, or reports a conflict.
func replay(first storage.IdempotencyRecord, accountID, key, op, hash string, res any) error {
	if first.Operation != op || first.RequestHash != hash {
		return &billingtype.IdempotencyConflictError{AccountID: accountID, Key: key, FirstOperation: first.Operation, Operation: op}
	}
	if first.Response == nil {
		return fmt.Errorf("billing: idempotency key %q has no stored result", key)
	}
	if err := json.Unmarshal(first.Response, res); err != nil {
		return fmt.Errorf("billing: decode stored %s result: %w", op, err)
	}
	return nil
}
