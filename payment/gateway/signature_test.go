package gateway_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

var body = []byte(`{"id":"evt_1","type":"payment.succeeded"}`)

func TestSignFormat(t *testing.T) {
	got := gateway.Sign([]byte("whsec_test"), t0, body)
	ts, sig, ok := strings.Cut(got, ",")
	require.True(t, ok, got)
	assert.Equal(t, "t=1714557600", ts, "the timestamp is Unix seconds")
	assert.Regexp(t, `^v1=[0-9a-f]{64}$`, sig)

	sub := gateway.Sign([]byte("whsec_test"), t0.Add(999*time.Millisecond), body)
	assert.Equal(t, got, sub, "sub-second precision is dropped")

	multi := gateway.SignMulti([][]byte{[]byte("old"), []byte("new")}, t0, body)
	assert.Regexp(t, `^t=1714557600,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$`, multi)
	assert.Equal(t, gateway.Sign([]byte("old"), t0, body), multi[:len(got)], "the first v1 is the first secret's")
}

func TestSignKnownAnswer(t *testing.T) {
	// Computed independently: printf '1714557600.{"id":"evt_1"}' | openssl dgst -sha256 -hmac whsec_example
	got := gateway.Sign([]byte("whsec_example"), t0, []byte(`{"id":"evt_1"}`))
	assert.Equal(t, "t=1714557600,v1=da1515a9c5e641ec6b8331b4cf81048570c3adc9fdad5b69ebabb301a3422eb0", got)
}

func TestVerifyAccepts(t *testing.T) {
	cases := []struct {
		name    string
		secrets []string // the verifier's
		header  string
		now     time.Time
	}{
		{"a signature made with the only secret verifies",
			[]string{"s1"}, gateway.Sign([]byte("s1"), t0, body), t0},
		{"rotation: a signature with the old secret verifies while both are configured",
			[]string{"old", "new"}, gateway.Sign([]byte("old"), t0, body), t0},
		{"rotation: a signature with the new secret verifies while both are configured",
			[]string{"old", "new"}, gateway.Sign([]byte("new"), t0, body), t0},
		{"rotation: a header with two v1 values verifies against the new secret alone",
			[]string{"new"}, gateway.SignMulti([][]byte{[]byte("old"), []byte("new")}, t0, body), t0},
		{"rotation: a header with two v1 values verifies against the old secret alone",
			[]string{"old"}, gateway.SignMulti([][]byte{[]byte("old"), []byte("new")}, t0, body), t0},
		{"signed exactly 5 minutes ago is accepted (the bound is inclusive)",
			[]string{"s1"}, gateway.Sign([]byte("s1"), t0.Add(-5*time.Minute), body), t0},
		{"signed exactly 5 minutes ahead is accepted (the bound is inclusive)",
			[]string{"s1"}, gateway.Sign([]byte("s1"), t0.Add(5*time.Minute), body), t0},
		{"signed 4m59s ago is accepted",
			[]string{"s1"}, gateway.Sign([]byte("s1"), t0.Add(-299*time.Second), body), t0},
		{"spaces around items are accepted",
			[]string{"s1"}, strings.ReplaceAll(gateway.Sign([]byte("s1"), t0, body), ",", " , "), t0},
		{"an unknown scheme is skipped",
			[]string{"s1"}, gateway.Sign([]byte("s1"), t0, body) + ",v0=abc", t0},
		{"upper-case hex is accepted",
			[]string{"s1"}, "t=1714557600,v1=" + strings.ToUpper(strings.TrimPrefix(gateway.Sign([]byte("s1"), t0, body), "t=1714557600,v1=")), t0},
		{"the timestamp may come after the signature",
			[]string{"s1"}, reorder(gateway.Sign([]byte("s1"), t0, body)), t0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := newVerifier(t, 0, c.secrets...)
			require.NoError(t, v.Verify(c.now, signed(c.header), body))
		})
	}
}

// reorder moves "t=..." behind the signatures.
func reorder(h string) string {
	ts, rest, _ := strings.Cut(h, ",")
	return rest + "," + ts
}

func TestVerifyRejects(t *testing.T) {
	good := gateway.Sign([]byte("s1"), t0, body)
	goodSig := strings.TrimPrefix(good, "t=1714557600,")
	nineSigs := "t=1714557600" + strings.Repeat(","+goodSig, 9)
	cases := []struct {
		name   string
		header http.Header
		body   []byte
		now    time.Time
		want   error
	}{
		{"no header is ErrNotSigned", http.Header{}, body, t0, gateway.ErrNotSigned},
		{"an empty header value is malformed", signed(""), body, t0, gateway.ErrMalformedSignature},
		{"two header lines are malformed",
			http.Header{gateway.SignatureHeader: {good, good}}, body, t0, gateway.ErrMalformedSignature},
		{"no timestamp is malformed", signed(goodSig), body, t0, gateway.ErrMalformedSignature},
		{"no v1 is malformed", signed("t=1714557600"), body, t0, gateway.ErrMalformedSignature},
		{"two timestamps are malformed", signed("t=1714557600," + good), body, t0, gateway.ErrMalformedSignature},
		{"a negative timestamp is malformed", signed("t=-1," + goodSig), body, t0, gateway.ErrMalformedSignature},
		{"a signed timestamp is malformed", signed("t=+1714557600," + goodSig), body, t0, gateway.ErrMalformedSignature},
		{"a 13-digit timestamp is malformed", signed("t=1714557600000," + goodSig), body, t0, gateway.ErrMalformedSignature},
		{"a fractional timestamp is malformed", signed("t=1714557600.5," + goodSig), body, t0, gateway.ErrMalformedSignature},
		{"a short v1 is malformed", signed("t=1714557600,v1=abcd"), body, t0, gateway.ErrMalformedSignature},
		{"a non-hex v1 is malformed", signed("t=1714557600,v1=" + strings.Repeat("zz", 32)), body, t0, gateway.ErrMalformedSignature},
		{"an item without = is malformed", signed(good + ",junk"), body, t0, gateway.ErrMalformedSignature},
		{"an empty item is malformed", signed(good + ","), body, t0, gateway.ErrMalformedSignature},
		{"9 v1 values exceed the limit of 8", signed(nineSigs), body, t0, gateway.ErrMalformedSignature},
		{"a header over 1024 bytes is malformed", signed(good + ",x=" + strings.Repeat("a", 1024)), body, t0, gateway.ErrMalformedSignature},
		{"a tampered body is a bad signature", signed(good), append([]byte("x"), body...), t0, gateway.ErrBadSignature},
		{"a signature by another secret is a bad signature",
			signed(gateway.Sign([]byte("s2"), t0, body)), body, t0, gateway.ErrBadSignature},
		{"a timestamp changed after signing is a bad signature",
			signed(strings.Replace(good, "t=1714557600", "t=1714557601", 1)), body, t0, gateway.ErrBadSignature},
		{"signed 5m01s ago is too old (one second beyond the tolerance)",
			signed(gateway.Sign([]byte("s1"), t0.Add(-5*time.Minute-time.Second), body)), body, t0, gateway.ErrTooOld},
		{"signed a day ago is too old",
			signed(gateway.Sign([]byte("s1"), t0.Add(-24*time.Hour), body)), body, t0, gateway.ErrTooOld},
		{"signed 5m01s ahead is from the future",
			signed(gateway.Sign([]byte("s1"), t0.Add(5*time.Minute+time.Second), body)), body, t0, gateway.ErrTooNew},
		{"t=0 is too old", signed(gateway.Sign([]byte("s1"), time.Unix(0, 0), body)), body, t0, gateway.ErrTooOld},
		{"a forged old signature is reported as bad, not as old",
			signed(gateway.Sign([]byte("s2"), t0.Add(-time.Hour), body)), body, t0, gateway.ErrBadSignature},
	}
	v := newVerifier(t, 0, "s1")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := v.Verify(c.now, c.header, c.body)
			require.ErrorIs(t, err, c.want)
			var se *gateway.SignatureError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, c.want, se.Err)
			for _, other := range []error{gateway.ErrNotSigned, gateway.ErrMalformedSignature, gateway.ErrBadSignature, gateway.ErrTooOld, gateway.ErrTooNew} {
				if other != c.want {
					assert.NotErrorIs(t, err, other, "exactly one condition matches")
				}
			}
			msg := err.Error()
			assert.NotContains(t, msg, "s1", "the secret never appears")
			assert.NotContains(t, msg, goodSig[3:], "the signature never appears")
		})
	}
}

func TestVerifyToleranceIsConfigurable(t *testing.T) {
	v := newVerifier(t, 30*time.Second, "s1")
	assert.Equal(t, 30*time.Second, v.Tolerance())
	at := func(d time.Duration) http.Header { return signed(gateway.Sign([]byte("s1"), t0.Add(d), body)) }
	assert.NoError(t, v.Verify(t0, at(-30*time.Second), body), "30s old is accepted with a 30s tolerance")
	assert.ErrorIs(t, v.Verify(t0, at(-31*time.Second), body), gateway.ErrTooOld, "31s old is rejected")
	assert.NoError(t, v.Verify(t0, at(30*time.Second), body), "30s ahead is accepted")
	assert.ErrorIs(t, v.Verify(t0, at(31*time.Second), body), gateway.ErrTooNew, "31s ahead is rejected")

	// A fraction of a second past the bound already rejects: the timestamp is
	// whole seconds, now is not.
	assert.ErrorIs(t, v.Verify(t0.Add(500*time.Millisecond), at(-30*time.Second), body), gateway.ErrTooOld,
		"30.5s old is rejected")
	assert.NoError(t, v.Verify(t0.Add(-500*time.Millisecond), at(-30*time.Second), body), "29.5s old is accepted")

	var se *gateway.SignatureError
	require.ErrorAs(t, v.Verify(t0, at(-90*time.Second), body), &se)
	assert.Equal(t, t0.Add(-90*time.Second).Unix(), se.SignedAt.Unix())
	assert.Equal(t, 1, se.Signatures)
	assert.Contains(t, se.Error(), "signed 1m30s before now, beyond the tolerance of 30s")

	assert.Equal(t, gateway.DefaultTolerance, newVerifier(t, 0, "s1").Tolerance(), "zero means 5 minutes")
}

func TestNewVerifierRejects(t *testing.T) {
	cases := []struct {
		name    string
		tol     time.Duration
		secrets [][]byte
		want    error
	}{
		{"no secret", 0, nil, gateway.ErrNoSecret},
		{"an empty secret", 0, [][]byte{[]byte("ok"), {}}, gateway.ErrNoSecret},
		{"a nil secret", 0, [][]byte{nil}, gateway.ErrNoSecret},
		{"a negative tolerance", -time.Second, [][]byte{[]byte("ok")}, gateway.ErrInvalidTolerance},
	}
	for _, c := range cases {
		t.Run(c.name+" is refused", func(t *testing.T) {
			v, err := gateway.NewVerifier(c.tol, c.secrets...)
			assert.Nil(t, v)
			assert.ErrorIs(t, err, c.want)
		})
	}
}

func TestVerifierCopiesSecrets(t *testing.T) {
	secret := []byte("s1")
	v, err := gateway.NewVerifier(0, secret)
	require.NoError(t, err)
	secret[0] = 'X'
	assert.NoError(t, v.Verify(t0, signed(gateway.Sign([]byte("s1"), t0, body)), body),
		"changing the caller's slice after construction has no effect")
}

func TestZeroAndNilVerifierRefuse(t *testing.T) {
	h := signed(gateway.Sign([]byte("s1"), t0, body))
	var nilV *gateway.Verifier
	assert.ErrorIs(t, nilV.Verify(t0, h, body), gateway.ErrNoSecret)
	assert.ErrorIs(t, (&gateway.Verifier{}).Verify(t0, h, body), gateway.ErrNoSecret)
}

func TestSignatureErrorUnwraps(t *testing.T) {
	err := newVerifier(t, 0, "s1").Verify(t0, http.Header{}, body)
	assert.Equal(t, gateway.ErrNotSigned, errors.Unwrap(err))
	assert.Equal(t, "gateway: callback is not signed: the Cloudbill-Signature header is missing", err.Error())
}

func TestSignatureErrorWithoutConditionStillPrints(t *testing.T) {
	err := &gateway.SignatureError{Reason: "custom"}
	assert.Equal(t, "gateway: signature rejected: custom", err.Error())
	assert.NoError(t, errors.Unwrap(err))
}
