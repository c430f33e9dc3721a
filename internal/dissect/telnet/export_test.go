package telnet

// WriteSession and CheckSessionRecord give the external tests the
// synthetic session of session_test.go.
var (
	WriteSession       = writeSession
	CheckSessionRecord = checkRecord
	Session            = session
)
