package postgres

import "strings"

// orderQueries are the statements of the coupon, redemption and order
// repositories.
type orderQueries struct {
	createCoupon, getCoupon, getCouponForUpdate, updateCoupon             string
	createRedemption, updateRedemption, redemptionsByOrder, countRedeemed string
	createOrder, getOrder, getOrderForUpdate, updateOrder, countOrders    string
}

const couponColumns = "code, definition, created_at, updated_at"

const redemptionColumns = "id, code, account_id, order_id, status, currency, amount, created_at, updated_at"

const orderColumns = `id, account_id, status, payment_id, currency, total, kind, actor, coupons, items, targets, quote,
	created_at, updated_at`

func newOrderQueries(t tables) orderQueries {
	r := strings.NewReplacer("{coupons}", t.coupons, "{redemptions}", t.redemptions, "{orders}", t.orders,
		"{coupon}", couponColumns, "{rd}", redemptionColumns, "{order}", orderColumns)
	return orderQueries{
		// Inserts claim their key with ON CONFLICT DO NOTHING: a duplicate
		// is "0 rows" and the transaction stays usable; a concurrent
		// uncommitted insert of the same key is waited for.
		createCoupon: r.Replace(`INSERT INTO {coupons} ({coupon}) VALUES ($1, $2, $3, $4)
			ON CONFLICT (code) DO NOTHING`),
		getCoupon:          r.Replace(`SELECT {coupon} FROM {coupons} WHERE code = $1`),
		getCouponForUpdate: r.Replace(`SELECT {coupon} FROM {coupons} WHERE code = $1 FOR UPDATE`),
		// created_at is not in the SET list, so it is kept.
		updateCoupon: r.Replace(`UPDATE {coupons} SET definition = $2, updated_at = $3 WHERE code = $1`),

		createRedemption: r.Replace(`INSERT INTO {redemptions} ({rd}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (id) DO NOTHING`),
		updateRedemption: r.Replace(`UPDATE {redemptions} SET code = $3, order_id = $4, status = $5,
			currency = $6, amount = $7, updated_at = $8
			WHERE id = $1 AND account_id = $2`),
		redemptionsByOrder: r.Replace(`SELECT {rd} FROM {redemptions}
			WHERE account_id = $1 AND order_id = $2 ORDER BY seq`),
		// One pass over the code's live redemptions gives both counts.
		// The caller holds the coupon's row lock, and each statement of a
		// READ COMMITTED transaction sees what committed before it, so
		// the counts include every redemption of an earlier lock holder.
		countRedeemed: r.Replace(`SELECT count(*), count(*) FILTER (WHERE account_id = $2) FROM {redemptions}
			WHERE code = $1 AND status IN ('reserved', 'consumed')`),

		createOrder: r.Replace(`INSERT INTO {orders} ({order})
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
			ON CONFLICT (id) DO NOTHING`),
		getOrder:          r.Replace(`SELECT {order} FROM {orders} WHERE id = $1 AND account_id = $2`),
		getOrderForUpdate: r.Replace(`SELECT {order} FROM {orders} WHERE id = $1 AND account_id = $2 FOR UPDATE`),
		updateOrder: r.Replace(`UPDATE {orders} SET status = $3, payment_id = $4, currency = $5, total = $6,
			kind = $7, actor = $8, coupons = $9, items = $10, targets = $11, quote = $12, updated_at = $13
			WHERE id = $1 AND account_id = $2`),
		// A NULL status list counts every status.
		countOrders: r.Replace(`SELECT count(*) FROM {orders}
			WHERE account_id = $1 AND ($2::text[] IS NULL OR status = ANY ($2::text[]))`),
	}
}
