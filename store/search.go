package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"

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
	var err error
	if tx.db.dialect == postgresDialect {
		_, err = tx.exec(ctx, `INSERT INTO case_search (case_id, config, public, tsv) VALUES (?, ?::regconfig, ?, to_tsvector(?::regconfig, ?))`,
			caseID, searchConfig(lang), public, searchConfig(lang), text)
	} else {
		_, err = tx.exec(ctx, `INSERT INTO case_search (body, case_id, public) VALUES (?, ?, ?)`, text, caseID, public)
	}
	if err != nil {
		return fmt.Errorf("index case %d: %w", caseID, err)
	}
	return nil
}

// ftsQuery turns what a person types into an FTS5 query: each word a quoted
// prefix term, all required, so that no input is an FTS5 syntax error.
func ftsQuery(q string) string {
	words := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for i, w := range words {
		words[i] = `"` + w + `"*`
	}
	return strings.Join(words, " ")
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
	// Rank and cut to the page inside the subquery, so that only the page's
	// cases are read whole; tenants' rows are filtered before ranking.
	var (
		inner string
		args  []any
		scope string
	)
	if !all {
		scope = ` JOIN cases o ON o.id = s.case_id AND o.org_id IN (` + joinIDs(append([]int64{0}, orgs...)) + `)`
	}
	if db.dialect == postgresDialect {
		// The words in each language's analysis, ORed into one query the
		// GIN index serves; the newest searchCap matching entries the caller
		// may see are ranked. The planner cannot tell a common word from a
		// rare one well enough to choose between walking the newest entries
		// and using the index, so the choice is made here: if the newest
		// recentWindow entries alone hold searchCap matches, the word is
		// common and only they are searched; otherwise the index finds every
		// match, which for such a word are few.
		// Parse the words once, in each language's analysis, into one
		// tsquery: passed back as a value, it is parsed once per search, not
		// per row, and the planner can judge its selectivity.
		var tsq string
		if err := db.queryRow(ctx, `SELECT (websearch_to_tsquery('english', ?) || websearch_to_tsquery('italian', ?) || websearch_to_tsquery('french', ?))::text`, q, q, q).Scan(&tsq); err != nil {
			return nil, fmt.Errorf("search cases: %w", err)
		}
		if tsq == "" {
			return []*casedesk.Case{}, nil
		}
		query := `?::tsquery`
		recent := ` AND s.id > (SELECT coalesce(max(id), 0) FROM case_search) - ` + strconv.Itoa(recentWindow)
		var hits int
		err := db.queryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM case_search s`+scope+` WHERE s.tsv @@ `+query+` AND (s.public OR ?)`+recent+
			` LIMIT `+strconv.Itoa(searchCap)+`) x`, tsq, all).Scan(&hits)
		if err != nil {
			return nil, fmt.Errorf("search cases: %w", err)
		}
		if hits < searchCap {
			recent = ""
		}
		// "id + 0" keeps the planner on the full-text index for the match.
		inner = `SELECT m.case_id, max(ts_rank(m.tsv, ` + query + `)) AS rank FROM (
			SELECT s.case_id, s.tsv FROM case_search s` + scope + ` WHERE s.tsv @@ ` + query + ` AND (s.public OR ?)` + recent + `
			ORDER BY s.id + 0 DESC LIMIT ` + strconv.Itoa(searchCap) + `) m GROUP BY m.case_id ORDER BY rank DESC, m.case_id DESC LIMIT ?`
		args = []any{tsq, tsq, all, limit}
	} else {
		fq := ftsQuery(q)
		if fq == "" {
			return []*casedesk.Case{}, nil
		}
		// For staff, a common word matches a large share of every case ever
		// written: rank only the newest searchCap matching entries. Tenants'
		// entries are few, and are all ranked.
		// bm25 must be computed over the full-text table alone; the tenant
		// filter joins around it.
		source := `SELECT case_id, bm25(case_search) AS r FROM case_search WHERE case_search MATCH ? AND (public OR ?)`
		if all {
			source += ` ORDER BY rowid DESC LIMIT ` + strconv.Itoa(searchCap)
		}
		// MATERIALIZED keeps SQLite from folding the full-text query into
		// the join, where bm25 cannot run.
		inner = `WITH s AS MATERIALIZED (` + source + `) SELECT s.case_id, min(s.r) AS rank FROM s` + scope + ` GROUP BY s.case_id ORDER BY rank, s.case_id DESC LIMIT ?`
		args = []any{fq, all, limit}
	}
	query := `SELECT ` + prefixed("c.", caseColumns) + ` FROM cases c JOIN (` + inner + `) m ON m.case_id = c.id ORDER BY m.rank` +
		map[bool]string{true: " DESC", false: ""}[db.dialect == postgresDialect] + `, c.id DESC`
	rows, err := db.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("search cases: %w", err)
	}
	defer rows.Close()
	out := []*casedesk.Case{}
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, fmt.Errorf("search cases: %w", err)
		}
		c.SLA = nil // results stay light, like a queue page
		out = append(out, c)
	}
	return out, rows.Err()
}

// searchCap bounds how many matching entries, the newest, a search ranks:
// relevance among recent cases matters more than ranking every case ever
// written that mentions a common word.
const searchCap = 200

// recentWindow is how many of the newest full-text entries a PostgreSQL
// search tries first; see SearchCases.
const recentWindow = 20000

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
