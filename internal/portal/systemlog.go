package portal

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/otsight/otsight/internal/store"
)

// S1-2 system log (admins only): every upload of the tenant's sensors with
// its batch, size and result, and why one was refused; as CSV too. The
// query (since, limit) is the audit log's.

type uploadRow struct {
	Time     time.Time      `json:"time"`
	SensorID store.SensorID `json:"sensor_id"`
	Sensor   string         `json:"sensor"`
	Epoch    uint64         `json:"epoch"`
	Seq      uint64         `json:"seq"`
	Records  int            `json:"records"`
	Bytes    int            `json:"bytes"`
	Result   string         `json:"result"` // stored, duplicate, refused
	Reason   string         `json:"reason"`
	Remote   string         `json:"remote"`

	TimeText string `json:"-"`
}

type systemLogModel struct {
	Query   auditQuery  `json:"query"`
	Uploads []uploadRow `json:"uploads"`
	// For the page.
	SinceInput string `json:"-"`
	CSV        string `json:"-"`
}

func (p *Portal) systemLog(r *http.Request, rq *request) (systemLogModel, int, error) {
	st := p.deps.Admin.State
	if st == nil {
		return systemLogModel{}, http.StatusInternalServerError, missingDep("State")
	}
	q, err := parseAuditQuery(r.URL.Query(), p.cfg.Now(), rq.loc)
	if err != nil {
		return systemLogModel{}, http.StatusBadRequest, err
	}
	sc := store.ForTenant(rq.user.Tenant)
	ups, err := st.Uploads(r.Context(), sc, q.Since, q.Limit)
	if err != nil {
		return systemLogModel{}, http.StatusInternalServerError, fmt.Errorf("uploads: %w", err)
	}
	sensors, err := p.deps.Tenants.Sensors(r.Context(), sc)
	if err != nil {
		return systemLogModel{}, http.StatusInternalServerError, fmt.Errorf("sensors: %w", err)
	}
	m := systemLogModel{Query: q, Uploads: make([]uploadRow, 0, len(ups)), SinceInput: q.Since.Format("2006-01-02"),
		CSV: "/system-log.csv?since=" + q.Since.Format("2006-01-02") + "&limit=" + strconv.Itoa(q.Limit)}
	for _, u := range ups {
		m.Uploads = append(m.Uploads, uploadRow{Time: u.Time.In(rq.loc), SensorID: u.Sensor, Sensor: sensorName(sensors, u.Sensor),
			Epoch: u.Epoch, Seq: u.Seq, Records: u.Records, Bytes: u.Bytes, Result: u.Result, Reason: u.Reason,
			Remote: u.Remote, TimeText: localTime(u.Time, rq.loc, layoutSecond)})
	}
	return m, http.StatusOK, nil
}

func (p *Portal) systemLogPage(w http.ResponseWriter, r *http.Request, rq *request) {
	m, status, err := p.systemLog(r, rq)
	switch {
	case status == http.StatusBadRequest:
		p.errorPage(w, r, status)
	case err != nil:
		p.internalError(w, r, err)
	default:
		p.render(w, r, http.StatusOK, "systemlog", "systemlog", m)
	}
}

func (p *Portal) systemLogAPI(w http.ResponseWriter, r *http.Request, rq *request) {
	m, status, err := p.systemLog(r, rq)
	switch {
	case status == http.StatusBadRequest:
		writeJSONError(w, status, err.Error())
	case err != nil:
		p.internalAPIError(w, r, err)
	default:
		writeJSON(w, http.StatusOK, m)
	}
}

// systemLogCSV writes the log as the page shows it, UTF-8 with a BOM and
// CRLF for Excel; the header is in the request's language.
func (p *Portal) systemLogCSV(w http.ResponseWriter, r *http.Request, rq *request) {
	m, status, err := p.systemLog(r, rq)
	switch {
	case status == http.StatusBadRequest:
		http.Error(w, err.Error(), status)
		return
	case err != nil:
		p.internalError(w, r, err)
		return
	}
	c := p.pages.cats[rq.lang]
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	name := fmt.Sprintf("system-log-%s.csv", p.cfg.Now().In(rq.loc).Format("20060102-1504"))
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Write([]byte(utf8BOM))
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	cw.Write([]string{
		c.text("syslog.col.time"), c.text("syslog.col.sensor"), c.text("syslog.col.epoch"), c.text("syslog.col.seq"),
		c.text("syslog.col.records"), c.text("syslog.col.bytes"), c.text("syslog.col.result"),
		c.text("syslog.col.reason"), c.text("syslog.col.remote"),
	})
	for _, u := range m.Uploads {
		cw.Write([]string{
			u.TimeText, csvSafe(u.Sensor), strconv.FormatUint(u.Epoch, 10), strconv.FormatUint(u.Seq, 10),
			strconv.Itoa(u.Records), strconv.Itoa(u.Bytes), u.Result, csvSafe(u.Reason), csvSafe(u.Remote),
		})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		p.cfg.Logger.Error("portal: system log CSV", "err", err)
	}
}
