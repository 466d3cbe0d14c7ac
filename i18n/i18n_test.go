package i18n

import (
	"encoding/json"
	"sort"
	"testing"
)

func keys(t *testing.T, lang string) []string {
	t.Helper()
	var ks []string
	for _, f := range catalogFiles(lang) {
		data, err := catalogs.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for k := range m {
			ks = append(ks, k)
		}
	}
	if len(ks) == 0 {
		t.Fatalf("no catalog for %s", lang)
	}
	sort.Strings(ks)
	return ks
}

func TestCatalogs_HoldTheSameKeys(t *testing.T) {
	en := keys(t, "en")
	for _, lang := range []string{"it", "fr"} {
		other := map[string]bool{}
		for _, k := range keys(t, lang) {
			other[k] = true
		}
		for _, k := range en {
			if !other[k] {
				t.Errorf("%s catalog lacks %q", lang, k)
			}
			delete(other, k)
		}
		for k := range other {
			t.Errorf("%s catalog has %q, which English lacks", lang, k)
		}
	}
}

func TestFor_PicksLanguage(t *testing.T) {
	tests := []struct {
		prefs []string
		want  string
	}{
		{nil, "en"},
		{[]string{"it"}, "it"},
		{[]string{"", "fr-CH,fr;q=0.9,en;q=0.8"}, "fr"},
		{[]string{"de-DE,de;q=0.9"}, "en"},
		{[]string{"it", "fr"}, "it"},
		{[]string{"not a tag"}, "en"},
	}
	for _, tt := range tests {
		if got := For(tt.prefs...).Lang(); got != tt.want {
			t.Errorf("For(%q) = %s, want %s", tt.prefs, got, tt.want)
		}
	}
}

func TestT_TranslatesAndFillsTemplates(t *testing.T) {
	if got := For("it").T("login.title"); got != "Accedi" {
		t.Errorf("it login.title = %q", got)
	}
	if got := For("fr").T("time.ago", map[string]string{"D": "3 h"}); got != "il y a 3 h" {
		t.Errorf("fr time.ago = %q", got)
	}
	if got := For("en").T("no.such.key"); got != "no.such.key" {
		t.Errorf("missing key = %q", got)
	}
	if !Has("login.title") || Has("no.such.key") {
		t.Error("Has is wrong")
	}
}
