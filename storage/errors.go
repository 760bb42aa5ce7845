package storage

import (
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
// chain into an EBUSY application error that wraps err; other errors are
// returned unchanged.
func translate(err error) error {
	var se *sqlite.Error
	if err == nil || !errors.As(err, &se) {
		return err
	}
	var de *dbError
	if errors.As(err, &de) {
		return err
	}
	switch se.Code() & 0xff { // the primary code of an extended result code
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
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
