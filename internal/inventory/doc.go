// Package inventory builds the server's device inventory (SPEC V1-1 … V1-6,
// V4-3) incrementally from the records sensors upload.
//
// # Devices
//
// A device is a local address within a network segment of a sensor: the
// segment is the VLAN ("vlan 10") of tagged traffic, else the capture
// interface label, because plants reuse the same address ranges in
// different cells. Stations without IP (PROFINET RT, CC-Link IE, GOOSE) are
// devices keyed by MAC with the address 0.0.0.0; as soon as one of their
// MACs is bound to an address, what was learnt from the MAC belongs to the
// address's device. Records without an interface label (conn_interval,
// asset_id) find an untagged address's interface segment from the records
// that have one. Global addresses are local when they are in
// Config.LocalNets or a station claimed them on the link (ARP or NDP; from
// that batch on: earlier traffic stays with the Internet device). Other
// global addresses are devices of the segment "internet", or all one
// "Internet" device of the sensor when Config.FoldInternet is set (tenant
// setting S1-1; SetFoldInternet changes it for the batches that follow). Multicast, broadcast (including subnet broadcasts,
// recognised by the broadcast MAC they are sent to), loopback and
// unspecified addresses are never devices.
//
// IP↔MAC bindings are kept as intervals per MAC (a binding unseen for more
// than BindingGap starts a new interval). A binding is claimed when the
// station stated it (ARP, NDP, DHCP acknowledgements, link-local sources,
// asset_id reports) and observed when read off a frame's addresses. A MAC
// that carries the traffic of RouterMinIPv4 IPv4 (or RouterMinIPv6 IPv6)
// addresses is a router's: observed bindings to it are ignored, and the
// router is network infrastructure.
//
// Names come from DNS, mDNS, LLMNR and NBNS answers (attached to every
// local device with the answered address), NBNS registrations, CIFS browser
// announcements, DHCP host names and client FQDNs, DHCPv6 client FQDNs, LLDP
// system names, CDP device IDs and asset_id names (Source is the protocol);
// SSDP and HTTP server strings are OS evidence, not names. OS evidence
// (DHCP and DHCPv6 fingerprints, CIFS browser versions, SSDP headers, LLDP
// and CDP descriptions, asset_id reports) is kept as raw values in the
// form of osguess.Evidence and combined by osguess.Combine into
// Device.OSGuess, with its confidence and the part each value played.
//
// # Roles
//
// Roles are derived from behaviour, each with the sentences that justify
// it; a device's Role is the first that applies in this order:
//
//   - engineering_workstation: sent at least EngineeringMinOps program
//     transfer (upload/download, program areas, firmware, files) or
//     run/stop/reset/mode-change requests, or served the blocks a
//     controller pulls in an S7 download.
//   - hmi_scada: sent OT read or write requests to at least
//     HMIMinControllers distinct devices, or identifies itself as an HMI.
//   - historian: serves a database (SQL Server, Oracle, MySQL, PostgreSQL,
//     InfluxDB, PI) to a device that sends OT requests.
//   - plc (PLC or field device): answered at least PLCMinAnswered OT
//     requests other than cyclic data (and is not an I/O device), pulled
//     program blocks in an S7 download, or identifies itself as a PLC,
//     controller or master station.
//   - io_device: sends cyclic I/O data and no read, write, control or
//     program requests (answering its controller's connection and
//     parameter requests is allowed; connection management such as
//     PROFINET CM Control is not a request here), or identifies itself as
//     I/O. A station that identifies itself as a PLC or master is not an
//     I/O device.
//   - network_infrastructure: LLDP/CDP bridge/router/switch/AP
//     capabilities, spanning tree BPDUs, a router MAC, routing protocols
//     (VRRP, OSPF, PIM, EIGRP, CARP), or identifies itself as a switch or
//     router.
//   - dns_server, dhcp_server, ntp_server: answered DNS or NTP, sent DHCP
//     offers or acknowledgements.
//
// Type is client (only originates), server (only answers), both, or empty.
//
// # Importance
//
// Importance (V4-3) is a weighted PageRank on the undirected communication
// graph of a sensor's devices. The weight of the link between two devices
// is the sum, over both directions, of
//
//	w = c × (1 + log10(1 + n))
//
// where c is the highest criticality of the operations on that direction —
// WeightManage (6) for program transfer and run/stop/mode control,
// WeightWrite (4) for writes and commands, WeightRead (2) for reads, cyclic
// I/O and other OT messages, WeightIT (1) for IT connections — and n the
// number of OT operations and connections in that direction. With damping d =
// ImportanceDamping (0.85) and N devices, starting from 1/N,
//
//	PR(v) = (1-d)/N + d × D/N + d × Σ_u PR(u) × w(u,v) / W(u)
//
// for ImportanceIterations (50) iterations, W(u) being the total weight of
// u's links and D the rank held by devices without links. The score is
// round(100 × PR(v) / max PR) per sensor: devices that exchange critical
// operations with many others score high. It is deterministic: nodes are
// visited in key order and the iteration count is fixed.
//
// # Limits
//
// At Config.MaxDevicesPerSensor devices (default 1,500, SPEC section 6) no
// device is created for that sensor; known devices keep updating. Add
// returns a device_limit Event when the limit is first hit and then at
// most once per LimitLogInterval of record time while devices are refused.
package inventory
