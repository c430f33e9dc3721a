package server

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/otsight/otsight/internal/store"
)

var (
	descFault = prometheus.NewDesc("otsight_sensor_health_fault",
		"1 when the sensor fails the check, 0 when it passes (as of the last health round).",
		[]string{"tenant", "sensor", "check"}, nil)
	descLastUpload = prometheus.NewDesc("otsight_sensor_last_upload_timestamp_seconds",
		"When the sensor's newest batch was received (Unix time).", []string{"tenant", "sensor"}, nil)
	descDataEnd = prometheus.NewDesc("otsight_sensor_data_end_timestamp_seconds",
		"End of the newest window of the sensor's data stored since the server started (Unix time).", []string{"tenant", "sensor"}, nil)
	descSkew = prometheus.NewDesc("otsight_sensor_clock_skew_seconds",
		"Sensor clock minus server clock, from the Date header of its last upload.", []string{"tenant", "sensor"}, nil)
	descLag = prometheus.NewDesc("otsight_sensor_upload_lag_seconds",
		"How long after the end of its window the sensor's newest batch arrived.", []string{"tenant", "sensor"}, nil)
	descKernelDrops = prometheus.NewDesc("otsight_sensor_kernel_drops",
		"Frames the kernel dropped in the window of the sensor's newest batch.", []string{"tenant", "sensor"}, nil)
	descSpool = prometheus.NewDesc("otsight_sensor_spool_depth",
		"Batches waiting in the sensor's spool, as it last reported.", []string{"tenant", "sensor"}, nil)
	descDiskFree = prometheus.NewDesc("otsight_sensor_disk_free_bytes",
		"Free space of the sensor's spool file system, as it last reported.", []string{"tenant", "sensor"}, nil)
)

var allChecks = []string{CheckSilent, CheckStaleData, CheckTransferSlow, CheckClockSkew, CheckKernelDrops}

// sensorCollector exports the last health round per sensor.
type sensorCollector struct{ s *Server }

// Describe implements prometheus.Collector.
func (c *sensorCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descFault, descLastUpload, descDataEnd, descSkew, descLag, descKernelDrops, descSpool, descDiskFree} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *sensorCollector) Collect(ch chan<- prometheus.Metric) {
	for _, h := range c.s.health.report().Sensors {
		tenant, sensor := strconv.FormatInt(h.TenantID, 10), strconv.FormatInt(h.SensorID, 10)
		for _, check := range allChecks {
			v := 0.0
			for _, f := range h.Faults {
				if f == check {
					v = 1
				}
			}
			ch <- prometheus.MustNewConstMetric(descFault, prometheus.GaugeValue, v, tenant, sensor, check)
		}
		if !h.LastUpload.IsZero() {
			ch <- prometheus.MustNewConstMetric(descLastUpload, prometheus.GaugeValue, float64(h.LastUpload.UnixMilli())/1e3, tenant, sensor)
		}
		ch <- prometheus.MustNewConstMetric(descKernelDrops, prometheus.GaugeValue, float64(h.KernelDrops), tenant, sensor)
		o, ok := c.s.obs.get(store.SensorID(h.SensorID))
		if !ok {
			continue
		}
		if !o.DataEnd.IsZero() {
			ch <- prometheus.MustNewConstMetric(descDataEnd, prometheus.GaugeValue, float64(o.DataEnd.UnixMilli())/1e3, tenant, sensor)
			ch <- prometheus.MustNewConstMetric(descLag, prometheus.GaugeValue, o.Lag.Seconds(), tenant, sensor)
		}
		if o.ClockKnown {
			ch <- prometheus.MustNewConstMetric(descSkew, prometheus.GaugeValue, o.ClockSkew.Seconds(), tenant, sensor)
		}
		ch <- prometheus.MustNewConstMetric(descSpool, prometheus.GaugeValue, float64(o.SpoolDepth), tenant, sensor)
		if o.DiskFree >= 0 {
			ch <- prometheus.MustNewConstMetric(descDiskFree, prometheus.GaugeValue, float64(o.DiskFree), tenant, sensor)
		}
	}
}
