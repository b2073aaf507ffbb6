#!/bin/sh
# VERIFY.sh: checks this evidence packet with openssl, sha256sum and a POSIX shell, nothing else
# (no bwcdock software). Run it from anywhere: sh VERIFY.sh. It prints one line per check and ends
# with "VERIFIED" (exit 0), or names the first artefact that failed the check (exit 1).
# Certificates are checked at the time they signed, not today: a dock's certificate may have
# expired since (-no_check_time).
set -u
cd "$(dirname "$0")" || exit 2
DOCK_POLICY='@DOCK_POLICY@'
RECEIPT_SIGNER_POLICY='@RECEIPT_SIGNER_POLICY@'
FOOTAGE='@FOOTAGE@'
# Whether this packet was made with each RFC 3161 token: a token deleted afterwards is then caught.
MANIFEST_TOKEN='@MANIFEST_TOKEN@'
RECEIPT_TOKEN='@RECEIPT_TOKEN@'
# Whether this packet was made with the dock's audit rows (so that removing them fails).
AUDIT_ROWS='@AUDIT_ROWS@'

fail() {
    echo "FAILED: $1: $2"
    exit 1
}
ok() {
    echo "ok: $1: $2"
}
for tool in openssl sha256sum; do
    command -v "$tool" >/dev/null 2>&1 || { echo "cannot verify: $tool is not installed"; exit 2; }
done
tmp=${TMPDIR:-/tmp}/verify-evidence.$$
mkdir -m 700 "$tmp" || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' INT TERM

# The value of "key":"..." in a canonical JSON file, only if the key occurs exactly once. Quotes
# inside JSON strings are escaped, so a file name can never fake one of these keys.
field() {
    n=$(grep -o "\"$2\":\"[^\"]*\"" "$1" | wc -l)
    [ "$n" -eq 1 ] || return 1
    grep -o "\"$2\":\"[^\"]*\"" "$1" | sed 's/^"[^"]*":"//; s/"$//'
}
sha() {
    sha256sum "$1" | cut -d ' ' -f 1
}

# 1. The agency CA that issued the dock's and the receipt signer's certificates.
ca=certs/agency-ca.pem
openssl x509 -in "$ca" -noout 2>/dev/null || fail "$ca" "not a readable certificate"
openssl verify -no_check_time -check_ss_sig -CAfile "$ca" "$ca" >/dev/null 2>&1 \
    || fail "$ca" "its own signature does not verify (altered)"
fp=$(openssl x509 -in "$ca" -noout -fingerprint -sha256 | sed 's/^[^=]*=//')
ok "$ca" "SHA-256 fingerprint $fp (compare it with the one the agency publishes)"

# 2. The dock: a certificate of that CA with the dock role.
dock=certs/dock.pem
openssl verify -no_check_time -purpose any -CAfile "$ca" "$dock" >/dev/null 2>&1 \
    || fail "$dock" "not issued by the agency CA (or altered)"
openssl x509 -in "$dock" -noout -ext certificatePolicies 2>/dev/null | grep -qF "$DOCK_POLICY" \
    || fail "$dock" "does not carry the dock role ($DOCK_POLICY)"
dock_id=$(openssl x509 -in "$dock" -noout -ext subjectAltName 2>/dev/null | grep -o 'URI:urn:bwcdock:dock:[A-Za-z0-9._-]*' \
    | sed 's/^URI:urn:bwcdock:dock://')
[ -n "$dock_id" ] || fail "$dock" "names no dock (urn:bwcdock:dock:ID)"
ok "$dock" "dock $dock_id, issued by the agency CA"

# 3. The receipt signer: a certificate of that CA with the receipt-signer role.
signer=certs/receipt-signer.pem
openssl verify -no_check_time -purpose any -CAfile "$ca" "$signer" >/dev/null 2>&1 \
    || fail "$signer" "not issued by the agency CA (or altered)"
openssl x509 -in "$signer" -noout -ext certificatePolicies 2>/dev/null | grep -qF "$RECEIPT_SIGNER_POLICY" \
    || fail "$signer" "does not carry the receipt-signer role ($RECEIPT_SIGNER_POLICY)"
ok "$signer" "the evidence server's receipt signer, issued by the agency CA"

# 4. The receipt: signed by that receipt signer; it names the manifest's and the footage's SHA-256.
openssl cms -verify -binary -inform DER -in receipt.p7s -CAfile "$ca" -purpose any -no_check_time \
    -signer "$tmp/receipt-signer.pem" -out "$tmp/receipt.json" >/dev/null 2>&1 \
    || fail receipt.p7s "its signature does not verify (altered, or not signed by the agency's receipt signer)"
openssl x509 -in "$tmp/receipt-signer.pem" -outform DER -out "$tmp/a.der" 2>/dev/null
openssl x509 -in "$signer" -outform DER -out "$tmp/b.der" 2>/dev/null
cmp -s "$tmp/a.der" "$tmp/b.der" || fail receipt.p7s "signed by another certificate than $signer"
receipt_manifest=$(field "$tmp/receipt.json" manifestSha256) || fail receipt.p7s "names no single manifest hash"
receipt_footage=$(field "$tmp/receipt.json" plaintextSha256) || fail receipt.p7s "names no single footage hash"
received=$(field "$tmp/receipt.json" receivedAt) || fail receipt.p7s "says no time of receipt"
ok receipt.p7s "the evidence server received it at $received"

# 5. The manifest: the bytes the receipt names, signed by the dock.
[ "$(sha manifest.json)" = "$receipt_manifest" ] || fail manifest.json "its SHA-256 is not the one the receipt names (altered)"
openssl cms -verify -binary -inform DER -in manifest.p7s -content manifest.json -CAfile "$ca" -purpose any -no_check_time \
    -signer "$tmp/dock.pem" -out /dev/null >/dev/null 2>&1 \
    || fail manifest.p7s "the signature over manifest.json does not verify (altered)"
openssl x509 -in "$tmp/dock.pem" -outform DER -out "$tmp/a.der" 2>/dev/null
openssl x509 -in "$dock" -outform DER -out "$tmp/b.der" 2>/dev/null
cmp -s "$tmp/a.der" "$tmp/b.der" || fail manifest.p7s "signed by another certificate than $dock"
[ "$(field manifest.json dockId)" = "$dock_id" ] || fail manifest.json "names another dock than the one that signed it"
manifest_footage=$(field manifest.json sha256) || fail manifest.json "names no single footage hash"
[ "$manifest_footage" = "$receipt_footage" ] || fail manifest.json "names another footage hash than the receipt"
ok manifest.json "signed by dock $dock_id, the manifest the receipt names"

# 6. The footage: the bytes the dock read from the camera.
[ -f "$FOOTAGE" ] || fail "$FOOTAGE" "missing"
[ "$(sha "$FOOTAGE")" = "$manifest_footage" ] || fail "$FOOTAGE" "its SHA-256 is not the one the dock signed (altered)"
ok "$FOOTAGE" "SHA-256 $manifest_footage, as the dock read it and the evidence server receipted it"

# 7. Trusted time: RFC 3161 tokens from an independent time-stamping authority (TSA). Each token
# binds the SHA-256 of one file to the TSA's clock: manifest.tsr the dock's signature (so the
# manifest and its signature existed then), receipt.tsr the receipt. openssl checks the token's
# signature, that it is for exactly that file, and that its signer is a time-stamping certificate
# of the TSA's CA.
stamped=""
if [ "$MANIFEST_TOKEN" = yes ] || [ "$RECEIPT_TOKEN" = yes ]; then
    tsa_ca=certs/tsa-ca.pem
    tsa=certs/tsa.pem
    openssl x509 -in "$tsa_ca" -noout 2>/dev/null || fail "$tsa_ca" "not a readable certificate"
    openssl verify -no_check_time -check_ss_sig -CAfile "$tsa_ca" "$tsa_ca" >/dev/null 2>&1 \
        || fail "$tsa_ca" "its own signature does not verify (altered)"
    tfp=$(openssl x509 -in "$tsa_ca" -noout -fingerprint -sha256 | sed 's/^[^=]*=//')
    ok "$tsa_ca" "the TSA's CA, SHA-256 fingerprint $tfp (compare it with the one the TSA publishes)"
    openssl verify -no_check_time -purpose timestampsign -CAfile "$tsa_ca" "$tsa" >/dev/null 2>&1 \
        || fail "$tsa" "not a time-stamping certificate of the TSA's CA (or altered)"
    ok "$tsa" "$(openssl x509 -in "$tsa" -noout -subject 2>/dev/null | sed 's/^subject=//'), the TSA, issued by its CA"
fi
# stamp TOKEN FILE: the token verifies for FILE with the certificate it carries, and that
# certificate is certs/tsa.pem, intact; or the script stops naming the token.
stamp() {
    openssl ts -verify -in "$1" -data "$2" -CAfile "$tsa_ca" >/dev/null 2>&1 \
        || fail "$1" "not a valid timestamp of $2 by the TSA (altered, or for other data)"
    openssl ts -reply -in "$1" -token_out -out "$tmp/token.der" >/dev/null 2>&1 || fail "$1" "holds no token"
    openssl pkcs7 -inform DER -in "$tmp/token.der" -print_certs -out "$tmp/token-certs.pem" >/dev/null 2>&1 \
        || fail "$1" "its certificates cannot be read (altered)"
    openssl verify -no_check_time -CAfile "$tsa_ca" "$tmp/token-certs.pem" >/dev/null 2>&1 \
        || fail "$1" "the TSA certificate it carries does not verify (altered)"
    grep -v -- '-----' "$tsa" > "$tmp/tsa-body"
    [ "$(grep -c -x -F -f "$tmp/tsa-body" "$tmp/token-certs.pem")" -eq "$(wc -l < "$tmp/tsa-body")" ] \
        || fail "$1" "signed by another TSA certificate than $tsa"
}
# stamp_time TOKEN: the TSA's time in it.
stamp_time() {
    openssl ts -reply -in "$1" -text 2>/dev/null | grep '^Time stamp: ' | sed 's/^Time stamp: //'
}
if [ "$MANIFEST_TOKEN" = yes ]; then
    [ -f manifest.tsr ] || fail manifest.tsr "missing"
    stamp manifest.tsr manifest.p7s
    t=$(stamp_time manifest.tsr)
    ok manifest.tsr "the dock's signed manifest existed at $t (TSA clock)"
    stamped="; manifest timestamped $t"
else
    echo "note: manifest.tsr: the manifest has no trusted timestamp (the TSA had not answered when this packet was made)"
fi
if [ "$RECEIPT_TOKEN" = yes ]; then
    [ -f receipt.tsr ] || fail receipt.tsr "missing"
    stamp receipt.tsr receipt.p7s
    t=$(stamp_time receipt.tsr)
    ok receipt.tsr "the evidence server's receipt existed at $t (TSA clock)"
    stamped="$stamped; receipt timestamped $t"
else
    echo "note: receipt.tsr: the receipt has no trusted timestamp (the TSA had not answered when this packet was made)"
fi

# 8. The dock's audit rows about this file (when the packet has them): every row recomputes, each
# links to the one before, the manifest names one of them, and the chain reaches the row the dock
# signed in its checkpoint. Rows of other cases show only their fields' hash (docs/manifest.md).
audit_note="no audit rows in this packet"
if [ "$AUDIT_ROWS" = yes ]; then
    [ -d audit ] || fail audit "missing (the packet was made with the dock's audit rows)"
    rows=audit/rows.tsv
    [ -f "$rows" ] || fail "$rows" "missing"
    # First the signature over its own attributes (catches an altered .p7s), then over the content.
    openssl cms -verify -binary -inform DER -in audit/checkpoint.p7s -content audit/checkpoint.json -CAfile "$ca" \
        -purpose any -no_check_time -no_content_verify -signer "$tmp/checkpoint-signer.pem" -out /dev/null >/dev/null 2>&1 \
        || fail audit/checkpoint.p7s "its signature does not verify (altered, or not signed by a dock of the agency)"
    openssl cms -verify -binary -inform DER -in audit/checkpoint.p7s -content audit/checkpoint.json -CAfile "$ca" \
        -purpose any -no_check_time -out /dev/null >/dev/null 2>&1 \
        || fail audit/checkpoint.json "not the text the dock signed (altered)"
    openssl x509 -in "$tmp/checkpoint-signer.pem" -outform DER -out "$tmp/a.der" 2>/dev/null
    openssl x509 -in "$dock" -outform DER -out "$tmp/b.der" 2>/dev/null
    cmp -s "$tmp/a.der" "$tmp/b.der" || fail audit/checkpoint.p7s "signed by another certificate than $dock"
    [ "$(field audit/checkpoint.json type)" = audit-checkpoint ] || fail audit/checkpoint.json "is not an audit checkpoint"
    [ "$(field audit/checkpoint.json dockId)" = "$dock_id" ] || fail audit/checkpoint.json "names another dock"
    cp_head=$(field audit/checkpoint.json head) || fail audit/checkpoint.json "names no single head"
    cp_seq=$(grep -o '"seq":[0-9]*' audit/checkpoint.json | sed 's/^"seq"://')
    case $cp_seq in ''|*[!0-9]*) fail audit/checkpoint.json "names no row number" ;; esac
    audit_head=$(field manifest.json auditHead) || fail manifest.json "names no audit row"
    tab=$(printf '\t')
    prev_seq='' prev_hash='' named='' signed='' shown=0 after=0
    while IFS=$tab read -r kind a b c d e f g h; do
        case $kind in
            '#'*) continue ;;
            R) seq=$a at=$b prev=$g hash=$h shown=$((shown + 1))
               fields=$(printf '%s\t%s\t%s\t%s\n' "${c#=}" "${d#=}" "${e#=}" "${f#=}" | sha256sum | cut -c1-64) ;;
            H) seq=$a at=$b fields=$c prev=$d hash=$e ;;
            *) fail audit/rows.tsv "a line is not a row (altered)" ;;
        esac
        case $seq$at in ''|*[!0-9]*) fail audit/rows.tsv "a row number or time is not a number (altered)" ;; esac
        computed=$(printf 'bwcdock-audit-2\t%s\t%s\t%s\t%s\n' "$seq" "$at" "$fields" "$prev" | sha256sum | cut -c1-64)
        [ "$computed" = "$hash" ] || fail audit/rows.tsv "row $seq: its hash does not recompute (altered)"
        if [ -n "$prev_seq" ]; then
            [ "$seq" -eq $((prev_seq + 1)) ] || fail audit/rows.tsv "row $seq follows row $prev_seq (rows are missing)"
            [ "$prev" = "$prev_hash" ] || fail audit/rows.tsv "row $seq does not link to row $prev_seq"
        fi
        [ "$hash" = "$audit_head" ] && named=$seq
        if [ "$seq" -eq "$cp_seq" ]; then
            [ "$hash" = "$cp_head" ] || fail audit/rows.tsv "row $seq is not the row the dock signed in its checkpoint (rewritten)"
            signed=yes
        fi
        [ "$seq" -gt "$cp_seq" ] && after=$((after + 1))
        prev_seq=$seq prev_hash=$hash
    done < "$rows"
    [ -n "$prev_seq" ] || fail "$rows" "holds no rows"
    [ -n "$named" ] || fail "$rows" "does not hold the audit row the manifest names (auditHead)"
    [ -n "$signed" ] || fail "$rows" "does not reach row $cp_seq, the one the dock signed"
    ok "$rows" "$shown rows about this file, chained unbroken to row $cp_seq the dock signed ($after newer rows linked, not yet signed)"
    audit_note="its audit rows chained to the dock's signed checkpoint"
fi

echo "VERIFIED: $FOOTAGE is the file dock $dock_id read from camera $(field manifest.json cameraId), received by the evidence server at $received$stamped; $audit_note"
