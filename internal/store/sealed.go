package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"

	"lots/internal/casework"
	"lots/internal/envelope"
)

// Encryption at rest (issue 15:4). The most sensitive values are sealed with package envelope
// before they reach the database, so they are unreadable in the database file, in its copies
// and in backups: the signed consent scans (files.data), the addresses of young people (which
// protected identity hides) and of the adults around them. Lots refuses to start without a key.
//
// To seal another text column (a security assessment's notes, say):
//  1. add it to sealedColumns below (table, column, and the table's key column);
//  2. write the value with tx.sealText(col, text) and read it back with tx.store.openText(col, v)
//     (or s.openText) after scanning;
//  3. nothing else: Open seals any plain values left from before, `lots key rotate` re-wraps
//     the column with the others, and the data-protection document lists it.
//
// A sealed text is bound to its table and column (not its row), so a value may move between
// rows of one column — merging two records of one young person copies an address across.

// SealedColumn is a column whose values are sealed.
type SealedColumn struct {
	Table, Column string
	Key           string // the table's key column, for rewriting row by row
	Binary        bool   // BLOB/bytea (files) rather than text
}

func (c SealedColumn) String() string { return c.Table + "." + c.Column }

// context binds a sealed value to its column.
func (c SealedColumn) context() string { return "lots:" + c.Table + "." + c.Column }

var (
	colFileData      = SealedColumn{Table: "files", Column: "data", Key: "id", Binary: true}
	colYouthAddress  = SealedColumn{Table: "youths", Column: "address", Key: "id"}
	colPersonAddress = SealedColumn{Table: "related_persons", Column: "address", Key: "id"}
	colSecretValue   = SealedColumn{Table: "lots_secrets", Column: "value", Key: "name"}
)

// sealedColumns are every sealed column: the start-up sealing of old plain values and key
// rotation walk them all.
var sealedColumns = []SealedColumn{colFileData, colYouthAddress, colPersonAddress, colSecretValue, colSSOSecret, colDraftContent,
	colIdempotencyBody, colSAMLKey, colSSORefresh, colPlacementPlace,
	colSecName, colSecThreats, colSecLinked, colSecEscalation, colSecMeasures, colExitPolice, colExitProgramme, colExitDest}

// SealedColumns lists the sealed columns (for the data-protection document and the tests).
func SealedColumns() []SealedColumn { return append([]SealedColumn(nil), sealedColumns...) }

// sealText seals a text for column c.
func (tx *Tx) sealText(c SealedColumn, plain string) (string, error) {
	s, err := tx.store.keys.SealString(plain, c.context())
	if err != nil {
		return "", casework.Internal(fmt.Errorf("seal %s: %w", c, err))
	}
	return s, nil
}

// openText opens a value of text column c.
func (s *Store) openText(c SealedColumn, v string) (string, error) {
	p, err := s.keys.OpenString(v, c.context())
	if err != nil {
		return "", casework.Internal(fmt.Errorf("open %s: %w", c, err))
	}
	return p, nil
}

// sealBytes seals a binary value for column c.
func (tx *Tx) sealBytes(c SealedColumn, plain []byte) ([]byte, error) {
	b, err := tx.store.keys.Seal(plain, []byte(c.context()))
	if err != nil {
		return nil, casework.Internal(fmt.Errorf("seal %s: %w", c, err))
	}
	return b, nil
}

// openBytes opens a value of binary column c.
func (s *Store) openBytes(c SealedColumn, v []byte) ([]byte, error) {
	p, err := s.keys.Open(v, []byte(c.context()))
	if err != nil {
		return nil, casework.Internal(fmt.Errorf("open %s: %w", c, err))
	}
	return p, nil
}

// sealBatch is how many rows one transaction of sealing or re-wrapping changes.
const sealBatch = 200

// unsealedWhere selects the rows of c that are not sealed (plain values from before sealing),
// or with id, not sealed under key id.
func unsealedWhere(c SealedColumn, keyID string) (string, []any) {
	if c.Binary {
		if keyID == "" {
			return `substr(` + c.Column + `, 1, 4) <> $1`, []any{[]byte("LTE1")}
		}
		id, _ := hexBytes(keyID)
		return `substr(` + c.Column + `, 5, 8) <> $1`, []any{id}
	}
	if keyID == "" {
		return c.Column + ` <> '' AND ` + c.Column + ` NOT LIKE 'enc:1:%'`, nil
	}
	return c.Column + ` <> '' AND ` + c.Column + ` NOT LIKE $1`, []any{envelope.TextPrefixFor(keyID) + "%"}
}

func hexBytes(s string) ([]byte, error) { return hex.DecodeString(s) }

// rewriteColumn changes every selected value of c with f, sealBatch rows per transaction; it
// returns how many it changed. Each batch commits on its own: an interrupted run leaves every
// value readable (old or new form), and the next run does the rest.
func (s *Store) rewriteColumn(ctx context.Context, c SealedColumn, keyID string, f func(v any) (any, error)) (int, error) {
	where, args := unsealedWhere(c, keyID)
	total := 0
	for {
		n := 0
		err := s.update(ctx, func(tx *Tx) error {
			rows, err := tx.Query(`SELECT `+c.Key+`, `+c.Column+` FROM `+c.Table+` WHERE `+where+
				fmt.Sprintf(` ORDER BY %s LIMIT %d`, c.Key, sealBatch), args...)
			if err != nil {
				return casework.Internal(err)
			}
			type row struct {
				key any
				val any
			}
			var todo []row
			for rows.Next() {
				var r row
				var key any
				if c.Binary {
					var b []byte
					err = rows.Scan(&key, &b)
					r.val = b
				} else {
					var t string
					err = rows.Scan(&key, &t)
					r.val = t
				}
				if err != nil {
					rows.Close()
					return casework.Internal(err)
				}
				r.key = key
				todo = append(todo, r)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return casework.Internal(err)
			}
			for _, r := range todo {
				v, err := f(r.val)
				if err != nil {
					return casework.Internal(fmt.Errorf("%s %v: %w", c, r.key, err))
				}
				if _, err := tx.Exec(`UPDATE `+c.Table+` SET `+c.Column+` = $1 WHERE `+c.Key+` = $2`, v, r.key); err != nil {
					return casework.Internal(err)
				}
			}
			n = len(todo)
			return nil
		})
		if err != nil {
			return total, err
		}
		total += n
		if n < sealBatch {
			return total, nil
		}
	}
}

// sealPlain seals every plain value left in the sealed columns (a database from before
// sealing, or a value written around Lots). Open runs it.
func (s *Store) sealPlain(ctx context.Context) (int, error) {
	total := 0
	for _, c := range sealedColumns {
		n, err := s.rewriteColumn(ctx, c, "", func(v any) (any, error) {
			if b, ok := v.([]byte); ok {
				return s.keys.Seal(b, []byte(c.context()))
			}
			return s.keys.SealString(v.(string), c.context())
		})
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// RotateKeys re-wraps every sealed value not under the current key (the first in the key
// file) with it: `lots key rotate`. The values' ciphertext stays; only their small wrapped data
// keys change. It returns how many values it re-wrapped per column; afterwards the old keys
// can leave the key file (keep them while backups made under them are kept).
func (s *Store) RotateKeys(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	cur := s.keys.CurrentID()
	for _, c := range sealedColumns {
		n, err := s.rewriteColumn(ctx, c, cur, func(v any) (any, error) {
			if b, ok := v.([]byte); ok {
				nb, _, err := s.keys.Rewrap(b, []byte(c.context()))
				return nb, err
			}
			ns, _, err := s.keys.RewrapString(v.(string), c.context())
			return ns, err
		})
		out[c.String()] = n
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// secret returns a named random secret kept sealed in the database (created on first use): a
// key for pseudonyms that must outlive key rotation.
func (tx *Tx) secret(name string) ([]byte, error) {
	var v string
	err := tx.QueryRow(`SELECT value FROM lots_secrets WHERE name = $1`, name).Scan(&v)
	if err == sql.ErrNoRows {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, casework.Internal(err)
		}
		sealed, err := tx.sealText(colSecretValue, hex.EncodeToString(b))
		if err != nil {
			return nil, err
		}
		if _, err := tx.Exec(`INSERT INTO lots_secrets (name, value, created_at) VALUES ($1, $2, $3)`, name, sealed, tx.now); err != nil {
			return nil, casework.Internal(err)
		}
		return b, nil
	}
	if err != nil {
		return nil, casework.Internal(err)
	}
	h, err := tx.store.openText(colSecretValue, v)
	if err != nil {
		return nil, err
	}
	return hexBytes(h)
}

// keyCheckSecret is a sealed secret no feature uses: opening it at start proves the key file
// opens what this database sealed.
const keyCheckSecret = "key_check"

// ErrWrongKey is a key file that does not open the database's sealed values.
var ErrWrongKey = errors.New("the master key does not open this database's sealed values: is it the right key file, or did a key rotation leave the old key out of it?")

// checkKey refuses a key that would start Lots and then fail at the first sealed value (an
// evidence scan, an address): the key-check secret is sealed at the first start and opened at
// every start after. Two servers starting at once on a new PostgreSQL database may both create
// it; the one that loses reads the other's.
func (s *Store) checkKey(ctx context.Context) error {
	check := func() error {
		return s.update(ctx, func(tx *Tx) error {
			_, err := tx.secret(keyCheckSecret)
			return err
		})
	}
	err := check()
	if err != nil && isUniqueViolation(err) {
		err = check()
	}
	if err != nil {
		return fmt.Errorf("%w (%v)", ErrWrongKey, err)
	}
	return nil
}
