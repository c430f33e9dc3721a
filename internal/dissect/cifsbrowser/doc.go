// Package cifsbrowser dissects the CIFS browser protocol (MS-BRWS): the
// announcements, elections and backup-list exchanges Windows and Samba hosts
// send as SMB mailslot writes to \MAILSLOT\BROWSE inside NetBIOS datagrams
// on UDP 138.
//
// Each layer is parsed by its own rules rather than by a fixed offset: the
// NetBIOS datagram header and its two encoded names, the SMB header, the
// Transaction request's parameter words (which locate the data), the
// mailslot name, then the browser message.
//
// Messages: one per browser datagram; Code is the browser opcode in decimal
// and Function its MS-BRWS name (see opcodes). Datagrams to other mailslots
// (NETLOGON, LANMAN) are not browser messages. A browser mailslot write
// without data counts with Code "malformed" and Error set; the protocol has
// no error replies otherwise.
//
// Records: one cifs_browser record per browser message; host and local
// master announcements also give an asset_id (name, role).
package cifsbrowser
