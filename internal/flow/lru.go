package flow

// timerList identifies the expiry list a connection sits on. Each list holds
// connections whose deadline is a fixed delay after an event that happens
// in time order (last packet, first SYN, close), so every list stays sorted
// by deadline and expiry only ever looks at list fronts.
type timerList uint8

const (
	listNone       timerList = iota
	listTCP                  // TCPInactivity after the last packet
	listTCPAttempt           // TCPAttempt after the first SYN, while unanswered
	listTCPClose             // TCPClose after the close completed (FINs)
	listTCPReset             // TCPReset after the close completed by a RST
	listUDP                  // UDPInactivity after the last packet
	listICMP                 // ICMPInactivity after the last packet
	numLists
)

// connList is an intrusive doubly-linked list of connections.
type connList struct {
	head, tail *conn
	n          int
}

func (l *connList) pushBack(c *conn) {
	c.prev, c.next = l.tail, nil
	if l.tail != nil {
		l.tail.next = c
	} else {
		l.head = c
	}
	l.tail = c
	l.n++
}

func (l *connList) remove(c *conn) {
	if c.prev != nil {
		c.prev.next = c.next
	} else {
		l.head = c.next
	}
	if c.next != nil {
		c.next.prev = c.prev
	} else {
		l.tail = c.prev
	}
	c.prev, c.next = nil, nil
	l.n--
}

// place puts c on list id with the given deadline. A connection already on
// that list keeps its position unless moveToBack is set (inactivity lists
// move a connection to the back on every packet; the attempt and close
// lists keep the deadline they were entered with, as Zeek's timers do).
func (t *Table) place(c *conn, id timerList, deadline int64, moveToBack bool) {
	if c.list == id && !moveToBack {
		return
	}
	if c.list != listNone {
		t.lists[c.list].remove(c)
	}
	c.list = id
	c.deadline = deadline
	t.lists[id].pushBack(c)
}

// unlist takes c off its expiry list.
func (t *Table) unlist(c *conn) {
	if c.list != listNone {
		t.lists[c.list].remove(c)
		c.list = listNone
	}
}
