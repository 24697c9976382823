#!/usr/bin/env bash
# Regenerates docs/server-walkthrough.md by running the seed flow against a fresh vegas-server with the real awscli.
# Usage: scripts/docs/server-walkthrough.sh [path/to/vegas-server] > docs/server-walkthrough.md
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
server_src="${1:-$(built vegas-server)}"
make_work "$server_src"
start_server

export AWS_SHARED_CREDENTIALS_FILE="$work/vegas-data/root-credentials" AWS_CONFIG_FILE="$work/config"
export AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true AWS_PAGER=""
: > "$AWS_CONFIG_FILE"
# Runs a command, printing it as typed and its output.
run() {
  printf '$ %s\n' "$*" | show
  "$@" 2>&1 | show || true
}
totp() { python3 -c 'import pyotp,sys,time; print(pyotp.TOTP(sys.argv[1]).at(time.time()+int(sys.argv[2])*30))' "$@"; }
aws() { "$work/bin/aws" --endpoint-url "$endpoint" "$@"; }

cat <<'MD'
# vegas-server walk-through: a virtual MFA device, from the AWS CLI

This is the flow of the seed guides — create a virtual MFA device, load its secret into an authenticator, enable it
with two consecutive codes, then use MFA for temporary credentials and a role — done with the real AWS CLI against
vegas-server. Every screen below was captured from a real run by `scripts/docs/server-walkthrough.sh` (re-run it to
refresh this page); only the temporary directory and port were renamed.

## 1. Start the server

MD
echo '```console'
echo '$ vegas-server --data-dir ~/vegas-demo/vegas-data'
sed -n '1,/^$/p' server.log | sed -E 's/^[0-9T:+-]+ /<time> /'  | show | sed -E 's/(root secret key:  )[^ ]+/\1<40 characters, shown once>/'
echo '```'
cat <<'MD'

The root user's keys are also in `vegas-data/root-credentials`, in AWS's shared-credentials format:

MD
echo '```console'
echo '$ export AWS_SHARED_CREDENTIALS_FILE=~/vegas-demo/vegas-data/root-credentials AWS_DEFAULT_REGION=us-east-1'
echo '$ aws --endpoint-url http://127.0.0.1:8080 sts get-caller-identity'
aws sts get-caller-identity | show
echo '```'

cat <<'MD'

## 2. A user, an account alias and a virtual MFA device

The QR code comes back as a real PNG; any phone app (Google Authenticator, Duo Mobile, Authy, Yubico Authenticator with
"Require touch") can scan it. Here `zbarimg` reads it back:

MD
echo '```console'
echo '$ aws iam create-user --user-name alice'; aws iam create-user --user-name alice | show
echo '$ aws iam create-account-alias --account-alias acme-demo'; aws iam create-account-alias --account-alias acme-demo
echo '$ aws iam create-virtual-mfa-device --virtual-mfa-device-name alice --outfile qr.png --bootstrap-method QRCodePNG'
aws iam create-virtual-mfa-device --virtual-mfa-device-name alice --outfile qr.png --bootstrap-method QRCodePNG | show
echo '$ zbarimg --raw -q qr.png'
uri="$(zbarimg --raw -q qr.png)"
echo "$uri" | sed -E 's/secret=[A-Z2-7]+/secret=<64 base32 characters>/'
echo '```'
secret="$(python3 -c 'import sys,urllib.parse as u; print(u.parse_qs(u.urlparse(sys.argv[1]).query)["secret"][0])' "$uri")"
serial="arn:aws:iam::123456789012:mfa/alice"

cat <<'MD'

## 3. Enable it with two consecutive codes

Type the code the app shows, wait for the next one, type that too. A code typed twice is refused as AWS refuses it:

MD
# c1 to c4 count from the current 30-second step; with 20 seconds left, all are sent before it ends (a code sent in
# the next step can fall outside the server's window).
wait_fresh_step 20
c1="$(totp "$secret" -1)"; c2="$(totp "$secret" 0)"
echo '```console'
run aws iam enable-mfa-device --user-name alice --serial-number "$serial" --authentication-code1 "$c2" --authentication-code2 "$c2"
run aws iam enable-mfa-device --user-name alice --serial-number "$serial" --authentication-code1 "$c1" --authentication-code2 "$c2"
run aws iam list-mfa-devices --user-name alice
echo '```'

cat <<'MD'

## 4. Temporary credentials with MFA

Alice gets her own access key; with her device's next code, GetSessionToken returns MFA-backed temporary credentials.
The same code a second time is refused: a code is good once.

MD
keys="$(aws iam create-access-key --user-name alice)"
alice_id="$(json_field AccessKey AccessKeyId <<<"$keys")"
alice_secret="$(json_field AccessKey SecretAccessKey <<<"$keys")"
printf '[alice]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$alice_id" "$alice_secret" >> "$AWS_SHARED_CREDENTIALS_FILE"
c3="$(totp "$secret" 1)"
echo '```console'
echo '$ aws iam create-access-key --user-name alice   # saved as profile [alice]'
run aws --profile alice sts get-session-token --serial-number "$serial" --token-code "$c3" --duration-seconds 3600
run aws --profile alice sts get-session-token --serial-number "$serial" --token-code "$c3"
run aws --profile alice sts get-session-token --serial-number arn:aws:iam::123456789012:user/alice --token-code "$c3"
echo '```' 

cat <<'MD'

## 5. A role that demands MFA

MD
cat > trust.json <<'JSON'
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
  "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}
JSON
echo '```console'
echo '$ cat trust.json'; cat trust.json
run aws iam create-role --role-name admin --assume-role-policy-document file://trust.json
run aws --profile alice sts assume-role --role-arn arn:aws:iam::123456789012:role/admin --role-session-name alice
c4="$(totp "$secret" 2)"
run aws --profile alice sts assume-role --role-arn arn:aws:iam::123456789012:role/admin --role-session-name alice --serial-number "$serial" --token-code "$c4"
echo '```'

cat <<'MD'

## 6. Remove the device

MD
echo '```console'
run aws iam delete-virtual-mfa-device --serial-number "$serial"
run aws iam deactivate-mfa-device --user-name alice --serial-number "$serial"
run aws iam delete-virtual-mfa-device --serial-number "$serial"
echo '```'
cat <<'MD'

Secrets in the output above (secret keys, session tokens) come from a throw-away server; never paste real ones.
MD
