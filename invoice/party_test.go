package invoice_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/invoice"
)

var (
	seller = invoice.Party{Name: "Công ty Cổ phần Mây Việt", TaxCode: "0101234567", Address: "Số 1 Phố Huế\nHà Nội",
		Email: "hoadon@example.vn", BankAccount: "0011001234567", BankName: "Vietcombank"}
	buyer = invoice.Party{Name: "Công ty TNHH An Bình", TaxCode: "0312345678-001", Address: "12 Nguyễn Huệ, TP. Hồ Chí Minh",
		BuyerName: "Nguyễn Văn An"}
)

func TestWithPartiesSnapshotsOnADraftOnly(t *testing.T) {
	d := vserverDraft(t)
	before := d.Clone()
	withParties, err := invoice.WithParties(d, seller, buyer)
	require.NoError(t, err)
	unchanged(t, before, d)
	require.Equal(t, seller, *withParties.Seller)
	require.Equal(t, buyer, *withParties.Buyer)
	require.NoError(t, withParties.Validate())

	// The copy is the document's own: changing the caller's value or a
	// clone's does not reach it.
	c := withParties.Clone()
	c.Buyer.Name = "another"
	require.Equal(t, buyer.Name, withParties.Buyer.Name)

	issued := paidInvoice(t, withParties)
	require.Equal(t, buyer, *issued.Buyer, "issuing keeps the parties")
	_, err = invoice.WithParties(issued, seller, invoice.Party{Name: "later"})
	require.ErrorIs(t, err, invoice.ErrImmutable)

	// An empty party prints nothing and is left out of the stored JSON,
	// so documents without parties encode as before.
	none, err := invoice.WithParties(d, invoice.Party{}, invoice.Party{})
	require.NoError(t, err)
	require.Nil(t, none.Seller)
	b, err := json.Marshal(none)
	require.NoError(t, err)
	require.NotContains(t, string(b), `"seller"`)
	require.NotContains(t, string(b), `"buyer"`)
}

func TestCheckPartyRefusals(t *testing.T) {
	cases := map[string]invoice.Party{
		"Buyer.Name":    {TaxCode: "0312345678"},
		"Buyer.Email":   {Name: "An", Email: "a\x00b"},
		"Buyer.Address": {Name: "An", Address: strings.Repeat("x", invoice.MaxPartyFieldLen+1)},
		"Buyer.Phone":   {Name: "An", Phone: "\xff"},
	}
	for field, p := range cases {
		_, err := invoice.WithParties(vserverDraft(t), seller, p)
		var ae *invoice.ArgumentError
		if !errors.As(err, &ae) || ae.Name != field {
			t.Errorf("%s: %v", field, err)
		}
	}
	// An address may have line breaks; other fields may not.
	require.NoError(t, invoice.CheckParty("Seller", seller))
	require.Error(t, invoice.CheckParty("Seller", invoice.Party{Name: "a\nb"}))
}
