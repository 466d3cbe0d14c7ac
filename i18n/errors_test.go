package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// errorKeyLiteral finds the message keys of domain errors in Go source: every
// string literal "error.…", as written in WithKey, in Key: fields and in
// casedesk.InternalErrorKey.
var errorKeyLiteral = regexp.MustCompile(`"(error\.[A-Za-z0-9_.]+)"`)

// errorKeysInCode returns the error keys the module's non-test Go files use,
// each with a file that uses it.
func errorKeysInCode(t *testing.T) map[string]string {
	t.Helper()
	keys := map[string]string{}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != ".." && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range errorKeyLiteral.FindAllStringSubmatch(string(src), -1) {
			keys[m[1]] = path
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) == 0 {
		t.Fatal("found no error keys in the code")
	}
	return keys
}

func TestErrorKeys_EveryKeyTheCodeUsesIsInEveryLanguage(t *testing.T) {
	for key, file := range errorKeysInCode(t) {
		if !Has(key) {
			t.Errorf("%s uses %q, which not every catalog has", file, key)
		}
	}
}

func TestErrorKeys_EveryErrorMessageInTheCatalogsIsUsed(t *testing.T) {
	used := errorKeysInCode(t)
	for _, k := range keys(t, "en") {
		if strings.HasPrefix(k, "error.") && used[k] == "" {
			t.Errorf("catalog key %q is used nowhere in the code", k)
		}
	}
}
