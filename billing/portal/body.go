package portal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// decodeBody reads the JSON request body of an endpoint that takes one
// into v. It is the one place request bodies are read, and it is strict
// (see the package doc): the Content-Type, when sent, is application/json
// with no charset but UTF-8 (else 415); no Content-Encoding (415); the
// body is at most maxBody bytes of valid UTF-8 holding exactly one JSON
// object — not null, not an array or a scalar — with no key twice in any
// object at any depth, keys compared as encoding/json matches them to
// fields (ignoring case), and no unknown fields (else 400). A refused body
// reaches no billing operation.
func decodeBody(r *http.Request, v any) error {
	return decodeStrict(r, v, false)
}

// noBody checks the body of an endpoint that takes none: absent, empty or
// the empty object {}; anything else is refused as decodeBody refuses it
// (a field is unknown there).
func noBody(r *http.Request) error {
	var none struct{}
	return decodeStrict(r, &none, true)
}

// decodeStrict is decodeBody; optional accepts an absent or blank body.
func decodeStrict(r *http.Request, v any, optional bool) error {
	if err := checkMediaType(r.Header); err != nil {
		return err
	}
	var body []byte
	if r.Body != nil {
		b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			return badRequest("", "the request body could not be read")
		}
		body = b
	}
	if len(body) > maxBody {
		return badRequest("", fmt.Sprintf("the body is larger than %d bytes", maxBody))
	}
	if !utf8.Valid(body) {
		return badRequest("", fmt.Sprintf("the body is not valid UTF-8 (byte %d); JSON is UTF-8", invalidUTF8At(body)))
	}
	if len(bytes.TrimSpace(body)) == 0 {
		if optional {
			return nil
		}
		return badRequest("", "the request body is empty; send a JSON object")
	}
	if err := checkJSONShape(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeProblem(err)
	}
	return nil
}

// checkMediaType refuses a body that is not sent as UTF-8 JSON: a
// Content-Type other than application/json, a charset other than UTF-8
// (RFC 8259 §8.1: JSON exchanged between systems is UTF-8), more than one
// Content-Type, or a Content-Encoding (the portal decodes none). A missing
// Content-Type is taken as application/json.
func checkMediaType(h http.Header) *Problem {
	unsupported := func(detail string) *Problem {
		p := newProblem(http.StatusUnsupportedMediaType, ProblemUnsupportedMediaType, detail)
		p.Field = "Content-Type"
		return p
	}
	if ce := h.Values("Content-Encoding"); len(ce) > 0 && !(len(ce) == 1 && strings.EqualFold(strings.TrimSpace(ce[0]), "identity")) {
		p := unsupported("send the body without a Content-Encoding")
		p.Field = "Content-Encoding"
		return p
	}
	cts := h.Values("Content-Type")
	switch len(cts) {
	case 0:
		return nil
	case 1:
	default:
		return unsupported("send one Content-Type: application/json")
	}
	mt, params, err := mime.ParseMediaType(cts[0])
	if err != nil || mt != "application/json" {
		return unsupported("send the body as application/json")
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return unsupported("JSON is UTF-8; the charset " + quoteInput(cs) + " is not accepted")
	}
	return nil
}

// checkJSONShape checks body, which is valid UTF-8 and not blank, is one
// JSON object with no key twice in any of its objects. Keys are compared
// folded the way encoding/json matches a key to a struct field, so
// "amount" and "AMOUNT" (or "linked_account_id" and the same with a
// Kelvin sign for the k) are the same key: encoding/json would let the
// last one win.
func checkJSONShape(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return badRequest("", "the body is not valid JSON: "+syntaxDetail(err))
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		if tok == nil {
			return badRequest("", "the body is null; send a JSON object")
		}
		return badRequest("", "the body is not a JSON object; send a JSON object")
	}
	// One frame per open object or array; keys holds an object's folded
	// keys, and wantKey says its next token is a key or its end.
	type frame struct {
		keys    map[string]struct{}
		wantKey bool
	}
	stack := []frame{{keys: map[string]struct{}{}, wantKey: true}}
	for len(stack) > 0 {
		tok, err := dec.Token()
		if err != nil {
			return badRequest("", "the body is not valid JSON: "+syntaxDetail(err))
		}
		top := &stack[len(stack)-1]
		if top.keys != nil && top.wantKey {
			if _, end := tok.(json.Delim); end { // '}': the decoder allows no other delimiter here
				stack = stack[:len(stack)-1]
				continue
			}
			key, _ := tok.(string)
			fold := foldKey(key)
			if _, dup := top.keys[fold]; dup {
				return badRequest(clip(key), "the body has the key "+quoteInput(key)+" twice in one object; send each key once")
			}
			top.keys[fold] = struct{}{}
			top.wantKey = false
			continue
		}
		if top.keys != nil {
			top.wantKey = true // this token is the member's value (or opens it)
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, frame{keys: map[string]struct{}{}, wantKey: true})
		case json.Delim('['):
			stack = append(stack, frame{})
		case json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badRequest("", "the body has more than one JSON value")
	}
	return nil
}

// foldKey folds a JSON key as encoding/json does to match it to a field:
// each rune becomes the smallest rune of its Unicode simple-fold set, so
// two keys fold alike exactly when strings.EqualFold says they are equal.
func foldKey(key string) string {
	var b strings.Builder
	b.Grow(len(key))
	for _, r := range key {
		for {
			r2 := unicode.SimpleFold(r)
			if r2 <= r {
				r = r2
				break
			}
			r = r2
		}
		b.WriteRune(r)
	}
	return b.String()
}

// decodeProblem turns an error of decoding a well-formed object into a
// struct into an invalid-request problem that names the field; client
// text is quoted bounded, never echoed raw.
func decodeProblem(err error) *Problem {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return badRequest(te.Field, fmt.Sprintf("the body is not valid: %s is a JSON %s, not the expected type", te.Field, te.Value))
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if name, qerr := strconv.Unquote(f); qerr == nil {
			f = name
		}
		return badRequest(clip(f), "the body has the unknown field "+quoteInput(f))
	}
	// A field's own decoder refused its value (money.Amount says why and
	// clips the input itself).
	return badRequest("", "the body is not valid: "+err.Error())
}

// syntaxDetail describes a JSON syntax error without the client's text
// beyond the one offending character encoding/json quotes.
func syntaxDetail(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s (byte %d)", se.Error(), se.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "it ends too early"
	}
	return "it cannot be read"
}

// invalidUTF8At is the offset of the first byte of b that is not valid
// UTF-8.
func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// quoteInput quotes client text for an error detail: at most 40 runes
// (clip), then "...", as a Go string literal of ASCII (quotes, control
// characters and anything not ASCII escaped).
func quoteInput(s string) string {
	return strconv.QuoteToASCII(clip(strings.ToValidUTF8(s, "\uFFFD")))
}
