#!/usr/bin/env bash
# Start-up cost of `rotlog check` on one small file and of a writer with empty input, against
# starting Node, and the cost of the dependencies rotlog loads at start-up, loaded as rotlog loads
# them (yargs' CommonJS entry, the lock's prebuilt binary: src/cli/parser.ts, src/log/kernel-lock.ts).
# Uses hyperfine when installed, else a timed loop; stdin is /dev/null either way.
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
	"node -e \"require('$PWD/node_modules/yargs/yargs.cjs')\""
	"node -e \"require('$PWD/node_modules/fs-native-extensions/prebuilds/linux-x64/fs-native-extensions.node')\""
	"node $bin $dir/writer.log --compress none"
	"node $bin --version"
	"node $bin check $dir/app.log --max 1M"
	"node $bin status $dir/app.log"
)
if command -v hyperfine >/dev/null; then
	hyperfine -N --warmup 3 --runs "$runs" "${commands[@]}"
else
	for command in "${commands[@]}"; do
		start=$(date +%s%N)
		for _ in $(seq "$runs"); do eval "$command" >/dev/null </dev/null; done
		echo "$(( ($(date +%s%N) - start) / runs / 1000000 )) ms  $command"
	done
fi
