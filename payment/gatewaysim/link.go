package gatewaysim

import (
	"context"
	"fmt"
	"strings"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// StartLink records a pending link and returns BaseURL/link/<ref>. The test
// decides what the user does with CompleteLink or FailLink. Repeating it with
// the same LinkID and account returns the same Redirect; another account is
// gateway.ErrConflict.
func (g *Gateway) StartLink(ctx context.Context, req gateway.LinkRequest) (redirect gateway.Redirect, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	applied := false
	defer func() {
		g.record(Call{Method: MethodStartLink, LinkID: req.LinkID, AccountID: req.AccountID, Applied: applied, Err: err})
	}()
	if err := ctx.Err(); err != nil {
		return gateway.Redirect{}, temporary(err)
	}
	if err := req.Validate(); err != nil {
		return gateway.Redirect{}, err
	}
	if l, ok := g.links[req.LinkID]; ok {
		if l.accountID != req.AccountID {
			return gateway.Redirect{}, conflict("link", req.LinkID)
		}
		return l.redirect, nil
	}
	ref := g.next("link")
	l := &link{accountID: req.AccountID, redirect: gateway.Redirect{URL: g.cfg.BaseURL + "/link/" + ref, GatewayRef: ref}}
	g.links[req.LinkID] = l
	applied = true
	return l.redirect, nil
}

// CompleteLink authorises a pending link and returns the signed
// link.succeeded callback carrying a fresh token ("tok_000001", …), which
// Charge then accepts for the link's account. display is the masked name to
// show ("MoMo •••• 4242"); empty means "<Name> •••• <last four digits of the
// token>". The callback is returned, not queued. An unknown link matches
// gateway.ErrNotFound; a finished one is ErrNotPending.
func (g *Gateway) CompleteLink(linkID, display string) (Callback, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	l, err := g.pendingLink(linkID)
	if err != nil {
		return Callback{}, err
	}
	tok := g.next("tok")
	if display == "" {
		display = g.cfg.Name + " •••• " + tok[len(tok)-4:]
	}
	cb, err := g.emit(gateway.Event{Type: gateway.EventLinkSucceeded, LinkID: linkID,
		GatewayRef: l.redirect.GatewayRef, Token: gateway.NewToken(tok), Display: display})
	if err != nil {
		return Callback{}, err
	}
	l.done = true
	g.tokens[tok] = l.accountID
	return cb.clone(), nil
}

// FailLink ends a pending link without a token and returns the signed
// link.failed callback with reason (default "declined"). It is returned, not
// queued. An unknown link matches gateway.ErrNotFound; a finished one is
// ErrNotPending.
func (g *Gateway) FailLink(linkID, reason string) (Callback, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	l, err := g.pendingLink(linkID)
	if err != nil {
		return Callback{}, err
	}
	if strings.TrimSpace(reason) == "" {
		reason = "declined"
	}
	cb, err := g.emit(gateway.Event{Type: gateway.EventLinkFailed, LinkID: linkID,
		GatewayRef: l.redirect.GatewayRef, FailureReason: reason})
	if err != nil {
		return Callback{}, err
	}
	l.done = true
	return cb.clone(), nil
}

// pendingLink finds a link that has no final callback yet; the caller holds
// mu.
func (g *Gateway) pendingLink(linkID string) (*link, error) {
	l, ok := g.links[linkID]
	if !ok {
		return nil, fmt.Errorf("%w: link %q", gateway.ErrNotFound, linkID)
	}
	if l.done {
		return nil, fmt.Errorf("%w: link %q is finished", ErrNotPending, linkID)
	}
	return l, nil
}
