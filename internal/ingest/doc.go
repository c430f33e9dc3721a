// Package ingest is the server's sensor endpoint: enrolment against a
// one-time token, certificate renewal, and the mutual-TLS upload of minute
// batches, which it checks, stores exactly once through store.Store and
// records in the per-tenant system log (S1-2).
//
// Routes (all JSON replies):
//
//	POST /v1/enroll                {token, csr}  → {certificate, ca, tenant_id, sensor_id}   no client certificate needed
//	POST /v1/renew                 {csr}         → {certificate, ca}                         client certificate
//	PUT  /v1/batches/{epoch}/{seq} OTSB batch    → {result: "stored" | "duplicate"}          client certificate
//
// A refusal is {result: "refused", reason: "…"} with a 4xx status; a 5xx
// status means the server could not decide and the sensor should retry.
//
// Certificates: the listener asks for a client certificate but does not
// require one (tls.VerifyClientCertIfGiven), so that a sensor without one
// can enrol; the renew and upload routes then require a certificate that
// chains to the CA, names a sensor of the store that is not revoked, and is
// that sensor's current certificate. Renewal does not change the store: the
// new certificate becomes current the first time the sensor presents it
// (the store's serial and expiry are updated then), and the old one keeps
// working until that moment or its own expiry. A renewal whose reply is lost
// therefore never locks a sensor out, and a certificate older than the
// current one (a replaced sensor's, say) is refused.
package ingest
