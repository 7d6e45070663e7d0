#!/usr/bin/env bash
# Debian packages the tests use: Chromium for the browser tests, a CJK font so Chinese
# renders in screenshots, charts and maps, and Node.js for the offline Neo4j Cypher lint.
# Installs only what is missing; without root (or sudo) it says what to install and
# carries on, and those tests then skip with that reason.
set -euo pipefail

wanted=()
command -v chromium >/dev/null 2>&1 || wanted+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || wanted+=(fonts-noto-cjk)
command -v node >/dev/null 2>&1 || wanted+=(nodejs npm)

if [ ${#wanted[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  run=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  run=(sudo)
else
  echo "install-system-deps: not root; please install: ${wanted[*]}" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
"${run[@]}" apt-get update -qq
"${run[@]}" apt-get install -y -qq "${wanted[@]}" >/dev/null
echo "install-system-deps: installed ${wanted[*]}"
