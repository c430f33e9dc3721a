// Package slmp dissects Mitsubishi Electric's PLC protocols on IP:
//
//   - SLMP / MC protocol (dissect.NameSLMP): 3E and 4E frames, binary and
//     ASCII, over TCP and UDP (Spec). The layouts and command codes follow
//     Mitsubishi's public manuals "SLMP Reference Manual" (SH-080956ENG,
//     chapters 4 "Message format" and 5 "Commands") and "MELSEC
//     Communication Protocol Reference Manual" (SH-080008, chapter 3 "MC
//     protocol frames");
//   - MELSOFT (dissect.NameMELSOFT), the GX Works engineering protocol on
//     TCP 5007 and UDP 5560 (SpecMELSOFT). Mitsubishi publishes no
//     description; what is decoded is documented in melsoft.go.
package slmp
