package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"lots/internal/casework"
	"lots/internal/httpx"
)

// This file holds what every resource's handlers share: path ids, query parameters, dates,
// and the renaming of the store's field names to the names of the request body.

// pathID reads a path parameter as an id. Anything that is not a positive integer is "not
// found", exactly like an id that does not exist.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, casework.NotFound(name)
	}
	return id, nil
}

// caseID is the {id} of a /cases/{id}/… route.
func caseID(r *http.Request) (int64, error) { return pathID(r, "id") }

// queryBool reads a boolean query parameter: true/false, 1/0, or absent (false).
func queryBool(r *http.Request, name string) (bool, error) {
	switch strings.ToLower(r.URL.Query().Get(name)) {
	case "", "false", "0":
		return false, nil
	case "true", "1":
		return true, nil
	}
	return false, casework.Invalid(name, "api.query_bool")
}

// queryInt reads an integer query parameter in [lo, hi], def when absent.
func queryInt(r *http.Request, name string, def, lo, hi int) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, casework.Invalid(name, "api.query_number", lo, hi)
	}
	return n, nil
}

// dateLayout is how dates travel: "YYYY-MM-DD".
const dateLayout = "2006-01-02"

// date formats a calendar date; "" for the zero time.
func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(dateLayout)
}

// utc is t in UTC (the zero time stays zero, so omitzero leaves it out).
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}

// parseMoment reads a date ("YYYY-MM-DD", midnight UTC) or an RFC 3339 time; the zero time
// when s is empty.
// isDate reports whether s is a calendar date (YYYY-MM-DD) rather than a moment.
func isDate(s string) bool {
	_, err := time.Parse(dateLayout, strings.TrimSpace(s))
	return err == nil
}

func parseMoment(field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(dateLayout, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, casework.Invalid(field, "api.date_invalid")
}

// renameFields returns err with the field names of its validation errors changed by rename,
// so a problem names the field as the request body spells it (youth.first_name where the
// store says first_name). Other errors are returned as they are. The store's errors are not
// changed: they are copied.
func renameFields(err error, rename func(string) string) error {
	fields := casework.FieldErrorsOf(err)
	if len(fields) == 0 {
		return err
	}
	out := make(casework.FieldErrors, len(fields))
	for i, f := range fields {
		c := *f
		c.Field = rename(f.Field)
		out[i] = &c
	}
	if len(out) == 1 {
		return out[0]
	}
	return out.Err()
}

// fieldMap renames by a table, leaving other names as they are.
func fieldMap(m map[string]string) func(string) string {
	return func(s string) string {
		if n, ok := m[s]; ok {
			return n
		}
		return s
	}
}

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	httpx.WriteJSON(w, status, v)
	return nil
}

// noContent answers 204.
func noContent(w http.ResponseWriter) error {
	w.WriteHeader(http.StatusNoContent)
	return nil
}
