package billing_test

// What the upgrade fixture compares besides call results: every record a
// store holds for the scenario, read through the storage.Store interface
// (upgradeSnapshot), and what the System does next with a store the
// scenario left — replaying its calls, taking the pending payment's
// callback, running the worker (runUpgradeAfter).

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// upgradeIdempotency is a stored idempotency record. Response is a string,
// not embedded JSON, so that the stored bytes are compared as they are.
type upgradeIdempotency struct {
	Key         string    `json:"key"`
	Operation   string    `json:"operation"`
	RequestHash string    `json:"request_hash"`
	Response    string    `json:"response"`
	CreatedAt   time.Time `json:"created_at"`
}

// upgradeEvent is an outbox row with its payload as the stored string.
type upgradeEvent struct {
	storage.Event
	Payload string // shadows Event.Payload ([]byte, which would be base64)
	// The claim (migration 0012, after the fixture's build) shadows
	// Event's and is left out while zero, as it is once every delivery
	// has been recorded; a claim left on a row would show as a difference.
	ClaimToken   string    `json:",omitzero"`
	ClaimedUntil time.Time `json:",omitzero"`
}

// upgradeAudit is an audit record with its detail as the stored string
// (AuditRecord's own encoding embeds it as JSON, which re-compacts it).
type upgradeAudit struct {
	Seq    int64     `json:"seq"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Detail string    `json:"detail"`
	At     time.Time `json:"at"`
}

// upgradeAccount is everything a store holds for one account.
type upgradeAccount struct {
	Account        storage.Account         `json:"account"`
	Idempotency    []upgradeIdempotency    `json:"idempotency"`
	Ledger         []storage.LedgerEntry   `json:"ledger"`
	Balances       []storage.LedgerBalance `json:"balances"`
	Payments       []storage.Payment       `json:"payments"`
	Orders         []storage.Order         `json:"orders"`
	Redemptions    []storage.Redemption    `json:"redemptions"`
	Resources      []storage.Resource      `json:"resources"`
	Invoices       []storage.Invoice       `json:"invoices"`
	Actions        []storage.Action        `json:"actions"`
	Audit          []upgradeAudit          `json:"audit"`
	Outbox         []upgradeEvent          `json:"outbox"`
	Jobs           []storage.Job           `json:"jobs"`
	Usage          []storage.UsageEvent    `json:"usage"`
	LinkedAccounts []storage.LinkedAccount `json:"linked_accounts"`
	PaymentLinks   []storage.PaymentLink   `json:"payment_links"`
}

// upgradeStore is memory_store.json, and the "store" of the after files.
type upgradeStore struct {
	Accounts map[string]upgradeAccount `json:"accounts"`
	Coupons  []storage.CouponRecord    `json:"coupons"`
}

// upgradePage is the largest page the repositories hand out; the
// scenario's accounts have fewer records of every kind.
const upgradePage = 1000

// upgradeSnapshot reads every record st holds for the scenario in res.
// The repositories list most records by account; idempotency records are
// read by the (account, key) pairs of the calls, orders by the ids that
// payments and resources name, payment links by their tokens.
func upgradeSnapshot(t *testing.T, st storage.Store, res upgradeResults) upgradeStore {
	t.Helper()
	out := upgradeStore{Accounts: map[string]upgradeAccount{}}
	keys := map[string][]string{}
	for _, c := range res.Calls {
		if c.Key != "" {
			keys[c.Account] = append(keys[c.Account], c.Key)
		}
	}
	err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
		for acct, ks := range keys {
			a, err := upgradeReadAccount(ctx, tx, acct, ks, res.PaymentLinks)
			if err != nil {
				return err
			}
			out.Accounts[acct] = a
		}
		c, err := tx.Coupons().Get(ctx, upgradeCoupon)
		out.Coupons = append(out.Coupons, c)
		return err
	})
	require.NoError(t, err)
	return out
}

// upgradeReadAccount reads one account's records.
func upgradeReadAccount(ctx context.Context, tx storage.Tx, acct string, keys, tokens []string) (upgradeAccount, error) {
	var a upgradeAccount
	var err error
	if a.Account, err = tx.Accounts().Get(ctx, acct); err != nil {
		return a, err
	}
	for _, k := range keys {
		r, err := tx.Idempotency().Get(ctx, acct, k)
		if err != nil {
			return a, err
		}
		a.Idempotency = append(a.Idempotency, upgradeIdempotency{Key: r.Key, Operation: r.Operation, RequestHash: r.RequestHash,
			Response: string(r.Response), CreatedAt: r.CreatedAt})
	}
	if a.Ledger, err = tx.Ledger().Entries(ctx, acct, 0, upgradePage); err != nil {
		return a, err
	}
	if a.Balances, err = tx.Ledger().Balances(ctx, acct); err != nil {
		return a, err
	}
	if a.Payments, err = tx.Payments().List(ctx, acct, "", upgradePage); err != nil {
		return a, err
	}
	if a.Resources, err = tx.Resources().List(ctx, acct, "", upgradePage); err != nil {
		return a, err
	}
	var orderIDs []string
	for _, p := range a.Payments {
		if p.Purpose == payment.PurposeOrder {
			orderIDs = append(orderIDs, p.PurposeRef)
		}
	}
	for _, r := range a.Resources {
		orderIDs = append(orderIDs, r.OrderID)
	}
	slices.Sort(orderIDs)
	for _, id := range slices.Compact(orderIDs) {
		o, err := tx.Orders().Get(ctx, acct, id)
		if err != nil {
			return a, err
		}
		a.Orders = append(a.Orders, o)
		rs, err := tx.Redemptions().ListByOrder(ctx, acct, id)
		if err != nil {
			return a, err
		}
		a.Redemptions = append(a.Redemptions, rs...)
	}
	if a.Invoices, err = tx.Invoices().List(ctx, acct, "", "", upgradePage); err != nil {
		return a, err
	}
	if a.Actions, err = tx.Actions().List(ctx, acct, "", 0, upgradePage); err != nil {
		return a, err
	}
	audit, err := tx.Audit().List(ctx, acct, 0, upgradePage)
	if err != nil {
		return a, err
	}
	for _, r := range audit {
		a.Audit = append(a.Audit, upgradeAudit{Seq: r.Seq, Actor: r.Actor, Action: r.Action, Detail: string(r.Detail), At: r.At})
	}
	events, err := tx.Outbox().List(ctx, acct, 0, upgradePage)
	if err != nil {
		return a, err
	}
	for _, e := range events {
		a.Outbox = append(a.Outbox, upgradeEvent{Event: e, Payload: string(e.Payload), ClaimToken: e.ClaimToken, ClaimedUntil: e.ClaimedUntil})
	}
	if a.Jobs, err = tx.Jobs().List(ctx, acct, ""); err != nil {
		return a, err
	}
	if a.Usage, err = tx.Usage().List(ctx, storage.UsageQuery{AccountID: acct, From: time.Unix(0, 0).UTC(),
		To: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), Limit: upgradePage}); err != nil {
		return a, err
	}
	if a.LinkedAccounts, err = tx.LinkedAccounts().List(ctx, acct); err != nil {
		return a, err
	}
	for _, tok := range tokens {
		l, err := tx.PaymentLinks().GetForUpdate(ctx, tok)
		if err != nil {
			return a, err
		}
		if l.AccountID == acct {
			a.PaymentLinks = append(a.PaymentLinks, l)
		}
	}
	return a, nil
}

// upgradeCallback is a signed gateway callback as the simulator made it.
type upgradeCallback struct {
	Header http.Header `json:"header"`
	Body   string      `json:"body"`
}

// upgradeDelivered is an event as the host's handler received it.
type upgradeDelivered struct {
	billing.Event
	Payload string `json:"payload"` // the bytes the handler got
}

// upgradeAfter is after_memory.json and after_postgres.json: what the
// System does with a store the scenario left, from the fixture alone.
type upgradeAfter struct {
	// Replays are the keyed calls made again, with the same keys and
	// requests, in a System with a fresh id source. Calls whose result is
	// the first one stored (an account, a checkout) give it back as it
	// was; calls whose result is the record read afresh (a payment) show
	// where it is now.
	Replays []upgradeCall `json:"replays"`
	// Callback is the pending payment's success callback, delivered after
	// the replays.
	Callback json.RawMessage `json:"callback"`
	// Ticks are the worker's reports at each time of upgradeTickTimes.
	Ticks []upgradeCall `json:"ticks"`
	// Delivered are the events the host's handler received, in order.
	Delivered []upgradeDelivered `json:"delivered"`
	// Store is every record afterwards.
	Store upgradeStore `json:"store"`
}

// upgradeTickTimes are when the worker runs after the scenario: May's
// daily jobs, the prepaid resources' end, the postpaid bill's due date and
// what the overdue schedule does after it.
var upgradeTickTimes = []time.Time{
	time.Date(2026, 5, 1, 3, 0, 0, 0, time.UTC),
	time.Date(2026, 5, 6, 3, 0, 0, 0, time.UTC),
	time.Date(2026, 5, 16, 3, 0, 0, 0, time.UTC),
	time.Date(2026, 5, 21, 3, 0, 0, 0, time.UTC),
}

// runUpgradeAfter replays res's keyed calls on st, delivers the pending
// payment's callback and runs the worker, each part in a System of its own with its own seeded id
// source (so that how many ids one part draws does not move the next
// part's), and records what happened.
func runUpgradeAfter(t *testing.T, st storage.Store, res upgradeResults) upgradeAfter {
	t.Helper()
	ctx := context.Background()
	var out upgradeAfter
	replay, clk, _ := upgradeSystem(t, st, res.EndAt, upgradeReplaySeed, nil)
	for _, c := range res.Calls {
		if c.Key == "" {
			continue
		}
		got, err := upgradeMethods[c.Method](ctx, replay, c.Key, c.Request)
		require.NoError(t, err, "replay %s", c.Name)
		body, err := json.Marshal(got)
		require.NoError(t, err)
		out.Replays = append(out.Replays, upgradeCall{Name: c.Name, At: clk.Now(), Result: body})
	}

	handler := func(_ context.Context, e billing.Event) error {
		out.Delivered = append(out.Delivered, upgradeDelivered{Event: e, Payload: string(e.Payload)})
		return nil
	}
	sys, clk, _ := upgradeSystem(t, st, res.EndAt, upgradeAfterSeed, handler)
	cb := res.PendingCallback
	applied, err := sys.HandleCallback(ctx, upgradeGateway, cb.Header, []byte(cb.Body))
	require.NoError(t, err, "the pending payment's callback")
	out.Callback, err = json.Marshal(applied)
	require.NoError(t, err)
	for _, at := range upgradeTickTimes {
		clk.Set(at)
		for i := 0; ; i++ {
			rep, err := sys.Tick(ctx, 100)
			require.NoError(t, err)
			body, err := json.Marshal(rep)
			require.NoError(t, err)
			out.Ticks = append(out.Ticks, upgradeCall{Name: "tick", At: at, Result: body})
			if !rep.More || i == 10 {
				break
			}
		}
	}
	out.Store = upgradeSnapshot(t, st, res)
	return out
}

// upgradeJSON is how every fixture file is written: indented, with a
// final newline.
func upgradeJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	return append(b, '\n')
}

// readUpgradeFile reads a fixture file, decoding it into v when v is not
// nil, and returns its bytes.
func readUpgradeFile(t *testing.T, name string, v any) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(upgradeDir, name))
	require.NoError(t, err, "the upgrade fixture (testdata/upgrade/README.md says how to write it)")
	if v != nil {
		require.NoError(t, json.Unmarshal(b, v), name)
	}
	return b
}
