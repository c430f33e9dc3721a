// Package ftp dissects the FTP control connection (RFC 959) on TCP 21:
// the client's command lines and the server's replies. It keeps the
// server's greeting and SYST reply, which name its software and operating
// system, and the user name; passwords are never kept.
//
// Messages: one per command line, Code the command verb in upper case when
// it is a known command (see commands), else "unknown"; a line that is not
// a command (no 3-4 letter verb) counts with Code "malformed" and Error
// set. One per reply (a multi-line reply, RFC 959 §4.2, is one message,
// counted at its last line), Code the three-digit reply code, Function its
// class (positive_completion …), Error for 4xx and 5xx; a server line that
// is not a reply counts as "malformed" with Error set. Commands are
// requests, replies responses. After a successful AUTH (234) the
// connection is TLS and parsing stops.
//
// Records: one ftp record per session (record.FTP).
package ftp

import (
	"strconv"

	"github.com/otsight/otsight/internal/dissect"
)

// Spec is FTP on TCP 21. There is no heuristic: a 220 greeting is shared
// with SMTP and others.
var Spec = &dissect.Spec{
	Name: dissect.NameFTP, TCPPorts: []uint16{21},
	New: func() dissect.Parser { return &parser{} },
}

// commands are the verbs of RFC 959 and its extensions (RFC 2228, 2389,
// 2428, 2640, 3659, 7151) and the common X-commands of RFC 775.
var commands = map[string]string{}

func init() {
	for _, c := range []string{
		"USER", "PASS", "ACCT", "CWD", "CDUP", "SMNT", "REIN", "QUIT", "PORT", "PASV",
		"TYPE", "STRU", "MODE", "RETR", "STOR", "STOU", "APPE", "ALLO", "REST", "RNFR",
		"RNTO", "ABOR", "DELE", "RMD", "MKD", "PWD", "LIST", "NLST", "SITE", "SYST",
		"STAT", "HELP", "NOOP", "FEAT", "OPTS", "AUTH", "ADAT", "PBSZ", "PROT", "CCC",
		"MIC", "CONF", "ENC", "EPRT", "EPSV", "LANG", "MDTM", "SIZE", "MLST", "MLSD",
		"HOST", "XCWD", "XCUP", "XMKD", "XPWD", "XRMD", "CLNT", "MFMT", "MFCT", "MFF",
	} {
		commands[c] = c
	}
	for i := 100; i < 600; i++ {
		replyCode[i-100] = strconv.Itoa(i)
	}
}

// replyCode holds the code strings of replies 100-599.
var replyCode [500]string

// replyClass names a reply by its first digit (RFC 959 §4.2.1).
var replyClass = [6]string{"", "positive_preliminary", "positive_completion", "positive_intermediate",
	"transient_negative", "permanent_negative"}

const (
	codeUnknown   = "unknown"
	codeMalformed = "malformed"
)
