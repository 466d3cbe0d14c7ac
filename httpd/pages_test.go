package httpd

import (
	"io/fs"
	"regexp"
	"testing"

	"github.com/casedesk/casedesk/i18n"
)

// messageKey finds the keys that templates translate: {{t "key"}}.
var messageKey = regexp.MustCompile(`\bt "([^"]+)"`)

func TestTemplates_UseOnlyKeysEveryCatalogHas(t *testing.T) {
	var files []string
	err := fs.WalkDir(templateFiles, "templates", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil || len(files) == 0 {
		t.Fatalf("templates: %v", err)
	}
	n := 0
	for _, f := range files {
		src, _ := templateFiles.ReadFile(f)
		for _, m := range messageKey.FindAllStringSubmatch(string(src), -1) {
			n++
			if !i18n.Has(m[1]) {
				t.Errorf("%s uses %q, missing from a catalog", f, m[1])
			}
		}
	}
	if n == 0 {
		t.Fatal("found no message keys: the pattern is broken")
	}
	for _, key := range loginErrorKeys {
		if !i18n.Has(key) {
			t.Errorf("login error %q missing from a catalog", key)
		}
	}
}
