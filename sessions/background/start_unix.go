//go:build !windows

package background

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// startTimeout bounds how long a background host takes to serve what it was handed.
const startTimeout = 20 * time.Second

// BackgroundFlag is the flag of `duet host` that makes it a background host: it reads a
// Handoff (the manifest on standard input, the files from descriptor 3 on) and runs
// [Run]. Only the window starts it so.
const BackgroundFlag = "--background"

// Start starts a background host, `exe host --background --config-dir dir` with env,
// in a session of its own (no terminal's hangup reaches it), and hands it ho. It returns
// once the background host serves the sessions; ho's files are the caller's copies, to
// close. The background host logs to background.log in dir.
func Start(exe, dir string, env []string, ho *Handoff) (*os.Process, error) {
	logf, err := os.OpenFile(filepath.Join(dir, LogName), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	manifest, err := json.Marshal(ho)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "host", BackgroundFlag, "--config-dir", dir)
	cmd.Env = env
	cmd.Dir = "/"
	cmd.Stdin = strings.NewReader(string(manifest))
	cmd.Stderr = logf
	cmd.ExtraFiles = ho.files()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start a background duet host: %w", err)
	}
	ready := make(chan error, 1)
	go func() { // ends when the background host closes its standard output, or dies
		line, err := bufio.NewReader(out).ReadString('\n')
		switch {
		case strings.HasPrefix(line, "ready"):
			ready <- nil
		case err != nil:
			ready <- errors.New("the background duet host stopped before it served the sessions (see " + LogName + " in the config dir)")
		default:
			ready <- fmt.Errorf("the background duet host said %q", strings.TrimSpace(line))
		}
	}()
	t := time.NewTimer(startTimeout)
	defer t.Stop()
	select {
	case err = <-ready:
	case <-t.C:
		err = errors.New("the background duet host did not start in time")
	}
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, err
	}
	return cmd.Process, nil
}

// ReadHandoff reads what [Start] hands a background host: the manifest from stdin, the
// files from descriptor 3 on.
func ReadHandoff(stdin *os.File) (*Handoff, error) {
	var ho Handoff
	if err := json.NewDecoder(stdin).Decode(&ho); err != nil {
		return nil, fmt.Errorf("read the handoff: %w", err)
	}
	files := make([]*os.File, 0, 1+len(ho.Sessions))
	for i := range 1 + len(ho.Sessions) {
		fd := 3 + i
		syscall.CloseOnExec(fd)
		files = append(files, os.NewFile(uintptr(fd), fmt.Sprintf("handoff-%d", i)))
	}
	if err := ho.setFiles(files); err != nil {
		return nil, err
	}
	return &ho, nil
}
