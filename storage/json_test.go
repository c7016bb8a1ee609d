package storage_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/storage"
)

// TestAccountReadsTheOldShape: an account stored in an idempotent result
// by an earlier build (Go field names) decodes to the same value as its
// snake_case JSON.
func TestAccountReadsTheOldShape(t *testing.T) {
	at := time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC)
	want := storage.Account{ID: "acme", Type: storage.Prepaid, Currency: "VND", TimeZone: "Asia/Ho_Chi_Minh",
		CreatedAt: at, UpdatedAt: at.Add(time.Minute), Version: 2}
	var old storage.Account
	require.NoError(t, json.Unmarshal([]byte(`{"ID":"acme","Type":"prepaid","Currency":"VND","TimeZone":"Asia/Ho_Chi_Minh",`+
		`"CreatedAt":"2026-04-05T09:00:00Z","UpdatedAt":"2026-04-05T09:01:00Z","Version":2}`), &old))
	assert.Equal(t, want, old)

	b, err := json.Marshal(want)
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"acme","type":"prepaid","currency":"VND","time_zone":"Asia/Ho_Chi_Minh",`+
		`"created_at":"2026-04-05T09:00:00Z","updated_at":"2026-04-05T09:01:00Z","version":2}`, string(b))
	var back storage.Account
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, want, back)
}

// TestAuditRecordDetailIsAnObject: Detail encodes as the JSON it holds and
// reads back byte for byte; a Detail that is not JSON still encodes, as a
// string.
func TestAuditRecordDetailIsAnObject(t *testing.T) {
	rec := storage.AuditRecord{Seq: 1, AccountID: "acme", Actor: "ops", Action: "account.type_changed",
		Detail: []byte(`{"from":"prepaid","to":"postpaid"}`), At: time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC)}
	b, err := json.Marshal(rec)
	require.NoError(t, err)
	assert.JSONEq(t, `{"seq":1,"account_id":"acme","actor":"ops","action":"account.type_changed",`+
		`"detail":{"from":"prepaid","to":"postpaid"},"at":"2026-04-05T09:00:00Z"}`, string(b))
	var back storage.AuditRecord
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, rec, back)

	b, err = json.Marshal(storage.AuditRecord{Detail: []byte("not json")})
	require.NoError(t, err)
	assert.Contains(t, string(b), `"detail":"not json"`)
	b, err = json.Marshal(storage.AuditRecord{})
	require.NoError(t, err)
	assert.NotContains(t, string(b), "detail", "no detail is left out")
}
