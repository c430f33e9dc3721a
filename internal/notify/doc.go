// Package notify sends the server's e-mail through a persistent outbox.
//
// A Mailer builds each message once (RFC 5322, UTF-8, MIME encoded-word
// subjects, via go-mail) and stores it in the outbox with store.QueueMail;
// nothing is sent from the caller's goroutine. A Deliverer polls the outbox,
// hands due messages to a Transport (SMTP, or a directory of .eml files for
// demos and air-gapped trials) and records every attempt: delivered, or
// failed and retried later on a backoff schedule until it is delivered. A
// message therefore survives a restart of the server and an outage of the
// mail relay.
package notify
