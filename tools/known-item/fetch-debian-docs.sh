#!/usr/bin/env bash
# Makes the debian-docs known-item set in DIR: the PDFs of twelve Debian 12 documentation packages
# under DIR/corpus/<folder>/ and the committed queries as DIR/queries.jsonl. Then:
#   ./quire eval --known-item DIR
# Needs apt-get (packages are fetched with `apt-get download`, nothing is installed) and dpkg-deb.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: fetch-debian-docs.sh DIR}
mkdir -p "$out/corpus"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# package=version (Debian 12 "bookworm") and the folder its PDFs go to
packages=(
  "asymptote-doc=2.85+ds-1 asymptote"
  "glpk-doc=5.0-1 glpk-doc"
  "gnuplot-doc=5.4.4+dfsg1-2 gnuplot"
  "grace=1:5.1.25-13 grace"
  "lilypond-doc-pdf=2.24.1-2 lilypond"
  "maxima-doc=5.46.0-11 maxima-doc"
  "octave-doc=7.3.0-2 octave"
  "pari-doc=2.15.2-1 pari"
  "r-doc-pdf=4.2.2.20221110-2 r-doc-pdf"
  "sbcl-doc=2:2.2.9-1 sbcl"
  "yacas-doc=1.3.6-2.1 yacas-doc"
)
for entry in "${packages[@]}"; do
  read -r package folder <<< "$entry"
  echo "fetching $package" >&2
  (cd "$work" && apt-get download -q "$package" >/dev/null)
  deb=$(ls "$work"/"${package%%=*}"_*.deb)
  rm -rf "$work/x" && dpkg-deb -x "$deb" "$work/x" && rm "$deb"
  mkdir -p "$out/corpus/$folder"
  # regular files only (symlinks point at the same PDFs); gzipped PDFs unpacked
  find "$work/x" -type f \( -name '*.pdf' -o -name '*.pdf.gz' \) | while read -r file; do
    name=$(basename "$file" .gz)
    case "$file" in *.gz) gunzip -c "$file" > "$out/corpus/$folder/$name" ;; *) cp "$file" "$out/corpus/$folder/$name" ;; esac
  done
done
# Only the files the queries were made from: music examples, figures and translations are dropped.
(cd "$out/corpus" && find . -type f -name '*.pdf' | sed 's|^\./||' | sort) > "$work/have"
cut -c67- "$here/debian-docs.sha256" | sort > "$work/want"
comm -23 "$work/have" "$work/want" | while read -r extra; do rm "$out/corpus/$extra"; done
(cd "$out/corpus" && sha256sum --quiet -c "$here/debian-docs.sha256")
cp "$here/debian-docs.queries.jsonl" "$out/queries.jsonl"
echo "$(wc -l < "$here/debian-docs.sha256") PDFs in $out/corpus; now: ./quire eval --known-item $out" >&2
