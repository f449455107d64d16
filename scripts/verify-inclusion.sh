#!/usr/bin/env bash
# Checks one item of a sample with openssl and bash alone (docs/verifying-evidence.md): the log
# line hashes to its event hash (iddio's recipe, the hash value blanked), and the event's RFC 6962
# leaf proves into the package's Merkle root (the algorithm of RFC 9162 §2.1.3.2).
# Usage: scripts/verify-inclusion.sh ROOT TREE_SIZE LEAF_INDEX LINE_FILE [PROOF_NODE ...]
#   LINE_FILE holds the item's log_line; PROOF_NODE… are its proof, in order.
set -euo pipefail
root=$1 size=$2 index=$3 line_file=$4
shift 4

sha() { openssl dgst -sha256 -r | cut -c1-64; }
bytes() { printf "$(printf '%s' "$1" | sed 's/../\\x&/g')"; }

line=$(cat "$line_file")
# The event hash: the last "hash":"<64 hex>" of the line is the event's; hash the line without it.
stored=$(printf '%s' "$line" | sed -n 's/.*"hash":"\([0-9a-f]\{64\}\)".*/\1/p')
computed=$(printf '%s' "$line" | sed 's/\(.*\)"hash":"[0-9a-f]\{64\}"/\1"hash":""/' | sha)
if [ "$stored" != "$computed" ]; then
  echo "the line was edited: it hashes to $computed, its hash field says $stored" >&2
  exit 1
fi
# The leaf: SHA-256(0x00 || the 32 bytes of the event hash).
r=$( { printf '\x00'; bytes "$stored"; } | sha)
fn=$index sn=$((size - 1))
[ "$fn" -le "$sn" ] || { echo "leaf index $index is outside a tree of $size" >&2; exit 1; }
for p in "$@"; do
  [ "$sn" -gt 0 ] || { echo "the proof is too long" >&2; exit 1; }
  if [ $((fn & 1)) -eq 1 ] || [ "$fn" -eq "$sn" ]; then
    r=$( { printf '\x01'; bytes "$p"; bytes "$r"; } | sha)
    if [ $((fn & 1)) -eq 0 ]; then
      while [ $((fn & 1)) -eq 0 ] && [ "$fn" -ne 0 ]; do fn=$((fn >> 1)) sn=$((sn >> 1)); done
    fi
  else
    r=$( { printf '\x01'; bytes "$r"; bytes "$p"; } | sha)
  fi
  fn=$((fn >> 1)) sn=$((sn >> 1))
done
if [ "$sn" -ne 0 ] || [ "$r" != "$root" ]; then
  echo "the proof does not lead to the root: got $r" >&2
  exit 1
fi
echo "OK: event $stored is leaf $index of the tree with root $root"
