package storage

import (
	"context"
	"database/sql"
	"errors"
	"unicode/utf8"

	"github.com/extramile/extramile"
)

// Bounds of a setting's key and value.
const (
	maxSettingKey   = 100
	maxSettingValue = 4000
)

// Setting returns the value stored under key; ok is false when none is (the
// caller then uses its default).
func (db *DB) Setting(ctx context.Context, key string) (value string, ok bool, err error) {
	s, ok, err := db.SettingInfo(ctx, key)
	return s.Value, ok, err
}

// SettingInfo returns the setting stored under key with who changed it and
// when; ok is false when none is.
func (db *DB) SettingInfo(ctx context.Context, key string) (extramile.Setting, bool, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return extramile.Setting{}, false, fail("setting", err)
	}
	defer tx.Rollback()

	s := extramile.Setting{Key: key}
	var at int64
	err = tx.QueryRowContext(ctx, `SELECT value, updated_by, updated_at FROM settings WHERE key = ?`, key).Scan(&s.Value, &s.UpdatedBy, &at)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return extramile.Setting{Key: key}, false, tx.Commit()
	case err != nil:
		return extramile.Setting{}, false, fail("setting", err)
	}
	s.UpdatedAt = fromNanos(at)
	return s, true, tx.Commit()
}

// SetSetting stores value under key, recording by (who changed it) and the
// time. A key is 1 to 100 characters, a value at most 4000.
func (db *DB) SetSetting(ctx context.Context, key, value, by string) error {
	if key == "" || utf8.RuneCountInString(key) > maxSettingKey {
		return extramile.Errorf(extramile.EINVALID, "A setting's name must be 1 to %d characters.", maxSettingKey)
	}
	if utf8.RuneCountInString(value) > maxSettingValue {
		return extramile.Errorf(extramile.EINVALID, "A setting's value must be at most %d characters.", maxSettingValue)
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fail("set setting", err)
	}
	defer db.rollback(tx)

	if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_by, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		key, value, by, nanos(db.now())); err != nil {
		return fail("set setting", err)
	}
	if err := db.commit(tx); err != nil {
		return fail("set setting", err)
	}
	return nil
}
