package browsertest

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/casedesk/casedesk/demo"
)

// labelsJS collects the visible text of what names things on a page:
// labels, headings, buttons, links, legends, captions, table and list
// headers. Links inside a table's body are data (a case's subject), not labels.
const labelsJS = `[...document.querySelectorAll(
	'label, legend, caption, th, dt, summary, h1, h2, h3, h4, h5, h6, button, a, input[type=submit]')]
	.filter(el => !el.closest('tbody') || el.tagName !== 'A')
	.filter(el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
	.map(el => (el.value && el.tagName === 'INPUT' ? el.value : el.innerText).replace(/\s+/g, ' ').trim())
	.filter(s => s !== '')`

// sameInEveryLanguage are texts a translation keeps: the brand, the
// switcher's language codes, the priority levels and the acronym SLA.
var sameInEveryLanguage = []string{"casedesk", "en", "it", "fr", "P1", "P2", "P3", "P4", "SLA"}

// sameInTranslation are English labels that the catalog of the other
// language gives unchanged, because they are also the right word there.
var sameInTranslation = map[string][]string{
	"it": {"Password", "Home"},
	"fr": {"Administration", "Organisation", "Organisations", "Date", "Version", "Webhooks"},
}

// notWords are texts with no words to translate: addresses, numbers, times.
var notWords = regexp.MustCompile(`^(?:\S+@\S+\.\S+|[\d\s.,:;/#%–—()+-]*)$`)

// TestLanguage_SwitchingChangesEveryLabel reads the labels of pages in
// English, follows the switcher to Italian and to French, and finds no
// English label left, apart from those a translation keeps.
func TestLanguage_SwitchingChangesEveryLabel(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cust := e.newCustomer("Lingua Srl", "lingua.example")
	e.newContact(cust, "eva@lingua.example")

	pages := []struct {
		who, path string
	}{
		{"", "/login"},
		{"eva@lingua.example", "/portal"},
		{"engineer@vendor.example", "/console"},
		{"admin@vendor.example", "/admin/calendars/emea"},
	}
	for _, p := range pages {
		b := e.tab()
		if p.who != "" {
			b.login(p.who, demo.Password)
		}
		b.openOK(p.path + "?lang=en")
		en := labels(b)
		if len(en) < 3 {
			t.Fatalf("%s: too few labels to compare: %q", p.path, en)
		}
		if p.path == "/admin/calendars/emea" {
			b.screenshot("calendar-admin.png")
		}
		seen := map[string][]string{"en": en}
		for _, lang := range []string{"it", "fr"} {
			b.switchLanguage(lang)
			got := labels(b)
			seen[lang] = got
			for _, s := range en {
				if slices.Contains(got, s) && !slices.Contains(sameInEveryLanguage, s) &&
					!slices.Contains(sameInTranslation[lang], s) && !notWords.MatchString(s) {
					t.Errorf("%s in %s: the label %q is still in English", p.path, lang, s)
				}
			}
		}
		if slices.Equal(seen["it"], seen["fr"]) || slices.Equal(seen["en"], seen["it"]) {
			t.Errorf("%s: the labels do not change with the language: %q", p.path, seen)
		}
		t.Logf("%s: %d labels in English, e.g. %s", p.path, len(en), strings.Join(en[:min(len(en), 6)], " | "))
	}
}

// labels returns the page's visible labels, without repeats, sorted.
func labels(b *tab) []string {
	b.t.Helper()
	l := eval[[]string](b, labelsJS)
	slices.Sort(l)
	return slices.Compact(l)
}
