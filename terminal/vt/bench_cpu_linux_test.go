//go:build linux

package vt

import (
	"runtime"
	"syscall"
	"testing"
	"time"
)

// rusageThread is Linux's RUSAGE_THREAD: the calling thread's usage only.
const rusageThread = 1

// BenchmarkThreadCPU measures Write throughput by the thread's own CPU time (Linux
// RUSAGE_THREAD), which other load on the machine disturbs less than wall time.
func BenchmarkThreadCPU(b *testing.B) {
	for _, in := range benchInputs {
		b.Run(in.name, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			s := New(120, 40, Options{})
			s.Write(in.data)
			cpu := func() time.Duration {
				var ru syscall.Rusage
				syscall.Getrusage(rusageThread, &ru)
				return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
			}
			b.ResetTimer()
			start := cpu()
			for range b.N {
				s.Write(in.data)
			}
			used := cpu() - start
			b.ReportMetric(float64(len(in.data)*b.N)/used.Seconds()/1e6, "cpuMB/s")
		})
	}
}
