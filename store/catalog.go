package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/calendar"
	"github.com/casedesk/casedesk/plan"
	"github.com/casedesk/casedesk/sla"
)

// versionKey names one immutable version of a plan or calendar.
type versionKey struct {
	id      string
	version int
}

// versionCache keeps parsed plan and calendar versions: a version never
// changes once written, so it can be cached for the life of the process.
// Which version is the newest is kept for latestTTL only, because another
// instance may add one; an edit in this process forgets it at once.
type versionCache struct {
	plans     sync.Map // versionKey → *plan.Plan
	calendars sync.Map // versionKey → sla.Calendar
	latest    sync.Map // "plan:" or "calendar:" + id → latestVersion
}

// latestTTL bounds how long another instance's edit of a plan or calendar
// may go unseen here by new cases (running clocks keep their versions anyway).
const latestTTL = 2 * time.Second

type latestVersion struct {
	version int
	at      time.Time
}

// newest returns the newest version of table's id (plan_versions or
// calendar_versions), from the short-lived cache or the database; 0 if none.
func (db *DB) newest(ctx context.Context, q querier, kind, id string) (int, error) {
	key := kind + ":" + id
	if v, ok := db.versions.latest.Load(key); ok && time.Since(v.(latestVersion).at) < latestTTL {
		return v.(latestVersion).version, nil
	}
	query := `SELECT max(version) FROM plan_versions WHERE plan_id = ?`
	if kind == "calendar" {
		query = `SELECT max(version) FROM calendar_versions WHERE calendar_id = ?`
	}
	var latest sql.NullInt64
	if err := db.with(ctx, q, query).QueryRowContext(ctx, id).Scan(&latest); err != nil {
		return 0, fmt.Errorf("find %s %s: %w", kind, id, err)
	}
	if latest.Valid {
		db.versions.latest.Store(key, latestVersion{int(latest.Int64), time.Now()})
	}
	return int(latest.Int64), nil
}

// seedPlans stores the built-in catalog on first start, so that
// administrators edit it like any plan of their own.
func (db *DB) seedPlans(ctx context.Context) error {
	var n int
	if err := db.queryRow(ctx, `SELECT count(*) FROM plan_versions`).Scan(&n); err != nil || n > 0 {
		return err
	}
	return db.inTx(ctx, func(tx *Tx) error {
		for _, p := range plan.Builtin().Latest() {
			if err := tx.insertPlan(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
}

func (tx *Tx) insertPlan(ctx context.Context, p *plan.Plan) error {
	doc, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("store plan %s: %w", p.ID, err)
	}
	_, err = tx.exec(ctx, `INSERT INTO plan_versions (plan_id, version, doc, created_at) VALUES (?, ?, ?, ?)`,
		p.ID, p.Version, string(doc), tx.db.now())
	if isUniqueViolation(err) {
		return casedesk.Errorf(casedesk.ECONFLICT, "plan %s changed meanwhile: reload and edit again", p.ID).WithKey("error.plan.changed", map[string]any{"Plan": p.ID})
	}
	if err != nil {
		return fmt.Errorf("store plan %s: %w", p.ID, err)
	}
	return nil
}

// Plan returns version v of a plan, or with v == 0 its newest version.
func (db *DB) Plan(ctx context.Context, id string, v int) (*plan.Plan, error) {
	return db.planIn(ctx, db.sql, id, v)
}

// planIn is Plan read through q, so that code inside a transaction reads on
// the transaction's own connection and never waits for a second one.
func (db *DB) planIn(ctx context.Context, q querier, id string, v int) (*plan.Plan, error) {
	if v == 0 {
		latest, err := db.newest(ctx, q, "plan", id)
		if err != nil {
			return nil, err
		}
		if latest == 0 {
			return nil, casedesk.FieldErrorf("plan_id", "no plan %q in the catalog", id).WithKey("error.plan.unknown", map[string]any{"Plan": id})
		}
		v = latest
	}
	key := versionKey{id, v}
	if p, ok := db.versions.plans.Load(key); ok {
		return p.(*plan.Plan), nil
	}
	var doc string
	err := db.with(ctx, q, `SELECT doc FROM plan_versions WHERE plan_id = ? AND version = ?`).QueryRowContext(ctx, id, v).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, casedesk.FieldErrorf("plan_id", "no version %d of plan %q", v, id).WithKey("error.plan.no_version", map[string]any{"Version": v, "Plan": id})
	}
	if err != nil {
		return nil, fmt.Errorf("find plan %s v%d: %w", id, v, err)
	}
	var p plan.Plan
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return nil, fmt.Errorf("plan %s v%d is unreadable: %w", id, v, err)
	}
	db.versions.plans.Store(key, &p)
	return &p, nil
}

// Plans returns the newest version of every plan.
func (db *DB) Plans(ctx context.Context) ([]*plan.Plan, error) {
	rows, err := db.query(ctx, `SELECT plan_id, max(version) FROM plan_versions GROUP BY plan_id ORDER BY plan_id`)
	if err != nil {
		return nil, fmt.Errorf("list plans: %w", err)
	}
	var keys []versionKey
	for rows.Next() {
		var k versionKey
		if err := rows.Scan(&k.id, &k.version); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list plans: %w", err)
		}
		keys = append(keys, k)
	}
	rows.Close()
	out := make([]*plan.Plan, 0, len(keys))
	for _, k := range keys {
		p, err := db.Plan(ctx, k.id, k.version)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// EditPlan stores p as the next version of its plan; administrators only.
// Clocks already running keep the version they started with.
func (db *DB) EditPlan(ctx context.Context, actor *casedesk.Actor, p plan.Plan) (*plan.Plan, error) {
	if !actor.CanManageOrgs() {
		return nil, casedesk.Errorf(casedesk.EFORBIDDEN, "only administrators may edit plans").WithKey("error.plan.edit_forbidden", nil)
	}
	p.Version = 1
	if old, err := db.Plan(ctx, p.ID, 0); err == nil {
		p.Version = old.Version + 1
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	defer db.versions.latest.Delete("plan:" + p.ID)
	err := db.inTx(ctx, func(tx *Tx) error {
		if err := tx.insertPlan(ctx, &p); err != nil {
			return err
		}
		return tx.record(ctx, actor, nil, "plan", 0, "edit", map[string]any{"plan_id": p.ID, "version": p.Version})
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// Calendar returns version v of a calendar (0: the newest): a built-in, or one
// an administrator defined.
func (db *DB) Calendar(ctx context.Context, id string, v int) (sla.Calendar, error) {
	return db.calendarIn(ctx, db.sql, id, v)
}

// calendarIn is Calendar read through q; see planIn.
func (db *DB) calendarIn(ctx context.Context, q querier, id string, v int) (sla.Calendar, error) {
	if c, ok := sla.Builtin(id); ok {
		return c, nil
	}
	if v == 0 {
		latest, err := db.newest(ctx, q, "calendar", id)
		if err != nil {
			return sla.Calendar{}, err
		}
		if latest == 0 {
			return sla.Calendar{}, casedesk.FieldErrorf("calendar_id", "no calendar %q: use americas, emea, apac, 24x7, 24x5 or define it", id).WithKey("error.calendar.unknown", map[string]any{"Calendar": id})
		}
		v = latest
	}
	key := versionKey{id, v}
	if c, ok := db.versions.calendars.Load(key); ok {
		return c.(sla.Calendar), nil
	}
	var spec string
	err := db.with(ctx, q, `SELECT spec FROM calendar_versions WHERE calendar_id = ? AND version = ?`).QueryRowContext(ctx, id, v).Scan(&spec)
	if errors.Is(err, sql.ErrNoRows) {
		return sla.Calendar{}, casedesk.FieldErrorf("calendar_id", "no version %d of calendar %q", v, id).WithKey("error.calendar.no_version", map[string]any{"Version": v, "Calendar": id})
	}
	if err != nil {
		return sla.Calendar{}, fmt.Errorf("find calendar %s v%d: %w", id, v, err)
	}
	cal, err := calendar.Parse([]byte(spec))
	if err != nil {
		return sla.Calendar{}, fmt.Errorf("calendar %s v%d is unreadable: %w", id, v, err)
	}
	c := sla.Calendar{CalendarRef: sla.CalendarRef{ID: id, Version: v, Description: sla.Describe(cal.Spec())}, Cal: cal}
	db.versions.calendars.Store(key, c)
	return c, nil
}

// SaveCalendar stores spec as the next version of calendar id; administrators
// only. Built-in calendars cannot be replaced: define one of your own.
func (db *DB) SaveCalendar(ctx context.Context, actor *casedesk.Actor, id string, spec []byte) (sla.Calendar, error) {
	if !actor.CanManageOrgs() {
		return sla.Calendar{}, casedesk.Errorf(casedesk.EFORBIDDEN, "only administrators may edit calendars").WithKey("error.calendar.edit_forbidden", nil)
	}
	if _, builtin := sla.Builtin(id); builtin {
		return sla.Calendar{}, casedesk.FieldErrorf("id", "%q is a built-in calendar; give yours another name", id).WithKey("error.calendar.builtin", map[string]any{"Calendar": id})
	}
	if id == "" || len(id) > 64 {
		return sla.Calendar{}, casedesk.FieldErrorf("id", "must be 1 to 64 characters").WithKey("error.length.range", map[string]any{"Min": 1, "Max": 64})
	}
	cal, err := calendar.Parse(spec)
	if err != nil {
		return sla.Calendar{}, err
	}
	canonical, err := json.Marshal(cal.Spec())
	if err != nil {
		return sla.Calendar{}, err
	}
	var v int
	defer db.versions.latest.Delete("calendar:" + id)
	err = db.inTx(ctx, func(tx *Tx) error {
		var latest sql.NullInt64
		if err := tx.queryRow(ctx, `SELECT max(version) FROM calendar_versions WHERE calendar_id = ?`, id).Scan(&latest); err != nil {
			return err
		}
		v = int(latest.Int64) + 1
		if _, err := tx.exec(ctx, `INSERT INTO calendar_versions (calendar_id, version, spec, created_at) VALUES (?, ?, ?, ?)`,
			id, v, string(canonical), db.now()); err != nil {
			return fmt.Errorf("save calendar %s: %w", id, err)
		}
		return tx.record(ctx, actor, nil, "calendar", 0, "edit", map[string]any{"calendar_id": id, "version": v})
	})
	if err != nil {
		return sla.Calendar{}, err
	}
	return db.Calendar(ctx, id, v)
}

// CalendarIDs lists the calendars administrators defined, by id.
func (db *DB) CalendarIDs(ctx context.Context) ([]string, error) {
	rows, err := db.query(ctx, `SELECT DISTINCT calendar_id FROM calendar_versions ORDER BY calendar_id`)
	if err != nil {
		return nil, fmt.Errorf("list calendars: %w", err)
	}
	defer rows.Close()
	ids := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("list calendars: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
