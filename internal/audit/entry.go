// Package audit defines the entries of the append-only access log and the tamper evidence
// that binds them: each municipality's log is a Merkle tree (RFC 6962, as in Certificate
// Transparency) built with golang.org/x/mod/sumdb/tlog. Storage lives in the store package;
// this package is pure: encoding, hashing, verification.
package audit

import (
	"encoding/json"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// Actions recorded in the log.
const (
	ActionRead        = "read"
	ActionList        = "list"
	ActionCreate      = "create"
	ActionUpdate      = "update"
	ActionDelete      = "delete"
	ActionExport      = "export"
	ActionLogin       = "login"
	ActionLoginFailed = "login_failed"
	ActionLogout      = "logout"
)

// Entry is one line of the access log: who (user, roles, agency), when, did what to which
// object, concerning which young person and information category, on which ground, and
// whether it was allowed.
type Entry struct {
	MunicipalityID int64     `json:"municipality_id"`
	Seq            int64     `json:"seq"` // position in the municipality's log, from 0
	At             time.Time `json:"at"`
	UserID         int64     `json:"user_id"`
	Username       string    `json:"username"`
	Roles          string    `json:"roles"`
	AgencyID       int64     `json:"agency_id"`
	AgencyKind     string    `json:"agency_kind"`
	Via            string    `json:"via"`
	Action         string    `json:"action"`
	Object         string    `json:"object"`
	ObjectID       int64     `json:"object_id"`
	YouthID        int64     `json:"youth_id"`
	Category       string    `json:"category"`
	Ground         string    `json:"ground"`
	Allowed        bool      `json:"allowed"`
	Detail         string    `json:"detail"`
}

// Record is the canonical byte form of the entry that the tree commits to. Field order is
// fixed by the struct; times are UTC with nanoseconds.
func (e Entry) Record() []byte {
	e.At = e.At.UTC()
	b, err := json.Marshal(struct {
		V string `json:"v"`
		Entry
	}{"lots-audit-1", e})
	if err != nil { // cannot happen: every field is a plain value
		panic(err)
	}
	return b
}

// Hash is the leaf hash of the entry.
func (e Entry) Hash() tlog.Hash { return tlog.RecordHash(e.Record()) }
