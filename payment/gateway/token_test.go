package gateway_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

const rawToken = "tok_live_SECRET_4242"

func TestTokenNeverPrints(t *testing.T) {
	tok := gateway.NewToken(rawToken)
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
		{"%v of a map of tokens by id", fmt.Sprintf("%v", map[string]gateway.Token{"link_1": tok}), "map[link_1:[REDACTED]]"},
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
	tok := gateway.NewToken(rawToken)
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
	tok := gateway.NewToken(rawToken)
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
	tok := gateway.NewToken(rawToken)
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

func TestTokenEqual(t *testing.T) {
	tok := gateway.NewToken(rawToken)
	cases := []struct {
		name string
		a, b gateway.Token
		want bool
	}{
		{"a token equals itself", tok, tok, true},
		{"tokens built from the same value are equal", tok, gateway.NewToken(rawToken), true},
		{"tokens differing in the last byte are not", tok, gateway.NewToken(rawToken[:len(rawToken)-1] + "3"), false},
		{"a prefix of a token is not the token", tok, gateway.NewToken(rawToken[:4]), false},
		{"a token is not the empty token", tok, gateway.Token{}, false},
		{"two empty tokens are equal", gateway.Token{}, gateway.NewToken(""), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, c.a.Equal(c.b))
			assert.Equal(t, c.want, c.b.Equal(c.a), "Equal is symmetric")
			assert.Equal(t, c.want, cmp.Equal(c.a, c.b), "go-cmp uses Equal")
		})
	}
}

func TestTokenProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := rapid.String().Draw(t, "a")
		b := rapid.String().Draw(t, "b")
		ta, tb := gateway.NewToken(a), gateway.NewToken(b)
		if ta.Reveal() != a {
			t.Fatalf("Reveal(NewToken(%q)) = %q", a, ta.Reveal())
		}
		if ta.IsZero() != (a == "") {
			t.Fatalf("IsZero of NewToken(%q) = %v", a, ta.IsZero())
		}
		if ta.Equal(tb) != (a == b) {
			t.Fatalf("NewToken(%q).Equal(NewToken(%q)) = %v", a, b, ta.Equal(tb))
		}
		if a != "" && (ta.String() != "[REDACTED]" || fmt.Sprintf("%v|%+v|%s", ta, ta, ta) != "[REDACTED]|[REDACTED]|[REDACTED]") {
			t.Fatalf("a non-empty token printed as %q", ta.String())
		}
	})
}
