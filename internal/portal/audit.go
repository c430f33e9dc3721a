package portal

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/otsight/otsight/internal/store"
)

// Audit log viewer (admins of the tenant).
const (
	defaultAuditLimit = 500
	maxAuditLimit     = 5000
	defaultAuditDays  = 30
)

type auditQuery struct {
	Since time.Time `json:"since"`
	Limit int       `json:"limit"`
}

// parseAuditQuery reads since (a date or time in the tenant's zone, or RFC
// 3339; default 30 days ago) and limit.
func parseAuditQuery(v url.Values, now time.Time, loc *time.Location) (auditQuery, error) {
	q := auditQuery{Since: now.In(loc).AddDate(0, 0, -defaultAuditDays), Limit: defaultAuditLimit}
	if s := v.Get("since"); s != "" {
		t, err := time.ParseInLocation("2006-01-02", s, loc)
		if err != nil {
			t, err = parseTime(s, loc)
		}
		if err != nil {
			return q, fmt.Errorf("since: %q is not YYYY-MM-DD, YYYY-MM-DDThh:mm or RFC 3339", s)
		}
		q.Since = t.In(loc)
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxAuditLimit {
			return q, fmt.Errorf("limit: %q is not 1 to %d", s, maxAuditLimit)
		}
		q.Limit = n
	}
	return q, nil
}

type auditModel struct {
	Query   auditQuery   `json:"query"`
	Entries []auditEntry `json:"entries"`
	// For the page.
	SinceInput string `json:"-"`
}

type auditEntry struct {
	Time     time.Time `json:"time"`
	TimeText string    `json:"-"`
	Actor    string    `json:"actor"`
	Action   string    `json:"action"`
	Target   string    `json:"target"`
	Detail   string    `json:"detail"`
}

func (p *Portal) audit(r *http.Request, rq *request) (auditModel, int, error) {
	q, err := parseAuditQuery(r.URL.Query(), p.cfg.Now(), rq.loc)
	if err != nil {
		return auditModel{}, http.StatusBadRequest, err
	}
	es, err := p.deps.Audit.AuditLog(r.Context(), store.ForTenant(rq.user.Tenant), q.Since, q.Limit)
	if err != nil {
		return auditModel{}, http.StatusInternalServerError, err
	}
	m := auditModel{Query: q, Entries: make([]auditEntry, 0, len(es)), SinceInput: q.Since.Format("2006-01-02")}
	for _, e := range es {
		m.Entries = append(m.Entries, auditEntry{Time: e.Time.In(rq.loc), TimeText: localTime(e.Time, rq.loc, layoutSecond),
			Actor: e.Actor, Action: e.Action, Target: e.Target, Detail: e.Detail})
	}
	return m, http.StatusOK, nil
}

func (p *Portal) auditPage(w http.ResponseWriter, r *http.Request, rq *request) {
	m, status, err := p.audit(r, rq)
	if status == http.StatusBadRequest {
		p.errorPage(w, r, status)
		return
	}
	if err != nil {
		p.internalError(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "audit", "audit", m)
}

func (p *Portal) auditAPI(w http.ResponseWriter, r *http.Request, rq *request) {
	m, status, err := p.audit(r, rq)
	if status == http.StatusBadRequest {
		writeJSONError(w, status, err.Error())
		return
	}
	if err != nil {
		p.internalAPIError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}
