package httpd

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/casedesk/casedesk"
)

// adminRoutes registers the admin's pages. Every page is for administrators
// only; the store checks each change again.
func (s *Server) adminRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin", s.adminPage(s.handleAdminIndex))

	mux.HandleFunc("GET /admin/plans", s.adminPage(s.handleAdminPlans))
	mux.HandleFunc("GET /admin/plans/{id}", s.adminPage(s.handleAdminPlan))
	mux.HandleFunc("POST /admin/plans/{id}", s.adminPage(s.handleAdminEditPlan))

	mux.HandleFunc("GET /admin/calendars", s.adminPage(s.handleAdminCalendars))
	mux.HandleFunc("POST /admin/calendars", s.adminPage(s.handleAdminNewCalendar))
	mux.HandleFunc("GET /admin/calendars/{id}", s.adminPage(s.handleAdminCalendar))
	mux.HandleFunc("POST /admin/calendars/{id}", s.adminPage(s.handleAdminSaveCalendar))

	mux.HandleFunc("GET /admin/products", s.adminPage(s.handleAdminProducts))
	mux.HandleFunc("POST /admin/products", s.adminPage(s.handleAdminCreateProduct))
	mux.HandleFunc("POST /admin/products/{id}/versions", s.adminPage(s.handleAdminAddVersion))

	mux.HandleFunc("GET /admin/organisations", s.adminPage(s.handleAdminOrganisations))
	mux.HandleFunc("POST /admin/organisations", s.adminPage(s.handleAdminCreateOrganisation))
	mux.HandleFunc("GET /admin/organisations/{id}", s.adminPage(s.handleAdminOrganisation))
	mux.HandleFunc("POST /admin/organisations/{id}", s.adminPage(s.handleAdminUpdateOrganisation))
	mux.HandleFunc("POST /admin/organisations/{id}/users", s.adminPage(s.handleAdminCreateUser))
	mux.HandleFunc("POST /admin/organisations/{id}/contracts", s.adminPage(s.handleAdminCreateContract))
	mux.HandleFunc("POST /admin/users/{id}/disabled", s.adminPage(s.handleAdminSetUserDisabled))
	mux.HandleFunc("POST /admin/contracts/{id}", s.adminPage(s.handleAdminUpdateContract))
	mux.HandleFunc("POST /admin/contracts/{id}/contacts", s.adminPage(s.handleAdminAddContact))
	mux.HandleFunc("POST /admin/contracts/{id}/contacts/{user}/remove", s.adminPage(s.handleAdminRemoveContact))

	mux.HandleFunc("GET /admin/tokens", s.adminPage(s.handleAdminTokens))
	mux.HandleFunc("POST /admin/tokens", s.adminPage(s.handleAdminCreateToken))
	mux.HandleFunc("POST /admin/tokens/{id}/revoke", s.adminPage(s.handleAdminRevokeToken))

	mux.HandleFunc("GET /admin/webhooks", s.adminPage(s.handleAdminWebhooks))
	mux.HandleFunc("POST /admin/webhooks", s.adminPage(s.handleAdminCreateWebhook))
	mux.HandleFunc("GET /admin/webhooks/{id}", s.adminPage(s.handleAdminWebhook))
	mux.HandleFunc("POST /admin/webhooks/{id}/delete", s.adminPage(s.handleAdminDeleteWebhook))

	mux.HandleFunc("GET /admin/audit", s.adminPage(s.handleAdminAudit))
	mux.HandleFunc("GET /admin/", s.adminPage(func(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
		s.adminFail(w, r, u, casedesk.Errorf(casedesk.ENOTFOUND, "no admin page %s", r.URL.Path))
	}))
}

// adminHandler is a page handler for a logged-in administrator.
type adminHandler func(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User)

// adminPage wraps h so that only administrators reach it: anonymous visitors
// go to the login page, everyone else gets a 403 page.
func (s *Server) adminPage(h adminHandler) http.HandlerFunc {
	return s.requirePage(func(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
		if !a.IsAdmin() {
			s.render(w, r, http.StatusForbidden, "admin_error", pageData{User: u, Error: "admin.error.forbidden_page"})
			return
		}
		h(w, r, a, u)
	})
}

// adminSection is one entry of the administration's sub-navigation.
type adminSection struct {
	Href, Key string
	Current   bool
}

var adminSections = []adminSection{
	{"/admin/plans", "admin.plans.title", false},
	{"/admin/calendars", "admin.calendars.title", false},
	{"/admin/products", "admin.products.title", false},
	{"/admin/organisations", "admin.orgs.title", false},
	{"/admin/tokens", "admin.tokens.title", false},
	{"/admin/webhooks", "admin.webhooks.title", false},
	{"/admin/audit", "admin.audit.title", false},
}

// adminMsg is a message for the page: a catalog key with its arguments, and
// the domain's own explanation when there is one.
type adminMsg struct {
	Key    string
	Args   map[string]any
	Detail string
	Field  string // the input at fault, "" for the form as a whole
	Form   string // which form of the page it belongs to
}

// adminBase is what every admin page's Data holds.
type adminBase struct {
	Nav   []adminSection
	Flash *adminMsg
	Err   *adminMsg
	// Typed holds the values of the form that failed, to show them again.
	Typed map[string]string
}

// again keeps the failed form's message and its values as typed.
func (b *adminBase) again(r *http.Request, m *adminMsg) {
	b.Err, b.Typed = m, map[string]string{}
	for k, v := range r.PostForm {
		if k != "csrf_token" && len(v) > 0 {
			b.Typed[k] = v[0]
		}
	}
}

// ErrFor returns the message of form, if it is the one that failed.
func (b adminBase) ErrFor(form string) *adminMsg {
	if b.Err != nil && b.Err.Form == form {
		return b.Err
	}
	return nil
}

// Value returns what was typed into the input name of form, if it failed.
func (b adminBase) Value(form, name string) string {
	if b.Err != nil && b.Err.Form == form {
		return b.Typed[name]
	}
	return ""
}

// adminFlashKey keeps the message of a change for the page shown after it.
const adminFlashKey = "admin.flash"

// base returns the common data of an admin page at path, taking the flash
// message left by the last change.
func (s *Server) adminBase(r *http.Request, current string) adminBase {
	nav := make([]adminSection, len(adminSections))
	copy(nav, adminSections)
	for i := range nav {
		nav[i].Current = nav[i].Href == current
	}
	b := adminBase{Nav: nav}
	if raw := s.sessions.PopString(r.Context(), adminFlashKey); raw != "" {
		var m adminMsg
		if json.Unmarshal([]byte(raw), &m) == nil {
			b.Flash = &m
		}
	}
	return b
}

// adminDone records a flash message and sends the browser to the page at to
// (post/redirect/get, so that reloading does not repeat the change).
func (s *Server) adminDone(w http.ResponseWriter, r *http.Request, to, key string, args map[string]any) {
	if raw, err := json.Marshal(adminMsg{Key: key, Args: args}); err == nil {
		s.sessions.Put(r.Context(), adminFlashKey, string(raw))
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// adminFormError turns a domain error into the message shown by the form, or
// nil when the error is not the user's to fix. The catalog key says what
// happened; the detail is the domain's own explanation, in the caller's
// language.
func (s *Server) adminFormError(r *http.Request, form string, err error) *adminMsg {
	var e *casedesk.Error
	if !errors.As(err, &e) {
		return nil
	}
	m := &adminMsg{Form: form, Field: e.Field, Detail: s.errorMessage(r, err)}
	switch e.Code {
	case casedesk.EINVALID:
		m.Key = "admin.error.invalid"
	case casedesk.ECONFLICT:
		m.Key = "admin.error.conflict"
	case casedesk.ELIMIT:
		m.Key = "admin.error.limit"
	case casedesk.EFORBIDDEN:
		m.Key, m.Detail = "admin.error.forbidden", ""
	case casedesk.ENOTFOUND:
		m.Key = "admin.error.not_found"
	default:
		return nil
	}
	return m
}

// adminStatus is the status of a page shown again with err's message.
func adminStatus(err error) int {
	if st, ok := statusOf[casedesk.ErrorCode(err)]; ok {
		return st
	}
	return http.StatusInternalServerError
}

// adminFail shows the error page for err: not found, forbidden, or our
// fault, which is logged and shown without its details.
func (s *Server) adminFail(w http.ResponseWriter, r *http.Request, u *casedesk.User, err error) {
	key := "admin.error.internal"
	switch casedesk.ErrorCode(err) {
	case casedesk.ENOTFOUND:
		key = "admin.error.not_found_page"
	case casedesk.EFORBIDDEN:
		key = "admin.error.forbidden_page"
	case casedesk.EINVALID:
		key = "admin.error.bad_request"
	default:
		s.Logger.ErrorContext(r.Context(), "admin page failed", "request_id", requestID(r.Context()), "err", err)
	}
	s.render(w, r, adminStatus(err), "admin_error", pageData{User: u, Error: key})
}

// adminID reads a numeric path value.
func adminID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, casedesk.Errorf(casedesk.ENOTFOUND, "no such %s", name)
	}
	return id, nil
}

// adminList splits a comma- or line-separated form value into its entries.
func adminList(s string) []string {
	out := []string{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func (s *Server) handleAdminIndex(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User) {
	s.render(w, r, http.StatusOK, "admin_index", pageData{User: u, Data: s.adminBase(r, "/admin")})
}
