# Shared helpers of the walk-through scripts in scripts/docs: sourced by them, not run.
# shellcheck shell=bash

# The repository: the scripts build from it, and its tests/support holds the stand-in ykman.
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Prints the path of this package's built binary $1 (for a binary not given as an argument).
built() { echo "$(swift build --package-path "$repo" --show-bin-path)/$1"; }

# Fails with the message $*, named after the script that sourced this file.
fail() { echo "$(basename "$0" .sh): $*" >&2; exit 1; }

# ---------------------------------------------------------------- the run's folder and server
# Makes the temporary folder $work (removed on exit) with .aws and bin: the binaries $@, copied so that a rebuild during
# the run does not change them, and `aws`, the awscli of python3.
make_work() {
  work="$(mktemp -d)"
  tmux_socket="$work/tmux.sock"
  server_pid=""
  trap cleanup EXIT
  mkdir -p "$work/bin" "$work/.aws"
  cp "$@" "$work/bin/"
  python="$(python3 -c 'import sys; print(sys.executable)')"
  printf '#!/bin/sh\nexec %s -m awscli "$@"\n' "$python" > "$work/bin/aws"
  chmod +x "$work/bin/aws"
}
# Stops the terminal and the server, and removes $work.
cleanup() {
  tmux -S "$tmux_socket" kill-server 2>/dev/null || true
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work" 2>/dev/null || { sleep 1; rm -rf "$work"; }
}
# Goes to $work and starts $work/bin/vegas-server there on a free port ($endpoint), logging to server.log; waits for
# /health.
start_server() {
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  endpoint="http://127.0.0.1:$port"
  cd "$work" || exit
  VEGAS_ACCOUNT_ID=123456789012 "$work/bin/vegas-server" --port "$port" --data-dir "$work/vegas-data" \
    > server.log 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do curl -fs "$endpoint/health" >/dev/null 2>&1 && break; sleep 0.1; done
}
# Runs the awscli as the server's root user.
admin() {
  AWS_SHARED_CREDENTIALS_FILE="$work/vegas-data/root-credentials" AWS_CONFIG_FILE=/dev/null \
    "$work/bin/aws" --endpoint-url "$endpoint" --region us-east-1 "$@"
}
# Waits until at least $1 seconds are left in the current 30-second step.
wait_fresh_step() { while (($(date +%s) % 30 > 30 - $1)); do sleep 1; done; }
# Prints the field at the keys $@ of the JSON on standard input.
json_field() { python3 -c 'import json,sys; d=json.load(sys.stdin)
for k in sys.argv[1:]: d=d[k]
print(d)' "$@"; }

# ---------------------------------------------------------------- the transcript
# Names shown in the transcript instead of this run's temporary paths and port.
show() {
  sed -e "s|$work|~/vegas-demo|g" -e "s|127.0.0.1:$port|127.0.0.1:8080|g" -e "s|127.0.0.1%3A$port|127.0.0.1%3A8080|g" \
    -e "s|localhost:$port|localhost:8080|g"
}
# Hides long-term and temporary secrets.
mask() {
  sed -E -e 's/("SecretAccessKey": ")[^"]+/\1<40 characters>/' -e 's/("SessionToken": ")[^"]+/\1<session token>/' \
    -e 's/(aws_secret_access_key = ).+/\1<40 characters>/' \
    -e 's/^(AWS_SECRET_ACCESS_KEY=).+/\1<40 characters>/' -e 's/^(AWS_SESSION_TOKEN=).+/\1<session token>/' \
    -e 's/(SigninToken=)[A-Za-z0-9_%-]+/\1<sign-in token>/g' -e 's/(vegas_console=)[A-Za-z0-9_-]+/\1<session>/g'
}

# ---------------------------------------------------------------- the YubiKey and the terminal
# Writes the stand-in ykman's state file $1: one YubiKey (serial $2) plugged in, without accounts.
plug_in_yubikey() {
  printf '{"devices": [{"serial": %s, "name": "YubiKey 5 NFC", "version": "5.7.1"}]}\n' "$2" > "$1"
}
# Runs tmux on the run's own server.
tm() { tmux -S "$tmux_socket" -f /dev/null "$@"; }
# Opens the terminal (tmux session demo, 100×45): a bare bash in the current folder, prompt `$ `, HOME=$work, the
# stand-in ykman, $work/bin and python3 on the PATH, and the variables NAME=value $@.
start_terminal() {
  tm -u new-session -d -s demo -x 100 -y 45 env -i HOME="$work" TERM=xterm-256color LANG=C.UTF-8 \
    PATH="$repo/tests/support:$work/bin:$(dirname "$python"):/usr/local/bin:/usr/bin:/bin" "$@" \
    PS1='$ ' HISTFILE= bash --norc --noprofile
}
# The visible screen, wrapped lines joined, trailing blanks dropped.
screen() { tm capture-pane -p -J -t demo | sed -E 's/[[:space:]]+$//' | sed -e ':a' -e '/^\n*$/{$d;N;ba' -e '}'; }
# Whether the screen matches the extended regex $1.
shows() { screen | grep -Eq -- "$1"; }
# Whether the screen contains the text $1.
screen_has() { screen | grep -Fq -- "$1"; }
# Whether the last line of the screen (where the cursor is) matches the extended regex $1.
ends_with() { screen | tail -n 1 | grep -Eq -- "$1"; }
# Whether the screen shows the prompt alone.
cleared() { [[ "$(screen)" == '$' ]]; }
# Fails unless the screen matches the extended regex $1, with the message $2.
assert_shows() { shows "$1" || { screen >&2; fail "$2"; }; }
# Runs the check $3… until it succeeds; after $2 seconds, prints the screen and fails with the message $1.
wait_until() {
  local message="$1" deadline=$((SECONDS + $2))
  shift 2
  until "$@"; do
    if ((SECONDS > deadline)); then
      screen >&2
      fail "$message"
    fi
    sleep 0.2
  done
}
# Waits until the screen matches the extended regex $1 (timeout $2 seconds, default 30).
wait_for() { wait_until "the screen above never showed /$1/" "${2:-30}" shows "$1"; }
# Waits until the last line of the screen matches the extended regex $1 (timeout $2 seconds, default 30).
wait_last() { wait_until "the screen above never ended with /$1/" "${2:-30}" ends_with "$1"; }
# Waits until the command finished: the shell prompt is the last line (timeout $1 seconds, default 30).
wait_prompt() { wait_until "the command above did not finish" "${1:-30}" ends_with '^\$$'; }
# Types $1 and Enter (at a prompt: hidden input is not waited for).
type_line() { if [[ -n "$1" ]]; then tm send-keys -t demo -l "$1"; fi; tm send-keys -t demo Enter; }
# Types the shell command $1, and Enter once it shows.
command_line() {
  tm send-keys -t demo -l "$1"
  wait_until "the terminal never showed: $1" 10 screen_has "$1"
  tm send-keys -t demo Enter
}
# Starts a command on a cleared screen.
start() {
  command_line clear
  wait_until "the screen did not clear" 10 cleared
  command_line "$1"
}
# Prints the screen as a console block.
snap() { echo '```console'; screen | show | mask; echo '```'; }
# Prints the screen from the first line matching $1 on.
snap_from() { echo '```console'; screen | sed -n "/$1/,\$p" | show | mask; echo '```'; }
# Fails when the screen shows $1, a secret that was typed at a hidden prompt.
assert_hidden() { if screen_has "$1"; then screen >&2; fail "the screen above shows typed secret text"; fi; }
