package gateway_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

func TestCallbackOutcomeNamesAndDefaultReplies(t *testing.T) {
	want := map[gateway.CallbackOutcome]struct {
		name   string
		status int
	}{
		gateway.CallbackApplied:        {"applied", http.StatusOK},
		gateway.CallbackDuplicate:      {"duplicate", http.StatusOK},
		gateway.CallbackUnknownPayment: {"unknown_payment", http.StatusBadRequest},
		gateway.CallbackIgnored:        {"ignored", http.StatusOK},
		gateway.CallbackWrongAmount:    {"wrong_amount", http.StatusBadRequest},
		gateway.CallbackRejected:       {"rejected", http.StatusBadRequest},
		gateway.CallbackFailed:         {"failed", http.StatusInternalServerError},
	}
	for o, w := range want {
		assert.True(t, o.Valid(), w.name)
		assert.Equal(t, w.name, o.String())
		assert.Equal(t, w.status, gateway.DefaultReply(o).Status, w.name)
	}
	assert.False(t, gateway.CallbackOutcome(0).Valid())
	assert.False(t, gateway.CallbackOutcome(8).Valid())
	assert.Equal(t, "CallbackOutcome(8)", gateway.CallbackOutcome(8).String())
	assert.Equal(t, http.StatusInternalServerError, gateway.DefaultReply(0).Status, "an unknown outcome is retried")
}

func TestQueryStateNames(t *testing.T) {
	payments := []string{"pending", "succeeded", "failed", "expired", "not_found"}
	for i, name := range payments {
		s := gateway.PaymentState(i + 1)
		assert.True(t, s.Valid())
		assert.Equal(t, name, s.String())
	}
	assert.False(t, gateway.PaymentState(0).Valid())
	assert.False(t, gateway.PaymentState(6).Valid())
	assert.Equal(t, "PaymentState(6)", gateway.PaymentState(6).String())
	refunds := []string{"pending", "succeeded", "failed", "not_found"}
	for i, name := range refunds {
		s := gateway.RefundState(i + 1)
		assert.True(t, s.Valid())
		assert.Equal(t, name, s.String())
	}
	assert.False(t, gateway.RefundState(0).Valid())
	assert.False(t, gateway.RefundState(5).Valid())
	assert.Equal(t, "RefundState(5)", gateway.RefundState(5).String())
}

func TestRefundRequestReasonIsBounded(t *testing.T) {
	r := gateway.RefundRequest{PaymentID: "pay_1", RefundID: "rf_1", GatewayRef: "g1", Amount: amt(t, "1000 VND"), Reason: "bad\x00"}
	assert.ErrorIs(t, r.Validate(), gateway.ErrInvalidRequest)
	r.Reason = "customer asked"
	assert.NoError(t, r.Validate())
}
