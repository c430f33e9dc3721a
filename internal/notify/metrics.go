package notify

import "github.com/prometheus/client_golang/prometheus"

// metrics counts delivery attempts. They are registered with
// Config.Registerer when one is given.
type metrics struct {
	attempts *prometheus.CounterVec // by transport and result
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "otsight_mail_attempts_total",
		Help: "Mail delivery attempts, by transport and result (delivered, failed).",
	}, []string{"transport", "result"})}
	if reg != nil {
		if err := reg.Register(m.attempts); err != nil {
			return nil, err
		}
	}
	return m, nil
}
