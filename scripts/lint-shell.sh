#!/usr/bin/env bash
# Runs shellcheck over every shell script in the repository: files named *.sh or *.bash and files whose
# first line is a sh/bash/dash shebang, among those git tracks or would track (new files count,
# ignored build outputs do not). Settings in .shellcheckrc. Run by `./build.sh --target=Lint`
# (part of Test). Usage: scripts/lint-shell.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
command -v shellcheck >/dev/null || { echo "lint-shell: shellcheck is missing; run scripts/prerequisites.sh (Debian package shellcheck)" >&2; exit 1; }

scripts=()
while IFS= read -r -d '' file; do
  [[ -f $file && ! -L $file ]] || continue # deleted in the work tree, or a link to a file listed anyway
  case $file in
    *.sh | *.bash) scripts+=("$file") ;;
    *)
      first_line=$(head -n 1 -- "$file" 2>/dev/null | tr -d '\0' || true)
      if [[ $first_line =~ ^'#!'[[:space:]]*(/usr)?/bin/(env[[:space:]]+)?(ba|da)?sh([[:space:]]|$) ]]; then scripts+=("$file"); fi
      ;;
  esac
done < <(git ls-files -z --cached --others --exclude-standard)

((${#scripts[@]})) || { echo "lint-shell: found no shell scripts under $repo" >&2; exit 1; }
if shellcheck -- "${scripts[@]}"; then
  echo "lint-shell: ${#scripts[@]} scripts clean"
else
  echo "lint-shell: shellcheck found the problems above in some of these ${#scripts[@]} scripts; fix them (or, where a finding is wrong, disable that check on the line with a comment saying why)" >&2
  exit 1
fi
