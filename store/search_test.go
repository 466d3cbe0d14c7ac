package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
)

func TestBestCases_RanksCasesByTheirBestEntry(t *testing.T) {
	tests := []struct {
		name  string
		hits  []searchHit
		limit int
		want  []int64
	}{
		{"none", nil, 10, []int64{}},
		{"best score first", []searchHit{{1, 0.1}, {2, 0.9}, {3, 0.5}}, 10, []int64{2, 3, 1}},
		{"a case counts its best entry once", []searchHit{{1, 0.2}, {2, 0.5}, {1, 0.7}, {1, 0.1}}, 10, []int64{1, 2}},
		{"the newer case first among equals", []searchHit{{4, 0.5}, {9, 0.5}, {6, 0.5}}, 10, []int64{9, 6, 4}},
		{"cut to the limit", []searchHit{{1, 0.1}, {2, 0.2}, {3, 0.3}}, 2, []int64{3, 2}},
		{"scores below zero, as negated bm25 gives", []searchHit{{1, -3.2}, {2, -0.4}}, 10, []int64{2, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := bestCases(tt.hits, tt.limit); !slices.Equal(got, tt.want) {
				t.Fatalf("bestCases = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSearch_BestMatchFirstAndNewestOfACommonWord(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		p, k := deskFixture(t, db, f, "zmanda-premium")
		// Every seeded case mentions herons: more entries than a search
		// ranks, so only the newest are considered, and, matching alike,
		// they come newest first.
		text := func(i int) (string, string) {
			return fmt.Sprintf("Seeded case %d", i), "The heron alarm fires at night"
		}
		const n = searchCap + 60
		if err := db.SeedCases(ctx, SeedTemplate{ProductID: p.ID, ContractIDs: []int64{k.ID}, Text: text, Seed: 3}, n, nil); err != nil {
			t.Fatal(err)
		}
		ids := queryIDs(t, db, `SELECT id FROM cases ORDER BY id DESC`)
		// Twice: PostgreSQL's second search of a word it found common asks differently.
		for range 2 {
			found, err := db.SearchCases(ctx, f.admin, "heron", 100)
			if err != nil {
				t.Fatal(err)
			}
			if got := caseIDs(found); !slices.Equal(got, ids[:100]) {
				t.Fatalf("search for a common word found %v, want the newest 100 cases %v", got, ids[:100])
			}
		}

		// A case that says it three times, in its subject too, ranks first.
		open := func(subject, desc string) *casedesk.Case {
			t.Helper()
			c, err := db.OpenCase(ctx, f.otherUser, NewCase{Case: casedesk.Case{ProductID: p.ID, Subject: subject, Desc: desc, Impact: "low", Urgency: "low"}})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		strong := open("Heron alarm: heron sensor", "The heron sensor trips the alarm")
		open("Night alarm", "It might be the heron")
		found, err := db.SearchCases(ctx, f.otherUser, "heron", 5)
		if err != nil || len(found) != 5 || found[0].ID != strong.ID {
			t.Fatalf("search found %v (%v), want %d first", caseIDs(found), err, strong.ID)
		}
		found, err = db.SearchCases(ctx, f.otherUser, "heron sensor", 5)
		if err != nil || len(found) != 1 || found[0].ID != strong.ID {
			t.Fatalf("search for two words found %v (%v), want only %d", caseIDs(found), err, strong.ID)
		}
		// Words match in other forms, not as the beginnings of longer words.
		found, err = db.SearchCases(ctx, f.otherUser, "sensors", 5)
		if err != nil || len(found) != 1 || found[0].ID != strong.ID {
			t.Fatalf("search for a plural found %v (%v), want %d", caseIDs(found), err, strong.ID)
		}
		if found, err := db.SearchCases(ctx, f.otherUser, "sens", 5); err != nil || len(found) != 0 {
			t.Fatalf("search for the start of a word found %v (%v), want nothing", caseIDs(found), err)
		}
	})
}

// On PostgreSQL a common word's newest matches are looked for among the
// newest entries first, in a window that widens while it holds too few.
func TestSearch_PostgresWidensItsWindowUntilEnoughMatch(t *testing.T) {
	db := openPostgres(t)
	f := newFixture(t, db)
	p, k := deskFixture(t, db, f, "zmanda-premium")
	seed := func(n int, desc string, seed uint64) {
		t.Helper()
		text := func(i int) (string, string) { return fmt.Sprintf("Seeded case %d", i), desc }
		if err := db.SeedCases(ctx, SeedTemplate{ProductID: p.ID, ContractIDs: []int64{k.ID}, Text: text, Seed: seed}, n, nil); err != nil {
			t.Fatal(err)
		}
	}
	search := func(what string) {
		t.Helper()
		for range 2 { // the second search knows the word is common
			found, err := db.SearchCases(ctx, f.admin, "heron", 100)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := caseIDs(found), queryIDs(t, db, `SELECT id FROM cases WHERE description LIKE '%heron%' ORDER BY id DESC LIMIT 100`); !slices.Equal(got, want) {
				t.Fatalf("%s: search found %v, want the newest 100 cases about herons %v", what, got, want)
			}
		}
	}
	db.window = 50
	// Old entries mention herons; entries written much later, many steps of
	// the index on, do not: every window up to the whole index misses.
	seed(searchCap+60, "The heron alarm fires at night", 1)
	if _, err := db.exec(ctx, `ALTER TABLE case_search ALTER COLUMN id RESTART WITH 1000000`); err != nil {
		t.Fatal(err)
	}
	seed(300, "The backup fails", 2)
	search("herons only in the oldest entries")
	// New entries mention herons again: a window of a few steps holds enough.
	seed(searchCap+60, "The heron alarm fires again", 3)
	search("herons in the newest entries too")
}

// A window holds the newest entries in whole steps: every entry of the step
// the window's oldest entry is in, and all newer ones; fine steps while the
// window is at most fineSteps steps' worth of entries, coarse ones beyond.
func TestSearch_PostgresWindowHoldsTheNewestEntriesInWholeSteps(t *testing.T) {
	db := openPostgres(t)
	f := newFixture(t, db)
	p, k := deskFixture(t, db, f, "zmanda-premium")
	text := func(int) (string, string) { return "Heron", "Heron" }
	if err := db.SeedCases(ctx, SeedTemplate{ProductID: p.ID, ContractIDs: []int64{k.ID}, Text: text, Seed: 1}, 1, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.exec(ctx, `DELETE FROM case_search`); err != nil {
		t.Fatal(err)
	}
	ids := []int64{1, 1023, 1024, 50000, 65535, 65536, 66559, 66560, 98303, 98304, 99327, 99328, 100000}
	for _, id := range ids {
		if _, err := db.exec(ctx, `INSERT INTO case_search (id, case_id, config, public, tsv) SELECT ?, id, 'english', true, to_tsvector('english', 'heron') FROM cases`, id); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		window int64
		want   []int64
	}{
		{1, []int64{99328, 100000}},                                                                  // the newest entry's fine step
		{672, []int64{99328, 100000}},                                                                // 99 328 is that step's first entry
		{673, []int64{98304, 99327, 99328, 100000}},                                                  // one entry further: the step before
		{fineSteps * searchStep, []int64{66560, 98303, 98304, 99327, 99328, 100000}},                 // 67 232 is in the step from 66 560
		{fineSteps*searchStep + 1, []int64{65536, 66559, 66560, 98303, 98304, 99327, 99328, 100000}}, // coarse: 65 536-81 919 and on
		{34464, []int64{65536, 66559, 66560, 98303, 98304, 99327, 99328, 100000}},
		{34465, ids[3:]}, // 65 535 is in the coarse step before
		{99999, ids},
		{200000, ids}, // wider than the index
	}
	for _, tt := range tests {
		got := queryIDs(t, db, `SELECT s.id FROM case_search s WHERE `+strings.Replace(windowSteps(tt.window), "?", strconv.FormatInt(tt.window, 10), 1)+` ORDER BY s.id`)
		if !slices.Equal(got, tt.want) {
			t.Errorf("window of %d entries holds %v, want %v", tt.window, got, tt.want)
		}
	}
}

// The window's condition must be written as migration 12 indexes the steps:
// written otherwise, PostgreSQL would read every entry of the table.
func TestSearch_PostgresWindowUsesTheStepIndex(t *testing.T) {
	db := openPostgres(t)
	for _, window := range []int64{searchStep, fineSteps * searchStep, fineSteps*searchStep + 1, 1 << 20} {
		var plan []string
		err := db.inTx(ctx, func(tx *Tx) error {
			// The table is empty: only with no other way does the planner
			// show whether the index serves the condition.
			if _, err := tx.exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
				return err
			}
			rows, err := tx.query(ctx, `EXPLAIN SELECT id FROM case_search s WHERE s.tsv @@ 'heron'::tsquery AND `+windowSteps(window), window)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var line string
				if err := rows.Scan(&line); err != nil {
					return err
				}
				plan = append(plan, line)
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		// The word alone would do for the index; the steps must be in its condition.
		text := strings.Join(plan, "\n")
		if !strings.Contains(text, "Bitmap Index Scan on case_search_steps") || !slices.ContainsFunc(plan, func(line string) bool {
			return strings.Contains(line, "Index Cond:") && strings.Contains(line, "&&")
		}) {
			t.Errorf("window of %d entries: the plan does not look for the steps in case_search_steps:\n%s", window, text)
		}
	}
}

// queryIDs runs a query answering IDs.
func queryIDs(t *testing.T, db *DB, query string) []int64 {
	t.Helper()
	rows, err := db.query(ctx, query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ids
}

func caseIDs(cs []*casedesk.Case) []int64 {
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return ids
}

func TestFTSQuery_QuotesEveryWord(t *testing.T) {
	tests := []struct{ in, want string }{
		{"checksum", `"checksum"`},
		{"  tape   library ", `"tape" "library"`},
		{"E0042", `"e0042"`},
		{"back*", `"back"*`},
		{"backup-job*", `"backup" "job"*`},
		{`"quoted" AND NOT (x OR y)`, `"quoted" "and" "not" "x" "or" "y"`},
		{"NEAR(a b)", `"near" "a" "b"`},
		{"* - ^ :", ``},
		{"connessione perché", `"connessione" "perche"`},
	}
	for _, tt := range tests {
		if got := ftsQuery(searchWords(tt.in)); got != tt.want {
			t.Errorf("ftsQuery(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// FuzzFTSQuery_NeverASyntaxError runs whatever is typed against a real FTS5
// index: it may find nothing, but it must never fail.
func FuzzFTSQuery_NeverASyntaxError(f *testing.F) {
	for _, seed := range []string{"checksum", "back*", `"a" OR b`, "NEAR(x y, 2)", "col:word", "^start", "a AND NOT b", "*", "e0042*x*"} {
		f.Add(seed)
	}
	db, err := Open(ctx, "", f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx, nil); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		fq := ftsQuery(searchWords(q))
		if fq == "" {
			return
		}
		rows, err := db.query(ctx, `SELECT case_id FROM case_search WHERE case_search MATCH ?`, fq)
		if err == nil {
			for rows.Next() {
			}
			err = rows.Err()
			rows.Close()
		}
		if err != nil {
			t.Fatalf("ftsQuery(%q) = %s: %v", q, fq, err)
		}
	})
}

func TestRankTexts_MoreAndDenserOccurrencesRankHigher(t *testing.T) {
	tests := []struct {
		name          string
		query         string
		better, worse string
	}{
		{"more occurrences", "tape", "tape drive: the tape jams", "the tape jams"},
		{"same count in a shorter text", "tape", "tape jams", "the tape jams every night after the backup window closes"},
		{"both words over one", "tape jams", "tape jams", "tape stalls"},
		{"another form of the word", "sensors", "sensor fault", "alarm fault"},
		{"diacritics folded", "perche", "perché si blocca", "si blocca"},
		{"a prefix typed with *", "libr*", "library full", "shelf full"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := rankTexts([]string{tt.better, tt.worse}, searchWords(tt.query))
			if !(s[0] > s[1]) {
				t.Fatalf("scores %v: want %q above %q for %q", s, tt.better, tt.worse, tt.query)
			}
		})
	}
}

func TestSameWord(t *testing.T) {
	tests := []struct {
		token, word string
		prefix      bool
		want        bool
	}{
		{"backup", "backup", false, true},
		{"backups", "backup", false, true},
		{"backup", "backups", false, true},
		{"backpack", "back", false, false},
		{"library", "lib", true, true},
		{"lib", "library", true, false},
		{"tape", "tapes", false, true},
		{"catalog", "cat", false, false},
	}
	for _, tt := range tests {
		if got := sameWord([]byte(tt.token), searchWord{tt.word, tt.prefix}); got != tt.want {
			t.Errorf("sameWord(%q, %q, prefix %v) = %v, want %v", tt.token, tt.word, tt.prefix, got, tt.want)
		}
	}
}

// Searches run while cases are opened and answered, as on a busy desk: none
// may fail.
func TestSearch_WhileCasesAreWritten(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		p, k := deskFixture(t, db, f, "zmanda-premium")
		text := func(i int) (string, string) {
			return fmt.Sprintf("Seeded case %d", i), "The heron alarm fires at night"
		}
		if err := db.SeedCases(ctx, SeedTemplate{ProductID: p.ID, ContractIDs: []int64{k.ID}, Text: text, Seed: 5}, 500, nil); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 100)
		for w := range 6 {
			wg.Go(func() {
				for i := range 40 {
					var err error
					if w < 2 {
						_, err = db.OpenCase(ctx, f.otherUser, NewCase{Case: casedesk.Case{ProductID: p.ID, Subject: fmt.Sprintf("Heron %d/%d", w, i), Desc: "Night heron", Impact: "low", Urgency: "low"}})
					} else {
						_, err = db.SearchCases(ctx, []*casedesk.Actor{f.admin, f.otherUser}[w%2], []string{"heron", "night", "E0042", "alarm*"}[i%4], 20)
					}
					if err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})
}

// FuzzTokens_ASCIIAndUnicodeAgree checks that ASCII text, which takes a
// fast path, is cut into the words the Unicode path gives: the same text
// with a non-ASCII word appended takes the Unicode path. The seeds run with
// every go test.
func FuzzTokens_ASCIIAndUnicodeAgree(f *testing.F) {
	for _, seed := range []string{"", "Backup FAILS after upgrade (error E0042)!", "tape-library, 3 drives; x", "  ", "ABC", "a1b2 C3", "a-b_c", "x\ty\nZ"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !ascii(text) {
			return
		}
		tk := newTokenizer()
		got := tk.tokens(text)
		want := tk.tokens(text + " é")
		want = want[:len(want)-1]
		if !slices.Equal(got, want) {
			t.Fatalf("tokens(%q) = %q, Unicode path gives %q", text, got, want)
		}
	})
}

func BenchmarkRankTexts(b *testing.B) {
	texts := make([]string, searchCap)
	for i := range texts {
		texts[i] = fmt.Sprintf("Backup job %d fails after the upgrade (error E%04d)\\nFor %d days the backup job fails after the upgrade. The log shows error E%04d at step 3 of 20.", i, i, i%9, i)
	}
	words := searchWords("backup")
	b.ReportAllocs()
	for b.Loop() {
		rankTexts(texts, words)
	}
}

func TestMergeSearchIndex_MergesWhatWritesLeaveAndKeepsEveryMatch(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		p, _ := deskFixture(t, db, f, "zmanda-premium")
		// Each case opened writes its own small segment, left unmerged.
		var opened []int64
		for i := range 40 {
			c, err := db.OpenCase(ctx, f.otherUser, NewCase{Case: casedesk.Case{ProductID: p.ID, Subject: fmt.Sprintf("Kestrel %d", i), Desc: "The kestrel camera drops frames", Impact: "low", Urgency: "low"}})
			if err != nil {
				t.Fatal(err)
			}
			opened = append(opened, c.ID)
		}
		steps, err := db.MergeSearchIndex(ctx, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if db.Dialect() == "sqlite" && steps == 0 {
			t.Fatal("40 writes left nothing to merge")
		}
		if db.Dialect() == "postgres" && steps != 0 {
			t.Fatalf("PostgreSQL merged %d steps: it has nothing to merge", steps)
		}
		if again, err := db.MergeSearchIndex(ctx, 1000); err != nil || again != 0 {
			t.Fatalf("a second merge did %d steps (%v), want none", again, err)
		}
		found, err := db.SearchCases(ctx, f.otherUser, "kestrel", 100)
		if err != nil {
			t.Fatal(err)
		}
		got := caseIDs(found)
		slices.Sort(got)
		if !slices.Equal(got, opened) {
			t.Fatalf("after merging, search found %v, want %v", got, opened)
		}
	})
}

// A transaction runs a statement it has not run before even when every other
// connection of the pool is taken, as by requests waiting for its lock.
func TestTx_RunsANewStatementWithThePoolTaken(t *testing.T) {
	eachStore(t, func(t *testing.T, db *DB) {
		f := newFixture(t, db)
		err := db.inTx(ctx, func(tx *Tx) error {
			for range 3 { // SQLite's pool holds 4
				conn, err := db.sql.Conn(ctx)
				if err != nil {
					return err
				}
				defer conn.Close()
			}
			waitCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			var name string
			return tx.queryRow(waitCtx, `SELECT name /* a statement new to the cache */ FROM organisations WHERE id = ?`, f.other.ID).Scan(&name)
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestCommonWords_RememberedForAWhileForgottenWhenRare(t *testing.T) {
	var w commonWords
	if _, ok := w.lookup("heron"); ok {
		t.Fatal("a word never searched is common")
	}
	w.remember("heron", "'heron'", 3000, 50000)
	if c, ok := w.lookup("heron"); !ok || c.tsq != "'heron'" || c.window != 3000 {
		t.Fatalf("the common word is remembered as %+v (%v), want its tsquery and a window of 3000", c, ok)
	}
	if _, ok := w.lookup("egret"); ok {
		t.Fatal("another word is common")
	}
	w.remember("heron", "'heron'", 60000, 50000)
	if c, _ := w.lookup("heron"); c.window != 0 {
		t.Fatalf("a window wider than the index is remembered as %d, want 0: all entries", c.window)
	}
	w.forget("heron")
	if _, ok := w.lookup("heron"); ok {
		t.Fatal("a word found rare again is still common")
	}
	w.remember("heron", "'heron'", 3000, 50000)
	c := w.words["heron"]
	c.until = time.Now().Add(-time.Second)
	w.words["heron"] = c
	if _, ok := w.lookup("heron"); ok {
		t.Fatal("a word is common past its time")
	}
	for i := range maxCommonWords + 1 {
		w.remember(fmt.Sprint("word", i), "'word'", 3000, 50000)
	}
	if len(w.words) > maxCommonWords {
		t.Fatalf("%d words remembered, more than %d", len(w.words), maxCommonWords)
	}
}
