package storage

import (
	"context"
	"strings"
	"testing"

	"github.com/extramile/extramile"
)

func TestSettings(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)

	if v, ok, err := db.Setting(ctx, "kudos.where"); err != nil || ok || v != "" {
		t.Fatalf("unset setting: got %q %v %v, want \"\" false nil", v, ok, err)
	}
	if err := db.SetSetting(ctx, "kudos.where", "everywhere", "UADMIN"); err != nil {
		t.Fatal(err)
	}
	later := t0.Add(3600e9)
	setClock(db, later)
	if err := db.SetSetting(ctx, "kudos.where", "invited", "UOWNER"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetSetting(ctx, "other", "", "UADMIN"); err != nil {
		t.Fatal(err)
	}

	s, ok, err := db.SettingInfo(ctx, "kudos.where")
	if err != nil || !ok {
		t.Fatalf("SettingInfo: %v %v", ok, err)
	}
	if want := (extramile.Setting{Key: "kudos.where", Value: "invited", UpdatedBy: "UOWNER", UpdatedAt: later}); s != want {
		t.Errorf("SettingInfo: got %+v, want %+v", s, want)
	}
	if v, ok, err := db.Setting(ctx, "other"); err != nil || !ok || v != "" {
		t.Errorf("empty value: got %q %v %v, want \"\" true nil", v, ok, err)
	}

	// The setting outlives a reopen.
	path := db.Path()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db2 := mustOpenPath(t, path)
	if v, ok, err := db2.Setting(ctx, "kudos.where"); err != nil || !ok || v != "invited" {
		t.Errorf("after reopening: got %q %v %v, want invited", v, ok, err)
	}
}

func TestSetSettingRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	for name, kv := range map[string][2]string{
		"empty key":  {"", "x"},
		"long key":   {strings.Repeat("k", 101), "x"},
		"long value": {"k", strings.Repeat("é", 4001)},
	} {
		if err := db.SetSetting(ctx, kv[0], kv[1], "U1"); extramile.ErrorCode(err) != extramile.EINVALID {
			t.Errorf("%s: got %v, want an %s error", name, err, extramile.EINVALID)
		}
	}
	if _, ok, _ := db.Setting(ctx, "k"); ok {
		t.Error("a refused value was stored")
	}
}
