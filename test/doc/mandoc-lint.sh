#!/bin/bash
# mandoc-lint.sh PAGE: `mandoc -T lint -W style` reports nothing but the accepted style
# messages:
# - "lower case character in document title": Linux man pages are titled like the command
#   (dax-list(1), as man-pages(7) and ls(1) do); mandoc wants BSD-style upper case.
# - "input text line longer than 80 bytes": about the roff source, which scdoc generates
#   with font escapes (\fB...\fR) added to our wrapped lines; the rendered text is reflowed.
# Any warning, error or other style message fails.
set -u
page=$1
command -v mandoc >/dev/null || { echo "SKIP: mandoc not installed (apt-get install mandoc)"; exit 77; }
messages=$(mandoc -T lint -W style "$page" 2>&1)
rejected=$(grep -v -e 'STYLE: lower case character in document title' \
                   -e 'STYLE: input text line longer than 80 bytes' <<<"$messages" | grep .)
if [[ -n $rejected ]]; then
  echo "FAIL: mandoc -T lint -W style $page:"
  echo "$rejected"
  exit 1
fi
echo "${page##*/}: mandoc lint clean ($(grep -c . <<<"$messages") accepted style message(s))"
