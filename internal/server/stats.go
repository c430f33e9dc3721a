package server

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

// Stats is the JSON of `otsight admin stats --json` (docs/operations.md).
type Stats struct {
	Tenants []TenantStats `json:"tenants"`
}

// TenantStats are one tenant's sensors.
type TenantStats struct {
	Name    string        `json:"name"`
	Sensors []SensorStats `json:"sensors"`
}

// SensorStats are one sensor's figures.
type SensorStats struct {
	Name string `json:"name"`
	// Records counts the stored records by kind.
	Records map[record.Kind]int64 `json:"records"`
	// Devices is the size of the sensor's inventory.
	Devices int `json:"devices"`
	// LastUpload is RFC 3339, null before the first upload.
	LastUpload *string `json:"last_upload"`
	// BytesThisMonth is the sensor's data usage this calendar month (UTC):
	// upload bytes received, from the system log, plus reply bytes sent,
	// counted by the running server since it started.
	BytesThisMonth int64 `json:"bytes_this_month"`
	// SpoolDepth is the backlog the sensor last reported (0 until it does).
	SpoolDepth int64 `json:"spool_depth"`
}

// monthLog bounds the upload events read for a month's usage: a batch a
// minute for 31 days, with room for retries.
const monthLog = 1 << 20

func (a *Admin) stats(ctx context.Context) (*Stats, error) {
	now := a.now().UTC()
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	tenants, err := a.st.Tenants(ctx)
	if err != nil {
		return nil, err
	}
	sort.Slice(tenants, func(i, j int) bool { return tenants[i].Name < tenants[j].Name })
	out := &Stats{Tenants: []TenantStats{}}
	for _, t := range tenants {
		sc := store.ForTenant(t.ID)
		sensors, err := a.st.Sensors(ctx, sc)
		if err != nil {
			return nil, err
		}
		sort.Slice(sensors, func(i, j int) bool { return sensors[i].Name < sensors[j].Name })
		devices, err := a.inv.devices(ctx, sc)
		if err != nil {
			return nil, err
		}
		uploads, err := a.st.Uploads(ctx, sc, month, monthLog)
		if err != nil {
			return nil, fmt.Errorf("system log of %s: %w", t.Name, err)
		}
		received := map[store.SensorID]int64{}
		for _, u := range uploads {
			received[u.Sensor] += int64(u.Bytes)
		}
		ts := TenantStats{Name: t.Name, Sensors: []SensorStats{}}
		for _, s := range sensors {
			counts, err := a.st.CountRecords(ctx, sc, store.RecordQuery{Sensor: s.ID})
			if err != nil {
				return nil, fmt.Errorf("records of %s/%s: %w", t.Name, s.Name, err)
			}
			if counts == nil {
				counts = map[record.Kind]int64{}
			}
			ss := SensorStats{Name: s.Name, Records: counts, Devices: devices[sensorKey(s.ID)], BytesThisMonth: received[s.ID]}
			last := s.LastUpload
			if a.live != nil {
				ss.BytesThisMonth += int64(a.live.ingest.Usage(s.ID, now).Sent)
				if o, ok := a.live.obs.get(s.ID); ok {
					ss.SpoolDepth = o.SpoolDepth
					if o.Received.After(last) {
						last = o.Received
					}
				}
			}
			if !last.IsZero() {
				v := last.UTC().Format(time.RFC3339)
				ss.LastUpload = &v
			}
			ts.Sensors = append(ts.Sensors, ss)
		}
		out.Tenants = append(out.Tenants, ts)
	}
	return out, nil
}
