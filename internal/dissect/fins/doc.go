// Package fins dissects OMRON FINS (Factory Interface Network Service):
// FINS frames over UDP (port 9600) and over FINS/TCP (port 9600, a 16-byte
// "FINS" header in front of each frame). Layouts and codes follow OMRON's
// FINS Commands Reference Manual (W227) and the CS/CJ Communications
// Commands manual (W342).
//
// A FINS frame is a 10-byte header — ICF (bit 6: response), RSV, GCT
// (gateway count), DNA/DA1/DA2 (destination network, node, unit), SNA/SA1/
// SA2 (source), SID (service id) — then MRC/SRC (command code, 2 bytes) and,
// in responses, MRES/SRES (end code, 2 bytes), then data.
package fins
