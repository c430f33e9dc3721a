package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// isTerminal reports whether w is a terminal, so that progress output never
// ends up in logs or pipes.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// progressBar draws how much of a file has been read, at most a few times a
// second.
type progressBar struct {
	w     io.Writer
	name  string
	total int64
	read  int64
	last  time.Time
}

func newProgressBar(w io.Writer, name string, total int64) *progressBar {
	return &progressBar{w: w, name: name, total: total}
}

type countingReader struct {
	r   io.Reader
	bar *progressBar
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.bar.add(int64(n))
	return n, err
}

func (b *progressBar) reader(r io.Reader) io.Reader { return countingReader{r, b} }

func (b *progressBar) add(n int64) {
	b.read += n
	if now := time.Now(); now.Sub(b.last) > 200*time.Millisecond {
		b.last = now
		b.draw()
	}
}

func (b *progressBar) draw() {
	const width = 30
	frac := 1.0
	if b.total > 0 {
		frac = min(1, float64(b.read)/float64(b.total))
	}
	full := int(frac * width)
	bar := make([]byte, width)
	for i := range bar {
		if i < full {
			bar[i] = '#'
		} else {
			bar[i] = '.'
		}
	}
	fmt.Fprintf(b.w, "\r%-30.30s [%s] %5.1f%% %d MiB", b.name, bar, frac*100, b.read>>20)
}

// done draws the final state and ends the line; safe on a nil bar.
func (b *progressBar) done() {
	if b == nil {
		return
	}
	b.draw()
	fmt.Fprintln(b.w)
}
