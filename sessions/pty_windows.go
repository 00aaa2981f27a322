package sessions

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

// conPTY is a command in a Windows pseudo console (ConPTY). The console reads the
// keystrokes written to one pipe (C-c there is the console's Ctrl+C event) and writes the
// screen, as VT sequences, to another. The command, and whatever it starts, is kept in a
// job object, so that Kill ends them all.
type conPTY struct {
	in      *os.File       // our end of the console's input pipe
	out     *os.File       // our end of the console's output pipe
	process windows.Handle // the command
	job     windows.Handle // the command and its children; 0 where jobs are not available
	pid     int

	mu      sync.Mutex     // guards console, job and process; held while the console closes
	console windows.Handle // the pseudo console; 0 once closed
}

// startPTY starts argv in a new pseudo console of the given size.
func startPTY(argv []string, dir string, env []string, cols, rows int) (ptyProcess, error) {
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", argv[0], err)
	}
	block, err := envBlock(env)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", argv[0], err)
	}
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("open console: %w", err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, fmt.Errorf("open console: %w", err)
	}
	p := &conPTY{in: inW, out: outR}
	err = windows.CreatePseudoConsole(coord(cols, rows), windows.Handle(inR.Fd()), windows.Handle(outW.Fd()), 0, &p.console)
	// The console holds its own copies of its ends of the pipes.
	inR.Close()
	outW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		return nil, fmt.Errorf("open console: %w", err)
	}
	if err := p.start(path, argv, dir, block); err != nil {
		p.closeConsole()
		p.in.Close()
		p.out.Close()
		return nil, fmt.Errorf("start %s: %w", argv[0], err)
	}
	return p, nil
}

// start creates the command's process in the console, suspended until it is in the job.
func (p *conPTY) start(path string, argv []string, dir string, env []uint16) error {
	attrs, err := windows.NewProcThreadAttributeList(1)
	if err != nil {
		return err
	}
	defer attrs.Delete()
	// The attribute's value is the console handle itself, not a pointer to it.
	r, _, err := procUpdateProcThreadAttribute.Call(uintptr(unsafe.Pointer(attrs.List())), 0,
		windows.PROC_THREAD_ATTRIBUTE_PSEUDOCONSOLE, uintptr(p.console), unsafe.Sizeof(p.console), 0, 0)
	if r == 0 {
		return fmt.Errorf("attach to console: %w", err)
	}
	si := windows.StartupInfoEx{ProcThreadAttributeList: attrs.List()}
	si.Cb = uint32(unsafe.Sizeof(si))
	// No standard handles of ours: the command gets the console's (otherwise a child of a
	// process whose output is redirected may write there instead of to the console).
	si.Flags = windows.STARTF_USESTDHANDLES

	cmdline := commandLine(argv)
	if underWine() {
		path, cmdline, env = wineLauncher(path, cmdline, env)
	}
	app, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return err
	}
	line, err := windows.UTF16PtrFromString(cmdline)
	if err != nil {
		return err
	}
	var cwd *uint16
	if dir != "" {
		if cwd, err = windows.UTF16PtrFromString(dir); err != nil {
			return err
		}
	}
	var pi windows.ProcessInformation
	flags := uint32(windows.EXTENDED_STARTUPINFO_PRESENT | windows.CREATE_UNICODE_ENVIRONMENT | windows.CREATE_SUSPENDED)
	if err := windows.CreateProcess(app, line, nil, nil, false, flags, &env[0], cwd, &si.StartupInfo, &pi); err != nil {
		return err
	}
	defer windows.CloseHandle(pi.Thread)
	p.process, p.pid = pi.Process, int(pi.ProcessId)
	p.job = newKillJob(pi.Process)
	if _, err := windows.ResumeThread(pi.Thread); err != nil {
		p.Kill()
		windows.CloseHandle(p.process)
		return err
	}
	return nil
}

// newKillJob puts process in a new job object that ends every process in it when it is
// closed (also when Duet itself ends), and returns it; 0 if that is not possible.
func newKillJob(process windows.Handle) windows.Handle {
	job, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return 0
	}
	var info windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION
	info.BasicLimitInformation.LimitFlags = windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
	_, err = windows.SetInformationJobObject(job, windows.JobObjectExtendedLimitInformation,
		uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info)))
	if err == nil {
		err = windows.AssignProcessToJobObject(job, process)
	}
	if err != nil {
		windows.CloseHandle(job)
		return 0
	}
	return job
}

var procUpdateProcThreadAttribute = windows.NewLazySystemDLL("kernel32.dll").NewProc("UpdateProcThreadAttribute")

func coord(cols, rows int) windows.Coord {
	return windows.Coord{X: int16(min(cols, 0x7fff)), Y: int16(min(rows, 0x7fff))}
}

func (p *conPTY) Read(b []byte) (int, error)  { return p.out.Read(b) }
func (p *conPTY) Write(b []byte) (int, error) { return p.in.Write(b) }
func (p *conPTY) Pid() int                    { return p.pid }

// Recordable: see echo_other.go (a pseudo console does not say whether it echoes).
func (p *conPTY) Recordable() bool { return recordable(p.out) }

// Resize resizes the console. Wine does not implement ResizePseudoConsole: there the
// console keeps its size, and the session goes on.
//
// The session calls it with its lock held, and closing the console waits for the
// session's reader, which may be waiting for that lock: so a console being closed is not
// waited for but left as it is (the session calls Resize one at a time, so closing is
// the only other holder of p.mu).
func (p *conPTY) Resize(cols, rows int) error {
	if !p.mu.TryLock() {
		return nil
	}
	defer p.mu.Unlock()
	if p.console == 0 {
		return nil
	}
	err := windows.ResizePseudoConsole(p.console, coord(cols, rows))
	if err == syscall.Errno(windows.E_NOTIMPL) && underWine() {
		return nil
	}
	return err
}

// Wait waits for the command, then closes the console: it writes what it still holds and
// ends its output, which a console never does by itself while it is open.
func (p *conPTY) Wait() Exit {
	windows.WaitForSingleObject(p.process, windows.INFINITE)
	var code uint32
	err := windows.GetExitCodeProcess(p.process, &code)
	p.closeConsole()
	if err != nil {
		return Exit{Code: 255, Desc: "exit status unknown: " + err.Error()}
	}
	return exitCode(code)
}

// exitCode describes a Windows exit code; those of an NTSTATUS (a crash, or Ctrl+C's
// STATUS_CONTROL_C_EXIT) in hex, as Windows tools show them.
func exitCode(code uint32) Exit {
	switch {
	case code == 0xC000013A:
		return Exit{Code: int(code), Desc: "interrupted (exit status 0xC000013A)"}
	case code >= 0xC0000000:
		return Exit{Code: int(code), Desc: fmt.Sprintf("exit status 0x%X", code)}
	}
	return Exit{Code: int(code), Desc: fmt.Sprintf("exit status %d", code)}
}

// Hangup closes the console, as closing a console window does: its processes get the
// close event (CTRL_CLOSE_EVENT) and end.
func (p *conPTY) Hangup() { p.closeConsole() }

// Kill ends the command and everything in its job.
func (p *conPTY) Kill() {
	if p.job != 0 {
		windows.TerminateJobObject(p.job, 1)
		return
	}
	windows.TerminateProcess(p.process, 1)
}

// Close closes the console and the pipes, and lets go of the process.
func (p *conPTY) Close() error {
	p.closeConsole()
	p.in.Close()
	err := p.out.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.job != 0 {
		windows.CloseHandle(p.job)
		p.job = 0
	}
	if p.process != 0 {
		windows.CloseHandle(p.process)
		p.process = 0
	}
	return err
}

// closeConsole closes the pseudo console once. It may wait until its last output is read.
func (p *conPTY) closeConsole() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.console != 0 {
		windows.ClosePseudoConsole(p.console)
		p.console = 0
	}
}

// commandLine joins argv into a Windows command line. cmd.exe does not follow the usual
// quoting rules: what follows its /c or /k is passed as typed.
func commandLine(argv []string) string {
	base := strings.ToLower(argv[0][strings.LastIndexAny(argv[0], `\/`)+1:])
	if (base == "cmd" || base == "cmd.exe") && len(argv) > 2 && (strings.EqualFold(argv[1], "/c") || strings.EqualFold(argv[1], "/k")) {
		return windows.EscapeArg(argv[0]) + " " + argv[1] + " " + strings.Join(argv[2:], " ")
	}
	return windows.ComposeCommandLine(argv)
}

// envBlock makes the environment block CreateProcess takes: each NAME=value once (the last
// one given wins; names are case-insensitive), sorted by name, NUL-separated, ending in
// an empty string.
func envBlock(env []string) ([]uint16, error) {
	last := map[string]string{}
	for _, kv := range env {
		if strings.IndexByte(kv, 0) >= 0 {
			return nil, fmt.Errorf("environment variable %q contains a NUL", kv)
		}
		name := kv
		if i := strings.IndexByte(kv[min(1, len(kv)):], '='); i >= 0 {
			name = kv[:i+min(1, len(kv))] // a leading '=' belongs to the name (=C:=C:\)
		}
		last[strings.ToUpper(name)] = kv
	}
	keys := make([]string, 0, len(last))
	for k := range last {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b []uint16
	for _, k := range keys {
		u, err := windows.UTF16FromString(last[k]) // with its NUL
		if err != nil {
			return nil, err
		}
		b = append(b, u...)
	}
	if len(b) == 0 {
		b = append(b, 0)
	}
	return append(b, 0), nil
}

// isPTYClosed reports whether err from reading the console means it is gone: a closed
// pipe (Go reports the broken pipe as io.EOF).
func isPTYClosed(err error) bool {
	return errors.Is(err, os.ErrClosed) || errors.Is(err, windows.ERROR_BROKEN_PIPE)
}

// underWine reports whether this Windows program runs under Wine (whose ntdll has
// wine_get_version), where some console calls are missing.
var underWine = sync.OnceValue(func() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
})
