package httpd

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// doLang sends a JSON request like c.do, with an Accept-Language header.
func (c *client) doLang(lang, method, path string, body any, out any) int {
	c.e.t.Helper()
	req := c.request(method, path, body)
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	resp, err := c.c.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		c.e.t.Fatalf("%s %s: decode: %v", method, path, err)
	}
	return resp.StatusCode
}

func TestErrors_AnonymousCallerGetsAcceptLanguage(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	bad := map[string]string{"email": "nope", "name": "Ada", "password": "correct horse battery"}
	tests := []struct {
		lang, want string
	}{
		{"", `"nope" is not an e-mail address`},
		{"de-DE,de;q=0.9", `"nope" is not an e-mail address`},
		{"it-IT,it;q=0.9,en;q=0.5", `"nope" non è un indirizzo e-mail`},
		{"fr-CH, fr;q=0.9", `« nope » n'est pas une adresse e-mail`},
	}
	for _, tt := range tests {
		var out apiError
		code := c.doLang(tt.lang, "POST", "/api/v1/register", bad, &out)
		if code != http.StatusBadRequest || out.Error.Code != "invalid" || out.Error.Field != "email" || out.Error.Message != tt.want {
			t.Errorf("Accept-Language %q: %d %+v, want message %q", tt.lang, code, out.Error, tt.want)
		}
	}
}

func TestErrors_DecodeAndRoutingErrorsAreTranslated(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	tests := []struct {
		name, method, path string
		body               any
		code, field        string
		it, fr             string
	}{
		{"unknown field", "POST", "/api/v1/register", map[string]string{"nickname": "x"}, "invalid", "nickname", "campo sconosciuto", "champ inconnu"},
		{"wrong type", "POST", "/api/v1/register", map[string]int{"email": 7}, "invalid", "email", "deve essere di tipo string", "doit être de type string"},
		{"unknown endpoint", "GET", "/api/v1/nowhere", nil, "not_found", "", "endpoint inesistente: GET /api/v1/nowhere", "point d'accès inexistant : GET /api/v1/nowhere"},
		{"no login", "GET", "/api/v1/me", nil, "unauthorized", "", "accedi o invia un token API", "connectez-vous ou envoyez un jeton d'API"},
	}
	for _, tt := range tests {
		for lang, want := range map[string]string{"it": tt.it, "fr": tt.fr} {
			var out apiError
			c.doLang(lang, tt.method, tt.path, tt.body, &out)
			if out.Error.Code != tt.code || out.Error.Field != tt.field || out.Error.Message != want {
				t.Errorf("%s in %s: %+v, want %s %q %q", tt.name, lang, out.Error, tt.code, tt.field, want)
			}
		}
	}
}

func TestErrors_LoggedInUserGetsTheirLocale(t *testing.T) {
	e := newEnv(t)
	api := e.tokenFor("contact@globex.example")
	me := fmt.Sprintf("/api/v1/users/%d", e.userID("contact@globex.example"))
	badZone := map[string]string{"time_zone": "Mars/Base"}
	// The user's setting wins over the browser's.
	for _, tt := range []struct{ locale, acceptLanguage, want string }{
		{"en", "it", `unknown time zone "Mars/Base"`},
		{"it", "fr", `fuso orario sconosciuto "Mars/Base"`},
		{"fr", "en", `fuseau horaire inconnu « Mars/Base »`},
	} {
		if code := api.do("PATCH", me, map[string]string{"locale": tt.locale}, nil); code != http.StatusOK {
			t.Fatalf("set locale %s: %d", tt.locale, code)
		}
		var out apiError
		code := api.doLang(tt.acceptLanguage, "PATCH", me, badZone, &out)
		if code != http.StatusBadRequest || out.Error.Code != "invalid" || out.Error.Field != "time_zone" || out.Error.Message != tt.want {
			t.Errorf("locale %s: %d %+v, want %q", tt.locale, code, out.Error, tt.want)
		}
	}
	// A store error with arguments, in the user's language.
	var out apiError
	api.doLang("", "GET", "/api/v1/cases/999999", nil, &out)
	if out.Error.Code != "not_found" || out.Error.Message != "demande 999999 introuvable" {
		t.Errorf("missing case in French: %+v", out.Error)
	}
}

func TestFail_TranslatesTheInternalErrorWithoutASession(t *testing.T) {
	e := newEnv(t)
	// No session in the request's context, as after a panic: fail must
	// neither need nor write one.
	req := httptest.NewRequest("GET", "/api/v1/anything", nil)
	req.Header.Set("Accept-Language", "it")
	rec := httptest.NewRecorder()
	e.srv.fail(rec, req, errors.New("disk full at /var/lib/casedesk"))
	var out apiError
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if rec.Code != http.StatusInternalServerError || out.Error.Code != "internal" || out.Error.Message != "Si è verificato un errore interno." {
		t.Errorf("internal error in Italian: %d %+v", rec.Code, out.Error)
	}
}

func TestRegisterPage_ShowsTheDomainMessageInThePickedLanguage(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	code, body := c.get("/register?lang=it")
	if code != 200 {
		t.Fatalf("register page: %d", code)
	}
	c.csrf = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(body)[1]
	form := url.Values{"name": {"Ada"}, "email": {"ada@globex.example"}, "password": {"short"}, "locale": {"it"}, "time_zone": {"Europe/Rome"}}
	code, _, body = c.post("/register", form)
	if code != http.StatusBadRequest || !strings.Contains(body, "deve avere almeno 10 caratteri") {
		t.Errorf("short password in Italian: %d\n%s", code, body)
	}
}
