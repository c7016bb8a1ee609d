package gateway_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// holder keeps a Token where fmt cannot call its methods: an unexported
// field. When Token was a string type, every print below showed the raw
// value.
type holder struct {
	id  string
	tok gateway.Token
}

// nested puts the holder one level deeper, behind a pointer and in a slice.
type nested struct {
	h    *holder
	hs   []holder
	byID map[string]gateway.Token
}

// leaked is the string type's way of holding a secret in an unexported
// field, which is how Token used to be: the control case that shows the
// checks below would catch a leak.
type leaked struct {
	id  string
	tok string
}

// shows reports whether out contains s as fmt may print it: as is (also
// inside quotes) or in hex of either case.
func shows(out, s string) bool {
	return strings.Contains(out, s) || strings.Contains(strings.ToLower(out), hex.EncodeToString([]byte(s)))
}

// assertHidden fails if out shows the raw token in any form fmt prints.
func assertHidden(t *testing.T, out string) {
	t.Helper()
	assert.False(t, shows(out, "SECRET"), "the token shows in %s", out)
}

func TestTokenInUnexportedFieldNeverPrints(t *testing.T) {
	tok := gateway.NewToken(rawToken)
	h := holder{id: "link_1", tok: tok}
	n := nested{h: &h, hs: []holder{h}, byID: map[string]gateway.Token{"link_1": tok}}
	values := map[string]any{"a struct": h, "a pointer to a struct": &h, "a nested struct": n, "a pointer to it": &n}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"}
	for name, v := range values {
		for _, verb := range verbs {
			t.Run(verb+" of "+name+" with an unexported token never shows it", func(t *testing.T) {
				out := fmt.Sprintf(verb, v)
				assertHidden(t, out)
				assert.True(t, shows(out, "link_1"), "fmt printed the holder's fields, so it would have shown the token: %s", out)
			})
		}
	}
	for _, verb := range verbs {
		t.Run(verb+" of a raw string in an unexported field does show it (the check works)", func(t *testing.T) {
			assert.True(t, shows(fmt.Sprintf(verb, leaked{id: "link_1", tok: rawToken}), "SECRET"))
		})
	}
	t.Run("%+v of a struct shows the token field as a function address", func(t *testing.T) {
		assert.Regexp(t, `^\{id:link_1 tok:\{raw:0x[0-9a-f]+\}\}$`, fmt.Sprintf("%+v", h))
	})
}

func TestTokenInUnexportedFieldNeverLogs(t *testing.T) {
	tok := gateway.NewToken(rawToken)
	h := holder{id: "link_1", tok: tok}
	for name, mk := range map[string]func(*bytes.Buffer) slog.Handler{
		"text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		"json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		t.Run("the "+name+" handler never shows a token in an unexported field", func(t *testing.T) {
			var buf bytes.Buffer
			slog.New(mk(&buf)).Info("linked", "holder", h, "ptr", &h)
			assertHidden(t, buf.String())
		})
	}
	b, err := json.Marshal(struct {
		Exported   gateway.Token
		unexported gateway.Token
	}{tok, tok})
	require.NoError(t, err)
	assert.Equal(t, `{"Exported":"[REDACTED]"}`, string(b), "JSON redacts the exported token and skips the other")
}

func TestTokenNeverShowsInTestFailures(t *testing.T) {
	a := gateway.Event{ID: "evt_1", Type: gateway.EventLinkSucceeded, Token: gateway.NewToken(rawToken)}
	b := a
	b.Token = gateway.NewToken("tok_live_OTHERSECRET_1")
	t.Run("a testify failure message never shows either token", func(t *testing.T) {
		rec := &recorder{}
		assert.Equal(rec, a, b)
		require.NotEmpty(t, rec.msgs, "the events differ, so the assertion fails")
		assertHidden(t, strings.Join(rec.msgs, "\n"))
		assert.NotContains(t, strings.Join(rec.msgs, "\n"), "OTHERSECRET")
	})
	t.Run("a testify failure message does show a raw string field (the check works)", func(t *testing.T) {
		rec := &recorder{}
		assert.Equal(rec, leaked{tok: rawToken}, leaked{tok: "x"})
		assert.True(t, shows(strings.Join(rec.msgs, "\n"), "SECRET"))
	})
	t.Run("a go-cmp diff reports the difference without either token", func(t *testing.T) {
		d := cmp.Diff(a, b)
		require.NotEmpty(t, d, "Equal tells go-cmp the tokens differ")
		assertHidden(t, d)
		assert.NotContains(t, d, "OTHERSECRET")
	})
}

// recorder is an assert.TestingT that keeps failure messages for
// inspection instead of failing the test.
type recorder struct{ msgs []string }

func (r *recorder) Errorf(format string, args ...any) {
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}

func TestTokenHasNoStringForm(t *testing.T) {
	typ := reflect.TypeFor[gateway.Token]()
	str := reflect.TypeFor[string]()
	assert.Equal(t, reflect.Struct, typ.Kind(), "a Token is a struct, not a string type")
	assert.False(t, typ.ConvertibleTo(str), "string(t) does not compile")
	assert.False(t, str.ConvertibleTo(typ), "gateway.Token(s) does not compile; NewToken is the way in")
	assert.False(t, typ.Comparable(), "t == u does not compile, and a Token cannot be a map key")
	for i := range typ.NumField() {
		f := typ.Field(i)
		assert.False(t, f.IsExported(), "field %s is unexported", f.Name)
		assert.Equal(t, reflect.Func, f.Type.Kind(), "field %s holds a closure, which fmt prints as an address", f.Name)
	}
}
