package httpd

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/i18n"
)

//go:embed templates
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// pages maps a page name (its file name without .html) to its templates: the
// layout, the partials and the page. The "t" function and the formatters are
// bound per request to the caller's language and zone; here they are
// placeholders so that parsing succeeds.
var pages = func() map[string]*template.Template {
	files, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		panic(err)
	}
	out := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" {
			continue
		}
		t := template.New(name).Funcs(placeholderFuncs)
		out[name] = template.Must(t.ParseFS(templateFiles, "templates/layout.html", "templates/partials/*.html", f))
	}
	return out
}()

// pageData is what every page receives; Data is the page's own.
type pageData struct {
	Lang      string
	Languages []string
	CSRF      string
	User      *casedesk.User
	Staff     bool
	Admin     bool
	Error     string // a message key
	Email     string
	Data      any
}

// langSessionKey keeps the language a visitor picked with ?lang=.
const langSessionKey = "lang"

// localizer picks the caller's language: ?lang= (remembered in the session),
// then the user's setting, then Accept-Language.
func (s *Server) localizer(r *http.Request, u *casedesk.User) *i18n.Localizer {
	if l := r.URL.Query().Get("lang"); l != "" && casedesk.ValidateLocale("lang", l) == nil {
		s.sessions.Put(r.Context(), langSessionKey, l)
	}
	userLang := ""
	if u != nil {
		userLang = u.Locale
	}
	return i18n.For(s.sessions.GetString(r.Context(), langSessionKey), userLang, r.Header.Get("Accept-Language"))
}

// pickedLangKey carries, in a request's context, the language picked earlier
// in the session, read by authenticate while the session is at hand.
type pickedLangKey struct{}

// callerLocalizer picks the caller's language as localizer does (?lang=, the
// language picked earlier in the session, the user's setting, Accept-Language,
// English) but only reads: fail uses it, and fail also runs where the session
// is not loaded (after a panic, or when the session store fails) and must not
// change the session anyway.
func (s *Server) callerLocalizer(r *http.Request) *i18n.Localizer {
	picked := r.URL.Query().Get("lang")
	if casedesk.ValidateLocale("lang", picked) != nil {
		picked, _ = r.Context().Value(pickedLangKey{}).(string)
	}
	locale := ""
	if a := actorFrom(r); a != nil {
		locale = a.Locale
	}
	return i18n.For(picked, locale, r.Header.Get("Accept-Language"))
}

// errorMessage is the message of err a person may see, in the caller's
// language: the catalog's, when the error has a key; else the domain's English
// message; for internal errors, a generic one without details.
func (s *Server) errorMessage(r *http.Request, err error) string {
	return localizedMessage(s.callerLocalizer(r), err)
}

// localizedMessage says err's message in loc's language, as errorMessage.
func localizedMessage(loc *i18n.Localizer, err error) string {
	if key, args := casedesk.ErrorKey(err); key != "" {
		var data any
		if args != nil {
			data = args
		}
		if msg, ok := loc.Lookup(key, data); ok {
			return msg
		}
	}
	return casedesk.ErrorMessage(err)
}

// render writes page name in the caller's language. It renders into a buffer
// first so that a template error becomes a clean 500, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data pageData) {
	loc := s.localizer(r, data.User)
	data.Lang, data.Languages = loc.Lang(), casedesk.Locales
	data.CSRF = s.csrfToken(r.Context())
	if a := actorFrom(r); a != nil {
		data.Staff, data.Admin = a.IsStaff(), a.IsAdmin()
	}
	page, ok := pages[name]
	if !ok {
		s.fail(w, r, fmt.Errorf("no page %q", name))
		return
	}
	t, err := page.Clone()
	if err == nil {
		t.Funcs(formatFuncs(loc, userZone(data.User)))
		var buf bytes.Buffer
		if err = t.ExecuteTemplate(&buf, "layout", data); err == nil {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(status)
			buf.WriteTo(w)
			return
		}
	}
	s.fail(w, r, err)
}

func (s *Server) handleLoginPage(w http.ResponseWriter, r *http.Request) {
	if actorFrom(r) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", pageData{Data: r.URL.Query().Get("next")})
}

// loginErrorKeys maps login failures to the message shown on the form.
var loginErrorKeys = map[string]string{
	casedesk.ERATELIMIT:    "login.rate_limited",
	casedesk.EUNAUTHORIZED: "login.failed",
}

func (s *Server) handleLoginForm(w http.ResponseWriter, r *http.Request) {
	email := strings.TrimSpace(r.PostFormValue("email"))
	_, err := s.login(r.Context(), r, email, r.PostFormValue("password"))
	if err == nil {
		next := r.URL.Query().Get("next")
		if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
			next = "/" // only local paths: no open redirect
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	key, known := loginErrorKeys[casedesk.ErrorCode(err)]
	if !known {
		s.fail(w, r, err)
		return
	}
	if err != errBadLogin && casedesk.ErrorCode(err) == casedesk.EUNAUTHORIZED {
		key = "login.unverified"
	}
	status := http.StatusUnauthorized
	if casedesk.ErrorCode(err) == casedesk.ERATELIMIT {
		status = http.StatusTooManyRequests
	}
	s.render(w, r, status, "login", pageData{Error: key, Email: email, Data: r.URL.Query().Get("next")})
}

func (s *Server) handleLogoutForm(w http.ResponseWriter, r *http.Request) {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	a := actorFrom(r)
	switch {
	case a == nil:
		http.Redirect(w, r, "/login", http.StatusSeeOther)
	case a.IsStaff():
		http.Redirect(w, r, "/console", http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/portal", http.StatusSeeOther)
	}
}

// staticHandler serves the embedded stylesheet and scripts, cacheable for a day.
func staticHandler() http.Handler {
	files := http.FileServerFS(staticFiles)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		files.ServeHTTP(w, r)
	})
}

// requirePage wraps a page handler that needs a logged-in user: anonymous
// visitors go to the login page, and the handler gets the actor and the user.
func (s *Server) requirePage(h func(w http.ResponseWriter, r *http.Request, a *casedesk.Actor, u *casedesk.User)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := actorFrom(r)
		if a == nil || a.TokenID != 0 {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		u, err := s.DB.FindUser(r.Context(), a, a.UserID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		h(w, r, a, u)
	}
}
