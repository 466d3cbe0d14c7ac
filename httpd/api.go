package httpd

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/casedesk/casedesk"
)

// registerRequest is the body of POST /api/v1/register.
type registerRequest struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Password string `json:"password"`
	Locale   string `json:"locale"`
	TimeZone string `json:"time_zone"`
}

func (s *Server) handleRegister(w http.ResponseWriter, r *http.Request) {
	var req registerRequest
	if err := decode(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	// Registration costs a password hash: limit it like a failed login.
	key := "register:" + clientIP(r)
	if ok, wait := s.LoginLimiter.Allow(key, s.now()); !ok {
		s.fail(w, r, casedesk.Errorf(casedesk.ERATELIMIT, "too many registrations from your address: try again in %d seconds", int(wait.Seconds())+1))
		return
	}
	s.LoginLimiter.Failure(key, s.now())
	hash, err := s.hashNewPassword(req.Password)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := &casedesk.User{Email: req.Email, Name: req.Name, Locale: req.Locale, TimeZone: req.TimeZone, PasswordHash: hash}
	if _, err := s.DB.Register(r.Context(), u); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"user":    u,
		"message": "Check your e-mail: follow the link we sent to verify your address, then log in.",
	})
}

func (s *Server) handleVerify(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Token string `json:"token"`
	}
	if err := decode(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.DB.VerifyEmail(r.Context(), req.Token)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": u})
}

func (s *Server) handleAPILogin(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := decode(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.login(r.Context(), r, req.Email, req.Password)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": u, "csrf_token": s.csrfToken(r.Context())})
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) {
	u, err := s.DB.FindUser(r.Context(), a, a.UserID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	body := map[string]any{"user": u}
	if a.TokenID == 0 {
		body["csrf_token"] = s.csrfToken(r.Context())
	} else {
		body["token_scopes"] = a.Scopes
	}
	writeJSON(w, http.StatusOK, body)
}

// createOrganisation adds an organisation.
func (s *Server) createOrganisation(ctx context.Context, a *casedesk.Actor, o casedesk.Organisation) (*casedesk.Organisation, error) {
	o.ID = 0
	return &o, s.DB.CreateOrganisation(ctx, a, &o)
}

func (s *Server) handleListUsers(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) {
	var orgID int64
	if v := r.URL.Query().Get("org_id"); v != "" {
		var err error
		if orgID, err = strconv.ParseInt(v, 10, 64); err != nil || orgID <= 0 {
			s.fail(w, r, casedesk.FieldErrorf("org_id", "must be a positive number"))
			return
		}
	}
	users, err := s.DB.ListUsers(r.Context(), a, orgID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": users})
}

// createUserRequest is the body of POST /api/v1/users.
type createUserRequest struct {
	OrgID    *int64        `json:"org_id"`
	Email    string        `json:"email"`
	Name     string        `json:"name"`
	Role     casedesk.Role `json:"role"`
	Locale   string        `json:"locale"`
	TimeZone string        `json:"time_zone"`
	Password string        `json:"password"`
}

func (s *Server) handleCreateUser(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) {
	var req createUserRequest
	if err := decode(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	u := &casedesk.User{OrgID: req.OrgID, Email: req.Email, Name: req.Name, Role: req.Role, Locale: req.Locale, TimeZone: req.TimeZone}
	if req.Password != "" {
		hash, err := s.hashNewPassword(req.Password)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		u.PasswordHash = hash
	}
	if err := s.DB.CreateUser(r.Context(), a, u); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, u)
}

// tokenRequest is the body of POST /api/v1/tokens.
type tokenRequest struct {
	Name      string           `json:"name"`
	Scopes    []casedesk.Scope `json:"scopes"`
	ExpiresAt *time.Time       `json:"expires_at"`
}

// createToken answers with the token and its secret, which no later request
// shows.
func (s *Server) createToken(ctx context.Context, a *casedesk.Actor, req tokenRequest) (map[string]any, error) {
	t := &casedesk.APIToken{Name: req.Name, Scopes: req.Scopes, ExpiresAt: req.ExpiresAt}
	plain, err := s.DB.CreateAPIToken(ctx, a, t)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"token":   t,
		"secret":  plain,
		"message": "Copy the secret now: casedesk keeps only its hash and cannot show it again.",
	}, nil
}

func (s *Server) handleListAudit(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) {
	q := r.URL.Query()
	f := casedesk.AuditFilter{Entity: q.Get("entity")}
	for name, dst := range map[string]*int64{"entity_id": &f.EntityID, "before": &f.Before} {
		if v := q.Get(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				s.fail(w, r, casedesk.FieldErrorf(name, "must be a positive number"))
				return
			}
			*dst = n
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 || n > 500 {
			s.fail(w, r, casedesk.FieldErrorf("limit", "must be a number from 1 to 500"))
			return
		}
		f.Limit = n
	}
	entries, err := s.DB.ListAudit(r.Context(), a, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": entries})
}
