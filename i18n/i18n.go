// Package i18n holds the message catalogs of every string a person reads in
// casedesk, in English, Italian and French, and picks the language for a
// request: the user's setting, else the browser's Accept-Language, else English.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed catalog/*.json
var catalogs embed.FS

// Languages are the interface's languages, the default first.
var Languages = []language.Tag{language.English, language.Italian, language.French}

var (
	bundle  = newBundle()
	matcher = language.NewMatcher(Languages)
)

func newBundle() *i18n.Bundle {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	files, err := fs.Glob(catalogs, "catalog/*.json")
	if err != nil {
		panic(err)
	}
	for _, f := range files {
		if _, err := b.LoadMessageFileFS(catalogs, f); err != nil {
			panic(fmt.Sprintf("i18n: catalog %s: %v", f, err))
		}
	}
	return b
}

// catalogFiles returns the catalog files of one language: en.json and every
// area's file such as portal.en.json.
func catalogFiles(lang string) []string {
	files, _ := fs.Glob(catalogs, "catalog/*.json")
	var out []string
	for _, f := range files {
		base := strings.TrimSuffix(path.Base(f), ".json")
		if base == lang || strings.HasSuffix(base, "."+lang) {
			out = append(out, f)
		}
	}
	return out
}

// Localizer translates messages into one language.
type Localizer struct {
	lang string
	l    *i18n.Localizer
}

// For returns the localizer for the first of prefs (language tags or
// Accept-Language values) that casedesk speaks, else English.
func For(prefs ...string) *Localizer {
	var tags []language.Tag
	for _, p := range prefs {
		if p == "" {
			continue
		}
		t, _, err := language.ParseAcceptLanguage(p)
		if err == nil {
			tags = append(tags, t...)
		}
	}
	_, i, _ := matcher.Match(tags...)
	lang := Languages[i].String()
	return &Localizer{lang: lang, l: i18n.NewLocalizer(bundle, lang)}
}

// Lang is the language's tag: en, it or fr.
func (l *Localizer) Lang() string { return l.lang }

// T translates the message id, filling its template with data (a map or
// struct), or returns the id itself when no catalog has it, so that a missing
// key shows rather than breaks a page; a test keeps every catalog complete.
func (l *Localizer) T(id string, data ...any) string {
	cfg := &i18n.LocalizeConfig{MessageID: id}
	if len(data) > 0 {
		cfg.TemplateData = data[0]
	}
	s, err := l.l.Localize(cfg)
	if err != nil {
		return id
	}
	return s
}

// Lookup translates id like T, and reports whether a catalog has it; callers
// with a fallback of their own use it rather than show the id.
func (l *Localizer) Lookup(id string, data any) (string, bool) {
	s, err := l.l.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	return s, err == nil
}

// Has reports whether every catalog defines id.
func Has(id string) bool {
	for _, tag := range Languages {
		if _, err := i18n.NewLocalizer(bundle, tag.String()).Localize(&i18n.LocalizeConfig{MessageID: id}); err != nil {
			return false
		}
		// go-i18n falls back to the default language; check the message is
		// the language's own.
		if !defines(tag, id) {
			return false
		}
	}
	return true
}

// defines reports whether the catalogs of tag itself hold id.
func defines(tag language.Tag, id string) bool {
	for _, f := range catalogFiles(tag.String()) {
		data, err := catalogs.ReadFile(f)
		if err != nil {
			continue
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(data, &m) != nil {
			continue
		}
		if _, ok := m[id]; ok {
			return true
		}
	}
	return false
}
