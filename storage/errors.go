package storage

import (
	"context"
	"errors"
	"fmt"

	"github.com/extramile/extramile"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// User-facing messages of the database conditions users can do nothing about
// but wait or call for help.
const (
	msgBusy = "The database is busy right now; please try again in a moment."
	msgFull = "The bot's disk is full; nothing was saved. Please tell your Slack admin."
)

// dbError is an application error (EBUSY) caused by a database condition; it
// keeps the cause for the logs. errors.As finds both the *extramile.Error and
// the cause (a *sqlite.Error).
type dbError struct {
	app   *extramile.Error
	cause error
}

// Error implements error: the cause, for logs.
func (e *dbError) Error() string { return e.app.Code + ": " + e.cause.Error() }

// Unwrap returns the application error and the cause.
func (e *dbError) Unwrap() []error { return []error{e.app, e.cause} }

// translate turns SQLITE_BUSY, SQLITE_LOCKED and SQLITE_FULL anywhere in err's
// chain, and a context deadline that ended the wait for the database (or
// SQLITE_INTERRUPT, how SQLite reports it mid-statement), into an EBUSY
// application error that wraps err; other errors are returned unchanged.
func translate(err error) error {
	var de *dbError
	if err == nil || errors.As(err, &de) {
		return err
	}
	if errors.Is(err, context.DeadlineExceeded) { // the caller could wait no longer for the lock
		return &dbError{app: &extramile.Error{Code: extramile.EBUSY, Message: msgBusy}, cause: err}
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() & 0xff { // the primary code of an extended result code
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_INTERRUPT:
		return &dbError{app: &extramile.Error{Code: extramile.EBUSY, Message: msgBusy}, cause: err}
	case sqlite3.SQLITE_FULL:
		return &dbError{app: &extramile.Error{Code: extramile.EBUSY, Message: msgFull}, cause: err}
	}
	return err
}

// fail is the error a public method returns: application errors as they are,
// database conditions as EBUSY, anything else wrapped with op for the logs.
func fail(op string, err error) error {
	var app *extramile.Error
	if errors.As(err, &app) && !isDBError(err) {
		return err
	}
	return translate(fmt.Errorf("%s: %w", op, err))
}

func isDBError(err error) bool {
	var de *dbError
	return errors.As(err, &de)
}
