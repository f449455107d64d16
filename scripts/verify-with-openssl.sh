#!/usr/bin/env bash
# Checks an evidence package with openssl, sha256sum and awk alone, as docs/verifying-evidence.md
# walks an auditor through it: the Ed25519 signature of summary.json, the key id it names, then
# every file of the manifest (size and SHA-256) and that no other file is there.
# Usage: scripts/verify-with-openssl.sh PACKAGE_DIR signing-key.pub.pem
set -euo pipefail
dir=$1
pub=$2

# 1. summary.json is exactly what the key holder signed.
openssl pkeyutl -verify -pubin -inkey "$pub" -rawin -in "$dir/summary.json" -sigfile "$dir/summary.json.sig"

# 2. ... and it names that key: the key id is the SHA-256 of the DER public key.
key_id=$(openssl pkey -pubin -in "$pub" -outform DER | sha256sum | cut -d' ' -f1)
grep -q "\"key_id\": \"$key_id\"" "$dir/summary.json" || {
  echo "summary.json does not name key $key_id" >&2
  exit 1
}

# 3. Every file of the manifest has the SHA-256 summary.json lists (manifest entries are
#    {"file", "media_type", "bytes", "sha256"}, one member a line, after "manifest": [).
list=$(mktemp)
trap 'rm -f "$list"' EXIT
awk '/"manifest": \[/ { m = 1 }
     m && /"file":/ { gsub(/[",]/, "", $2); f = $2 }
     m && /"sha256":/ { gsub(/[",]/, "", $2); print $2 "  " f }' "$dir/summary.json" >"$list"
[ -s "$list" ] || { echo "no manifest in $dir/summary.json" >&2; exit 1; }
(cd "$dir" && sha256sum --strict --quiet -c "$list")

# 4. Nothing else is in the folder.
listed=$(awk '{ print $2 }' "$list" | sort)
present=$(cd "$dir" && ls -A | grep -v -x -e summary.json -e summary.json.sig | sort)
if [ "$listed" != "$present" ]; then
  echo "the folder and the manifest differ:" >&2
  diff <(echo "$listed") <(echo "$present") >&2 || true
  exit 1
fi
echo "OK: signature by key $key_id; $(wc -l <"$list") files match the manifest"
