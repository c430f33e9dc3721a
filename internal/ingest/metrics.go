package ingest

import "github.com/prometheus/client_golang/prometheus"

// metrics are the endpoint's Prometheus counters. Reasons are short fixed
// codes (refusal.code) so that label values stay few.
type metrics struct {
	uploads   *prometheus.CounterVec // result, reason
	records   prometheus.Counter
	enrols    *prometheus.CounterVec // result, reason
	renewals  *prometheus.CounterVec // result, reason
	bytesIn   *prometheus.CounterVec // sensor
	bytesOut  *prometheus.CounterVec // sensor
	collected []prometheus.Collector
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		uploads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "otsight", Subsystem: "ingest", Name: "uploads_total",
			Help: "Batch uploads by result (stored, duplicate, refused, error) and refusal reason.",
		}, []string{"result", "reason"}),
		records: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "otsight", Subsystem: "ingest", Name: "records_total",
			Help: "Records in stored batches.",
		}),
		enrols: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "otsight", Subsystem: "ingest", Name: "enrolments_total",
			Help: "Enrolment requests by result and refusal reason.",
		}, []string{"result", "reason"}),
		renewals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "otsight", Subsystem: "ingest", Name: "renewals_total",
			Help: "Certificate renewals by result and refusal reason.",
		}, []string{"result", "reason"}),
		bytesIn: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "otsight", Subsystem: "ingest", Name: "received_bytes_total",
			Help: "Request body bytes received from each sensor (its data usage, with bytes sent).",
		}, []string{"sensor"}),
		bytesOut: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "otsight", Subsystem: "ingest", Name: "sent_bytes_total",
			Help: "Response body bytes sent to each sensor.",
		}, []string{"sensor"}),
	}
	m.collected = []prometheus.Collector{m.uploads, m.records, m.enrols, m.renewals, m.bytesIn, m.bytesOut}
	if reg != nil {
		for _, c := range m.collected {
			reg.MustRegister(c)
		}
	}
	return m
}
