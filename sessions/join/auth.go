package join

import (
	"errors"
	"slices"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/safetext"
)

// PromptKind says what a server asks for while logging in.
type PromptKind uint8

const (
	// AskPassword: the server's password method (one question, echo off).
	AskPassword PromptKind = iota
	// AskKeyboardInteractive: the server's own questions (RFC 4256), such as a password
	// through PAM or a one-time code.
	AskKeyboardInteractive
)

// Question is one question of a Prompt. Its text comes from the server: show it escaped.
type Question struct {
	Text string
	Echo bool // false: the answer is a secret, not shown as typed
}

// Prompt is what a server asks the user while logging in. Name and Instruction come
// from the server: show them escaped (internal/safetext).
type Prompt struct {
	Server      string // user@host:port, as the user gave it
	Kind        PromptKind
	Name        string // the server's title for the questions ("" for none)
	Instruction string
	Questions   []Question
	// AfterKey: the server accepted a key and asks for more (a second factor).
	AfterKey bool
	// Again: the previous answer was not accepted.
	Again bool
}

// PromptFunc asks the user what p asks and returns one answer per question, or an
// error to give up. The answers are secrets: the caller must not log or keep them, and
// Duet does neither (they go straight to the server; the strings x/crypto takes cannot
// be wiped).
type PromptFunc func(p Prompt) ([]string, error)

// errNoPrompt is why a question was not asked: nobody to ask.
var errNoPrompt = errors.New("no way to ask")

// maxTries is how often a password or a keyboard-interactive round may be answered
// wrong, as OpenSSH's NumberOfPasswordPrompts.
const maxTries = 3

// authState is what one login's authentication went through, for the error that says
// what the server wanted. Its callbacks run on the handshake's goroutine.
type authState struct {
	server string
	prompt PromptFunc // nil: nobody to ask

	mu       sync.Mutex // guards the fields below
	allowed  []string   // the methods the server offered last
	keyOK    bool       // a key was accepted with partial success: more was asked
	asked    string     // what the server asked for, in words ("a password", "“Code:”")
	answered bool       // the user answered at least once
	noPrompt bool       // the server asked, and nobody could be asked
	declined bool       // the user gave no answer
	tries    map[PromptKind]int
}

// methods returns the authentication methods of a login: the keys, then the server's
// questions, then a password, as OpenSSH tries them.
func (a *authState) methods(signers func() ([]ssh.Signer, error)) []ssh.AuthMethod {
	return []ssh.AuthMethod{
		ssh.PublicKeysCallback(signers),
		ssh.RetryableAuthMethod(ssh.KeyboardInteractive(a.keyboardInteractive), maxTries),
		ssh.RetryableAuthMethod(ssh.PasswordCallback(a.password), maxTries),
	}
}

// callback records what the server offers before each attempt; it leaves the choice of
// the next method to x/crypto (the order of methods).
func (a *authState) callback(ctx *ssh.ClientAuthContext) (ssh.AuthMethod, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.allowed = ctx.AllowedMethods
	if slices.Contains(ctx.PartialSuccessMethods, "publickey") {
		a.keyOK = true
	}
	return nil, nil
}

// keyboardInteractive answers the server's questions. A Duet host asks none (that step
// logs in a key it does not know yet, to ask its host about it); anything else is asked
// through the PromptFunc.
func (a *authState) keyboardInteractive(name, instruction string, questions []string, echos []bool) ([]string, error) {
	if len(questions) == 0 {
		return nil, nil
	}
	p := Prompt{Kind: AskKeyboardInteractive, Name: name, Instruction: instruction}
	for i, q := range questions {
		p.Questions = append(p.Questions, Question{Text: q, Echo: i < len(echos) && echos[i]})
	}
	what := "“" + safetext.Line(strings.TrimSpace(questions[0]), 60) + "”"
	if len(questions) > 1 {
		what += " and more"
	}
	return a.ask(p, what)
}

func (a *authState) password() (string, error) {
	answers, err := a.ask(Prompt{Kind: AskPassword, Questions: []Question{{Text: "Password:"}}}, "a password")
	if err != nil {
		return "", err
	}
	return answers[0], nil
}

// ask asks the user p through the PromptFunc, recording what was asked.
func (a *authState) ask(p Prompt, what string) ([]string, error) {
	a.mu.Lock()
	a.asked = what
	p.Server, p.AfterKey = a.server, a.keyOK
	if a.tries == nil {
		a.tries = make(map[PromptKind]int)
	}
	p.Again = a.tries[p.Kind] > 0
	a.tries[p.Kind]++
	ask := a.prompt
	if ask == nil {
		a.noPrompt = true
	}
	a.mu.Unlock()
	if ask == nil {
		return nil, errNoPrompt
	}
	answers, err := ask(p)
	if err == nil && len(answers) != len(p.Questions) {
		err = errors.New("not answered")
	}
	if err != nil {
		a.mu.Lock()
		a.declined = true
		a.mu.Unlock()
		return nil, errNoPrompt
	}
	a.mu.Lock()
	a.answered = true
	a.mu.Unlock()
	return answers, nil
}

// fill adds to e what the server asked for.
func (a *authState) fill(e *AuthError) {
	a.mu.Lock()
	defer a.mu.Unlock()
	e.Methods = slices.Clone(a.allowed)
	e.KeyAccepted = a.keyOK
	e.Asked = a.asked
	e.Answered = a.answered
	e.NotAsked = a.noPrompt
	e.Declined = a.declined && !a.answered
}
