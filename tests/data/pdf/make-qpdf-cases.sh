#!/usr/bin/env bash
# Variants of two test PDFs made with qpdf (apt-get install qpdf): with
# object streams (objstm.pdf); encrypted with an owner password only (the empty user password: anyone may open them,
# as many published disclosures are), with each standard algorithm, one
# with object streams (decrypted before they are inflated), and one with
# a real user password (`encrypted`). tests/pdf.rs reads them.
set -euo pipefail
cd "$(dirname "$0")"
q() { qpdf --allow-weak-crypto "$@"; }
q --encrypt "" owner 40 -- split-table.pdf encrypted-owner-rc4-40.pdf
q --encrypt "" owner 128 --use-aes=n -- split-table.pdf encrypted-owner-rc4-128.pdf
q --encrypt "" owner 128 --use-aes=y -- split-table.pdf encrypted-owner-aes-128.pdf
q --object-streams=generate --encrypt "" owner 256 -- word-seed-merged.pdf encrypted-owner-aes-256-objstm.pdf
q --encrypt user owner 256 -- split-table.pdf encrypted-user-password.pdf
qpdf --object-streams=generate split-table.pdf objstm.pdf
# Turned pages: /Rotate alone (a viewer shows the page turned, its content
# is as it was), and content turned (--flatten-rotation draws it turned),
# then shown upright again by /Rotate or left sideways.
qpdf --rotate=+90 word-seed-merged.pdf rotate-90-word-seed-merged.pdf
qpdf --rotate=+270 word-seed-merged.pdf tmp-r.pdf
qpdf --flatten-rotation tmp-r.pdf tmp-f.pdf
qpdf --rotate=+90 tmp-f.pdf turned-270-shown-upright-word-seed-merged.pdf
qpdf --rotate=+90 split-table.pdf tmp-r.pdf
qpdf --flatten-rotation tmp-r.pdf turned-90-split-table.pdf
qpdf --rotate=+180 split-table.pdf tmp-r.pdf
qpdf --flatten-rotation tmp-r.pdf tmp-f.pdf
qpdf --rotate=+180 tmp-f.pdf turned-180-shown-upright-split-table.pdf
rm -f tmp-r.pdf tmp-f.pdf
