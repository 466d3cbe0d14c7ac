package httpd

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
)

// adminTokensPage lists the administrator's own API tokens. Secret is set
// only on the answer to the creation, the one time it can be shown.
type adminTokensPage struct {
	adminBase
	Tokens []*casedesk.APIToken
	Scopes []casedesk.Scope
	Secret string
	Name   string
	Now    time.Time
}

func (s *Server) adminTokensData(r *http.Request, a *casedesk.Actor) (*adminTokensPage, error) {
	all, err := s.DB.ListAPITokens(r.Context(), a)
	if err != nil {
		return nil, err
	}
	page := &adminTokensPage{adminBase: s.adminBase(r, "/admin/tokens"), Scopes: casedesk.Scopes, Now: time.Now()}
	for _, t := range all {
		if t.UserID == a.UserID {
			page.Tokens = append(page.Tokens, t)
		}
	}
	return page, nil
}

func (s *Server) handleAdminTokens(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	page, err := s.adminTokensData(r, a)
	if err != nil {
		s.adminFail(w, r, u, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_tokens", pageData{User: u, Data: page})
}

func (s *Server) handleAdminCreateToken(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	if err := r.ParseForm(); err != nil {
		s.adminFail(w, r, u, casedesk.Errorf(casedesk.EINVALID, "cannot read the form"))
		return
	}
	t := &casedesk.APIToken{Name: r.PostFormValue("name")}
	for _, sc := range r.PostForm["scopes"] {
		t.Scopes = append(t.Scopes, casedesk.Scope(sc))
	}
	var err error
	if exp := strings.TrimSpace(r.PostFormValue("expires_on")); exp != "" {
		var day time.Time
		if day, err = casedesk.ParseDate("expires_at", exp); err == nil {
			// The token works through the whole of its last day, in the
			// administrator's zone.
			end := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, userZone(u)).AddDate(0, 0, 1)
			t.ExpiresAt = &end
		}
	}
	var secret string
	if err == nil {
		secret, err = s.DB.CreateAPIToken(r.Context(), a, t)
	}
	page, perr := s.adminTokensData(r, a)
	if perr != nil {
		s.adminFail(w, r, u, perr)
		return
	}
	if err != nil {
		m := s.adminFormError(r, "token", err)
		if m == nil {
			s.adminFail(w, r, u, err)
			return
		}
		page.again(r, m)
		s.render(w, r, adminStatus(err), "admin_tokens", pageData{User: u, Data: page})
		return
	}
	page.Secret, page.Name = secret, t.Name
	s.render(w, r, http.StatusCreated, "admin_tokens", pageData{User: u, Data: page})
}

func (s *Server) handleAdminRevokeToken(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	id, err := adminID(r, "id")
	if err == nil {
		err = s.DB.RevokeAPIToken(r.Context(), a, id)
	}
	if err != nil {
		s.adminFail(w, r, u, err)
		return
	}
	s.adminDone(w, r, "/admin/tokens", "admin.tokens.revoked", nil)
}

// adminAuditPageSize is how many audit entries a page shows.
const adminAuditPageSize = 50

// adminAuditPage is one page of the audit log, newest first.
type adminAuditPage struct {
	adminBase
	Entries []*casedesk.AuditEntry
	Before  int64 // this page's start, 0 for the newest
	Older   int64 // the next page's start, 0 when this is the last
}

func (s *Server) handleAdminAudit(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	page := &adminAuditPage{adminBase: s.adminBase(r, "/admin/audit")}
	if v := r.URL.Query().Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			s.adminFail(w, r, u, casedesk.FieldErrorf("before", "must be a positive number").WithKey("error.number.positive", nil))
			return
		}
		page.Before = n
	}
	// One more than a page tells whether older entries remain.
	entries, err := s.DB.ListAudit(r.Context(), a, casedesk.AuditFilter{Before: page.Before, Limit: adminAuditPageSize + 1})
	if err != nil {
		s.adminFail(w, r, u, err)
		return
	}
	if len(entries) > adminAuditPageSize {
		entries = entries[:adminAuditPageSize]
		page.Older = entries[len(entries)-1].ID
	}
	page.Entries = entries
	s.render(w, r, http.StatusOK, "admin_audit", pageData{User: u, Data: page})
}
