//go:build !windows

package host

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/duetpair/duet/terminal/vt"
)

// The benchmarks compare Duet's host with OpenSSH sshd + `tmux attach`, both on loopback
// with the same Go SSH client, in one run (SPEC section 9). They report their own
// metrics; run them with -benchtime=1x (make bench does).

const echoSamples = 300

// BenchmarkEcho measures keystroke echo: a key sent by a partner, through the host, to
// `cat` in a raw terminal and back; for Duet with the partner's status line (drawn as
// the partner types: it shows who types) and without.
func BenchmarkEcho(b *testing.B) {
	for _, name := range []string{"duet", "duet-nostatus", "tmux"} {
		b.Run(name, func(b *testing.B) {
			s := newSide(b, name)
			s.start(b, "echo", "stty raw -echo; echo READY; exec cat")
			c, ready := s.join(b, "echo", "READY")
			defer c.close()
			await(b, ready, "the echo program")
			var lat []time.Duration
			for b.Loop() {
				for i := range echoSamples {
					if i%40 == 39 {
						c.stdin.Write([]byte("\r")) // back to column 0, not measured
					}
					// A letter that differs from the one under the cursor.
					k := string(rune('a' + (i+i/40)%26))
					got := c.out.expect(k)
					t0 := time.Now()
					c.stdin.Write([]byte(k))
					await(b, got, "an echo")
					lat = append(lat, time.Since(t0))
				}
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(lat[len(lat)*9/10].Microseconds()), "p90-µs")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// throughputFile writes the text the throughput benchmark prints: lines of 80 characters.
func throughputFile(b *testing.B, size int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "text")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for n, i := 0, 0; n < size; i++ {
		line := fmt.Sprintf("%08d the quick brown fox jumps over the lazy dog 0123456789 abcdefghijklmn\n", i)
		w.WriteString(line)
		n += len(line)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	return path
}

// BenchmarkThroughput measures output throughput: `cat` of 32 MB, until every partner
// (1 or 8) has seen the end of it.
func BenchmarkThroughput(b *testing.B) {
	const size = 32 << 20
	file := throughputFile(b, size)
	for _, name := range sideNames {
		for _, tc := range []struct {
			partners int
			stalled  bool
		}{{1, false}, {8, false}, {1, true}} {
			partners := tc.partners
			label := "/partners=" + strconv.Itoa(partners)
			if tc.stalled {
				label += "+stalled"
			}
			b.Run(name+label, func(b *testing.B) {
				s := newSide(b, name)
				var best float64
				var bestCPU time.Duration
				run := 0
				for b.Loop() {
					// The best of three: the machine is shared, and a run can only be slowed.
					for range 3 {
						mbs, cpu := throughputRun(b, s, file, size, partners, tc.stalled, "tp"+strconv.Itoa(run))
						run++
						if mbs > best {
							best, bestCPU = mbs, cpu
						}
					}
				}
				b.ReportMetric(best, "MB/s")
				// CPU of this process (the host and, for both sides, the Go clients).
				b.ReportMetric(float64(bestCPU.Milliseconds()), "cpu-ms")
				b.ReportMetric(0, "ns/op")
			})
		}
	}
}

// BenchmarkThroughputRecording is what recording costs: one partner's throughput with the
// session recorded (to a file on the same disk) and without, in the same run.
func BenchmarkThroughputRecording(b *testing.B) {
	const size = 32 << 20
	file := throughputFile(b, size)
	for _, rec := range []bool{false, true} {
		b.Run(map[bool]string{false: "off", true: "on"}[rec], func(b *testing.B) {
			d := newDuetSide(b)
			if rec {
				d.record = b.TempDir()
			}
			var best float64
			run := 0
			for b.Loop() {
				for range 3 {
					mbs, _ := throughputRun(b, d, file, size, 1, false, "rec"+strconv.Itoa(run))
					run++
					best = max(best, mbs)
				}
			}
			b.ReportMetric(best, "MB/s")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// throughputRun starts `cat file` in a new terminal named term with partners attached
// (and one more that stops reading, if stalled), and returns the MB/s until every partner
// saw its end, and the CPU this process used.
func throughputRun(b *testing.B, s side, file string, size, partners int, stalled bool, term string) (float64, time.Duration) {
	s.start(b, term, "echo READY; read x; cat "+file+"; echo ZZ''END; read y")
	if stalled {
		c, ready := s.join(b, term, "READY")
		await(b, ready, "the program")
		release := make(chan struct{})
		c.out.stallUntil(release)
		defer func() {
			close(release)
			c.close()
		}()
	}
	var clients []*benchClient
	for range partners {
		c, ready := s.join(b, term, "READY")
		defer c.close()
		await(b, ready, "the program")
		clients = append(clients, c)
	}
	var ends []<-chan struct{}
	for _, c := range clients {
		ends = append(ends, c.out.expect("ZZEND"))
	}
	var ru0, ru1 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	t0 := time.Now()
	clients[0].stdin.Write([]byte("\r"))
	for _, end := range ends {
		await(b, end, "the end of the output")
	}
	wall := time.Since(t0)
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	cpu := time.Duration(ru1.Utime.Nano() + ru1.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano())
	return float64(size) / 1e6 / wall.Seconds(), cpu
}

// BenchmarkLateJoin measures a partner joining a session showing a full screen of colour:
// from dialling to the whole screen drawn.
func BenchmarkLateJoin(b *testing.B) {
	const samples = 20
	script := `printf '\033[?1049h'; i=1; while [ $i -le 23 ]; do ` +
		`printf '\033[%d;1H\033[3%dm%s\033[1;4%dm%s\033[m' $i $((i%8)) "row $i colour text" $(((i+3)%8)) " with a background and some more words"; ` +
		`i=$((i+1)); done; printf '\033[24;1HLATE''JOIN'; read x`
	for _, name := range sideNames {
		b.Run(name, func(b *testing.B) {
			s := newSide(b, name)
			s.start(b, "late", script)
			first, ready := s.join(b, "late", "LATEJOIN")
			defer first.close()
			await(b, ready, "the screen")
			var lat []time.Duration
			for b.Loop() {
				for range samples {
					t0 := time.Now()
					c, drawn := s.join(b, "late", "LATEJOIN")
					await(b, drawn, "the late partner's screen")
					lat = append(lat, time.Since(t0))
					c.close()
				}
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkLateJoinHistory measures a partner joining a session after 5000 lines of
// 80-column output: from dialling to the screen drawn, which on Duet comes after the
// session's scrollback (the partner's terminal gets it in its own scrollback); tmux
// attach draws the screen only (the history stays in the tmux server). kB is what the
// partner received.
func BenchmarkLateJoinHistory(b *testing.B) {
	const samples = 20
	script := `seq -f '%05g the quick brown fox jumps over the lazy dog 0123456789 abcdefghijklmn' 1 5000; ` +
		`printf 'LATE''JOIN'; read x`
	for _, name := range sideNames {
		b.Run(name, func(b *testing.B) {
			s := newSide(b, name)
			s.start(b, "history", script)
			first, ready := s.join(b, "history", "LATEJOIN")
			defer first.close()
			await(b, ready, "the screen")
			var lat []time.Duration
			var received int64
			for b.Loop() {
				for range samples {
					t0 := time.Now()
					c, drawn := s.join(b, "history", "LATEJOIN")
					await(b, drawn, "the late partner's screen")
					lat = append(lat, time.Since(t0))
					c.out.mu.Lock()
					received = c.out.n
					c.out.mu.Unlock()
					c.close()
				}
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(received)/1000, "kB")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkRepaint200x60 measures the host's CPU for one late join's repaint: a 200x60
// screen full of coloured text (SPEC: under 1 ms).
func BenchmarkRepaint200x60(b *testing.B) {
	s := vt.New(200, 60, vt.Options{})
	for y := range 60 {
		fmt.Fprintf(s, "\033[%d;1H", y+1)
		for x := 0; x < 200; x += 20 {
			fmt.Fprintf(s, "\033[3%d;4%dm%-20s", (x/20+y)%8, (x/20+y+3)%8, fmt.Sprintf("cell %d,%d", x, y))
		}
	}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = s.AppendRepaint(buf[:0])
	}
	b.ReportMetric(float64(len(buf)), "bytes")
}
