package httpd

import (
	"context"
	"net/http"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/auth"
)

// passwordSlots bounds concurrent password checks: each argon2id check takes
// 64 MiB, so a login flood must queue rather than exhaust memory.
var passwordSlots = make(chan struct{}, 4)

// errBadLogin is the one answer for an unknown address and a wrong password,
// so that the answer does not reveal which addresses have accounts.
var errBadLogin = casedesk.Errorf(casedesk.EUNAUTHORIZED, "wrong e-mail address or password").WithKey("error.login.failed", nil)

// login checks credentials, with rate limiting per client address and per
// e-mail address, and on success starts a fresh session for the user.
func (s *Server) login(ctx context.Context, r *http.Request, email, password string) (*casedesk.User, error) {
	now := s.now()
	ipKey, emailKey := "ip:"+clientIP(r), "email:"+email
	for _, key := range []string{ipKey, emailKey} {
		if ok, wait := s.LoginLimiter.Allow(key, now); !ok {
			return nil, casedesk.Errorf(casedesk.ERATELIMIT, "too many failed logins: try again in %d seconds", int(wait.Seconds())+1).WithKey("error.login.rate_limited", map[string]any{"Seconds": int(wait.Seconds()) + 1})
		}
	}
	select {
	case passwordSlots <- struct{}{}:
		defer func() { <-passwordSlots }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	u, err := s.DB.UserByEmail(ctx, email)
	ok := false
	switch {
	case casedesk.ErrorCode(err) == casedesk.ENOTFOUND || (err == nil && u.PasswordHash == ""):
		s.Passwords.DummyVerify(password) // same time as a real check
	case err != nil:
		return nil, err
	default:
		var rehash bool
		ok, rehash, err = s.Passwords.Verify(password, u.PasswordHash)
		if err != nil {
			s.Logger.ErrorContext(ctx, "stored password hash unreadable", "user_id", u.ID, "err", err)
			ok = false
		}
		if ok && rehash {
			if h, err := s.Passwords.Hash(password); err == nil {
				s.DB.SetPassword(ctx, &casedesk.Actor{UserID: u.ID, Email: u.Email}, u.ID, h)
			}
		}
	}
	if !ok {
		s.LoginLimiter.Failure(ipKey, now)
		s.LoginLimiter.Failure(emailKey, now)
		s.Logger.InfoContext(ctx, "login failed", "request_id", requestID(ctx), "remote", clientIP(r))
		return nil, errBadLogin
	}
	// The per-address count is not reset: owning one account must not let a
	// client wipe its failures between guesses at others.
	s.LoginLimiter.Success(emailKey, now)
	if _, err := s.DB.ActorForUser(ctx, u.ID); err != nil {
		return nil, err
	}
	// A new session token on login defeats session fixation.
	if err := s.sessions.RenewToken(ctx); err != nil {
		return nil, err
	}
	s.sessions.Put(ctx, sessionUserID, u.ID)
	s.sessions.Remove(ctx, sessionCSRF)
	s.Logger.InfoContext(ctx, "login", "request_id", requestID(ctx), "user_id", u.ID)
	return u, nil
}

// hashNewPassword applies the password policy and hashes pw.
func (s *Server) hashNewPassword(pw string) (string, error) {
	if err := auth.ValidatePassword(pw); err != nil {
		return "", err
	}
	return s.Passwords.Hash(pw)
}
