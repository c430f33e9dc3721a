// Package pki is the server's own certificate authority: it creates the CA
// on first start, issues sensor certificates from certificate requests and
// the ingest listener's certificate, and makes and reads the one-time
// enrolment tokens that carry the CA's fingerprint to a new sensor.
//
// Everything is ECDSA P-256. The package knows nothing about storage or HTTP:
// it deals in certificates, keys, files and tokens only, so the sensor side
// (enrolment) and the server side (ingest, admin commands) share it.
package pki
