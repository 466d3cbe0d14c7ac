package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/casedesk/casedesk"
)

// RemoteAccessGrant is a customer's time-limited permission for the vendor
// to reach its system for a case.
type RemoteAccessGrant struct {
	ID        int64      `json:"id"`
	CaseID    int64      `json:"case_id"`
	GrantedBy int64      `json:"granted_by"`
	Note      string     `json:"note,omitempty"`
	StartsAt  time.Time  `json:"starts_at"`
	EndsAt    time.Time  `json:"ends_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	RevokedBy *int64     `json:"revoked_by,omitempty"`
	Active    bool       `json:"active"`
}

// MaxRemoteAccess bounds a single grant.
const MaxRemoteAccess = 7 * 24 * time.Hour

// GrantRemoteAccess records the customer's permission for duration; only the
// customer's own users grant it.
func (db *DB) GrantRemoteAccess(ctx context.Context, actor *casedesk.Actor, caseID int64, d time.Duration, note string) (*RemoteAccessGrant, error) {
	c, err := db.FindCase(ctx, actor, caseID)
	if err != nil {
		return nil, err
	}
	if actor.OrgID != c.OrgID || !actor.HasScope(casedesk.ScopeCasesWrite) {
		return nil, casedesk.Errorf(casedesk.EFORBIDDEN, "only the customer grants remote access to its systems").WithKey("error.access.customer_only", nil)
	}
	if d <= 0 || d > MaxRemoteAccess {
		return nil, casedesk.FieldErrorf("hours", "grant between 1 hour and %d days", int(MaxRemoteAccess.Hours()/24)).WithKey("error.access.hours", map[string]any{"Days": int(MaxRemoteAccess.Hours() / 24)})
	}
	now := db.now()
	g := &RemoteAccessGrant{CaseID: caseID, GrantedBy: actor.UserID, Note: strings.TrimSpace(note), StartsAt: now, EndsAt: now.Add(d), Active: true}
	err = db.inTx(ctx, func(tx *Tx) error {
		if err := tx.queryRow(ctx, `INSERT INTO remote_access_grants (case_id, granted_by, note, starts_at, ends_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			caseID, actor.UserID, g.Note, g.StartsAt, g.EndsAt).Scan(&g.ID); err != nil {
			return fmt.Errorf("grant remote access: %w", err)
		}
		if _, err := tx.addEvent(ctx, actor, caseID, casedesk.EventRemoteAccess, true, g.Note, map[string]any{"grant": g.ID, "until": g.EndsAt}); err != nil {
			return err
		}
		return tx.record(ctx, actor, &c.OrgID, "case", caseID, "grant_remote_access", g)
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// RevokeRemoteAccess ends a grant at once; the customer or support may revoke.
func (db *DB) RevokeRemoteAccess(ctx context.Context, actor *casedesk.Actor, caseID, grantID int64) error {
	c, err := db.FindCase(ctx, actor, caseID)
	if err != nil {
		return err
	}
	if !actor.HasScope(casedesk.ScopeCasesWrite) {
		return casedesk.Errorf(casedesk.EFORBIDDEN, "this API token lacks the scope cases:write").WithKey("error.scope.missing", map[string]any{"Scope": casedesk.ScopeCasesWrite})
	}
	return db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE remote_access_grants SET revoked_at = ?, revoked_by = ? WHERE id = ? AND case_id = ? AND revoked_at IS NULL`,
			db.now(), actor.UserID, grantID, caseID)
		if err != nil {
			return fmt.Errorf("revoke remote access: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return casedesk.Errorf(casedesk.ENOTFOUND, "no active grant %d on case %d", grantID, caseID).WithKey("error.access.no_grant", map[string]any{"Grant": grantID, "Case": caseID})
		}
		if _, err := tx.addEvent(ctx, actor, caseID, casedesk.EventRemoteAccess, true, "", map[string]any{"revoked": grantID}); err != nil {
			return err
		}
		return tx.record(ctx, actor, &c.OrgID, "case", caseID, "revoke_remote_access", map[string]int64{"grant": grantID})
	})
}

// RemoteAccessGrants lists a case's grants, newest first.
func (db *DB) RemoteAccessGrants(ctx context.Context, actor *casedesk.Actor, caseID int64) ([]*RemoteAccessGrant, error) {
	if _, err := db.FindCase(ctx, actor, caseID); err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, `SELECT id, case_id, granted_by, note, starts_at, ends_at, revoked_at, revoked_by FROM remote_access_grants WHERE case_id = ? ORDER BY id DESC`, caseID)
	if err != nil {
		return nil, fmt.Errorf("remote access grants: %w", err)
	}
	defer rows.Close()
	now := db.now()
	out := []*RemoteAccessGrant{}
	for rows.Next() {
		var (
			g       RemoteAccessGrant
			revoked sql.NullTime
			by      sql.NullInt64
		)
		if err := rows.Scan(&g.ID, &g.CaseID, &g.GrantedBy, &g.Note, &g.StartsAt, &g.EndsAt, &revoked, &by); err != nil {
			return nil, fmt.Errorf("remote access grants: %w", err)
		}
		g.RevokedAt, g.RevokedBy = timePtr(revoked), nullInt(by)
		g.Active = g.RevokedAt == nil && now.Before(g.EndsAt)
		out = append(out, &g)
	}
	return out, rows.Err()
}

// MaxAttachmentBytes bounds one attachment.
const MaxAttachmentBytes = 20 << 20

// Attachment is a file on a case. Its content is served only as a download.
type Attachment struct {
	ID          int64     `json:"id"`
	CaseID      int64     `json:"case_id"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedBy  int64     `json:"uploaded_by"`
	CreatedAt   time.Time `json:"created_at"`
	Data        []byte    `json:"-"`
}

// cleanFilename keeps the base name, printable and short.
func cleanFilename(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, name)
	if name == "" || name == "." || name == "/" || !utf8.ValidString(name) {
		name = "attachment"
	}
	if len(name) > 200 {
		name = name[:200]
	}
	return name
}

// AddAttachment stores a file on a case, in the database (so that backups
// and every instance have it). Its type is sniffed from its content, never
// taken from the uploader.
func (db *DB) AddAttachment(ctx context.Context, actor *casedesk.Actor, caseID int64, filename string, data []byte) (*Attachment, error) {
	c, err := db.FindCase(ctx, actor, caseID)
	if err != nil {
		return nil, err
	}
	if !actor.HasScope(casedesk.ScopeCasesWrite) {
		return nil, casedesk.Errorf(casedesk.EFORBIDDEN, "this API token lacks the scope cases:write").WithKey("error.scope.missing", map[string]any{"Scope": casedesk.ScopeCasesWrite})
	}
	if len(data) == 0 {
		return nil, casedesk.FieldErrorf("file", "the file is empty").WithKey("error.file.empty", nil)
	}
	if len(data) > MaxAttachmentBytes {
		return nil, casedesk.FieldErrorf("file", "the file is larger than %d MiB", MaxAttachmentBytes>>20).WithKey("error.file.too_large", map[string]any{"MiB": MaxAttachmentBytes >> 20})
	}
	sum := sha256.Sum256(data)
	a := &Attachment{CaseID: caseID, Filename: cleanFilename(filename), ContentType: http.DetectContentType(data),
		Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), UploadedBy: actor.UserID, CreatedAt: db.now()}
	err = db.inTx(ctx, func(tx *Tx) error {
		if err := tx.queryRow(ctx, `INSERT INTO attachments (case_id, filename, content_type, size, sha256, data, uploaded_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			a.CaseID, a.Filename, a.ContentType, a.Size, a.SHA256, data, a.UploadedBy, a.CreatedAt).Scan(&a.ID); err != nil {
			return fmt.Errorf("add attachment: %w", err)
		}
		if _, err := tx.addEvent(ctx, actor, caseID, "attachment", true, a.Filename, map[string]any{"attachment": a.ID, "size": a.Size}); err != nil {
			return err
		}
		return tx.record(ctx, actor, &c.OrgID, "case", caseID, "attach", map[string]any{"attachment": a.ID, "filename": a.Filename, "sha256": a.SHA256})
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Attachment returns an attachment with its content, if the actor may see the case.
func (db *DB) Attachment(ctx context.Context, actor *casedesk.Actor, caseID, id int64) (*Attachment, error) {
	if _, err := db.FindCase(ctx, actor, caseID); err != nil {
		return nil, err
	}
	var a Attachment
	err := db.queryRow(ctx, `SELECT id, case_id, filename, content_type, size, sha256, data, uploaded_by, created_at FROM attachments WHERE id = ? AND case_id = ?`, id, caseID).
		Scan(&a.ID, &a.CaseID, &a.Filename, &a.ContentType, &a.Size, &a.SHA256, &a.Data, &a.UploadedBy, &a.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, casedesk.Errorf(casedesk.ENOTFOUND, "attachment %d not found on case %d", id, caseID).WithKey("error.attachment.not_found", map[string]any{"ID": id, "Case": caseID})
	}
	if err != nil {
		return nil, fmt.Errorf("attachment %d: %w", id, err)
	}
	return &a, nil
}
