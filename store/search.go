package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/casedesk/casedesk"
)

// searchConfig maps a case language to PostgreSQL's text search
// configuration; SQLite's tokenizer serves every language alike.
func searchConfig(lang string) string {
	switch lang {
	case "it":
		return "italian"
	case "fr":
		return "french"
	}
	return "english"
}

// indexText makes text findable under the case; internal notes only by staff.
func (tx *Tx) indexText(ctx context.Context, caseID int64, lang, text string, public bool) error {
	if err := tx.insert(ctx, searchRow(tx.db.dialect, caseID, lang, text, public)); err != nil {
		return fmt.Errorf("index case %d: %w", caseID, err)
	}
	return nil
}

// searchRow is text of a case for the full-text index.
func searchRow(d *dialect, caseID int64, lang, text string, public bool) newRow {
	if d == postgresDialect {
		return newRow{table: "case_search", cols: "case_id, config, public, tsv", vals: "?, ?::regconfig, ?, to_tsvector(?::regconfig, ?)",
			args: []any{caseID, searchConfig(lang), public, searchConfig(lang), text}}
	}
	return newRow{table: "case_search", cols: "case_id, body, public", vals: "?, ?, ?", args: []any{caseID, text, public}}
}

// searchWord is one word of a search, folded as the index folds words.
type searchWord struct {
	text   string
	prefix bool // typed with a trailing *: matches every word it begins
}

// searchWords splits what a person types into words.
func searchWords(q string) []searchWord {
	var words []searchWord
	tk := newTokenizer()
	for _, field := range strings.Fields(q) {
		prefix := strings.HasSuffix(field, "*")
		parts := tk.tokens(field)
		for i, w := range parts {
			words = append(words, searchWord{text: w, prefix: prefix && i == len(parts)-1})
		}
	}
	return words
}

// tokenizer splits text into lower-case words without diacritics, as
// SQLite's unicode61 tokenizer does. It keeps state: one per goroutine.
type tokenizer struct {
	fold transform.Transformer // made for the first text that is not ASCII
}

func newTokenizer() *tokenizer { return &tokenizer{} }

func (tk *tokenizer) tokens(text string) []string {
	var out []string
	tk.each(text, func(tok []byte) { out = append(out, string(tok)) })
	return out
}

// each calls fn with each word of text, in order; fn must not keep tok.
func (tk *tokenizer) each(text string, fn func(tok []byte)) {
	if !ascii(text) {
		if tk.fold == nil {
			tk.fold = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
		}
		folded, _, err := transform.String(tk.fold, text)
		if err != nil {
			folded = text
		}
		for _, tok := range strings.FieldsFunc(strings.ToLower(folded), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			fn([]byte(tok))
		}
		return
	}
	// ASCII alone, most of what is written to a support desk: no Unicode
	// normalisation, and words are lowered into one buffer.
	buf := make([]byte, 0, 64)
	for i := 0; i <= len(text); i++ {
		var c byte
		if i < len(text) {
			c = text[i]
		}
		switch {
		case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
			buf = append(buf, c)
		case 'A' <= c && c <= 'Z':
			buf = append(buf, c+'a'-'A')
		case len(buf) > 0:
			fn(buf)
			buf = buf[:0]
		}
	}
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// ftsQuery turns the words a person typed into an FTS5 query: each a quoted
// term, all required, so that no input is an FTS5 syntax error.
func ftsQuery(words []searchWord) string {
	var terms []string
	for _, w := range words {
		t := `"` + w.text + `"`
		if w.prefix {
			t += "*"
		}
		terms = append(terms, t)
	}
	return strings.Join(terms, " ")
}

// Okapi BM25's parameters: how fast repeated words stop counting, and how
// much a long text is discounted.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// rankTexts scores how well each text matches the words: BM25's weighting
// of each word's occurrences against the text's length relative to the
// others', higher being better. It leaves out how rare each word is, which
// SQLite learns only by reading every entry of a common word, and which
// changes nothing when a single word is searched. A word matches a longer or
// shorter form of itself by up to three letters, close to what the stemmer
// matched.
func rankTexts(texts []string, words []searchWord) []float64 {
	type counted struct {
		length int
		tf     []float64 // per word
	}
	counts := make([]counted, len(texts))
	total := 0
	tk := newTokenizer()
	for i, t := range texts {
		c := counted{tf: make([]float64, len(words))}
		tk.each(t, func(tok []byte) {
			c.length++
			for j, w := range words {
				if sameWord(tok, w) {
					c.tf[j]++
				}
			}
		})
		counts[i] = c
		total += c.length
	}
	avg := max(float64(total)/float64(max(len(texts), 1)), 1)
	scores := make([]float64, len(texts))
	for i, c := range counts {
		lengthNorm := bm25K1 * (1 - bm25B + bm25B*float64(c.length)/avg)
		for _, tf := range c.tf {
			scores[i] += tf * (bm25K1 + 1) / (tf + lengthNorm)
		}
	}
	return scores
}

// sameWord reports whether the token is the word in another form.
func sameWord(token []byte, w searchWord) bool {
	if len(token) >= len(w.text) {
		return string(token[:len(w.text)]) == w.text && (w.prefix || len(token)-len(w.text) <= 3)
	}
	return !w.prefix && w.text[:len(token)] == string(token) && len(w.text)-len(token) <= 3
}

// SearchCases finds the cases the actor may see whose subject, description or
// replies match q, best matches first. Internal notes are searched only for staff.
func (db *DB) SearchCases(ctx context.Context, actor *casedesk.Actor, q string, limit int) ([]*casedesk.Case, error) {
	if !actor.HasScope(casedesk.ScopeCasesRead) {
		return nil, casedesk.Errorf(casedesk.EFORBIDDEN, "this API token lacks the scope cases:read").WithKey("error.scope.missing", map[string]any{"Scope": casedesk.ScopeCasesRead})
	}
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, casedesk.FieldErrorf("q", "type something to search for").WithKey("error.search.empty", nil)
	}
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	orgs, all, err := db.visibleOrgs(ctx, actor)
	if err != nil {
		return nil, err
	}
	// Tenants' entries are filtered before ranking: a search never ranks,
	// nor counts, what the caller may not see.
	var sc searchScope
	if !all {
		cond, arg := db.dialect.oneOf("o.org_id", orgs)
		sc = searchScope{cond: cond, args: []any{arg}}
	}
	var out []*casedesk.Case
	if db.dialect == postgresDialect {
		out, err = db.searchPostgres(ctx, q, sc, all, limit)
	} else {
		var hits []searchHit
		if hits, err = db.searchSQLite(ctx, q, sc, all); err == nil {
			out, err = db.casesOfHits(ctx, hits, limit)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("search cases: %w", err)
	}
	return out, nil
}

// casesOfHits reads the limit best cases of the hits, best first (bestCases).
func (db *DB) casesOfHits(ctx context.Context, hits []searchHit, limit int) ([]*casedesk.Case, error) {
	ids := bestCases(hits, limit)
	out := make([]*casedesk.Case, 0, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	cond, arg := db.dialect.oneOf("id", ids)
	rows, err := db.query(ctx, `SELECT `+caseListColumns+` FROM cases WHERE `+cond, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := make(map[int64]*casedesk.Case, len(ids))
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, err
		}
		byID[c.ID] = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, id := range ids {
		if c := byID[id]; c != nil {
			out = append(out, c)
		}
	}
	return out, nil
}

// searchScope limits a search to a tenant's organisations: a condition on
// the cases of the entries, aliased o, and its arguments. It is empty for
// staff.
type searchScope struct {
	cond string
	args []any
}

// join joins the full-text entries, the table named entries, to the cases in
// scope, with the join operator op.
func (sc searchScope) join(op, entries string) string {
	if sc.cond == "" {
		return ""
	}
	return " " + op + " cases o ON o.id = " + entries + ".case_id AND " + sc.cond
}

// searchHit is one matching full-text entry: its case and how well it
// matches, higher being better.
type searchHit struct {
	caseID int64
	score  float64
}

// bestCases ranks cases by their best matching entry, best first, the newer
// case first among equals, and returns at most limit of them.
func bestCases(hits []searchHit, limit int) []int64 {
	best := make(map[int64]float64, len(hits))
	for _, h := range hits {
		if s, ok := best[h.caseID]; !ok || h.score > s {
			best[h.caseID] = h.score
		}
	}
	ids := make([]int64, 0, len(best))
	for id := range best {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b int64) int {
		if c := cmp.Compare(best[b], best[a]); c != 0 {
			return c
		}
		return cmp.Compare(b, a)
	})
	return ids[:min(limit, len(ids))]
}

// searchPostgres finds the entries matching q with the GIN index over each
// entry's analysed text. The words are parsed once, in each language's
// analysis, into one tsquery, passed back as a value: parsed once per search,
// not per row, and its selectivity visible to the planner.
//
// A word may be in a handful of entries or in a large share of all ever
// written; only the newest searchCap matches are ranked. For a rare word one
// query asking for any searchCap+1 matches finds them all, and they are
// ranked and their cases read as SQLite's are. For a common word the same
// index, which also holds each entry's step in the order of writing
// (migration 12), finds the matches among the newest entries alone: among as
// many as the word's last search needed, or, the first time, recentWindow;
// if they hold fewer than searchCap, among four times as many, and so on
// until the window holds every entry. The statement that finds them ranks
// them and answers the page (searchPage): on the benchmark this doubled what
// PostgreSQL serves of such searches, where for a rare word's few matches
// it halved it. Which searches are common, their tsquery and how far back
// their newest matches reach is learnt from the searches themselves
// (commonWords): the next search of a common word is one statement.
func (db *DB) searchPostgres(ctx context.Context, q string, sc searchScope, all bool, limit int) ([]*casedesk.Case, error) {
	key := strings.ToLower(strings.Join(strings.Fields(q), " ")) + fmt.Sprint(sc.args)
	// rank answers the page of the window's matches, done when they are
	// enough or the window held every entry, and remembers what it learnt.
	rank := func(tsq string, window int64) (page []*casedesk.Case, done bool, err error) {
		r, err := db.searchPage(ctx, tsq, sc, all, window, limit)
		switch {
		case err != nil:
			return nil, true, err
		case r.matched == searchCap:
			// The next search looks as far back as this one found its
			// matches, and a step further for the entries written since.
			db.common.remember(key, tsq, r.newest-r.oldest+searchStep, r.newest)
			return r.page, true, nil
		case window == 0:
			// Every entry was searched: the search is not common.
			db.common.forget(key)
			return r.page, true, nil
		}
		return nil, false, nil
	}
	known, isCommon := db.common.lookup(key)
	if isCommon {
		if page, done, err := rank(known.tsq, known.window); done {
			return page, err
		}
	}
	var (
		tsq    string
		newest int64
	)
	if err := db.queryRow(ctx, `SELECT (websearch_to_tsquery('english', ?) || websearch_to_tsquery('italian', ?) || websearch_to_tsquery('french', ?))::text, (SELECT coalesce(max(id), 0) FROM case_search)`, q, q, q).Scan(&tsq, &newest); err != nil {
		return nil, err
	}
	if tsq == "" {
		return []*casedesk.Case{}, nil
	}
	window := known.window * 4
	if !isCommon {
		entries, args := searchEntries(tsq, sc, all)
		hits, err := db.searchHits(ctx, entries+` LIMIT `+strconv.Itoa(searchCap+1), args...)
		if err != nil {
			return nil, err
		}
		if len(hits) <= searchCap {
			return db.casesOfHits(ctx, hits, limit)
		}
		window = db.searchWindow()
	}
	for ; ; window *= 4 {
		if window >= newest {
			window = 0
		}
		if page, done, err := rank(tsq, window); done {
			return page, err
		}
	}
}

// searchResult is a page of cases a common word's search found, how many
// entries matched (at most searchCap), the oldest of them, and the newest
// entry of the index.
type searchResult struct {
	page                    []*casedesk.Case
	matched, oldest, newest int64
}

// searchEntries is the query of the entries matching tsq in scope, answering
// (case_id, score, id), and its arguments.
func searchEntries(tsq string, sc searchScope, all bool) (string, []any) {
	return `SELECT s.case_id, ts_rank(s.tsv, ?::tsquery) AS score, s.id FROM case_search s` + sc.join("JOIN", "s") +
			` WHERE s.tsv @@ ?::tsquery AND (s.public OR ?)`,
		append(append([]any{tsq}, sc.args...), tsq, all)
}

// searchPage ranks the newest searchCap matches of tsq among the newest
// window entries, or among all entries when window is 0, and answers the
// page of the limit best cases, each ranked by its best entry, the newer
// first among equals.
func (db *DB) searchPage(ctx context.Context, tsq string, sc searchScope, all bool, window int64, limit int) (searchResult, error) {
	entries, args := searchEntries(tsq, sc, all)
	if window > 0 {
		entries += ` AND ` + windowSteps(window)
		args = append(args, window)
	}
	// "id + 0": walking the primary key newest first, the planner's other
	// choice, reads every entry of the window.
	entries += ` ORDER BY s.id + 0 DESC LIMIT ` + strconv.Itoa(searchCap)
	rows, err := db.query(ctx, `WITH hits AS (`+entries+`),
		best AS (SELECT case_id, max(score) AS score FROM hits GROUP BY case_id ORDER BY 2 DESC, 1 DESC LIMIT `+strconv.Itoa(limit)+`)
		SELECT h.n, h.oldest, h.newest, `+caseListColumns+` FROM best JOIN cases ON cases.id = best.case_id
		CROSS JOIN (SELECT count(*) AS n, min(id) AS oldest, (SELECT max(id) FROM case_search) AS newest FROM hits) h
		ORDER BY best.score DESC, cases.id DESC`, args...)
	if err != nil {
		return searchResult{}, err
	}
	defer rows.Close()
	r := searchResult{page: []*casedesk.Case{}}
	for rows.Next() {
		c, err := scanCase(scanFunc(func(dest ...any) error {
			return rows.Scan(append([]any{&r.matched, &r.oldest, &r.newest}, dest...)...)
		}))
		if err != nil {
			return searchResult{}, err
		}
		r.page = append(r.page, c)
	}
	return r, rows.Err()
}

// commonWords remembers which searches found more than searchCap matches,
// their tsquery, and how many of the newest entries held their newest
// searchCap matches, so that their next search need not parse the words nor
// ask for any matches first, a query that costs a common word as much as
// the search itself, and looks among as many entries as it needs. A search
// found to be rare again is forgotten. It holds at most maxCommonWords
// searches, and each for commonWordsTTL.
type commonWords struct {
	mu    sync.Mutex
	words map[string]commonWord
}

type commonWord struct {
	tsq    string
	window int64 // how many of the newest entries held searchCap matches; 0: all of them
	until  time.Time
}

const (
	maxCommonWords = 10000
	commonWordsTTL = 10 * time.Minute
)

// lookup answers what is known of a common search.
func (w *commonWords) lookup(key string) (commonWord, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, ok := w.words[key]
	if !ok || !time.Now().Before(c.until) {
		return commonWord{}, false
	}
	return c, true
}

// remember records that window of the newest entries, newest being the
// newest, held the newest searchCap matches of a search.
func (w *commonWords) remember(key, tsq string, window, newest int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.words == nil || len(w.words) >= maxCommonWords {
		w.words = map[string]commonWord{}
	}
	if window >= newest {
		window = 0
	}
	w.words[key] = commonWord{tsq: tsq, window: window, until: time.Now().Add(commonWordsTTL)}
}

func (w *commonWords) forget(key string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.words, key)
}

// searchSQLite finds the newest searchCap entries matching q in the FTS5
// index, and ranks them with rankTexts. CROSS JOIN keeps the full-text table
// the outer loop, walked newest first.
func (db *DB) searchSQLite(ctx context.Context, q string, sc searchScope, all bool) ([]searchHit, error) {
	words := searchWords(q)
	fq := ftsQuery(words)
	if fq == "" {
		return nil, nil
	}
	rows, err := db.query(ctx, `SELECT case_search.case_id, case_search.body FROM case_search`+sc.join("CROSS JOIN", "case_search")+
		` WHERE case_search MATCH ? AND (case_search.public OR ?) ORDER BY case_search.rowid DESC LIMIT `+strconv.Itoa(searchCap), append(sc.args, fq, all)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var (
		hits  []searchHit
		texts []string
	)
	for rows.Next() {
		var (
			h    searchHit
			body string
		)
		if err := rows.Scan(&h.caseID, &body); err != nil {
			return nil, err
		}
		hits, texts = append(hits, h), append(texts, body)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, score := range rankTexts(texts, words) {
		hits[i].score = score
	}
	return hits, nil
}

// searchHits runs a query answering (case ID, score, entry ID), higher
// scores being better.
func (db *DB) searchHits(ctx context.Context, query string, args ...any) ([]searchHit, error) {
	rows, err := db.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var (
		hits  []searchHit
		entry int64
	)
	for rows.Next() {
		var h searchHit
		if err := rows.Scan(&h.caseID, &h.score, &entry); err != nil {
			return nil, err
		}
		hits = append(hits, h)
	}
	return hits, rows.Err()
}

// searchCap bounds how many matching entries, the newest, a search ranks:
// relevance among recent cases matters more than ranking every case ever
// written that mentions a common word.
const searchCap = 200

// recentWindow is how many of the newest full-text entries a PostgreSQL
// search of a word newly found common looks among first; see searchPostgres.
const recentWindow = 20000

// searchStep is how many full-text entries, in the order of writing, make
// one step of PostgreSQL's index (migration 12 names it in the index).
const searchStep = 1024

// coarseStep is how many full-text entries make one coarse step of the
// index, and fineSteps how many fine steps a window may span before it is
// looked for in coarse ones (migration 12).
const (
	coarseStep = 16384
	fineSteps  = 32
)

// stepKeys is the array of an entry's steps that migration 12 indexes,
// written as it is there: the planner uses the index for this expression
// only.
var stepKeys = `ARRAY[s.id / ` + strconv.Itoa(searchStep) + `, -1 - s.id / ` + strconv.Itoa(coarseStep) + `]`

// windowSteps is the condition that an entry is among the newest window
// entries, in whole steps: fine steps for a window of at most fineSteps
// steps' worth of entries, coarse ones, negated as the index holds them,
// for a wider one, so that the list of steps, each of which a search reads
// as a key of its own, stays short. Its argument is the window.
func windowSteps(window int64) string {
	step, sign := searchStep, ""
	if window > fineSteps*searchStep {
		step, sign = coarseStep, "-1 - "
	}
	const newest = `(SELECT max(id) FROM case_search)`
	n := strconv.Itoa(step)
	return stepKeys + ` && ARRAY(SELECT ` + sign + `generate_series((` + newest + ` - ?) / ` + n + `, ` + newest + ` / ` + n + `))`
}

// searchWindow is recentWindow, unless a test narrowed it.
func (db *DB) searchWindow() int64 {
	if db.window > 0 {
		return db.window
	}
	return recentWindow
}

// prefixed qualifies each column of a list with a table alias.
func prefixed(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = alias + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// visibleOrgs lists the organisations whose cases the actor sees; all is
// true for staff, who see every organisation's.
func (db *DB) visibleOrgs(ctx context.Context, actor *casedesk.Actor) (ids []int64, all bool, err error) {
	if actor.IsStaff() {
		return nil, true, nil
	}
	if actor.OrgID == 0 {
		return []int64{}, false, nil
	}
	ids = []int64{actor.OrgID}
	if actor.OrgKind == casedesk.OrgPartner {
		rows, err := db.query(ctx, `SELECT id FROM organisations WHERE partner_id = ?`, actor.OrgID)
		if err != nil {
			return nil, false, err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, false, err
			}
			ids = append(ids, id)
		}
		return ids, false, rows.Err()
	}
	return ids, false, nil
}
