package smb

import "fmt"

// smb1Codes and smb2Codes are the Code strings ("0x72", "0x0005") of every
// command byte, built once so that a message costs no allocation.
var smb1Codes, smb2Codes [256]string

func init() {
	for i := range smb1Codes {
		smb1Codes[i] = fmt.Sprintf("0x%02x", i)
		smb2Codes[i] = fmt.Sprintf("0x%04x", i)
	}
}

// SMB1 commands ([MS-CIFS] section 2.2.2.1) this dissector reads.
const (
	smb1Negotiate    = 0x72
	smb1SessionSetup = 0x73
	smb1TreeConnect  = 0x75
)

// smb1Names are the SMB1 command names ([MS-CIFS] section 2.2.2.1,
// [MS-SMB] section 2.2.2.1).
var smb1Names = map[byte]string{
	0x00: "CREATE_DIRECTORY", 0x01: "DELETE_DIRECTORY", 0x02: "OPEN", 0x03: "CREATE",
	0x04: "CLOSE", 0x05: "FLUSH", 0x06: "DELETE", 0x07: "RENAME", 0x08: "QUERY_INFORMATION",
	0x09: "SET_INFORMATION", 0x0a: "READ", 0x0b: "WRITE", 0x0c: "LOCK_BYTE_RANGE",
	0x0d: "UNLOCK_BYTE_RANGE", 0x0e: "CREATE_TEMPORARY", 0x0f: "CREATE_NEW",
	0x10: "CHECK_DIRECTORY", 0x11: "PROCESS_EXIT", 0x12: "SEEK", 0x13: "LOCK_AND_READ",
	0x14: "WRITE_AND_UNLOCK", 0x1a: "READ_RAW", 0x1b: "READ_MPX", 0x1d: "WRITE_RAW",
	0x1e: "WRITE_MPX", 0x20: "WRITE_COMPLETE", 0x22: "SET_INFORMATION2",
	0x23: "QUERY_INFORMATION2", 0x24: "LOCKING_ANDX", 0x25: "TRANSACTION",
	0x26: "TRANSACTION_SECONDARY", 0x27: "IOCTL", 0x28: "IOCTL_SECONDARY", 0x29: "COPY",
	0x2a: "MOVE", 0x2b: "ECHO", 0x2c: "WRITE_AND_CLOSE", 0x2d: "OPEN_ANDX", 0x2e: "READ_ANDX",
	0x2f: "WRITE_ANDX", 0x31: "CLOSE_AND_TREE_DISC", 0x32: "TRANSACTION2",
	0x33: "TRANSACTION2_SECONDARY", 0x34: "FIND_CLOSE2", 0x35: "FIND_NOTIFY_CLOSE",
	0x70: "TREE_CONNECT", 0x71: "TREE_DISCONNECT", 0x72: "NEGOTIATE", 0x73: "SESSION_SETUP_ANDX",
	0x74: "LOGOFF_ANDX", 0x75: "TREE_CONNECT_ANDX", 0x80: "QUERY_INFORMATION_DISK",
	0x81: "SEARCH", 0x82: "FIND", 0x83: "FIND_UNIQUE", 0x84: "FIND_CLOSE",
	0xa0: "NT_TRANSACT", 0xa1: "NT_TRANSACT_SECONDARY", 0xa2: "NT_CREATE_ANDX",
	0xa4: "NT_CANCEL", 0xa5: "NT_RENAME", 0xc0: "OPEN_PRINT_FILE", 0xc1: "WRITE_PRINT_FILE",
	0xc2: "CLOSE_PRINT_FILE", 0xc3: "GET_PRINT_QUEUE", 0xfe: "INVALID", 0xff: "NO_ANDX_COMMAND",
}

// SMB2 commands ([MS-SMB2] section 2.2.1.2) this dissector reads.
const (
	smb2Negotiate    = 0x0000
	smb2SessionSetup = 0x0001
	smb2TreeConnect  = 0x0003
)

// smb2Names are the SMB2 command names, by command code.
var smb2Names = [...]string{
	"NEGOTIATE", "SESSION_SETUP", "LOGOFF", "TREE_CONNECT", "TREE_DISCONNECT", "CREATE",
	"CLOSE", "FLUSH", "READ", "WRITE", "LOCK", "IOCTL", "CANCEL", "ECHO", "QUERY_DIRECTORY",
	"CHANGE_NOTIFY", "QUERY_INFO", "SET_INFO", "OPLOCK_BREAK", "SERVER_TO_CLIENT_NOTIFICATION",
}

// statusMoreProcessing is STATUS_MORE_PROCESSING_REQUIRED: a session setup
// round that continues, not an error.
const statusMoreProcessing = 0xc0000016

// smb2Dialects names the SMB2 dialect revisions ([MS-SMB2] section 2.2.3).
var smb2Dialects = map[uint16]string{
	0x0202: "2.0.2", 0x0210: "2.1", 0x0222: "2.2.2", 0x0224: "2.2.4", 0x02ff: "2.???",
	0x0300: "3.0", 0x0302: "3.0.2", 0x0310: "3.1", 0x0311: "3.1.1",
}

// dialectName names an SMB2 dialect revision, or shows it in hex.
func dialectName(d uint16) string {
	if n, ok := smb2Dialects[d]; ok {
		return n
	}
	return fmt.Sprintf("0x%04x", d)
}

// shareTypes names the SMB2 TREE_CONNECT response ShareType.
var shareTypes = map[byte]string{1: "disk", 2: "pipe", 3: "print"}
