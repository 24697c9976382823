#!/usr/bin/env bash
# Regenerates docs/credentials-walkthrough.md: the seed flows done with vegas-credentials in a real terminal (tmux),
# against a fresh vegas-server, with the real awscli and the stand-in ykman of tests/support playing the YubiKey.
# Usage: scripts/docs/credentials-walkthrough.sh [vegas-server] [vegas-credentials] > docs/credentials-walkthrough.md
# Needs tmux, python3 with awscli, zbarimg (zbar-tools) and oathtool.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
server_src="${1:-$(built vegas-server)}"
client_src="${2:-$(built vegas-credentials)}"
make_work "$server_src" "$client_src"
mkdir "$work/vegas-home"
start_server

config="$work/.aws/config"
credentials="$work/.aws/credentials"
ykman_state="$work/ykman-state.json"
passphrase="correct horse battery staple"
example_secret="JBSWY3DPEHPK3PXP"
github_uri="otpauth://totp/GitHub:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=GitHub"
yubikey_serial=18273645

# ---------------------------------------------------------------- the terminal
plug_in_yubikey "$ykman_state" "$yubikey_serial"
start_terminal AWS_EC2_METADATA_DISABLED=true AWS_PAGER= YKMAN_STANDIN_STATE="$ykman_state" YKMAN_STANDIN_TOUCH=3

# ---------------------------------------------------------------- users and profiles
admin iam create-user --user-name alice > /dev/null
admin iam create-user --user-name bob > /dev/null
for user in alice bob; do
  keys="$(admin iam create-access-key --user-name "$user")"
  key_id="$(json_field AccessKey AccessKeyId <<<"$keys")"
  secret_key="$(json_field AccessKey SecretAccessKey <<<"$keys")"
  printf '[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\n\n' "$user" "$key_id" "$secret_key" \
    >> "$credentials"
  printf '[profile %s]\nregion = us-east-1\nendpoint_url = %s\n\n' "$user" "$endpoint" >> "$config"
done

cat <<'MD'
# vegas-credentials walk-through: MFA devices from the terminal

The two seed guides set up MFA by hand in the AWS console. The YubiKey guide: create a virtual MFA device, show its QR
code, scan it into Yubico Authenticator with "Require touch", scan it again into a phone app as a backup, type two
consecutive codes, check that both work. The Duo Mobile guide: the same with a phone app only.
`vegas-credentials mfa setup` does all of that in one command, and `vegas-credentials otp` is an authenticator of its
own, so that the AWS CLI can get MFA codes without a phone.

Every screen below was captured from a real terminal (tmux, 100×45) by `scripts/docs/credentials-walkthrough.sh`
(re-run it to refresh this page), against a fresh vegas-server and with the real AWS CLI; only the temporary directory
and the port were renamed, and long-term and temporary secret keys were masked. No YubiKey was plugged in:
`tests/support/ykman`, a stand-in that answers as `ykman` 5.9 does, played one (serial 18273645; a touch takes
3 seconds).

| YubiKey guide step (Duo Mobile guide)          | Here                                                          |
|------------------------------------------------|---------------------------------------------------------------|
| 1–5: create a virtual MFA device, show its QR  | §1, §3: `mfa setup` calls IAM CreateVirtualMFADevice          |
| 6: scan it into a backup phone app (Part 1, 3) | §1, §3: `--qr` shows the QR code on the terminal              |
| 7: keep a copy of the root account's seed      | end of §1: `--show-secret`, `--qr-png`                        |
| 8: Yubico Authenticator with "Require touch"   | §1: `--yubikey` runs `ykman oath accounts add --touch`        |
| 9: type two consecutive codes                  | §1, §3: `mfa setup` computes them, calls EnableMFADevice      |
| 10: check that both authenticators work        | §1: YubiKey and phone app agree; §4: codes for the AWS CLI    |

## 0. Before you start

A vegas-server is running (see [the server walk-through](server-walkthrough.md)), and its administrator created the
users alice and bob with access keys (`aws iam create-user`, `aws iam create-access-key`). Each user has the usual AWS
files, with a profile that points at the server:

MD
echo '```console'
echo '$ cat ~/vegas-demo/.aws/config'
show < "$config" | sed -e '$d'
echo '$ cat ~/vegas-demo/.aws/credentials'
show < "$credentials" | mask | sed -e '$d'
echo '```'
cat <<'MD'

In the terminal, point the AWS tools at these files and choose where the vault goes (`ykman` here is the stand-in):

MD
command_line "export AWS_CONFIG_FILE=$config AWS_SHARED_CREDENTIALS_FILE=$credentials"
command_line "export VEGAS_HOME=$work/vegas-home"
command_line "ykman list"
wait_for '^YubiKey'
wait_prompt
snap

# ---------------------------------------------------------------- 1. alice: YubiKey and phone
cat <<'MD'

## 1. Alice: a YubiKey that requires touch, and a phone app as a backup

One command replaces the YubiKey guide's steps 1–6, 8 and 9. `--yubikey` puts the seed on the (only) YubiKey plugged
in, with "Require touch" on (`--no-touch` turns it off, `--serial` picks one of several keys). `--qr` shows the QR code
for the backup phone app, then waits for you:

MD
start "vegas-credentials mfa setup --profile alice --yubikey --qr"
wait_last 'Press Enter once the app shows the account'
snap
screen > alice-screen.txt
# The phone's part: turn the half-block QR code on the screen back into an image, and decode it.
python3 - alice-screen.txt screen-qr.pgm <<'PY'
import sys
# Dark-terminal convention: a drawn half block is a light module.
light = {"█": (1, 1), "▀": (1, 0), "▄": (0, 1), " ": (0, 0)}
rows = [line.rstrip("\n") for line in open(sys.argv[1], encoding="utf-8")]
rows = [line for line in rows if line.strip() and set(line) <= set(light)]
width = max(len(line) for line in rows)
modules = []
for line in rows:
    line = line.ljust(width)
    modules += [[light[c][0] for c in line], [light[c][1] for c in line]]
scale = 8
with open(sys.argv[2], "wb") as image:
    image.write(b"P5 %d %d 255\n" % (width * scale, len(modules) * scale))
    for row in modules:
        image.write(bytes(255 * bit for bit in row for _ in range(scale)) * scale)
PY
alice_uri="$(zbarimg --raw -q screen-qr.pgm 2>/dev/null)" || fail "zbarimg could not read the QR code on the screen"
alice_secret="$(sed -E 's/.*[?&]secret=([A-Z2-7]+).*/\1/' <<<"$alice_uri")"
cat <<'MD'

The QR code above is real: the script turned the captured screen back into an image and decoded it with `zbarimg`,
as a phone app would (this one comes from a throw-away server, which is why it may be shown; never publish a real one):

MD
echo '```console'
echo '$ zbarimg --raw -q screen-qr.pgm      # the screen above, as an image'
sed -E 's/secret=[A-Z2-7]+/secret=<64 base32 characters>/' <<<"$alice_uri"
echo '```'
cat <<'MD'

The code is drawn for a dark-background terminal (light blocks are the light squares). On a light-background terminal
it shows inverted, which some scanners cannot read (`zbarimg` cannot); `--qr-png FILE` writes a regular image instead.

A phone app lists the account as issuer **AWS**, account **alice@123456789012** (the account ID; the seed's console
QR code says "Amazon Web Services" and the account alias instead). Once it does, press Enter. The device is
enabled at once: the two consecutive codes are those of the two previous 30-second steps, computed from the seed, so
there is nothing to wait for and the current code is still unused. The profile records where the seed lives:

MD
type_line ""
wait_prompt
snap_from 'Press Enter once'
start "cat $config"
wait_prompt
echo
snap
[[ "$(grep -c 'mfa_serial' "$config")" == 1 ]] || fail "mfa setup did not record mfa_serial for alice"

cat <<'MD'

The YubiKey gives a code only once touched, and the phone app (here `oathtool` on the decoded secret) shows the same
code — the seed's "check both" step, from the CLI side (console sign-in is not covered yet):

MD
wait_fresh_step 12
start "ykman oath accounts code --single AWS:alice"
wait_for 'Touch your YubiKey'
phone_code="$(oathtool --totp -b "$alice_secret")"
wait_prompt 15
key_code="$(screen | tail -n 2 | head -n 1)"
[[ "$key_code" == "$phone_code" ]] || fail "the YubiKey gave $key_code, the phone app $phone_code"
snap
echo '```console'
echo '$ oathtool --totp -b <the decoded secret>      # the phone app'
echo "$phone_code"
echo '```'
cat <<'MD'

The seed's step 7 (a safe copy of the seed for the root account): `--show-secret` prints the seed and `--qr-png FILE`
writes the QR code to a file, to print or store. The root user itself cannot use `mfa setup`: AWS lets the root user
add MFA only in the console, and `mfa setup` says so when given the root user's keys.
MD

# ---------------------------------------------------------------- 2. the built-in authenticator
cat <<'MD'

## 2. The built-in authenticator

`vegas-credentials otp` keeps TOTP accounts in an encrypted vault (`$VEGAS_HOME/vault.sealed`, by default under
`~/.local/share/vegas`). The first `otp add` creates it. Without `VEGAS_VAULT_PASSWORD` in the environment, the
passphrase is asked on the terminal. Here the secret `JBSWY3DPEHPK3PXP` (a well-known demo secret) and then the
passphrase, twice, were typed: nothing you type at these prompts is shown.

MD
start "vegas-credentials otp add example"
wait_last 'Secret \(base32\) or otpauth URI:$'
type_line "$example_secret"
wait_last 'New vault passphrase:$'
type_line "$passphrase"
wait_last 'Repeat the passphrase:$'
type_line "$passphrase"
wait_prompt
assert_hidden "$example_secret"
assert_hidden "$passphrase"
snap
cat <<'MD'

A secret or an `otpauth://` URI can also come on standard input (better than `--secret` or `--uri`, which other users
can see in the process list); the passphrase is still asked on the terminal. `otp list` shows no secrets:

MD
start "echo '$github_uri' | vegas-credentials otp add github"
wait_last 'Vault passphrase:$'
type_line "$passphrase"
wait_prompt
command_line "vegas-credentials otp list"
wait_last 'Vault passphrase:$'
type_line "$passphrase"
wait_prompt
assert_hidden "$passphrase"
snap
cat <<'MD'

`otp code NAME` prints the current code (for scripts); `--watch` keeps showing it, with a bar of the seconds left:

MD
start "vegas-credentials otp code example --watch"
wait_last 'Vault passphrase:$'
type_line "$passphrase"
wait_for '\] +[0-9]+s$'
watch_code="$(screen | tail -n 1 | cut -c1-7 | tr -d ' ')"
oathtool --totp -b "$example_secret" -w 1 -N "now - 30 seconds" | grep -qx "$watch_code" \
  || fail "--watch showed $watch_code, oathtool disagrees"
snap
sleep 5
tm send-keys -t demo C-c
wait_prompt
echo
echo 'Five seconds later, Ctrl-C:'
echo
snap_from 'otp code example --watch'

# ---------------------------------------------------------------- 3. bob: vault and phone
cat <<'MD'

## 3. Bob: the built-in authenticator, with a phone app as a backup

Bob has no YubiKey: `--vault` keeps the seed in the vault (so the passphrase is asked), and `--qr` again shows the
code for his phone app (Duo Mobile in the second seed guide):

MD
start "vegas-credentials mfa setup --profile bob --vault --qr"
wait_last 'Vault passphrase:$'
type_line "$passphrase"
wait_last 'Press Enter once the app shows the account'
snap
type_line ""
wait_prompt
echo
echo 'After Enter:'
echo
snap_from 'Press Enter once'
cat <<'MD'

`mfa list` asks IAM for the user's MFA devices and says which local authenticator holds each:

MD
start "vegas-credentials mfa list -p bob"
wait_prompt
command_line "vegas-credentials mfa list -p alice"
wait_prompt
snap

# ---------------------------------------------------------------- 4. the AWS CLI
cat <<'MD'

## 4. MFA with the AWS CLI

With the code from the vault, GetSessionToken returns MFA-backed temporary credentials (the passphrase prompt comes
from the `$(…)`):

MD
wait_fresh_step 15
start 'aws --profile bob sts get-session-token --serial-number arn:aws:iam::123456789012:mfa/bob '\
'--token-code $(vegas-credentials otp code AWS:bob@123456789012)'
wait_last 'Vault passphrase:$'
type_line "$passphrase"
wait_prompt
assert_shows '"SessionToken"' "get-session-token for bob failed"
snap
cat <<'MD'

Alice's code comes from her YubiKey, which waits for a touch:

MD
start 'aws --profile alice sts get-session-token --serial-number arn:aws:iam::123456789012:mfa/alice '\
'--token-code $(ykman oath accounts code --single AWS:alice)'
wait_for 'Touch your YubiKey'
snap
wait_prompt 20
assert_shows '"SessionToken"' "get-session-token for alice failed"
echo
echo 'Three seconds later, the key touched:'
echo
snap
cat <<'MD'

A code is good once: running the same command again within the same 30 seconds is refused (`AccessDenied`), so wait
for the next code. Doing this for every command is what `credential_process` takes over, in
[the next guide](credential-process-walkthrough.md): one code per MFA session, cached.

Secrets in the screens above (QR codes, the demo TOTP secrets, access key IDs) come from a throw-away server; never
publish real ones.
MD
