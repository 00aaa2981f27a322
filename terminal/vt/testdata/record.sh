#!/usr/bin/env bash
# record.sh regenerates the recordings the differential tests replay (tmux_record_test.go):
# real programs run in a tmux pane of 80x24, their output saved byte for byte with
# pipe-pane, driven with send-keys. Each NAME.rec has a NAME.marks beside it: byte offsets
# taken when the program sat waiting for a key, where the tests compare screens too.
#
#   terminal/vt/testdata/record.sh [NAME...]     (default: all of them)
#
# Needs tmux, bash, vim, less, top, git and coreutils. Recordings are meant to be
# regenerated rarely and committed; they hold nothing of the machine beyond ls's view of
# /usr/bin and top's process list.
set -euo pipefail

cd "$(dirname "$0")"
out=$PWD
cols=80 rows=24
sock=duet-record-$$
work=$(mktemp -d)
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work" "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sock"' EXIT

# A clean environment for the recorded programs: no user configuration.
export HOME=$work/home LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color
export GIT_CONFIG_NOSYSTEM=1 LESSHISTFILE=- HISTFILE=/dev/null
unset TMUX TMUX_PANE LESS LESSOPEN LESSCLOSE LS_COLORS VIMINIT EXINIT || true
mkdir -p "$HOME"
prompt='\[\e[1;32m\]duet\[\e[0m\]:\[\e[1;34m\]~/src\[\e[0m\]$ '

t() { tmux -L "$sock" -f /dev/null "$@"; }

# start NAME COMMAND: runs COMMAND in a fresh pane, recording from its first byte.
start() {
	name=$1 rec=$out/$1.rec marks=$out/$1.marks
	: >"$rec"
	: >"$marks"
	t new-session -d -s rec -x "$cols" -y "$rows" \
		"tmux -L $sock wait-for go; cd $work; exec env TERM=$TERM $2"
	t set-option -t rec default-terminal "$TERM" \; pipe-pane -t rec -o "cat >>'$rec'" \; wait-for -S go
}

# wait_screen PATTERN: waits (at most 10 s) until the pane shows a line matching PATTERN.
wait_screen() {
	for _ in $(seq 100); do
		t capture-pane -p -t rec 2>/dev/null | grep -q -- "$1" && return 0
		sleep 0.1
	done
	echo "record.sh: $name: timed out waiting for /$1/; the pane shows:" >&2
	t capture-pane -p -t rec >&2 || true
	exit 1
}

# settle: waits until the recording stops growing (the program is idle).
settle() {
	local last=-1 size
	for _ in $(seq 50); do
		size=$(stat -c %s "$rec")
		[ "$size" = "$last" ] && return 0
		last=$size
		sleep 0.2
	done
}

mark() { settle; stat -c %s "$rec" >>"$marks"; }

# wait_prompt: waits until the last line with text is the bare prompt.
wait_prompt() {
	for _ in $(seq 100); do
		[ "$(t capture-pane -p -t rec | grep -v '^ *$' | tail -n 1)" = 'duet:~/src$' ] && return 0
		sleep 0.1
	done
	echo "record.sh: $name: no prompt" >&2
	t capture-pane -p -t rec >&2
	exit 1
}

# finish: waits for the pane to exit and the recording to be complete.
finish() {
	for _ in $(seq 100); do
		t has-session -t rec 2>/dev/null || break
		sleep 0.1
	done
	settle
	echo "$name: $(stat -c %s "$rec") bytes, marks $(tr '\n' ' ' <"$marks")"
}

shell() { start "$1" "env PS1='$prompt' bash --norc --noprofile -i"; wait_prompt; }
run() { t send-keys -t rec -l "$1"; t send-keys -t rec Enter; wait_prompt; mark; }
quit_shell() { t send-keys -t rec -l 'exit'; t send-keys -t rec Enter; finish; }

rec_prompt() {
	shell prompt
	mark
	run 'echo "hello from duet"; printf "\e[3mitalic\e[0m \e[38;5;208morange\e[0m\n"'
	# A line longer than the screen, edited: readline redraws across the wrap.
	t send-keys -t rec -l 'echo aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbbbbbb'
	t send-keys -t rec C-a M-f M-f BSpace BSpace C-e
	t send-keys -t rec -l ' cccc'
	t send-keys -t rec Enter
	wait_prompt
	mark
	t send-keys -t rec C-l
	wait_prompt
	mark
	quit_shell
}

rec_ls() {
	shell ls
	run 'ls --color=always -l /usr/bin | head -n 30'
	quit_shell
}

rec_gitlog() {
	(
		set -e
		export GIT_AUTHOR_NAME=Ada GIT_AUTHOR_EMAIL=ada@example.com
		export GIT_COMMITTER_NAME=Ada GIT_COMMITTER_EMAIL=ada@example.com
		d=1700000000
		commit() {
			d=$((d + 3600))
			f=$(git symbolic-ref --short HEAD).txt
			echo "$1" >>"$f"
			git add "$f"
			GIT_AUTHOR_DATE="$d +0000" GIT_COMMITTER_DATE="$d +0000" git commit -q -m "$1"
		}
		mkdir -p "$work/src" && cd "$work/src"
		git init -q -b main .
		commit "start the screen model"
		commit "parser: fast path for printable runs"
		git checkout -q -b wide
		commit "wide characters take two cells"
		commit "combining marks join the cell before"
		git checkout -q main
		commit "scroll regions"
		GIT_AUTHOR_DATE="$((d + 7200)) +0000" GIT_COMMITTER_DATE="$((d + 7200)) +0000" \
			git merge -q --no-ff -m "merge wide characters" wide
		git tag v0.1
		git checkout -q -b repaint
		commit "repaint: reproduce the screen"
		git checkout -q main
	)
	shell gitlog
	run "cd src"
	run 'git --no-pager log --graph --oneline --decorate --color=always --all -n 20'
	quit_shell
}

rec_vim() {
	cat >"$work/hello.go" <<'GO'
package main

import "fmt"

// main greets the pair.
func main() {
	for i := 0; i < 3; i++ {
		fmt.Printf("hello %d\n", i)
	}
}
GO
	start vim "vim --clean hello.go"
	wait_screen 'hello.go'
	mark
	t send-keys -t rec -l 'Go// added while recording: ünïcödé, 中文'
	t send-keys -t rec Escape
	wait_screen 'added while recording'
	mark
	t send-keys -t rec -l ':split'
	t send-keys -t rec Enter
	wait_screen 'hello.go.*\[+\].*hello.go\|hello.go \[+\]'
	t send-keys -t rec -l ':set number'
	t send-keys -t rec Enter
	wait_screen '^  1 package main'
	mark
	t send-keys -t rec -l ':qa!'
	t send-keys -t rec Enter
	finish
}

rec_less() {
	awk 'BEGIN {
		for (i = 1; i <= 300; i++) {
			if (i % 17 == 0) printf "%d\tTabbed\tcolumns\there, and a line long enough to wrap past the right edge of an eighty column screen\n", i
			else if (i % 11 == 0) printf "%d café 中文 the quick brown fox\n", i
			else printf "%d the quick brown fox jumps over the lazy dog\n", i
		}
	}' >"$work/long.txt"
	start less "less long.txt"
	wait_screen 'long.txt'
	mark
	t send-keys -t rec Space
	wait_screen '^44 '
	mark
	t send-keys -t rec -l '/caf'
	t send-keys -t rec Enter
	wait_screen 'café'
	mark
	t send-keys -t rec -l 'G'
	wait_screen '(END)'
	mark
	t send-keys -t rec -l 'q'
	finish
}

rec_top() {
	start top "top -d 0.5"
	wait_screen 'load average'
	mark
	t send-keys -t rec -l 'z'
	# Two refreshes in colour.
	n=$(grep -o 'top - ' "$rec" | wc -l)
	for _ in $(seq 100); do
		[ "$(grep -o 'top - ' "$rec" | wc -l)" -ge $((n + 2)) ] && break
		sleep 0.1
	done
	mark
	t send-keys -t rec -l 'q'
	finish
}

names=("$@")
[ ${#names[@]} -gt 0 ] || names=(prompt ls gitlog vim less top)
for n in "${names[@]}"; do
	"rec_$n"
done
