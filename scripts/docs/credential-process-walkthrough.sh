#!/usr/bin/env bash
# Regenerates docs/credential-process-walkthrough.md: the AWS CLI getting MFA-backed role credentials from
# vegas-credentials (credential_process) in a real terminal (tmux), against a fresh vegas-server, with the real awscli
# and the stand-in ykman of tests/support playing the YubiKey.
# Usage: scripts/docs/credential-process-walkthrough.sh [vegas-server] [vegas-credentials] \
#          > docs/credential-process-walkthrough.md
# Needs tmux, python3 with awscli, and oathtool.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
server_src="${1:-$(built vegas-server)}"
client_src="${2:-$(built vegas-credentials)}"
make_work "$server_src" "$client_src"
start_server

config="$work/.aws/config"
credentials="$work/.aws/credentials"
ykman_state="$work/ykman-state.json"
yubikey_serial=18273645

# How many requests for the STS/IAM action $1 the server has answered (its Prometheus counters, all outcomes).
served() {
  curl -fs "$endpoint/metrics" | awk -v action="action=\"$1\"" \
    '/^vegas_requests_total\{/ && index($0, action) { n += $NF } END { print n + 0 }'
}
# How many times the YubiKey was asked for a code (the stand-in records every run).
yubikey_asked() {
  python3 -c 'import json,sys; print(sum(1 for run in json.load(open(sys.argv[1])).get("invocations", [])
    if "code" in run["argv"]))' "$ykman_state"
}
# Fails unless the screen shows the identity of the role $1 assumed by alice.
assert_role() {
  assert_shows "\"Arn\": \"arn:aws:sts::123456789012:assumed-role/$1/alice\"" \
    "the screen above does not show alice in role $1"
}

# ---------------------------------------------------------------- the terminal
plug_in_yubikey "$ykman_state" "$yubikey_serial"
start_terminal USER=alice YKMAN_STANDIN_STATE="$ykman_state" YKMAN_STANDIN_TOUCH=3

# ---------------------------------------------------------------- alice, her keys, two roles
admin iam create-user --user-name alice > /dev/null
keys="$(admin iam create-access-key --user-name alice)"
printf '[alice]\naws_access_key_id = %s\naws_secret_access_key = %s\n' \
  "$(json_field AccessKey AccessKeyId <<<"$keys")" "$(json_field AccessKey SecretAccessKey <<<"$keys")" > "$credentials"
printf '[profile alice]\nregion = us-east-1\n' > "$config"
cat > trust.json <<'JSON'
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
  "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}
JSON
admin_arn="$(admin iam create-role --path /ops/ --role-name admin --assume-role-policy-document file://trust.json \
  --query Role.Arn --output text)"
readonly_arn="$(admin iam create-role --role-name readonly --assume-role-policy-document file://trust.json \
  --query Role.Arn --output text)"
[[ "$admin_arn" == arn:aws:iam::123456789012:role/ops/admin ]] || fail "create-role admin gave $admin_arn"

cat <<'MD'
# credential_process walk-through: a YubiKey touch for the AWS CLI

The YubiKey guide puts an AWS MFA seed on a YubiKey so that `vegas-credentials` can use it from the command line. The
[vegas-credentials walk-through](credentials-walkthrough.md) did the set-up, and ended by pasting a fresh code into
every `aws sts get-session-token`. This guide takes the last step: the AWS CLI (or any SDK) asks `vegas-credentials`
for credentials through `credential_process`, and `vegas-credentials` asks for one YubiKey touch per MFA session,
assumes the role with that session, and caches the result. Two roles of the same user share one touch; calls in the
meantime need none.

Every screen below was captured from a real terminal (tmux, 100×45) by
`scripts/docs/credential-process-walkthrough.sh` (re-run it to refresh this page), against a fresh vegas-server and
with the real AWS CLI; only the temporary directory and the port were renamed, and long-term and temporary secret keys
were masked. No YubiKey was plugged in: `tests/support/ykman`, a stand-in that answers as `ykman` 5.9 does, played one
(serial 18273645; a touch takes 3 seconds).

| Here | What it shows                                                                                 |
|------|-----------------------------------------------------------------------------------------------|
| §1   | `mfa setup --yubikey`: Alice's MFA device, its seed on the YubiKey (touch required)           |
| §2   | two role profiles with `credential_process = vegas-credentials assume …`                      |
| §3   | the first `aws` call: a touch, then the assumed role                                          |
| §4   | the next calls: no touch, from the cache; the second role reuses the MFA session              |
| §5   | `cache list`, `config show-profile`                                                           |
| §6   | `exec`: the credentials in the environment of any other program                               |
| §7   | typing a code instead of touching; one code per 30-second step                                |

## 0. Before you start

A vegas-server is running (see [the server walk-through](server-walkthrough.md)). Its administrator created the user
alice with an access key, and two roles that can be assumed only with MFA: `admin`, under the path `/ops/`, and
`readonly`:

MD
echo '```console'
echo '$ cat trust.json'
cat trust.json
echo '$ aws iam create-role --path /ops/ --role-name admin --assume-role-policy-document file://trust.json \'
echo '    --query Role.Arn --output text'
echo "$admin_arn"
echo '$ aws iam create-role --role-name readonly --assume-role-policy-document file://trust.json \'
echo '    --query Role.Arn --output text'
echo "$readonly_arn"
echo '```'
cat <<'MD'

Alice has the usual AWS files, with her long-term keys:

MD
echo '```console'
echo '$ cat ~/vegas-demo/.aws/config'
show < "$config"
echo '$ cat ~/vegas-demo/.aws/credentials'
show < "$credentials" | mask
echo '```'
cat <<'MD'

In the terminal, point the AWS tools at these files and at the server (with a real AWS account, leave out
`AWS_ENDPOINT_URL`; `ykman` here is the stand-in):

MD
command_line "export AWS_CONFIG_FILE=$config AWS_SHARED_CREDENTIALS_FILE=$credentials"
command_line "export AWS_ENDPOINT_URL=$endpoint"
command_line "ykman list"
wait_for '^YubiKey'
wait_prompt
snap

# ---------------------------------------------------------------- 1. the YubiKey
cat <<'MD'

## 1. Alice's MFA device, on her YubiKey

As in [the vegas-credentials walk-through](credentials-walkthrough.md) (which also shows `--qr` for a backup phone
app), one command creates the virtual MFA device, puts its seed on the YubiKey with "Require touch" on, enables the
device with two consecutive codes and records it in Alice's profile:

MD
start "vegas-credentials mfa setup --profile alice --yubikey"
wait_prompt
assert_shows 'is ready\.' "mfa setup for alice failed"
snap
alice_secret="$(python3 -c 'import json,sys
print(json.load(open(sys.argv[1]))["devices"][0]["accounts"][0]["secret"])' "$ykman_state")"

# ---------------------------------------------------------------- 2. the role profiles
cat >> "$config" <<EOF

[profile admin]
region = us-east-1
credential_process = vegas-credentials assume --profile=admin
vegas_role_arn = $admin_arn
vegas_source_profile = alice

[profile readonly]
region = us-east-1
credential_process = vegas-credentials assume --profile=readonly
vegas_role_arn = $readonly_arn
vegas_source_profile = alice
EOF
cat <<'MD'

## 2. A profile for each role

Alice adds a profile for each role to `~/.aws/config` (in an editor; `mfa setup` wrote the `alice` profile's last
three lines):

MD
start "cat $config"
wait_prompt
snap
cat <<'MD'

In the two new profiles the AWS CLI reads only `region` and `credential_process`: for credentials it runs
`vegas-credentials assume --profile=admin` and reads the JSON it prints (`vegas-credentials` is on the `PATH`;
otherwise give its full path). The `vegas_` keys are for `vegas-credentials`: the role to assume, and the profile
whose long-term keys and MFA device to use. They are not `role_arn` and `source_profile` on purpose: with those (and
an `mfa_serial`), the AWS CLI would assume the role itself, asking for a typed code for each role. A role profile can
also set `duration_seconds` (the role's credentials, default 1 hour), `role_session_name` (default: your login name,
here `alice`) and `external_id`, and the source profile `vegas_session_duration` (the MFA session, default 12 hours).

MD

# ---------------------------------------------------------------- 3. the first call
cat <<'MD'
## 3. The first call: touch the YubiKey

MD
wait_fresh_step 20
sessions_before="$(served GetSessionToken)"
asked_before="$(yubikey_asked)"
start "aws sts get-caller-identity --profile admin"
wait_for 'Touch your YubiKey'
cat <<'MD'
Nothing is cached yet, so `vegas-credentials` needs an MFA code. It asks the YubiKey, which blinks until touched, and
at the same time offers to take a typed code. Both prompts go to the terminal (`/dev/tty`), since the AWS CLI
captures a `credential_process`'s output and error streams. Where `notify-send` exists, a desktop notification says
the same.

MD
snap
wait_prompt 20
assert_role admin
cat <<'MD'

Three seconds later, the key touched: the AWS CLI has the role's credentials, and Alice is in the role `admin`,
with her login name as the role session name:

MD
snap
[[ "$(served GetSessionToken)" == $((sessions_before + 1)) ]] || fail "the first call did not open one MFA session"
[[ "$(yubikey_asked)" == $((asked_before + 1)) ]] || fail "the first call did not ask the YubiKey once"

# ---------------------------------------------------------------- 4. the cache
cat <<'MD'

## 4. The next calls: no touch

The same call again, at once: no prompt, the credentials come from the cache.

MD
start "aws sts get-caller-identity --profile admin"
wait_prompt 20
assert_role admin
snap
cat <<'MD'

The other role: still no touch. Its credentials are not cached yet, but the MFA session they come from is, so
`vegas-credentials` assumes `readonly` with that session:

MD
start "aws sts get-caller-identity --profile readonly"
wait_prompt 20
assert_role readonly
snap
[[ "$(yubikey_asked)" == $((asked_before + 1)) ]] || fail "the cached calls asked the YubiKey again"
sessions="$(served GetSessionToken)"
[[ "$sessions" == $((sessions_before + 1)) ]] \
  || fail "admin and readonly took $((sessions - sessions_before)) MFA sessions (GetSessionToken), not one"
[[ "$(served AssumeRole)" == 2 ]] || fail "the server assumed a role $(served AssumeRole) times, not twice"
cat <<'MD'

The server's counters agree: one MFA session (GetSessionToken, with the code of the touch) for both roles, and one
AssumeRole for each:

MD
echo '```console'
echo '$ curl -s http://127.0.0.1:8080/metrics | grep -E '"'"'^vegas_requests_total.*"(GetSessionToken|AssumeRole)"'"'"
curl -fs "$endpoint/metrics" | grep -E '^vegas_requests_total.*"(GetSessionToken|AssumeRole)"'
echo '```'
cat <<'MD'

Every profile with `vegas_source_profile = alice` shares that session, so a new touch is needed only when it ends
(after 12 hours by default); the role credentials are renewed from it as they expire. Parallel calls wait for each
other instead of asking twice: twenty `aws` processes started at once cause one touch.

MD

# ---------------------------------------------------------------- 5. cache list, show-profile
cat <<'MD'
## 5. What is cached, and how a profile is read

`cache list` shows the cached credentials without their secrets: the MFA session and a set for each role. They are
kept in `~/.cache/vegas-credentials`, encrypted (AES-GCM) under a random key that only Alice can read, and renewed
10 minutes before they expire:

MD
start "vegas-credentials cache list"
wait_prompt
[[ "$(screen | grep -c 'until')" == 3 ]] || { screen >&2; fail "cache list does not show three entries"; }
snap
cat <<'MD'

`config show-profile` shows how `vegas-credentials` resolved a profile (no secrets), which helps when a call does not
do what you expected:

MD
start "vegas-credentials config show-profile -p admin"
wait_prompt
assert_shows "$admin_arn" "show-profile does not show the admin role"
snap

# ---------------------------------------------------------------- 6. exec
cat <<'MD'

## 6. Other programs: `exec`

Programs that do not read `~/.aws/config` get the same credentials (here from the cache: no touch) in their
environment, as the standard `AWS_*` variables; below, the AWS CLI without a profile, and `env` (secrets masked):

MD
start "vegas-credentials exec --profile admin -- aws sts get-caller-identity"
wait_prompt 20
assert_role admin
command_line "vegas-credentials exec --profile admin -- env | grep ^AWS_ | sort"
wait_prompt 20
assert_shows '^AWS_SESSION_TOKEN=' "exec did not set AWS_SESSION_TOKEN"
snap
[[ "$(yubikey_asked)" == $((asked_before + 1)) ]] || fail "exec asked the YubiKey again"
cat <<'MD'

`exec` added the credentials, their expiry, the region and `AWS_VEGAS` (the profile's name, for a shell prompt to
show); the other three come from this terminal. `vegas-credentials export --profile admin` prints the same as JSON,
or with `--format env` as `export` lines.

MD

# ---------------------------------------------------------------- 7. typing the code
cat <<'MD'
## 7. Typing the code instead

`cache clean` forgets every cached credential, as if the MFA session had ended:

MD
start "vegas-credentials cache clean"
wait_prompt
snap
cat <<'MD'

This time Alice does not touch the key (for this call the stand-in waits 20 seconds for a touch): she types the code
from her backup phone app (here `oathtool` on the seed, which the script read from the stand-in's state). Whichever
comes first wins, and the other is called off. The screen after typing the six digits, before Enter: nothing typed
is shown.

MD
# The key is not touched in time: the typed code has to win the race.
command_line "export YKMAN_STANDIN_TOUCH=20"
wait_fresh_step 20
asked_before="$(yubikey_asked)"
start "aws sts get-caller-identity --profile admin"
wait_for 'MFA code \(or touch your YubiKey\):'
wait_for 'Touch your YubiKey \(or type the code\)'
typed_code="$(oathtool --totp -b "$alice_secret")"
tm send-keys -t demo -l "$typed_code"
sleep 1
assert_hidden "$typed_code"
snap
tm send-keys -t demo Enter
wait_prompt 15
assert_role admin
cat <<'MD'

After Enter:

MD
snap
ykman_pid="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["invocations"][-1]["pid"])' \
  "$ykman_state")"
if kill -0 "$ykman_pid" 2>/dev/null; then
  fail "ykman (pid $ykman_pid) still waits for a touch after the typed code won"
fi
[[ "$(yubikey_asked)" == $((asked_before + 1)) ]] || fail "the typed call did not ask the YubiKey exactly once"

cat <<'MD'

A code is good once: AWS refuses a code whose 30-second step was already used. `vegas-credentials` remembers the last
step it spent for each MFA device (`cache clean` keeps that), so when the cache is emptied again at once, it counts
down to the next step before it asks, instead of sending a code that would be refused (the key is touched after
3 seconds again):

MD
command_line "export YKMAN_STANDIN_TOUCH=3"
command_line "vegas-credentials cache clean"
wait_prompt
asked_before="$(yubikey_asked)"
start "aws sts get-caller-identity --profile admin"
wait_for 'waiting [0-9]+s for the next one'
snap
wait_for 'Touch your YubiKey' 35
wait_prompt 20
assert_role admin
cat <<'MD'

Once the next step began, the key was asked, and touched:

MD
snap
[[ "$(yubikey_asked)" == $((asked_before + 1)) ]] || fail "the countdown call did not ask the YubiKey once"
[[ "$(served GetSessionToken)" == $((sessions_before + 3)) ]] || fail "three MFA sessions were expected in all"

cat <<'MD'

`login` opens the console as the role: it trades the role's credentials (from the cache here: no touch) at the
server's federation endpoint for a sign-in token valid 15 minutes, and opens the login URL in the browser — or prints
it with `--stdout`. Opening it signs the browser in (the server answers with a redirect to the console and a session
cookie):

MD
start "vegas-credentials login --profile admin --stdout"
wait_prompt 20
assert_shows 'Action=login' "login printed no sign-in URL"
snap
start "curl -s -o /dev/null -D - \"\$(vegas-credentials login --profile admin --stdout)\" | grep -iE '^(HTTP|location|set-cookie)'"
wait_prompt 20
assert_shows '302' "the sign-in URL did not redirect"
snap

cat <<'MD'

The access key IDs above come from a throw-away server, and secret keys and session tokens were masked all the same;
never publish real ones.
MD
