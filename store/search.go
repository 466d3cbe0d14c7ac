package store

import (
	"context"
	"fmt"
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
	var (
		query string
		args  []any
	)
	if db.dialect == postgresDialect {
		query = `SELECT ` + prefixed("c.", caseColumns) + ` FROM cases c JOIN (
			SELECT case_id, max(ts_rank(tsv, websearch_to_tsquery(config, ?))) AS rank FROM case_search
			WHERE tsv @@ websearch_to_tsquery(config, ?) AND (public OR ?) GROUP BY case_id) m ON m.case_id = c.id
			WHERE (? OR c.org_id IN (SELECT value::bigint FROM unnest(string_to_array(?, ',')) AS value))
			ORDER BY m.rank DESC, c.id DESC LIMIT ?`
		args = []any{q, q, all, all, joinIDs(orgs), limit}
	} else {
		fq := ftsQuery(q)
		if fq == "" {
			return []*casedesk.Case{}, nil
		}
		query = `SELECT ` + prefixed("c.", caseColumns) + ` FROM cases c JOIN (
			SELECT case_id, min(rank) AS rank FROM case_search WHERE case_search MATCH ? AND (public OR ?) GROUP BY case_id) m ON m.case_id = c.id
			WHERE (? OR c.org_id IN (SELECT value FROM json_each(?)))
			ORDER BY m.rank, c.id DESC LIMIT ?`
		args = []any{fq, all, all, "[" + joinIDs(orgs) + "]", limit}
	}
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
		out = append(out, c)
	}
	return out, rows.Err()
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
