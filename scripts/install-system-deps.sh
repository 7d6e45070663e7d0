#!/usr/bin/env bash
# Debian packages the tests use: Chromium for the browser tests, a CJK font so Chinese
# renders in screenshots, charts and maps, Node.js for the offline Neo4j Cypher lint, and
# a JDK (17 or later) with Maven, with which the tests start a real Neo4j
# (scripts/neo4j-server.sh).
# Installs only what is missing; without root (or sudo) it says what to install and
# carries on, and those tests then skip with that reason.
set -euo pipefail

wanted=()
command -v chromium >/dev/null 2>&1 || wanted+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || wanted+=(fonts-noto-cjk)
command -v node >/dev/null 2>&1 || wanted+=(nodejs npm)
java_major() {
  java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1
}
if ! command -v java >/dev/null 2>&1 || [ "$(java_major)" -lt 17 ] 2>/dev/null; then
  wanted+=(openjdk-17-jdk-headless)
fi
command -v mvn >/dev/null 2>&1 || wanted+=(maven)

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
