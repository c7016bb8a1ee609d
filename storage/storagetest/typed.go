package storagetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

// testTypedRecords checks that every typed field of a resource, order,
// invoice, action and coupon comes back exactly as it went in, and that
// what a store hands out is a copy: changing it changes nothing stored.
func (s suite) testTypedRecords(t *testing.T) {
	t.Run("a resource keeps every field of its detail, and reads are copies", func(t *testing.T) {
		st := s.newStore(t)
		want := richResource(t, "a", "r1")
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Resources().Create(ctx, want) })
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.Resources().Get(ctx, "a", "r1")
			require.NoError(t, err)
			want.Version = 1
			assertSame(t, want, got)
			// Change every shared part of what was read; the store must
			// not see it.
			got.Configuration.Components["disk_gb"] = 999
			got.CouponShares["SPRING"] = vnd(t, 1)
			got.InvoiceIDs[0] = "changed"
			got.Value.Segments[0].Value = vnd(t, 1)
			got.Line.Breakdown[0] = "changed"
			got.Line.Price.Parts[0].Breakdown[0] = "changed"
			got.Intervals[0].Item = "changed"
			got.Intervals[1].To = epoch()
			again, err := tx.Resources().Get(ctx, "a", "r1")
			require.NoError(t, err)
			assertSame(t, want, again)

			// An update replaces the detail wholesale, zero values too.
			again.ResourceDetail = storage.ResourceDetail{Term: period.Days(60), PricePer30Days: vnd(t, 5)}
			again.Status = lifecycle.StateSuspended
			up, err := tx.Resources().Update(ctx, again)
			require.NoError(t, err)
			read, err := tx.Resources().Get(ctx, "a", "r1")
			require.NoError(t, err)
			assertSame(t, up, read)
			require.Equal(t, int64(2), read.Version)
			return nil
		})
	})

	t.Run("what was written back unchanged is still the store's own copy", func(t *testing.T) {
		// A store may keep what an update writes back unchanged instead of
		// copying it again; it must still never keep the caller's memory.
		st := s.newStore(t)
		want := richResource(t, "a", "r1")
		wantOrder := richOrder(t, "a", "o1")
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			if err := tx.Orders().Create(ctx, wantOrder); err != nil {
				return err
			}
			return tx.Resources().Create(ctx, want)
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.Resources().Get(ctx, "a", "r1")
			require.NoError(t, err)
			up, err := tx.Resources().Update(ctx, got)
			require.NoError(t, err)
			many, err := tx.Resources().Get(ctx, "a", "r1")
			require.NoError(t, err)
			require.NoError(t, tx.Resources().UpdateMany(ctx, []storage.Resource{many}))
			for _, r := range []*storage.Resource{&got, &up, &many} {
				r.Configuration.Components["disk_gb"] = 999
				r.CouponShares["SPRING"] = vnd(t, 1)
				r.InvoiceIDs[0] = "changed"
				r.Value.Segments[0].Value = vnd(t, 1)
				r.Line.Configuration.Components["disk_gb"] = 999
				r.Line.Breakdown[0] = "changed"
				r.Line.Discounts[0].Code = "changed"
				r.Line.Price.Parts[0].Breakdown[0] = "changed"
				r.Intervals[0].Item = "changed"
			}
			again, err := tx.Resources().Get(ctx, "a", "r1")
			require.NoError(t, err)
			want.Version = 3
			assertSame(t, want, again)

			o, err := tx.Orders().Get(ctx, "a", "o1")
			require.NoError(t, err)
			o.Status = order.StatusPaid
			require.NoError(t, tx.Orders().Update(ctx, o))
			o.Items[0].Configuration.Components["disk_gb"] = 1
			o.Targets[0].Resize.NewLine.Breakdown[0] = "changed"
			o.Coupons[0] = "changed"
			o.Quote.Lines[0].Breakdown[0] = "changed"
			o.Quote.Lines[0].Price.Parts[0].Breakdown[0] = "changed"
			o.Quote.Lines[0].Discounts[0].Code = "changed"
			o.Quote.Discounts[0].Code = "changed"
			gotOrder, err := tx.Orders().Get(ctx, "a", "o1")
			require.NoError(t, err)
			wantOrder.Status = order.StatusPaid
			assertSame(t, wantOrder, gotOrder)

			// A change written back is kept, and the caller's value is
			// still not shared.
			gotOrder.Quote.Lines[0].Breakdown = append(gotOrder.Quote.Lines[0].Breakdown, "one more")
			require.NoError(t, tx.Orders().Update(ctx, gotOrder))
			gotOrder.Quote.Lines[0].Breakdown[1] = "changed"
			read, err := tx.Orders().Get(ctx, "a", "o1")
			require.NoError(t, err)
			wantOrder.Quote.Lines[0].Breakdown = append(slices.Clone(wantOrder.Quote.Lines[0].Breakdown), "one more")
			assertSame(t, wantOrder, read)
			return nil
		})
	})

	t.Run("an order keeps its items, targets, pending resize, coupons and quote", func(t *testing.T) {
		st := s.newStore(t)
		want := richOrder(t, "a", "o1")
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Orders().Create(ctx, want) })
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.Orders().Get(ctx, "a", "o1")
			require.NoError(t, err)
			assertSame(t, want, got)
			require.Equal(t, "VND", got.Quote.Currency.Code(), "the quote's currency survives the store")
			got.Items[0].Configuration.Components["disk_gb"] = 1
			got.Targets[0].Resize.NewLine.Breakdown[0] = "changed"
			got.Coupons[0] = "changed"
			got.Quote.Lines[0].Discounts[0].Code = "changed"
			again, err := tx.Orders().Get(ctx, "a", "o1")
			require.NoError(t, err)
			assertSame(t, want, again)
			return nil
		})
	})

	t.Run("an invoice keeps its document: lines, totals, dates, number", func(t *testing.T) {
		st := s.newStore(t)
		want := invoiceRecord(t, "a", "i1", "r1", invoice.StatusPaid, 187_000, epoch())
		want.OrderID, want.Series, want.Number, want.IssuedAt = "o1", "INV-2026", 12, epoch().Add(time.Minute)
		want.DueAt, want.PaidAt, want.Memo = epoch().Add(24*time.Hour), epoch().Add(2*time.Minute), "thank you"
		want.AmountPaid = want.Total
		want.Lines[0].Period = period.Span{Start: epoch(), End: epoch().Add(720 * time.Hour)}
		want.Lines[0].Details = []string{"2 vCPU × 45,000"}
		want.Lines[0].Explain = []invoice.Detail{{Kind: invoice.DetailUnits, Name: "vCPU", Unit: "vCPU", Quantity: decimal.NewFromInt(2),
			Price: decimal.NewFromInt(45_000), Amount: decimal.NewFromInt(90_000)}}
		want.Seller = &invoice.Party{Name: "Công ty Cổ phần Mây Việt", TaxCode: "0101234567", Address: "Số 1 Phố Huế\nHà Nội",
			BankAccount: "0011001234567", BankName: "Vietcombank"}
		want.Buyer = &invoice.Party{Name: "Công ty TNHH An Bình", TaxCode: "0312345678-001", BuyerName: "Nguyễn Văn An"}
		note := invoiceRecord(t, "a", "cn1", "r1", invoice.StatusIssued, 87_483, epoch())
		note.Kind, note.CreditedInvoiceID, note.VoidReason = invoice.KindCreditNote, "i1", ""
		note.CodedReason = invoice.CreditReason{Code: invoice.CreditResize, Note: "s2 → s4"}
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			if err := tx.Invoices().Create(ctx, want); err != nil {
				return err
			}
			return tx.Invoices().Create(ctx, note)
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.Invoices().Get(ctx, "a", "i1")
			require.NoError(t, err)
			assertSame(t, want, got)
			gotNote, err := tx.Invoices().Get(ctx, "a", "cn1")
			require.NoError(t, err)
			assertSame(t, note, gotNote)
			got.Lines[0].Details[0] = "changed"
			got.Lines[0].Explain[0].Name = "changed"
			got.Buyer.Name = "changed"
			again, err := tx.Invoices().Get(ctx, "a", "i1")
			require.NoError(t, err)
			assertSame(t, want, again)
			return nil
		})
	})

	t.Run("an action keeps its configurations and periods", func(t *testing.T) {
		st := s.newStore(t)
		want := actionRecord("a", "act1", "r1", invoice.ActionResize, epoch())
		want.OldConfiguration = invoice.Configuration{Plan: "s2"}
		want.NewConfiguration = invoice.Configuration{Plan: "s4", Components: map[string]int64{"disk_gb": 80}}
		want.OldPeriod = period.Span{Start: epoch(), End: epoch().Add(720 * time.Hour)}
		want.NewPeriod = period.Span{Start: epoch().Add(time.Hour), End: epoch().Add(720 * time.Hour)}
		want.InvoiceID, want.Note = "i1", "upgrade"
		var appended storage.Action
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			var err error
			appended, err = tx.Actions().Append(ctx, want)
			return err
		})
		want.Seq = appended.Seq
		assertSame(t, want, appended)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			list, err := tx.Actions().List(ctx, "a", "r1", 0, 10)
			require.NoError(t, err)
			require.Len(t, list, 1)
			assertSame(t, want, list[0])
			list[0].NewConfiguration.Components["disk_gb"] = 1
			again, err := tx.Actions().List(ctx, "a", "r1", 0, 10)
			require.NoError(t, err)
			assertSame(t, want, again[0])
			return nil
		})
	})

	t.Run("a coupon keeps its definition", func(t *testing.T) {
		st := s.newStore(t)
		want := richCoupon(t, "SPRING")
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Coupons().Create(ctx, want) })
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.Coupons().Get(ctx, "SPRING")
			require.NoError(t, err)
			assertSame(t, want, got)
			got.Definition.Products[0] = "changed"
			again, err := tx.Coupons().Get(ctx, "SPRING")
			require.NoError(t, err)
			assertSame(t, want, again)
			return nil
		})
	})

	t.Run("a postpaid resource keeps its intervals digit for digit and its close and stop times", func(t *testing.T) {
		st := s.newStore(t)
		r := newResource("a", "r1", epoch().Add(time.Hour))
		r.PeriodEnd = time.Time{} // a postpaid resource has no paid term
		r.Postpaid, r.Intervals = true, richIntervals(t)
		r.ClosedThrough = time.Date(2025, 12, 31, 17, 0, 0, 0, time.UTC)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Resources().Create(ctx, r) })
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.Resources().Get(ctx, "a", "r1")
			require.NoError(t, err)
			r.Version = 1
			assertSame(t, r, got)
			require.Len(t, got.Intervals, 2)
			first := got.Intervals[0]
			require.Equal(t, "7.7", first.UnitPrice.Number().String(), "a unit price keeps digits VND has not")
			require.Equal(t, "VND", first.UnitPrice.Currency().Code())
			require.Equal(t, "2.5 0.125 0.08", first.Quantity.String()+" "+first.DiscountRate.String()+" "+first.TaxRate.String())
			require.True(t, got.Intervals[1].To.IsZero(), "the open interval stays open")
			require.True(t, got.StoppedAt.IsZero(), "a running resource has no stop time")

			// Stopping it and closing a month are updates like any other;
			// dropping the billed intervals leaves none.
			got.StoppedAt, got.ClosedThrough = epoch().Add(2*time.Hour), time.Date(2026, 1, 31, 17, 0, 0, 0, time.UTC)
			got.Intervals = got.Intervals[1:]
			up, err := tx.Resources().Update(ctx, got)
			require.NoError(t, err)
			read, err := tx.Resources().Get(ctx, "a", "r1")
			require.NoError(t, err)
			assertSame(t, up, read)
			require.Len(t, read.Intervals, 1)
			require.True(t, read.StoppedAt.Equal(epoch().Add(2*time.Hour)))
			read.Intervals, read.Postpaid = nil, false
			up, err = tx.Resources().Update(ctx, read)
			require.NoError(t, err)
			require.Empty(t, up.Intervals)
			require.False(t, up.Postpaid)
			return nil
		})
	})

	t.Run("amounts keep their currency and extra digits", func(t *testing.T) {
		st := s.newStore(t)
		usd, err := money.New("12.3456", "USD")
		require.NoError(t, err)
		r := richResource(t, "a", "r1")
		r.PricePer30Days = usd
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Resources().Create(ctx, r) })
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.Resources().Get(ctx, "a", "r1")
			require.NoError(t, err)
			require.True(t, got.PricePer30Days.Equal(usd), "got %v", got.PricePer30Days)
			require.Equal(t, "USD", got.PricePer30Days.Currency().Code())
			return nil
		})
	})
}
