#!/usr/bin/env bash
# Start-up cost of `rotlog check` on one small file against starting Node, and the cost of the
# dependencies rotlog loads at start-up. Uses hyperfine when installed, else a timed loop.
# Usage: scripts/startup.sh [runs]   (run `npm run build` first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
echo 'one small line' > "$dir/app.log"
bin=$PWD/bin/rotlog
declare -a commands=(
	'node -e 0'
	"node --input-type=module -e \"await import('$PWD/node_modules/yargs/index.mjs')\""
	"node --input-type=module -e \"await import('$PWD/node_modules/fs-native-extensions/index.js')\""
	"node $bin --version"
	"node $bin check $dir/app.log --max 1M"
	"node $bin status $dir/app.log"
)
if command -v hyperfine >/dev/null; then
	hyperfine -N --warmup 3 --runs "$runs" "${commands[@]}"
else
	for command in "${commands[@]}"; do
		start=$(date +%s%N)
		for _ in $(seq "$runs"); do eval "$command" >/dev/null; done
		echo "$(( ($(date +%s%N) - start) / runs / 1000000 )) ms  $command"
	done
fi
