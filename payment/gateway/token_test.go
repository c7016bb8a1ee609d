package gateway_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

const rawToken = "tok_live_SECRET_4242"

func TestTokenNeverPrints(t *testing.T) {
	tok := gateway.Token(rawToken)
	ev := gateway.Event{ID: "evt_1", Type: gateway.EventLinkSucceeded, LinkID: "link_1", Token: tok, Display: "MoMo •••• 4242"}
	ptr := &ev
	cases := []struct {
		name string
		got  string
		want string // "" means only "must not contain the raw token"
	}{
		{"%v prints [REDACTED]", fmt.Sprintf("%v", tok), "[REDACTED]"},
		{"%s prints [REDACTED]", fmt.Sprintf("%s", tok), "[REDACTED]"},
		{"%+v prints [REDACTED]", fmt.Sprintf("%+v", tok), "[REDACTED]"},
		{"%#v prints Go syntax with [REDACTED]", fmt.Sprintf("%#v", tok), `gateway.Token("[REDACTED]")`},
		{"%q prints the quoted redaction", fmt.Sprintf("%q", tok), `"[REDACTED]"`},
		{"%12s pads the redaction", fmt.Sprintf("%12s", tok), "  [REDACTED]"},
		{"%x hexes the redaction, not the token", fmt.Sprintf("%x", tok), fmt.Sprintf("%x", "[REDACTED]")},
		{"%d is a bad verb on the redaction", fmt.Sprintf("%d", tok), "%!d(string=[REDACTED])"},
		{"Sprint prints [REDACTED]", fmt.Sprint(tok), "[REDACTED]"},
		{"Println of a slice of tokens", fmt.Sprintln([]gateway.Token{tok, tok}), "[[REDACTED] [REDACTED]]\n"},
		{"String method", tok.String(), "[REDACTED]"},
		{"GoString method", tok.GoString(), `gateway.Token("[REDACTED]")`},
		{"%v of an Event", fmt.Sprintf("%v", ev), ""},
		{"%+v of an Event", fmt.Sprintf("%+v", ev), ""},
		{"%#v of an Event", fmt.Sprintf("%#v", ev), ""},
		{"%+v of a pointer to an Event", fmt.Sprintf("%+v", ptr), ""},
		{"%v of a map keyed by token", fmt.Sprintf("%v", map[gateway.Token]int{tok: 1}), "map[[REDACTED]:1]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.NotContains(t, c.got, "SECRET")
			if c.want != "" {
				assert.Equal(t, c.want, c.got)
			} else {
				assert.Contains(t, c.got, "[REDACTED]")
			}
		})
	}
}

func TestTokenJSONIsRedacted(t *testing.T) {
	tok := gateway.Token(rawToken)
	b, err := json.Marshal(tok)
	require.NoError(t, err)
	assert.Equal(t, `"[REDACTED]"`, string(b))

	ev := gateway.Event{ID: "evt_1", Token: tok}
	b, err = json.Marshal(ev)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "SECRET")
	assert.Contains(t, string(b), `"Token":"[REDACTED]"`)

	b, err = json.Marshal(struct {
		T  gateway.Token
		TS []gateway.Token
	}{tok, []gateway.Token{tok}})
	require.NoError(t, err)
	assert.Equal(t, `{"T":"[REDACTED]","TS":["[REDACTED]"]}`, string(b))

	text, err := tok.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "[REDACTED]", string(text), "encoding.TextMarshaler is redacted too")
}

func TestTokenSlogIsRedacted(t *testing.T) {
	tok := gateway.Token(rawToken)
	ev := gateway.Event{ID: "evt_1", Token: tok}
	handlers := map[string]func(*bytes.Buffer) slog.Handler{
		"text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		"json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	}
	for name, mk := range handlers {
		t.Run(name+" handler never shows the token", func(t *testing.T) {
			var buf bytes.Buffer
			log := slog.New(mk(&buf))
			log.Info("linked", "token", tok, slog.Any("tok", tok), "event", ev, "ptr", &ev,
				slog.Group("g", "token", tok))
			out := buf.String()
			assert.NotContains(t, out, "SECRET")
			assert.GreaterOrEqual(t, strings.Count(out, "[REDACTED]"), 5, out)
		})
	}
	assert.Equal(t, slog.KindString, tok.LogValue().Kind())
	assert.Equal(t, "[REDACTED]", tok.LogValue().String())
}

func TestTokenRevealAndEmpty(t *testing.T) {
	tok := gateway.Token(rawToken)
	assert.Equal(t, rawToken, tok.Reveal(), "Reveal returns the raw value")
	assert.False(t, tok.IsZero())

	var empty gateway.Token
	assert.True(t, empty.IsZero())
	assert.Equal(t, "", fmt.Sprint(empty), "an empty token prints empty, so absence stays visible")
	assert.Equal(t, `gateway.Token("")`, fmt.Sprintf("%#v", empty))
	b, err := json.Marshal(empty)
	require.NoError(t, err)
	assert.Equal(t, `""`, string(b))
}
