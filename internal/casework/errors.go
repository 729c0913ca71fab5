package casework

import (
	"errors"
	"fmt"
)

// Code classifies an error so that one place (the web and API layers) can map it to an HTTP
// status, a message for people and a problem document for programs.
type Code string

const (
	EInvalid      Code = "invalid"      // the input breaks a rule; the message says which
	ENotFound     Code = "not_found"    // no such thing — or the actor may not know it exists
	EConflict     Code = "conflict"     // the request clashes with the current state
	EUnauthorized Code = "unauthorized" // not logged in, or the credentials are wrong
	EForbidden    Code = "forbidden"    // the actor's role never allows this kind of action
	ETooMany      Code = "too_many"     // rate limited
	EInternal     Code = "internal"     // a fault of ours; details are logged, never shown
	EUnavailable  Code = "unavailable"  // the database cannot be reached now (failover); try again
)

// Error is a domain error. Key names a message in the i18n catalogues, Args fill its
// placeholders, Field names the form field at fault (if any). Detail is an English sentence for
// logs and for API clients; it never contains personal data.
type Error struct {
	Code   Code
	Key    string
	Args   []any
	Field  string
	Detail string
	Err    error // wrapped cause, logged only
}

func (e *Error) Error() string {
	s := string(e.Code)
	if e.Key != "" {
		s += ": " + e.Key
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an error with a code, a message key and an English detail.
func Errorf(code Code, key, format string, args ...any) *Error {
	return &Error{Code: code, Key: key, Detail: fmt.Sprintf(format, args...)}
}

// Invalid is a validation error for one field.
func Invalid(field, key string, args ...any) *Error {
	return &Error{Code: EInvalid, Key: key, Args: args, Field: field, Detail: field + " is invalid (" + key + ")"}
}

// NotFound is what the caller sees both when a thing does not exist and when the actor may
// not see it: the two must be indistinguishable.
func NotFound(what string) *Error {
	return &Error{Code: ENotFound, Key: "error.not_found", Detail: what + " not found"}
}

// Internal wraps an unexpected error.
func Internal(err error) *Error {
	return &Error{Code: EInternal, Key: "error.internal", Detail: "internal error", Err: err}
}

// ErrorCode returns the code of err, EInternal for foreign errors and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// AsError returns err as *Error, wrapping foreign errors as internal.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal(err)
}

// FieldErrors collects validation errors of a form so all of them can be shown at once.
type FieldErrors []*Error

func (fe *FieldErrors) Add(field, key string, args ...any) {
	*fe = append(*fe, Invalid(field, key, args...))
}

// AddErr adds err if it is a validation error and returns false; other errors are returned.
func (fe *FieldErrors) AddErr(err error) error {
	if err == nil {
		return nil
	}
	if e := AsError(err); e.Code == EInvalid {
		*fe = append(*fe, e)
		return nil
	}
	return err
}

// Err returns nil when there are no errors, otherwise a ValidationError.
func (fe FieldErrors) Err() error {
	if len(fe) == 0 {
		return nil
	}
	return &ValidationError{Fields: fe}
}

// ValidationError carries several field errors; its Code is EInvalid.
type ValidationError struct{ Fields FieldErrors }

func (v *ValidationError) Error() string {
	s := "invalid:"
	for _, f := range v.Fields {
		s += " " + f.Field + "(" + f.Key + ")"
	}
	return s
}

// As lets errors.As(err, **Error) see a ValidationError as its first field error, so code that
// only cares about the code keeps working.
func (v *ValidationError) As(target any) bool {
	if t, ok := target.(**Error); ok && len(v.Fields) > 0 {
		*t = v.Fields[0]
		return true
	}
	return false
}

// FieldErrorsOf returns the field errors in err (a ValidationError or a single invalid Error).
func FieldErrorsOf(err error) FieldErrors {
	var v *ValidationError
	if errors.As(err, &v) {
		return v.Fields
	}
	var e *Error
	if errors.As(err, &e) && e.Code == EInvalid {
		return FieldErrors{e}
	}
	return nil
}
