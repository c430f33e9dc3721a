// Package telnet dissects Telnet (RFC 854) on TCP 23: it removes the
// in-band commands (IAC sequences, option negotiation RFC 855) and keeps the
// server's first printable text and its login prompt, which name many
// devices (switches, PLC gateways, serial servers) and their software.
// Nothing the client types is kept.
//
// Messages: one per Telnet command (IAC followed by a command byte other
// than IAC), Code the command in decimal (251 WILL, 252 WONT, 253 DO,
// 254 DONT, 250 SB … 240 SE, 241 NOP, 244 IP, 246 AYT …), Function its
// name (see cmdNames). A subnegotiation SB … SE counts as two messages, SB
// and SE, as tshark's telnet.cmd does. Data bytes are not messages.
// Commands from the client are requests, from the server responses.
//
// Records: one telnet record per session (record.Telnet).
package telnet

import (
	"strconv"

	"github.com/otsight/otsight/internal/dissect"
)

// Spec is Telnet on TCP 23. There is no heuristic: a session need not start
// with option negotiation.
var Spec = &dissect.Spec{
	Name: dissect.NameTelnet, TCPPorts: []uint16{23},
	New: func() dissect.Parser { return &parser{} },
}

// Telnet command bytes (RFC 854, "TELNET COMMAND STRUCTURE").
const (
	cmdSE   = 240
	cmdSB   = 250
	cmdWILL = 251
	cmdWONT = 252
	cmdDO   = 253
	cmdDONT = 254
	cmdIAC  = 255
)

// cmdNames are the command names of RFC 854 (EOR: RFC 885).
var cmdNames = map[uint8]string{
	239: "eor", 240: "se", 241: "nop", 242: "data_mark", 243: "break",
	244: "interrupt_process", 245: "abort_output", 246: "are_you_there",
	247: "erase_character", 248: "erase_line", 249: "go_ahead", 250: "sb",
	251: "will", 252: "wont", 253: "do", 254: "dont",
}

// optionNames are the option names of the IANA Telnet options registry
// for the options devices commonly negotiate.
var optionNames = map[uint8]string{
	0: "binary", 1: "echo", 3: "suppress_go_ahead", 5: "status", 6: "timing_mark",
	24: "terminal_type", 31: "naws", 32: "terminal_speed", 33: "remote_flow_control",
	34: "linemode", 35: "x_display_location", 36: "environment", 37: "authentication",
	38: "encryption", 39: "new_environment", 44: "com_port_control",
}

// Static strings per byte value, so that a message costs no allocation.
var (
	cmdCode [256]string
	cmdFunc [256]string
	optName [256]string
)

func init() {
	for i := range 256 {
		cmdCode[i] = strconv.Itoa(i)
		cmdFunc[i] = "unknown"
		if n, ok := cmdNames[uint8(i)]; ok {
			cmdFunc[i] = n
		}
		optName[i] = strconv.Itoa(i)
		if n, ok := optionNames[uint8(i)]; ok {
			optName[i] = n
		}
	}
}
