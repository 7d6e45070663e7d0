#!/usr/bin/env bash
# Write constraints.txt: the exact version of every package the project and its tests
# install, as resolved now. The README's commands and CI install with `-c constraints.txt`,
# so every machine gets the versions the suite last passed with. Run it after changing a
# dependency in pyproject.toml, run the tests, and commit both files.
#
#     bash scripts/lock.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
python3 -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install -q --upgrade pip
"$scratch/venv/bin/pip" install -q '.[test]'
{
  echo "# Exact versions for pip install -c constraints.txt; written by scripts/lock.sh."
  "$scratch/venv/bin/pip" freeze --exclude-editable | grep -v -i '^lianfang[ =@]' | sort -f
} > constraints.txt
echo "wrote constraints.txt ($(grep -vc '^#' constraints.txt) packages)"
