; otsight built-in TCP stack signatures, in p0f v3 format (see
; docs/fingerprinting.md). Written for otsight; every label names its
; evidence. Capture references are files under shared/pcaps; the raw
; signatures quoted are what p0f 3.09b and otsight print for them.
;
; ";@conf low|medium|high" grades the label above it (a comment to p0f,
; so this file also loads into p0f itself):
;   high    documented default of that system AND seen from several
;           independent devices in the shared captures
;   medium  documented default, or seen from several devices, not both
;   low     one device or indirect evidence; a plausible attribution only
;
; This set complements p0f's 2016 database: it adds stacks that file lacks
; (Windows 10/11 and Server 2016+, Linux 4.19 and later, industrial
; controllers) and leaves desktop systems p0f knows to p0f.fp.

classes = win,unix,other

[tcp:request]

; Windows 10/11, Server 2016/2019/2022. These stacks open with a receive
; window of 64240 (44 x 1460) and window scale 8, the widely reported SYN of
; Windows 10 (1607 and later) and its Server siblings; Windows 7/8 sent
; 8192,8 (p0f.fp). Microsoft documents receive-window auto-tuning, not this
; value: the captures below are the verified evidence. Option order mss,nop,ws,nop,nop,sok is
; the Vista-and-later layout. Seen: melsec-slmp engineering station
; 172.17.0.158, opcua client 192.168.11.33 (4:128+0:0:1460:mss*44,8:...).
; 65535,8 is the loopback and large-MSS variant (dnp3/opendnp3_conformance_*
; on 127.0.0.1, MSS 65495). Versions 10, 11 and the Server releases are
; indistinguishable from the SYN alone.
label = s:win:Windows:10/11/Server 2016+
;@conf high
sig   = *:128:0:*:64240,8:mss,nop,ws,nop,nop,sok:df,id+:0
sig   = *:128:0:*:65535,8:mss,nop,ws,nop,nop,sok:df,id+:0

; Windows 2000/XP/Server 2003 with the Ethernet default window: the NT 5
; stack rounds its default window to an even multiple of the MSS (64240 =
; 44 x 1460) and leaves RFC 1323 window scaling off unless configured. Seen: modbus
; MODBUS-TestDataPart1/2 clients 10.0.0.8/.9/.57 and 192.168.66.235,
; attacks/CL5000EIP engineering stations. Windows 7+ with scaling disabled
; can send the same: medium.
label = s:win:Windows:2000/XP/2003
;@conf medium
sig   = *:128:0:*:64240,0:mss,nop,nop,sok:df,id+:0

; Linux 4.19 and later (5.x, 6.x): the SYN's initial receive window is
; 64240 (44 x 1460) with window scale 7 and the mss,sok,ts,nop,ws layout
; (derived from the tcp_rmem defaults in tcp_select_initial_window; reported
; for 5.x and 6.x kernels, the exact first release not verified here). p0f.fp only
; has a generic Linux label for it. Seen: hart-ip client 192.168.122.197,
; modbus-and-non-modbus-p502 scanners 87.236.176.96/.106.
label = s:unix:Linux:4.19 and newer
;@conf high
sig   = *:64:0:*:mss*44,7:mss,sok,ts,nop,ws:df,id+:0

; Siemens SIMATIC S7 (S7-300/400 CPs, S7-1200, S7-1500): initial TTL 30, no
; DF, window 4096, only an MSS option. An initial TTL of 30 is rare and
; characteristic of Siemens' own IP stack (reported in ICS fingerprinting
; work; verified here only through the captures). Seen on SYN from the PLC
; 192.168.1.40 (s7comm_*; MAC 00:1b:1b:23:eb:3b, a Siemens OUI), which
; p0f.fp files as "NMap SYN scan".
label = s:other:Siemens:SIMATIC S7 PLC
;@conf medium
sig   = 4:30:0:*:4096,0:mss::0

[tcp:response]

; Windows 2000/XP/2003, as in the request section. Seen: modbus servers
; 10.0.0.8:502 and 10.0.0.57:4446 (MODBUS-TestDataPart1).
label = s:win:Windows:2000/XP/2003
;@conf medium
sig   = *:128:0:*:64240,0:mss,nop,nop,sok:df,id+:0

; Linux 4.19 and later: SYN+ACK window 65160 (45 x 1448, the MSS less the
; 12 timestamp bytes), scale 7, IP ID zero with DF (Linux sets IP ID 0 on
; SYN+ACKs with DF). Seen: hart-ip server 10.9.0.117, Modbus servers
; 192.168.10.111 and .113 (modbus-and-non-modbus-p502).
label = s:unix:Linux:4.19 and newer
;@conf high
sig   = *:64:0:*:mss*45,7:mss,sok,ts,nop,ws:df:0
; Without timestamps (net.ipv4.tcp_timestamps=0 or a peer without them).
sig   = *:64:0:*:mss*44,7:mss,nop,nop,sok,nop,ws:df:0

; Linux 3.x without timestamps: window 29200 (20 x 1460), scale 7. p0f.fp
; lists the timestamped 3.x responses only. Seen: DNP3 outstation
; 192.168.60.130:20000 (dnp3/*, five captures).
label = s:unix:Linux:3.x
;@conf medium
sig   = *:64:0:*:mss*20,7:mss,nop,nop,sok,nop,ws:df:0

; Siemens SIMATIC S7, as in the request section. Seen: S7-1200
; 192.168.1.191, S7-1500 192.168.25.139, S7-300 192.168.1.40, PROFINET
; device 10.10.10.10 (all port 102): 4:30+2:0:1460:4096,0:mss::0.
label = s:other:Siemens:SIMATIC S7 PLC
;@conf high
sig   = 4:30:0:*:4096,0:mss::0

; Rockwell Logix controllers (ControlLogix/CompactLogix EtherNet/IP
; modules run Wind River VxWorks): TTL 64, DF, window 4096, MSS only or
; mss,nop,ws with scale 0. Seen: 192.168.10.120:44818 (attacks/CL5000EIP),
; 10.1.1.164:44818 (enip-cip/enip_cip_example, 12 hops away).
label = s:other:VxWorks:Rockwell Logix
;@conf medium
sig   = *:64:0:*:4096,0:mss:df,id+:0
sig   = *:64:0:*:4096,0:mss,nop,ws:df,id+:0

; Schneider Modicon (M340/Premium Ethernet modules, VxWorks based): TTL 64,
; no DF, window 4096, mss,nop,ws scale 0. Seen once: 192.168.63.253:502
; (modbus/modicon_test).
label = s:other:VxWorks:Schneider Modicon
;@conf low
sig   = 4:64:0:*:4096,0:mss,nop,ws::0

; Beckhoff TwinCAT controller (Windows CE / Windows Embedded host): TTL 128,
; window 33580 (23 x 1460), scale 0, Vista-style option order. Seen once:
; 192.168.1.8:48898 (other-ot/beckhoff_ads_addroute1).
label = s:win:Windows:Embedded (Beckhoff TwinCAT)
;@conf low
sig   = *:128:0:*:mss*23,0:mss,nop,ws,nop,nop,sok:df,id+:0

; Mitsubishi MELSEC SLMP server: TTL 64, no DF, window 11680 (8 x 1460),
; MSS only. Seen once: 172.17.0.134:5007 (melsec-slmp); the device could
; be an emulator: low.
label = s:other:Mitsubishi:MELSEC
;@conf low
sig   = 4:64:0:*:mss*8,0:mss::0

; Wind River VxWorks and similar small RTOS stacks: TTL 64 or 255, window
; 8192 or 4096, MSS as the only option (VxWorks 5.x/6.x BSD-derived stack
; defaults inherited from 4.4BSD: 8 KiB socket buffers, no RFC 1323 options). Seen:
; S7comm-plus PLC 192.168.0.1 (s7comm_plus), IEC 61850 IED 172.16.202.5
; (Sample_File_MMS_and_GOOSE), Modbus device 141.81.0.86 (mb2). Generic:
; the vendor is not identifiable from these headers.
label = g:other:VxWorks:or similar embedded RTOS
;@conf low
sig   = *:64:0:*:8192,0:mss:df,id+:0
sig   = 4:64:0:*:8192,0:mss::0
sig   = 4:255:0:*:8192,0:mss::0
sig   = 4:255:0:*:4096,0:mss::0
