package extramile_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

// Slack's app manifest schemas, vendored from slackapi/manifest-schema (see
// testdata/manifest-schema/README.md). The top-level schema picks the
// version by _metadata.major_version and refers to the versioned schemas by
// these URLs, which the test maps to the vendored files.
const (
	manifestSchemaDir = "testdata/manifest-schema"
	manifestSchemaID  = "https://github.com/slackapi/manifest-schema/blob/main/manifest.schema.json"
	manifestSchemaRef = "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/"
)

// manifestSchema compiles one of Slack's manifest schemas (by its URL) from
// the vendored files; nothing is fetched (the compiler's default loader
// reads file URLs only, so a reference left unmapped fails instead).
func manifestSchema(t *testing.T, url string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.UseRegexpEngine(ecmaRegexp) // Slack's patterns use lookahead, which Go's regexp lacks
	add := func(url, file string) {
		f, err := os.Open(filepath.Join(manifestSchemaDir, file))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if err := c.AddResource(url, doc); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	}
	add(manifestSchemaID, "manifest.schema.json")
	for _, v := range []string{"manifest.schema.1.0.0.json", "manifest.schema.2.0.0.json"} {
		add(manifestSchemaRef+v, v)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compile Slack's manifest schema: %v", err)
	}
	return sch
}

// ecmaRegexp compiles a schema's pattern as ECMA-262, the dialect JSON
// Schema specifies, with dlclark/regexp2 (the way jsonschema/v6's own
// example_regexp_test.go does).
func ecmaRegexp(s string) (jsonschema.Regexp, error) {
	re, err := regexp2.Compile(s, regexp2.ECMAScript)
	if err != nil {
		return nil, err
	}
	return (*ecmaRE)(re), nil
}

type ecmaRE regexp2.Regexp

func (re *ecmaRE) MatchString(s string) bool {
	ok, err := (*regexp2.Regexp)(re).MatchString(s)
	return err == nil && ok
}

func (re *ecmaRE) String() string { return (*regexp2.Regexp)(re).String() }

// readManifest reads manifest.yml as JSON-shaped values (maps, slices,
// strings, json.Number, bools).
func readManifest(t *testing.T) map[string]any {
	t.Helper()
	raw, err := os.ReadFile("manifest.yml")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := yaml.Unmarshal(raw, &m); err != nil {
		t.Fatalf("manifest.yml: %v", err)
	}
	return m
}

// asJSON turns YAML-decoded values into what the validator takes, through
// JSON text.
func asJSON(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestManifestMatchesSlacksSchema validates manifest.yml against Slack's
// published schema. Our manifest has no _metadata, so Slack reads it as
// major version 1 (schema 1.0.0).
func TestManifestMatchesSlacksSchema(t *testing.T) {
	m := readManifest(t)
	if _, ok := m["_metadata"]; ok {
		t.Log("manifest.yml has _metadata: the schema version follows its major_version")
	}
	if err := manifestSchema(t, manifestSchemaID).Validate(asJSON(t, m)); err != nil {
		t.Fatalf("manifest.yml does not match Slack's app manifest schema:\n%v", err)
	}
}

// TestManifestSchemaRejectsWrongFields shows the check can fail: copies of
// manifest.yml with one mistake each are refused by the top-level schema,
// and version 1.0.0's errors point at the mistake (the top-level schema's
// also carry the other versions' complaints about _metadata).
func TestManifestSchemaRejectsWrongFields(t *testing.T) {
	top, v1 := manifestSchema(t, manifestSchemaID), manifestSchema(t, manifestSchemaRef+"manifest.schema.1.0.0.json")
	section := func(m map[string]any, path ...string) map[string]any {
		for _, p := range path {
			m = m[p].(map[string]any)
		}
		return m
	}
	tests := []struct {
		name  string
		where string // the instance location the schema should blame
		spoil func(m map[string]any)
	}{
		{"misspelt setting", "/settings", func(m map[string]any) {
			section(m, "settings")["socket_mode"] = true // it is socket_mode_enabled
		}},
		{"unknown top-level key", "", func(m map[string]any) {
			m["permissions"] = map[string]any{"bot": []any{"commands"}}
		}},
		{"name over 35 characters", "/display_information/name", func(m map[string]any) {
			section(m, "display_information")["name"] = strings.Repeat("x", 36)
		}},
		{"should_escape not a boolean", "/features/slash_commands/0/should_escape", func(m map[string]any) {
			section(m, "features")["slash_commands"].([]any)[0].(map[string]any)["should_escape"] = "yes"
		}},
		{"scopes not a list", "/oauth_config/scopes/bot", func(m map[string]any) {
			section(m, "oauth_config", "scopes")["bot"] = "commands"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := readManifest(t)
			tt.spoil(m)
			doc := asJSON(t, m)
			if top.Validate(doc) == nil {
				t.Error("Slack's top-level schema accepted the broken manifest")
			}
			err := v1.Validate(doc)
			if err == nil {
				t.Fatal("Slack's schema 1.0.0 accepted the broken manifest")
			}
			var ve *jsonschema.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("got %T %v, want a *jsonschema.ValidationError", err, err)
			}
			if !blames(ve, tt.where) {
				t.Errorf("the schema's errors do not point at %q:\n%v", tt.where, err)
			}
		})
	}
}

// blames reports whether a validation error has a leaf cause about the
// instance at where (a JSON pointer, "" for the root).
func blames(ve *jsonschema.ValidationError, where string) bool {
	if len(ve.Causes) == 0 {
		loc := ""
		if len(ve.InstanceLocation) > 0 {
			loc = "/" + strings.Join(ve.InstanceLocation, "/")
		}
		return loc == where
	}
	for _, c := range ve.Causes {
		if blames(c, where) {
			return true
		}
	}
	return false
}
