package server

import (
	"context"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

// ingestHook is the store handed to the ingest endpoint: it stores through
// the backend and, once a batch is stored (not a duplicate), feeds it to the
// tenant's inventory and notes its window for the health checks. Doing this
// after the commit and before the sensor gets its reply means a batch the
// sensor saw stored has been counted, and a duplicate is never counted twice.
type ingestHook struct {
	store.Backend
	inv        *inventories
	obs        *observations
	log        *slog.Logger
	limitEvent prometheus.Counter
}

// IngestBatch implements store.Store.
func (h *ingestHook) IngestBatch(ctx context.Context, sc store.Scope, k store.BatchKey, m store.BatchMeta, recs []record.Record) (bool, error) {
	dup, err := h.Backend.IngestBatch(ctx, sc, k, m, recs)
	if err != nil || dup {
		return dup, err
	}
	h.obs.batch(k.Sensor, m)
	// The batch is stored: what follows must not fail the upload, and must
	// finish even if the sensor hangs up.
	ctx = context.WithoutCancel(ctx)
	events, err := h.inv.add(ctx, sc, k, m, recs)
	if err != nil {
		h.log.Error("inventory: batch not added", "tenant", sc.Tenant(), "sensor", k.Sensor, "seq", k.Seq, "err", err)
		return false, nil
	}
	for _, ev := range events {
		h.limitEvent.Inc()
		h.log.Warn("inventory: device limit reached; no new devices for this sensor", "tenant", sc.Tenant(),
			"sensor", k.Sensor, "limit", ev.Limit, "refused", ev.Refused)
		entry := store.AuditEntry{
			Time: m.Received, Actor: "system", Action: ev.Kind, Target: "sensor:" + sensorKey(k.Sensor), Detail: ev.Message,
		}
		if err := h.Backend.Audit(ctx, sc, entry); err != nil {
			h.log.Error("system log: device limit", "tenant", sc.Tenant(), "sensor", k.Sensor, "err", err)
		}
	}
	return false, nil
}
