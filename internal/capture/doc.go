// Package capture provides the sensor's packet sources: capture files and
// live Linux interfaces. Both hand out frames without copying or allocating:
// a frame is a slice of the source's own memory, valid until the next call
// to Next.
//
// # Files
//
// OpenFile and OpenReader read classic pcap (microsecond or nanosecond
// timestamps, either byte order, and the "modified" variant) and pcapng
// (any number of sections, each with its own byte order; any number of
// interfaces, each with its own link type, if_tsresol and if_tsoffset;
// enhanced, simple and obsolete packet blocks; other blocks skipped). The
// format is told by the magic number, never by the file name. Frames come
// out of one buffer of up to 1 MiB filled by large reads.
//
// Every frame has Info.Iface 0: a file is one input, whatever interfaces a
// pcapng file describes. Link types the decoder does not know are passed
// through in Info.Link rather than rejected; the decoder counts them.
// Timestamps are converted to nanoseconds. A simple packet block has none and
// repeats the previous frame's.
//
// A damaged file yields the frames before the damage, then a *FileError
// naming the file and the byte offset of the bad record, then io.EOF. A file
// cut short (the fate of a capture whose writer was killed) gives an error
// wrapping io.ErrUnexpectedEOF; lengths no writer produces (a frame over
// 256 KiB, a block over 16 MiB) are reported as corruption rather than
// trusted. Input that is not a capture at all fails to open with an error
// wrapping ErrNotCapture.
//
// # Live interfaces
//
// OpenLive captures on one or more interfaces, each with a label (the
// production line or plant area its mirror port covers), through AF_PACKET
// sockets with TPACKET_V3 receive rings, written in pure Go on
// golang.org/x/sys/unix: no cgo, no libpcap. The sockets only receive: no
// transmit ring exists, nothing is ever written to them, and frames the
// host itself sends are ignored. Interfaces are put in promiscuous mode.
//
// One goroutine per interface waits (poll(2)) for the kernel to fill the
// next block of its ring and passes the block over a channel; the single
// consumer calling Next reads the frames in place, in the ring, and gives the
// block back to the kernel when it moves past it. Info.Iface is the
// interface's position in LiveConfig.Interfaces. The kernel takes the
// outermost VLAN tag out of the frame on receipt; the reader writes it back
// in front of the frame, in the ring, so the decoder sees the frame as it
// was on the wire.
//
// Stats reports, per interface, the frames the kernel delivered, the frames
// it dropped because the ring was full, and how often the ring froze. A
// warning is logged for an interface that has IP addresses or is down: a
// mirror port has no address and must be up.
//
// # Concurrency
//
// Next is called by one goroutine. Stats may be called from any goroutine.
// Close may be called from any goroutine too, for a live source also to end
// a Next that is waiting; frames returned earlier must not be used after
// Close.
package capture
