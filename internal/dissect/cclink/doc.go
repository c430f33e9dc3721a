// Package cclink dissects the CC-Link IE family of the CC-Link Partner
// Association (CLPA), which Mitsubishi Electric PLC networks use:
//
//   - CC-Link IE Field Basic (dissect.NameCCLinkIEFBasic): cyclic
//     master/slave exchange over UDP 61450/61451 (SpecFieldBasic);
//   - CC-Link IE Field and Control (dissect.NameCCLinkIE): layer-2 frames
//     with Ethertype 0x890F (SpecIE), whose TSN frame types C0–C5 and TSN test
//     data are reported as dissect.NameCCLinkIETSN;
//   - CC-Link IE TSN (dissect.NameCCLinkIETSN): its SLMP network management
//     over UDP 45238/45239 and its time synchronisation (PTP, Ethertype
//     0x88F7) (SpecTSN).
//
// The field layouts and code tables follow the public descriptions of the
// NTT Communications OsecT parsers (nttcom/zeek-parser-CCLinkFieldBasic,
// -CCLinkIENoIP, -CCLinkTSNSLMP, -CCLinkTSNPTP), which were checked against
// the shared captures; the tables here are written independently from those
// facts.
package cclink
