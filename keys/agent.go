package keys

import (
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// EnvAgentSocket names the environment variable that holds the ssh-agent's socket.
const EnvAgentSocket = "SSH_AUTH_SOCK"

// agentDialTimeout bounds connecting to the agent, which is local.
const agentDialTimeout = 3 * time.Second

// AgentSigners connects to the ssh-agent listening on the Unix socket sock (usually
// $SSH_AUTH_SOCK) and returns the keys it holds. They sign through the agent, so the
// returned closer must stay open while they are used; close it after. The agent's keys
// are never copied out of it.
func AgentSigners(sock string) ([]ssh.Signer, io.Closer, error) {
	if sock == "" {
		return nil, nil, fmt.Errorf("ssh-agent: %s is not set", EnvAgentSocket)
	}
	conn, err := net.DialTimeout("unix", sock, agentDialTimeout)
	if err != nil {
		return nil, nil, fmt.Errorf("ssh-agent: %w", err)
	}
	signers, err := agent.NewClient(conn).Signers()
	if err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("ssh-agent: list keys: %w", err)
	}
	return signers, conn, nil
}

// DefaultAgentSocket returns $SSH_AUTH_SOCK.
func DefaultAgentSocket() string { return os.Getenv(EnvAgentSocket) }
