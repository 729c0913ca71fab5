package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"lots/internal/casework"
)

// Idempotency keys (issue 18). A client that did not get an answer to a write — the
// connection broke, Lots answered "not known whether saved", the primary failed over — must be
// able to send it again without making it twice. An API write that carries an Idempotency-Key
// header runs with an IdempotentRequest on its context; the first write transaction of the
// request that commits inserts the key (update calls claimIdempotencyKey before COMMIT), so the
// key exists exactly when the write does. The API records the answer afterwards; a retry with
// the same key gets that answer again, or, when the first request's answer was never recorded
// (it is still running, or it broke after the commit), a conflict that says the write exists.

// IdempotencyHours is how long a key is remembered: a retry later than that is a new request.
const IdempotencyHours = 24

// IdempotencyAnswerWait is how long after its commit a request's answer may still be coming: a
// write waits for a new primary for at most --failover-wait (20 s by default). A key without an
// answer older than that belongs to a request that broke after it committed: its answer is lost.
const IdempotencyAnswerWait = time.Minute

// colIdempotencyBody is the recorded answer: it may name a young person, so it is sealed.
var colIdempotencyBody = SealedColumn{Table: "idempotency_keys", Column: "body", Key: "id", Binary: true}

// IdempotentRequest is a write request carrying an Idempotency-Key: the key (per user) and the
// request's fingerprint (method, path and a hash of the body).
type IdempotentRequest struct {
	Key, Fingerprint string
	id               int64 // the key's row, once a write transaction inserted it
	committed        bool  // that transaction committed
}

// Committed reports whether a write of the request committed, and with it the key.
func (r *IdempotentRequest) Committed() bool { return r.committed }

type idempotencyKey struct{}

// WithIdempotentRequest puts r on ctx: the request's first committed write transaction
// records r's key with it.
func WithIdempotentRequest(ctx context.Context, r *IdempotentRequest) context.Context {
	return context.WithValue(ctx, idempotencyKey{}, r)
}

func idempotentRequestOf(ctx context.Context) *IdempotentRequest {
	r, _ := ctx.Value(idempotencyKey{}).(*IdempotentRequest)
	return r
}

// claimIdempotencyKey inserts the key of the transaction's request, if it has one not yet
// committed. A key inserted at once by another request (the same retry sent twice) fails the
// transaction with a conflict: one of the two writes commits, never both.
func (tx *Tx) claimIdempotencyKey() error {
	r := idempotentRequestOf(tx.ctx)
	if r == nil || r.committed {
		return nil
	}
	a, err := requireActor(tx.ctx)
	if err != nil {
		return nil // only an actor's requests have keys (the API's)
	}
	// A key past its time may still be there until housekeeping runs: it is forgotten now.
	if _, err := tx.Exec(`DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND created_at <= $3`,
		a.User.ID, r.Key, tx.now.UTC().Add(-IdempotencyHours*time.Hour)); err != nil {
		return casework.Internal(err)
	}
	id := newID()
	if _, err := tx.Exec(`INSERT INTO idempotency_keys (id, municipality_id, user_id, key, fingerprint, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, id, a.User.MunicipalityID, a.User.ID, r.Key, r.Fingerprint, tx.now.UTC()); err != nil {
		if isUniqueViolation(err) {
			return errIdempotencyPending()
		}
		return casework.Internal(err)
	}
	tx.committed = append(tx.committed, func() { r.id, r.committed = id, true })
	return nil
}

func errIdempotencyPending() error {
	return casework.Errorf(casework.EConflict, "idempotency.pending",
		"a request with this Idempotency-Key was saved and its answer is not recorded yet (it is still running); send it again in a moment")
}

// IdempotentAnswer is what a key remembers: the request it came with and, once sent, the
// answer (Status 0 while none is recorded).
type IdempotentAnswer struct {
	Fingerprint string
	CreatedAt   time.Time
	Status      int
	ContentType string
	Body        []byte
	// AnswerLost: no answer was recorded and none will be (older than IdempotencyAnswerWait).
	AnswerLost bool
}

// IdempotentAnswerOf returns what the actor's key remembers; not found when the key is unknown
// or older than IdempotencyHours. It reads the primary (a retry must see the first commit).
func (s *Store) IdempotentAnswerOf(ctx context.Context, key string) (IdempotentAnswer, error) {
	var out IdempotentAnswer
	a, err := requireActor(ctx)
	if err != nil {
		return out, err
	}
	var body []byte
	err = s.wr(ctx).QueryRowContext(ctx, `SELECT fingerprint, created_at, status, content_type, body FROM idempotency_keys
		WHERE user_id = $1 AND key = $2 AND created_at > $3`,
		a.User.ID, key, s.now().UTC().Add(-IdempotencyHours*time.Hour)).Scan(&out.Fingerprint, &out.CreatedAt, &out.Status, &out.ContentType, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return out, casework.NotFound("idempotency key")
	}
	if err != nil {
		return out, casework.Internal(err)
	}
	out.CreatedAt = out.CreatedAt.UTC()
	out.AnswerLost = out.Status == 0 && !out.CreatedAt.After(s.now().UTC().Add(-IdempotencyAnswerWait))
	if len(body) > 0 {
		if out.Body, err = s.openBytes(colIdempotencyBody, body); err != nil {
			return out, err
		}
	}
	return out, nil
}

// RecordIdempotentAnswer keeps the answer sent to r, whose write committed, for its retries.
func (s *Store) RecordIdempotentAnswer(ctx context.Context, r *IdempotentRequest, status int, contentType string, body []byte) error {
	if r == nil || !r.committed {
		return nil
	}
	return s.update(context.WithoutCancel(ctx), func(tx *Tx) error {
		sealed, err := tx.sealBytes(colIdempotencyBody, body)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE idempotency_keys SET status = $1, content_type = $2, body = $3 WHERE id = $4`,
			status, contentType, sealed, r.id); err != nil {
			return casework.Internal(err)
		}
		return nil
	})
}

// PurgeIdempotencyKeys deletes the keys older than IdempotencyHours (housekeeping).
func (s *Store) PurgeIdempotencyKeys(ctx context.Context) (int64, error) {
	res, err := s.wr(ctx).ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at <= $1`,
		s.now().UTC().Add(-IdempotencyHours*time.Hour))
	if err != nil {
		return 0, casework.Internal(err)
	}
	return res.RowsAffected()
}
