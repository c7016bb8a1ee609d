package storage

import (
	"encoding/json"
	"time"
)

// MarshalJSON encodes r with snake_case keys and its Detail as the JSON it
// holds (an object), not as base64 text: a host can put an audit trail in
// a response as it is. A Detail that is not valid JSON — no store writes
// one, but a hand-built record might — is encoded as a JSON string so
// that the record still encodes; only such a Detail does not read back
// byte for byte.
func (r AuditRecord) MarshalJSON() ([]byte, error) {
	type plain AuditRecord // without methods, so encoding it does not recurse
	var detail any
	switch {
	case len(r.Detail) == 0:
	case json.Valid(r.Detail):
		detail = json.RawMessage(r.Detail)
	default:
		detail = string(r.Detail)
	}
	return json.Marshal(struct {
		plain
		// Detail shadows plain's field of the same key.
		Detail any `json:"detail,omitempty"`
	}{plain(r), detail})
}

// UnmarshalJSON reads what MarshalJSON writes: Detail gets the JSON value
// of the "detail" key as it is.
func (r *AuditRecord) UnmarshalJSON(b []byte) error {
	type plain AuditRecord
	v := struct {
		plain
		Detail json.RawMessage `json:"detail,omitempty"`
	}{plain: plain(*r)}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*r = AuditRecord(v.plain)
	if v.Detail != nil && string(v.Detail) != "null" {
		r.Detail = []byte(v.Detail)
	}
	return nil
}

// UnmarshalJSON reads an account in its snake_case shape, and also as an
// earlier build wrote it into stored idempotent results (Go field names:
// the keys of one word match regardless of case, "TimeZone", "CreatedAt"
// and "UpdatedAt" are read here).
func (a *Account) UnmarshalJSON(b []byte) error {
	type plain Account
	v := struct {
		plain
		LegacyTimeZone  *string    `json:"TimeZone"`
		LegacyCreatedAt *time.Time `json:"CreatedAt"`
		LegacyUpdatedAt *time.Time `json:"UpdatedAt"`
	}{plain: plain(*a)}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if v.LegacyTimeZone != nil {
		v.TimeZone = *v.LegacyTimeZone
	}
	if v.LegacyCreatedAt != nil {
		v.CreatedAt = *v.LegacyCreatedAt
	}
	if v.LegacyUpdatedAt != nil {
		v.UpdatedAt = *v.LegacyUpdatedAt
	}
	*a = Account(v.plain)
	return nil
}
