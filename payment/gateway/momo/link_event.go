package momo

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// linkEvent turns an authentic binding IPN into link.succeeded or
// link.failed. extraData (signed) names the LinkID and AccountID; the IPN's
// orderId and partnerClientId must be the ones StartLink derived from them.
func (g *Gateway) linkEvent(ctx context.Context, now time.Time, v map[string]string, e extra) (gateway.Event, error) {
	if v["partnerCode"] != g.cfg.PartnerCode {
		return gateway.Event{}, &gateway.EventError{Field: "partnerCode", Reason: "is not this gateway's partner"}
	}
	if linkOrderID(e.LinkID) != v["orderId"] || checkID("AccountID", e.AccountID) != nil {
		return gateway.Event{}, &gateway.EventError{Field: "extraData", Reason: "does not name this order's link"}
	}
	if v["partnerClientId"] != clientID(e.AccountID) {
		return gateway.Event{}, &gateway.EventError{Field: "partnerClientId", Reason: "is not the linking account's"}
	}
	code, _ := strconv.ParseInt(v["resultCode"], 10, 64)
	ms, _ := strconv.ParseInt(v["responseTime"], 10, 64)
	trans, _ := strconv.ParseInt(v["transId"], 10, 64)
	if ms <= 0 {
		return gateway.Event{}, &gateway.EventError{Field: "responseTime", Reason: "is missing"}
	}
	ev := gateway.Event{
		ID:         "momo:" + v["orderId"] + ":" + strconv.FormatInt(trans, 10) + ":" + strconv.FormatInt(code, 10),
		Gateway:    g.cfg.Name,
		LinkID:     e.LinkID,
		GatewayRef: v["orderId"],
		OccurredAt: time.UnixMilli(ms).UTC(),
	}
	switch classify(code) {
	case classPending:
		return gateway.Event{}, ErrNotFinal
	case classSucceeded:
		if err := g.linking("linking a wallet"); err != nil {
			return gateway.Event{}, fmt.Errorf("%w: %w", gateway.ErrIgnoredEvent, err)
		}
		if v["callbackToken"] == "" {
			return gateway.Event{}, &gateway.EventError{Field: "callbackToken", Reason: "is missing"}
		}
		l, refused, err := g.bind(ctx, now, v["orderId"], e.AccountID, v["callbackToken"])
		if err != nil {
			return gateway.Event{}, err
		}
		if refused != 0 {
			ev.Type = gateway.EventLinkFailed
			ev.FailureReason = reason(refused)
			break
		}
		ev.Type = gateway.EventLinkSucceeded
		ev.Token = l.token
		ev.Display = l.display
	default:
		ev.Type = gateway.EventLinkFailed
		ev.FailureReason = reason(code)
	}
	if _, err := gateway.EncodeEvent(ev); err != nil {
		return gateway.Event{}, err
	}
	return ev, nil
}
