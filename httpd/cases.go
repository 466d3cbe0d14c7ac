package httpd

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/plan"
	"github.com/casedesk/casedesk/sla"
	"github.com/casedesk/casedesk/store"
)

// etag is a case's entity tag: its ID and revision.
func etag(c *casedesk.Case) string { return fmt.Sprintf(`"%d.%d"`, c.ID, c.Rev) }

// ifMatch reads the revision an If-Match header names; 0 when absent.
func ifMatch(r *http.Request, id int64) (int, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" || h == "*" {
		return 0, nil
	}
	var gotID int64
	var rev int
	if _, err := fmt.Sscanf(strings.Trim(strings.TrimPrefix(h, "W/"), `"`), "%d.%d", &gotID, &rev); err != nil || gotID != id || rev <= 0 {
		return 0, casedesk.FieldErrorf("If-Match", "send the ETag of case %d as you last read it", id)
	}
	return rev, nil
}

// caseChange reads what every change to a case sends: the case's ID, the
// JSON body into req, and the revision its If-Match header names.
func caseChange(w http.ResponseWriter, r *http.Request, req any) (id int64, rev int, err error) {
	if id, err = pathID(r, "id"); err == nil {
		err = decode(w, r, req)
	}
	if err == nil {
		rev, err = ifMatch(r, id)
	}
	return id, rev, err
}

// writeCase answers with a case and its ETag.
func writeCase(w http.ResponseWriter, status int, c *casedesk.Case) {
	w.Header().Set("ETag", etag(c))
	writeJSON(w, status, c)
}

// idempotent runs a create handler at most once per Idempotency-Key: a
// retried request gets the first answer again instead of a second case.
func (s *Server) idempotent(h func(w http.ResponseWriter, r *http.Request, a *casedesk.Actor)) func(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) {
		key := r.Header.Get("Idempotency-Key")
		if key == "" {
			h(w, r, a)
			return
		}
		stored, err := s.DB.ClaimIdempotencyKey(r.Context(), a, key, r.Method, r.URL.Path)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if stored != nil {
			w.Header().Set("Idempotent-Replayed", "true")
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(stored.Status)
			io.WriteString(w, stored.Body)
			return
		}
		rec := &bodyRecorder{ResponseWriter: w}
		h(rec, r, a)
		if err := s.DB.CompleteIdempotencyKey(r.Context(), a, key, rec.status, rec.body.String()); err != nil {
			s.Logger.ErrorContext(r.Context(), "idempotency key", "err", err)
		}
	}
}

// bodyRecorder keeps a copy of what a handler writes.
type bodyRecorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (b *bodyRecorder) WriteHeader(status int) {
	b.status = status
	b.ResponseWriter.WriteHeader(status)
}

func (b *bodyRecorder) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	b.body.Write(p)
	return b.ResponseWriter.Write(p)
}

// newCaseRequest is the body of POST /api/v1/cases.
type newCaseRequest struct {
	ProductID      int64                `json:"product_id"`
	VersionID      *int64               `json:"version_id"`
	ContactID      int64                `json:"contact_id"`
	Subject        string               `json:"subject"`
	Description    string               `json:"description"`
	Details        casedesk.CaseDetails `json:"details"`
	Impact         string               `json:"impact"`
	Urgency        string               `json:"urgency"`
	Priority       string               `json:"priority"`
	OverrideReason string               `json:"override_reason"`
	Language       string               `json:"language"`
}

func (s *Server) handleCreateCase(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) {
	var req newCaseRequest
	if err := decode(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.DB.OpenCase(r.Context(), a, store.NewCase{
		Case: casedesk.Case{
			ProductID: req.ProductID, VersionID: req.VersionID, ContactID: req.ContactID, Subject: req.Subject,
			Desc: req.Description, Details: req.Details, Impact: req.Impact, Urgency: req.Urgency, Language: req.Language,
		},
		Priority: req.Priority, OverrideReason: req.OverrideReason,
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/cases/%d", c.ID))
	writeCase(w, http.StatusCreated, c)
}

func (s *Server) handleGetCase(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.DB.FindCase(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.Header.Get("If-None-Match") == etag(c) {
		w.Header().Set("ETag", etag(c))
		w.WriteHeader(http.StatusNotModified)
		return
	}
	writeCase(w, http.StatusOK, c)
}

// caseSLA is a case's commitment and the state of its clocks, for the API.
func (s *Server) caseSLA(ctx context.Context, a *casedesk.Actor, id int64) (map[string]any, error) {
	c, report, err := s.DB.CaseSLA(ctx, a, id)
	if err != nil {
		return nil, err
	}
	return map[string]any{"case_id": c.ID, "commitment": c.Commitment, "reasons": c.Reasons, "flags": c.Flags, "sla": report}, nil
}

func (s *Server) handleReply(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) {
	var req struct {
		Body     string `json:"body"`
		Internal bool   `json:"internal"`
	}
	id, rev, err := caseChange(w, r, &req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, ev, err := s.DB.Reply(r.Context(), a, id, req.Body, req.Internal, rev)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("ETag", etag(c))
	writeJSON(w, http.StatusCreated, map[string]any{"event": ev, "case": c})
}

// caseUpdateRequest is the body of PATCH /api/v1/cases/{id}: each field set
// is one change, applied in this order.
type caseUpdateRequest struct {
	Status     *casedesk.CaseStatus `json:"status"`
	Priority   *string              `json:"priority"`
	Reason     string               `json:"reason"`
	AssigneeID *int64               `json:"assignee_id"`
	Unassign   bool                 `json:"unassign"`
	Queue      *string              `json:"queue"`
}

func (s *Server) handleUpdateCase(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) {
	var req caseUpdateRequest
	id, rev, err := caseChange(w, r, &req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	var c *casedesk.Case
	if req.Priority != nil {
		if c, err = s.DB.ChangePriority(ctx, a, id, *req.Priority, req.Reason, rev); err != nil {
			s.fail(w, r, err)
			return
		}
		rev = c.Rev
	}
	if req.AssigneeID != nil || req.Unassign || req.Queue != nil {
		queue := ""
		if req.Queue != nil {
			queue = *req.Queue
		}
		assignee := req.AssigneeID
		if assignee == nil && !req.Unassign {
			if cur, err := s.DB.FindCase(ctx, a, id); err == nil {
				assignee = cur.AssigneeID
			}
		}
		if c, err = s.DB.Assign(ctx, a, id, assignee, queue, rev); err != nil {
			s.fail(w, r, err)
			return
		}
		rev = c.Rev
	}
	if req.Status != nil {
		if c, err = s.DB.SetStatus(ctx, a, id, *req.Status, rev); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if c == nil {
		s.fail(w, r, casedesk.Errorf(casedesk.EINVALID, "nothing to change: send status, priority (with reason), assignee_id, unassign or queue"))
		return
	}
	writeCase(w, http.StatusOK, c)
}

func (s *Server) handleSplitCase(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) {
	id, err := pathID(r, "id")
	var req struct {
		Subject     string `json:"subject"`
		Description string `json:"description"`
	}
	if err == nil {
		err = decode(w, r, &req)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.DB.Split(r.Context(), a, id, req.Subject, req.Description)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/cases/%d", c.ID))
	writeCase(w, http.StatusCreated, c)
}

// queryInt reads an optional positive integer query parameter.
func queryInt(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, casedesk.FieldErrorf(name, "must be a positive number")
	}
	return n, nil
}

// queryBool reads an optional boolean query parameter.
func queryBool(r *http.Request, name string) (bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, casedesk.FieldErrorf(name, "must be true or false")
	}
	return b, nil
}

func (s *Server) handleListCases(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) {
	q := r.URL.Query()
	f := store.CaseFilter{Status: casedesk.CaseStatus(q.Get("status")), Priority: q.Get("priority"), Queue: q.Get("queue"), Cursor: q.Get("cursor")}
	var err error
	ints := []struct {
		name string
		dst  *int64
	}{{"product_id", &f.ProductID}, {"org_id", &f.OrgID}, {"assignee_id", &f.AssigneeID}}
	for _, p := range ints {
		if *p.dst, err = queryInt(r, p.name); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	bools := []struct {
		name string
		dst  *bool
	}{{"open", &f.Open}, {"at_risk", &f.AtRisk}, {"breached", &f.Breached}}
	for _, p := range bools {
		if *p.dst, err = queryBool(r, p.name); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	limit, err := queryInt(r, "limit")
	if err != nil || limit > 200 {
		s.fail(w, r, casedesk.FieldErrorf("limit", "must be a number from 1 to 200"))
		return
	}
	f.Limit = int(limit)
	page, err := s.DB.ListCases(r.Context(), a, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if page.Next != "" {
		// The next page's address also as a Link header (RFC 8288), so that a
		// client walking the queue needs not parse the page to find it.
		q.Set("cursor", page.Next)
		next := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
		w.Header().Set("Link", "<"+next.String()+`>; rel="next"`)
	}
	writeJSON(w, http.StatusOK, page)
}

func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) {
	limit, err := queryInt(r, "limit")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cases, err := s.DB.SearchCases(r.Context(), a, r.URL.Query().Get("q"), int(limit))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"cases": cases})
}

func (s *Server) handleUploadAttachment(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, store.MaxAttachmentBytes+1<<20)
	f, hdr, err := r.FormFile("file")
	if err != nil {
		s.fail(w, r, casedesk.FieldErrorf("file", "send the file as multipart/form-data field \"file\", at most %d MiB", store.MaxAttachmentBytes>>20))
		return
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		s.fail(w, r, casedesk.FieldErrorf("file", "the upload was cut short"))
		return
	}
	att, err := s.DB.AddAttachment(r.Context(), a, id, hdr.Filename, data)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, att)
}

// handleDownloadAttachment always serves the file as a download, with a
// neutral type, so that an uploaded HTML page can never run in our origin.
func (s *Server) handleDownloadAttachment(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) {
	id, err := pathID(r, "id")
	var aid int64
	if err == nil {
		aid, err = pathID(r, "attachment")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	att, err := s.DB.Attachment(r.Context(), a, id, aid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": att.Filename}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("X-Sniffed-Content-Type", att.ContentType)
	h.Set("Content-Length", strconv.FormatInt(att.Size, 10))
	w.Write(att.Data)
}

// Products, versions, plans, calendars and contracts.

func (s *Server) handleListProducts(w http.ResponseWriter, r *http.Request) {
	ps, err := s.DB.ListProducts(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"products": ps})
}

// handleProductVersions is the public end-of-life list: no login needed.
func (s *Server) handleProductVersions(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.DB.Product(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	today := s.now()
	type version struct {
		*casedesk.Version
		Supported bool `json:"supported"`
	}
	out := make([]version, len(p.Versions))
	for i, v := range p.Versions {
		out[i] = version{v, !v.PastEndOfLife(today)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"product": p.Name, "versions": out})
}

// createProduct adds a product; its versions are added one by one after.
func (s *Server) createProduct(ctx context.Context, a *casedesk.Actor, p casedesk.Product) (*casedesk.Product, error) {
	p.ID, p.Versions = 0, nil
	return &p, s.DB.CreateProduct(ctx, a, &p)
}

// addVersion adds a release to the product id.
func (s *Server) addVersion(ctx context.Context, a *casedesk.Actor, id int64, v casedesk.Version) (*casedesk.Version, error) {
	v.ID, v.ProductID = 0, id
	return &v, s.DB.AddVersion(ctx, a, &v)
}

func (s *Server) handleEditPlan(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) {
	var p plan.Plan
	if err := decode(w, r, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	p.ID = r.PathValue("id")
	saved, err := s.DB.EditPlan(r.Context(), a, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, saved)
}

// calendarBody is the API's form of a calendar: its reference and its spec.
func calendarBody(c sla.Calendar) map[string]any {
	return map[string]any{"id": c.ID, "version": c.Version, "description": c.Description, "spec": c.Cal.Spec()}
}

// calendar reads a calendar in the API's form.
func (s *Server) calendar(ctx context.Context, id string, version int) (map[string]any, error) {
	c, err := s.DB.Calendar(ctx, id, version)
	if err != nil {
		return nil, err
	}
	return calendarBody(c), nil
}

func (s *Server) handleSaveCalendar(w http.ResponseWriter, r *http.Request, a *casedesk.Actor) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		s.fail(w, r, casedesk.Errorf(casedesk.EINVALID, "the body is larger than %d bytes", maxBodyBytes))
		return
	}
	c, err := s.DB.SaveCalendar(r.Context(), a, r.PathValue("id"), body)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, calendarBody(c))
}

// createContract adds a contract to the organisation id.
func (s *Server) createContract(ctx context.Context, a *casedesk.Actor, id int64, c casedesk.Contract) (*casedesk.Contract, error) {
	c.ID, c.OrgID = 0, id
	return &c, s.DB.CreateContract(ctx, a, &c)
}

// mergeRequest is the body of POST /api/v1/cases/{id}/merge.
type mergeRequest struct {
	TargetID int64 `json:"target_id"`
}

// contactRequest is the body of POST /api/v1/contracts/{id}/contacts.
type contactRequest struct {
	UserID int64 `json:"user_id"`
}

// contractList wraps an organisation's contracts for the API.
func (s *Server) contractList(ctx context.Context, a *casedesk.Actor, orgID int64) (map[string]any, error) {
	cs, err := s.DB.ListContracts(ctx, a, orgID)
	if cs == nil {
		cs = []*casedesk.Contract{}
	}
	return map[string]any{"contracts": cs}, err
}

// recentNotifications is the caller's latest notifications.
func (s *Server) recentNotifications(ctx context.Context, a *casedesk.Actor) ([]*store.Notification, error) {
	return s.DB.Notifications(ctx, a, 50)
}

// plans lists every plan; anyone signed in may read them.
func (s *Server) plans(ctx context.Context, _ *casedesk.Actor) ([]*plan.Plan, error) {
	return s.DB.Plans(ctx)
}

// caseEvents wraps a case's thread for the API.
func (s *Server) caseEvents(ctx context.Context, a *casedesk.Actor, id int64) (map[string]any, error) {
	events, err := s.DB.CaseEvents(ctx, a, id)
	return map[string]any{"events": events}, err
}

// remoteAccessList wraps a case's remote-access grants for the API.
func (s *Server) remoteAccessList(ctx context.Context, a *casedesk.Actor, id int64) (map[string]any, error) {
	grants, err := s.DB.RemoteAccessGrants(ctx, a, id)
	return map[string]any{"grants": grants}, err
}

// grantRequest is the body of POST /api/v1/cases/{id}/remote-access.
type grantRequest struct {
	Hours int    `json:"hours"`
	Note  string `json:"note"`
}

func (s *Server) grantRemoteAccess(ctx context.Context, a *casedesk.Actor, id int64, req grantRequest) (*store.RemoteAccessGrant, error) {
	return s.DB.GrantRemoteAccess(ctx, a, id, time.Duration(req.Hours)*time.Hour, req.Note)
}
