package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/postgres"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

// explain prepares query, runs EXPLAIN (ANALYZE) EXECUTE of it with the
// given SQL literals as parameters in a transaction of st, and returns the
// plan as text. With generic set, the planner must plan for any value of
// the parameters, as it does for a prepared statement after a few
// executions; otherwise it plans for the values given.
func explain(t *testing.T, st *postgres.Store, generic bool, query string, literals ...string) string {
	t.Helper()
	mode := "force_custom_plan"
	if generic {
		mode = "force_generic_plan"
	}
	var lines []string
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		q, _ := postgres.SQL(tx)
		// A prepared statement belongs to the connection, not to the
		// transaction, so it is removed however the test ends.
		if _, err := q.Exec(ctx, "PREPARE plan_test AS "+query); err != nil {
			return err
		}
		defer func() {
			_, err := q.Exec(ctx, "DEALLOCATE plan_test")
			assert.NoError(t, err)
		}()
		if _, err := q.Exec(ctx, "SET LOCAL plan_cache_mode = "+mode); err != nil {
			return err
		}
		rows, err := q.Query(ctx, "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE plan_test ("+
			strings.Join(literals, ", ")+")")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				return err
			}
			lines = append(lines, line)
		}
		return rows.Err()
	})
	return strings.Join(lines, "\n")
}

// epochLiteral is epoch as an SQL literal, for explain.
const epochLiteral = "'2026-01-15 09:30:00+00'"

// seed runs one statement of host SQL (a bulk insert) and ANALYZE of table,
// so that the planner knows the table's real size.
func seed(t testing.TB, st *postgres.Store, table, insert string, args ...any) {
	t.Helper()
	err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
		q, _ := postgres.SQL(tx)
		if _, err := q.Exec(ctx, insert, args...); err != nil {
			return err
		}
		_, err := q.Exec(ctx, "ANALYZE "+st.Schema()+"."+table)
		return err
	})
	require.NoError(t, err)
}

// seedResources inserts n resources of 100 tenants, every one scheduled:
// the first due ones an hour before at, the rest one minute apart after it.
func seedResources(t testing.TB, st *postgres.Store, n, due int, at time.Time) {
	t.Helper()
	seed(t, st, "resources", fmt.Sprintf(`INSERT INTO %s.resources
		(id, account_id, order_id, product_id, status, period_start, period_end, next_due_at, configuration, created_at, updated_at, version)
		SELECT 'r' || lpad(g::text, 6, '0'), 'acct-' || (g %% 100), 'o-' || g, 'vserver', 'active', $1::timestamptz, $1::timestamptz + interval '30 days',
			CASE WHEN g <= $2::int THEN $1::timestamptz - interval '1 hour' + g * interval '1 second' ELSE $1::timestamptz + g * interval '1 minute' END,
			'{"Plan":"s2"}'::jsonb, $1::timestamptz, $1::timestamptz, 1
		FROM generate_series(1, $3::int) g`, st.Schema()), at, due, n)
}

// TestDueReadsOnlyWhatIsDue: with 20,000 scheduled resources of which 10
// are due, Due's statement is a scan of the partial index resources_due
// that returns 10 rows and visits nothing else, for the plan made for the
// actual time and for the generic plan of a prepared statement alike.
func TestDueReadsOnlyWhatIsDue(t *testing.T) {
	st := pgtest.NewStore(t)
	seedResources(t, st, 20_000, 10, epoch)

	for _, generic := range []bool{false, true} {
		t.Run(fmt.Sprintf("generic plan %v: an index scan of resources_due returning 10 rows", generic), func(t *testing.T) {
			plan := explain(t, st, generic, postgres.DueQuery(st), epochLiteral, "1000")
			if generic {
				assert.Contains(t, plan, "$1", "the plan is generic: the time is a parameter")
			}
			assert.Regexp(t, `Index Scan using resources_due on \S+ \(actual rows=10 `, plan)
			assert.NotContains(t, plan, "Seq Scan", plan)
			assert.NotContains(t, plan, "Sort", plan, "the index gives Due's order")
		})
	}

	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		due, err := tx.Resources().Due(ctx, epoch, 1000)
		require.NoError(t, err)
		require.Len(t, due, 10)
		for i, r := range due {
			assert.Equal(t, fmt.Sprintf("r%06d", i+1), r.ID, "earliest first")
			assert.True(t, r.NextDueAt.Equal(epoch.Add(-time.Hour+time.Duration(i+1)*time.Second)))
		}
		return nil
	})
}

// TestDeliverableReadsOnlyTheBacklog: with 20,000 delivered events and 10
// undelivered ones on 5 streams, Deliverable's statement reads the partial
// index outbox_undelivered (10 entries), never the delivered history, and
// returns the 5 stream heads.
func TestDeliverableReadsOnlyTheBacklog(t *testing.T) {
	st := pgtest.NewStore(t)
	seed(t, st, "outbox", fmt.Sprintf(`INSERT INTO %s.outbox
		(id, account_id, stream, kind, payload, attempts, next_attempt_at, last_error, delivered_at, created_at)
		SELECT 'e' || g, 'acct-' || (g %% 100), 'stream-' || (g %% 5), 'resource.provision', '{}'::bytea, 0, $1::timestamptz, '',
			CASE WHEN g <= 20000 THEN $1::timestamptz END, $1::timestamptz
		FROM generate_series(1, 20010) g`, st.Schema()), epoch)

	for _, generic := range []bool{false, true} {
		t.Run(fmt.Sprintf("generic plan %v: a scan of outbox_undelivered reading 10 entries", generic), func(t *testing.T) {
			plan := explain(t, st, generic, postgres.DeliverableQuery(st), epochLiteral, "1000")
			if generic {
				assert.Contains(t, plan, "$1", "the plan is generic: the time is a parameter")
			}
			// A plain or a bitmap index scan, either reading 10 entries.
			assert.Regexp(t, `Index Scan (using|on) outbox_undelivered .*\(actual rows=10 `, plan)
			assert.NotContains(t, plan, "Seq Scan", plan)
		})
	}

	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		heads, err := tx.Outbox().Deliverable(ctx, epoch, 1000)
		require.NoError(t, err)
		var ids []string
		for _, e := range heads {
			ids = append(ids, e.ID)
		}
		assert.Equal(t, []string{"e20001", "e20002", "e20003", "e20004", "e20005"}, ids,
			"the oldest undelivered event of each of the 5 streams, in seq order")
		return nil
	})
}
