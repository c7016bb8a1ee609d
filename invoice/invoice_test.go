package invoice_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/invoice"
)

func TestNewComputesTotalsAsSumsOfLines(t *testing.T) {
	t.Run("the brief's order 90,000/30 × 60 + 35,000/30 × 60 − 20,000 is 230,000 VND", func(t *testing.T) {
		// Lines priced by the catalog: 180,000 and 70,000 before the coupon,
		// whose 20,000 was split 14,400 + 5,600 by their shares.
		inv := draft(t, "VND", invoice.TaxExclusive,
			priced(t, invoice.TaxExclusive, "vServer 60 days", "2", "90000", "14400", "0", "VND"),
			priced(t, invoice.TaxExclusive, "vStorage 60 days", "2", "35000", "5600", "0", "VND"))
		assert.Equal(t, "250000 VND", inv.Subtotal.String())
		assert.Equal(t, "20000 VND", inv.Discount.String())
		assert.Equal(t, "230000 VND", inv.Net.String())
		assert.Equal(t, "0 VND", inv.Tax.String())
		assert.Equal(t, "230000 VND", inv.Total.String())
		assert.Equal(t, invoice.StatusDraft, inv.Status)
		assert.Equal(t, invoice.KindInvoice, inv.Kind)
		assert.Equal(t, "0 VND", inv.AmountPaid.String())
		assert.Equal(t, "0 VND", inv.AmountCredited.String())
		assert.Equal(t, "", inv.DisplayNumber(), "a draft has no number")
	})
	t.Run("10% exclusive on 100,000 − 10,000 and 50,000 is 140,000 + 14,000 = 154,000", func(t *testing.T) {
		inv := draft(t, "VND", invoice.TaxExclusive, validLine(t),
			priced(t, invoice.TaxExclusive, "backup", "1", "50000", "", "0.1", "VND"))
		for name, want := range map[string]money.Amount{
			"subtotal": amt(t, "150000", "VND"), "discount": amt(t, "10000", "VND"), "net": amt(t, "140000", "VND"),
			"tax": amt(t, "14000", "VND"), "total": amt(t, "154000", "VND"),
		} {
			got := map[string]money.Amount{"subtotal": inv.Subtotal, "discount": inv.Discount, "net": inv.Net, "tax": inv.Tax, "total": inv.Total}[name]
			assert.True(t, want.Equal(got), "%s is %s, want %s", name, got, want)
		}
	})
	t.Run("10% inclusive on 110,000 and 55,000 totals 165,000 with 15,000 tax inside", func(t *testing.T) {
		inv := draft(t, "VND", invoice.TaxInclusive,
			priced(t, invoice.TaxInclusive, "a", "1", "110000", "", "0.1", "VND"),
			priced(t, invoice.TaxInclusive, "b", "1", "55000", "", "0.1", "VND"))
		assert.Equal(t, "165000 VND", inv.Total.String())
		assert.Equal(t, "165000 VND", inv.Subtotal.String(), "subtotal − discount = total when prices include tax")
		assert.Equal(t, "15000 VND", inv.Tax.String())
		assert.Equal(t, "150000 VND", inv.Net.String())
	})
	t.Run("KWD lines of 3.704 + 0.185 and 1.000 + 0.050 total 4.939", func(t *testing.T) {
		inv := draft(t, "KWD", invoice.TaxExclusive,
			priced(t, invoice.TaxExclusive, "a", "3", "1.2345", "", "0.05", "KWD"),
			priced(t, invoice.TaxExclusive, "b", "1", "1", "", "0.05", "KWD"))
		assert.Equal(t, "4.939 KWD", inv.Total.String())
		assert.Equal(t, "0.235 KWD", inv.Tax.String())
	})
}

func TestNewRefusesBadHeaders(t *testing.T) {
	good := func() invoice.Draft {
		return invoice.Draft{ID: "inv_1", AccountID: "acc_1", ResourceID: "res_1", Currency: "VND",
			TaxMode: invoice.TaxExclusive, Lines: []invoice.Line{validLine(t)}, CreatedAt: t0}
	}
	tests := []struct {
		name   string
		change func(*invoice.Draft)
		is     error
		field  string
	}{
		{"an empty id", func(d *invoice.Draft) { d.ID = "" }, invoice.ErrInvalidArgument, "ID"},
		{"an id with a space", func(d *invoice.Draft) { d.ID = "inv 1" }, invoice.ErrInvalidArgument, "ID"},
		{"an id of 129 bytes", func(d *invoice.Draft) { d.ID = strings.Repeat("x", 129) }, invoice.ErrInvalidArgument, "ID"},
		{"an id that is not UTF-8", func(d *invoice.Draft) { d.ID = "\xc0" }, invoice.ErrInvalidArgument, "ID"},
		{"an empty account", func(d *invoice.Draft) { d.AccountID = "" }, invoice.ErrInvalidArgument, "AccountID"},
		{"an empty resource", func(d *invoice.Draft) { d.ResourceID = "" }, invoice.ErrInvalidArgument, "ResourceID"},
		{"a lower-case currency", func(d *invoice.Draft) { d.Currency = "vnd" }, money.ErrUnknownCurrency, "Currency"},
		{"no currency", func(d *invoice.Draft) { d.Currency = "" }, money.ErrUnknownCurrency, "Currency"},
		{"an empty tax mode", func(d *invoice.Draft) { d.TaxMode = "" }, invoice.ErrInvalidArgument, "TaxMode"},
		{"the zero creation time", func(d *invoice.Draft) { d.CreatedAt = time.Time{} }, invoice.ErrInvalidArgument, "CreatedAt"},
		{"a memo of 2,001 bytes", func(d *invoice.Draft) { d.Memo = strings.Repeat("m", 2001) }, invoice.ErrInvalidArgument, "Memo"},
		{"no lines", func(d *invoice.Draft) { d.Lines = nil }, invoice.ErrNoLines, ""},
		{"1,001 lines", func(d *invoice.Draft) {
			d.Lines = make([]invoice.Line, 1001)
			for i := range d.Lines {
				d.Lines[i] = d.Lines[0]
			}
		}, invoice.ErrInvalidArgument, "Lines"},
		{"a USD line on a VND invoice", func(d *invoice.Draft) {
			d.Lines = append(d.Lines, priced(t, invoice.TaxExclusive, "usd", "1", "5", "", "0", "USD"))
		}, money.ErrCurrencyMismatch, ""},
	}
	for _, tt := range tests {
		t.Run("new refuses "+tt.name, func(t *testing.T) {
			d := good()
			tt.change(&d)
			_, err := invoice.New(d)
			require.ErrorIs(t, err, tt.is)
			if tt.field != "" {
				var ae *invoice.ArgumentError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, tt.field, ae.Name)
			}
		})
	}
}

func TestNewCopiesItsLines(t *testing.T) {
	lines := []invoice.Line{validLine(t)}
	lines[0].Details = []string{"100,000 per 30 days"}
	before := []invoice.Line{lines[0].Clone()}
	inv := draft(t, "VND", invoice.TaxExclusive, lines...)
	unchanged(t, before, lines)

	lines[0].Details[0] = "changed by the caller"
	lines[0].Description = "changed"
	assert.Equal(t, "100,000 per 30 days", inv.Lines[0].Details[0], "the invoice does not share the caller's slices")
	assert.Equal(t, "vServer", inv.Lines[0].Description)

	c := inv.Clone()
	c.Lines[0].Details[0] = "changed in the clone"
	assert.Equal(t, "100,000 per 30 days", inv.Lines[0].Details[0], "a clone shares nothing")
}

func TestWithLines(t *testing.T) {
	t.Run("a draft takes new lines and new totals; the input is unchanged", func(t *testing.T) {
		d := vserverDraft(t)
		before := d.Clone()
		got, err := invoice.WithLines(d, []invoice.Line{validLine(t)})
		require.NoError(t, err)
		unchanged(t, before, d)
		assert.Equal(t, "99000 VND", got.Total.String())
		assert.Equal(t, "181000 VND", d.Total.String())
	})
	t.Run("a draft refuses bad lines", func(t *testing.T) {
		_, err := invoice.WithLines(vserverDraft(t), nil)
		require.ErrorIs(t, err, invoice.ErrNoLines)
	})
	for _, s := range []invoice.Status{invoice.StatusIssued, invoice.StatusPaid, invoice.StatusVoid} {
		t.Run("a "+string(s)+" invoice is immutable", func(t *testing.T) {
			inv := vserverDraft(t)
			var err error
			switch s {
			case invoice.StatusIssued:
				inv, err = invoice.Issue(inv, "INV-2026", 1, t0, t0.Add(72*time.Hour))
			case invoice.StatusPaid:
				inv, err = invoice.IssuePaid(inv, "INV-2026", 1, t0)
			case invoice.StatusVoid:
				inv, err = invoice.Void(inv, t0, "abandoned cart")
			}
			require.NoError(t, err)
			before := inv.Clone()
			_, err = invoice.WithLines(inv, []invoice.Line{validLine(t)})
			require.ErrorIs(t, err, invoice.ErrImmutable)
			var ie *invoice.ImmutableError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, invoice.ImmutableError{ID: "inv_1", Status: s}, *ie)
			unchanged(t, before, inv)
		})
	}
}

func TestValidateCatchesTamperedDocuments(t *testing.T) {
	issued := func() invoice.Invoice {
		inv, err := invoice.Issue(vserverDraft(t), "INV-2026", 7, t0.Add(time.Hour), t0.Add(48*time.Hour))
		require.NoError(t, err)
		return inv
	}
	drafted := func() invoice.Invoice { return vserverDraft(t) }
	tests := []struct {
		name   string
		base   func() invoice.Invoice
		change func(*invoice.Invoice)
		field  string
	}{
		{"an unknown kind", issued, func(i *invoice.Invoice) { i.Kind = "receipt" }, "Kind"},
		{"a paid credit note", issued, func(i *invoice.Invoice) { i.Kind = invoice.KindCreditNote; i.Status = invoice.StatusPaid }, "Status"},
		{"an unknown status", issued, func(i *invoice.Invoice) { i.Status = "unpaid" }, "Status"},
		{"a total that is not the sum of the lines", issued, func(i *invoice.Invoice) { i.Total = amt(t, "180000", "VND") }, "Total"},
		{"a subtotal in USD", issued, func(i *invoice.Invoice) { i.Subtotal = amt(t, "181000", "USD") }, "Subtotal"},
		{"an amount paid beyond the total", issued, func(i *invoice.Invoice) { i.AmountPaid = amt(t, "181001", "VND") }, "AmountPaid"},
		{"a negative amount credited", issued, func(i *invoice.Invoice) { i.AmountCredited = amt(t, "-1", "VND") }, "AmountCredited"},
		{"a missing amount paid", issued, func(i *invoice.Invoice) { i.AmountPaid = money.Amount{} }, "AmountPaid"},
		{"money paid on an issued invoice", issued, func(i *invoice.Invoice) { i.AmountPaid = amt(t, "1", "VND") }, "AmountPaid"},
		{"a paid status with nothing paid", issued, func(i *invoice.Invoice) { i.Status = invoice.StatusPaid; i.PaidAt = i.IssuedAt }, "AmountPaid"},
		{"a partially paid status with everything paid", issued, func(i *invoice.Invoice) {
			i.Status = invoice.StatusPartiallyPaid
			i.AmountPaid = i.Total
		}, "AmountPaid"},
		{"a paid time on an issued invoice", issued, func(i *invoice.Invoice) { i.PaidAt = i.IssuedAt }, "PaidAt"},
		{"an issued invoice without an issue time", issued, func(i *invoice.Invoice) { i.IssuedAt = time.Time{} }, "IssuedAt"},
		{"an issue time before creation", issued, func(i *invoice.Invoice) { i.IssuedAt = t0.Add(-time.Second) }, "IssuedAt"},
		{"a due time before issue", issued, func(i *invoice.Invoice) { i.DueAt = t0 }, "DueAt"},
		{"an issued invoice without a due time", issued, func(i *invoice.Invoice) { i.DueAt = time.Time{} }, "DueAt"},
		{"a draft with an issue time", drafted, func(i *invoice.Invoice) { i.IssuedAt = t0 }, "IssuedAt"},
		{"a draft with a number", drafted, func(i *invoice.Invoice) { i.Number = 3 }, "Number"},
		{"a draft with a void reason", drafted, func(i *invoice.Invoice) { i.VoidReason = "x" }, "VoidedAt"},
		{"a void invoice without a reason", drafted, func(i *invoice.Invoice) { i.Status = invoice.StatusVoid; i.VoidedAt = t0 }, "VoidedAt"},
		{"an invoice naming a credited invoice", drafted, func(i *invoice.Invoice) { i.CreditedInvoiceID = "inv_0" }, "CreditedInvoiceID"},
		{"a credit note without a reason", drafted, func(i *invoice.Invoice) {
			i.Kind = invoice.KindCreditNote
			i.CreditedInvoiceID = "inv_0"
		}, "Memo"},
		{"an unknown currency", drafted, func(i *invoice.Invoice) { i.Currency = "XXX" }, "Currency"},
	}
	for _, tt := range tests {
		t.Run("validate refuses "+tt.name, func(t *testing.T) {
			inv := tt.base()
			require.NoError(t, inv.Validate(), "the fixture is valid")
			tt.change(&inv)
			err := inv.Validate()
			require.ErrorIs(t, err, invoice.ErrInvalidArgument)
			var ae *invoice.ArgumentError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.field, ae.Name, "%v", err)
		})
	}
	t.Run("validate refuses a series that breaks the rule", func(t *testing.T) {
		inv := issued()
		inv.Series = "inv-2026"
		require.ErrorIs(t, inv.Validate(), invoice.ErrInvalidSeries)
	})
	t.Run("validate refuses a tampered line", func(t *testing.T) {
		inv := issued()
		inv.Lines[0].Tax = amt(t, "1", "VND")
		require.ErrorIs(t, inv.Validate(), invoice.ErrInvalidLine)
	})
	t.Run("functions refuse a tampered invoice and change nothing", func(t *testing.T) {
		inv := issued()
		inv.Total = amt(t, "1", "VND")
		before := inv.Clone()
		_, err := invoice.ApplyPayment(inv, amt(t, "1", "VND"), t0.Add(2*time.Hour))
		require.ErrorIs(t, err, invoice.ErrInvalidArgument)
		unchanged(t, before, inv)
	})
}

func TestAmountDue(t *testing.T) {
	d := vserverDraft(t)
	assert.Equal(t, "0 VND", d.AmountDue().String(), "a draft is not payable")
	issued, err := invoice.Issue(d, "INV-2026", 1, t0, t0)
	require.NoError(t, err)
	assert.Equal(t, "181000 VND", issued.AmountDue().String())
	part, err := invoice.ApplyPayment(issued, amt(t, "81000", "VND"), t0)
	require.NoError(t, err)
	assert.Equal(t, "100000 VND", part.AmountDue().String())
	assert.Equal(t, "", invoice.Invoice{}.AmountDue().String(), "the zero invoice has no currency")
}

func TestInvoiceJSONRoundTrip(t *testing.T) {
	inv := paidInvoice(t, draft(t, "USD", invoice.TaxExclusive,
		priced(t, invoice.TaxExclusive, "a", "333", "0.0125", "", "0.1", "USD"),
		priced(t, invoice.TaxExclusive, "b", "1", "10", "1", "0.1", "USD")))
	b, err := json.Marshal(inv)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"total":"14.48 USD"`, "amounts marshal as strings, never JSON numbers")
	assert.NotContains(t, string(b), `"voided_at"`, "unset times are left out")
	var back invoice.Invoice
	require.NoError(t, json.Unmarshal(b, &back))
	if diff := cmp.Diff(inv, back); diff != "" {
		t.Fatalf("round trip changed the invoice (-want +got):\n%s", diff)
	}
	require.NoError(t, back.Validate())
}
