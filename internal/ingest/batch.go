package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

// Upload results, as in store.UploadEvent and the replies.
const (
	ResultStored    = "stored"
	ResultDuplicate = "duplicate"
	ResultRefused   = "refused"
)

func (s *Server) handleBatch(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ev := store.UploadEvent{Time: s.now(), Remote: r.RemoteAddr}
	c, ref := s.authenticate(ctx, r)
	var recs []record.Record
	if ref == nil {
		ev.Sensor = c.sensor.ID
		recs, ref = s.ingest(ctx, w, r, c, &ev)
	}
	var sent int
	if ref != nil {
		ev.Result, ev.Reason = ResultRefused, ref.reason
		sent = writeRefusal(w, ref)
		s.m.uploads.WithLabelValues(ResultRefused, ref.code).Inc()
		s.log.Warn("ingest: batch refused", "remote", r.RemoteAddr, "sensor", ev.Sensor,
			"epoch", ev.Epoch, "seq", ev.Seq, "bytes", ev.Bytes, "code", ref.code, "reason", ref.reason)
	} else {
		sent = writeJSON(w, http.StatusOK, reply{Result: ev.Result})
		s.m.uploads.WithLabelValues(ev.Result, "").Inc()
		s.log.Debug("ingest: batch", "sensor", ev.Sensor, "epoch", ev.Epoch, "seq", ev.Seq,
			"records", ev.Records, "bytes", ev.Bytes, "result", ev.Result)
		if ev.Result == ResultStored {
			s.m.records.Add(float64(ev.Records))
			s.noteHealth(c.sensor.ID, r.UserAgent(), recs)
		}
	}
	if c == nil || c.sensor.ID == 0 {
		return // no tenant to log to: the slog line and the counter are all
	}
	s.count(c.sensor.ID, ev.Bytes, sent)
	// The system log entry outlives a client that hung up.
	if err := s.store.LogUpload(context.WithoutCancel(ctx), c.scope, ev); err != nil {
		s.log.Error("ingest: system log", "sensor", ev.Sensor, "seq", ev.Seq, "err", err)
	}
}

// ingest reads, checks and stores one batch, filling in ev.
func (s *Server) ingest(ctx context.Context, w http.ResponseWriter, r *http.Request, c *client, ev *store.UploadEvent) ([]record.Record, *refusal) {
	var err error
	if ev.Epoch, err = strconv.ParseUint(r.PathValue("epoch"), 10, 64); err != nil || ev.Epoch == 0 {
		return nil, refuse(http.StatusBadRequest, "bad_path", fmt.Sprintf("bad spool epoch %q", r.PathValue("epoch")))
	}
	if ev.Seq, err = strconv.ParseUint(r.PathValue("seq"), 10, 64); err != nil {
		return nil, refuse(http.StatusBadRequest, "bad_path", fmt.Sprintf("bad sequence number %q", r.PathValue("seq")))
	}
	limit := s.cfg.MaxBatchBytes
	if r.ContentLength > limit {
		return nil, refuse(http.StatusRequestEntityTooLarge, "too_large",
			fmt.Sprintf("batch of %d bytes exceeds the limit of %d", r.ContentLength, limit))
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	ev.Bytes = len(body)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, refuse(http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("batch exceeds the limit of %d bytes", limit))
	case err != nil:
		return nil, refuse(http.StatusBadRequest, "bad_body", "reading the batch: "+err.Error())
	}
	b, err := record.Unmarshal(body)
	if err != nil {
		return nil, refuse(http.StatusBadRequest, "undecodable", "undecodable batch: "+err.Error())
	}
	h := b.Header
	ev.Records = len(b.Records)
	if want := strconv.FormatInt(int64(c.sensor.ID), 10); h.SensorID != want {
		return nil, refuse(http.StatusBadRequest, "wrong_sensor",
			fmt.Sprintf("batch names sensor %q, the certificate sensor %s", h.SensorID, want))
	}
	if h.Epoch != ev.Epoch || h.Seq != ev.Seq {
		return nil, refuse(http.StatusBadRequest, "wrong_key",
			fmt.Sprintf("batch header says epoch %d seq %d, the request %d/%d", h.Epoch, h.Seq, ev.Epoch, ev.Seq))
	}
	if h.End < h.Start {
		return nil, refuse(http.StatusBadRequest, "bad_window", fmt.Sprintf("batch window ends (%d) before it starts (%d)", h.End, h.Start))
	}
	key := store.BatchKey{Sensor: c.sensor.ID, Epoch: ev.Epoch, Seq: ev.Seq}
	meta := store.BatchMeta{
		Received: ev.Time, Bytes: len(body), Schema: h.Schema, SensorVersion: r.UserAgent(),
		Start: time.UnixMicro(int64(h.Start)).UTC(), End: time.UnixMicro(int64(h.End)).UTC(),
		Payload: body,
	}
	dup, err := s.store.IngestBatch(ctx, c.scope, key, meta, b.Records)
	if err != nil {
		s.log.Error("ingest: store batch", "sensor", key.Sensor, "epoch", key.Epoch, "seq", key.Seq, "err", err)
		return nil, refuse(http.StatusServiceUnavailable, "store_error", "server storage unavailable, retry later")
	}
	ev.Result = ResultStored
	if dup {
		ev.Result = ResultDuplicate
	}
	return b.Records, nil
}
