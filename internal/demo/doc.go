// Package demo is `otsight demo`: the whole product on one machine in one
// process, for a first look and for trials without a plant at hand.
//
// Run starts the server with its embedded store in a data directory,
// creates a demo tenant and its administrator, enrols an in-process sensor
// over the same mutual-TLS path a real sensor uses, back-fills history at
// the record level through that sensor's spool and uploader, and then feeds
// live traffic through the real sensor pipeline: the synthetic plant paced
// to the wall clock, a capture file read as fast as it can be processed, or
// a live interface. When the portal is usable it prints the lines
//
//	portal: http://127.0.0.1:PORT/
//	login: ID
//	password: PASSWORD
//
// and where one-time login codes appear (.eml files under
// <data directory>/outbox/: a demo has no mail server).
//
// Everything the demo creates lives in the data directory, so a second run
// on it resumes: the same tenant, credentials, sensor enrolment and spool,
// and history that is not generated twice.
//
// The demo administrator is not forced to change the initial password at
// first login, unlike the users an operator creates: the demo prints its
// password at every start, and a forced change would make that line wrong
// after the first login. A password changed in the portal anyway is
// noticed at the next start, which then says so instead of printing the
// stale one.
package demo
