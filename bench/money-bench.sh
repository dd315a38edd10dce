#!/usr/bin/env bash
# CPU per request of the gateway with keys + limits + metering off vs on (see bench/RESULTS-money.md).
# Usage: bench/money-bench.sh [rounds] [requests] [concurrency]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -o -q package -DskipTests
mvn -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
exec java -cp "target/test-classes:target/classes:$(cat target/bench.cp)" dev.caravan.bench.MoneyPathBench "$@"
