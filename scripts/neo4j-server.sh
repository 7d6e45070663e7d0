#!/usr/bin/env bash
# A real Neo4j Community (5.26 LTS) for lianfang's tests and benchmarks, with no Docker:
# Maven fetches it from Maven Central (cached in ~/.m2), and a small launcher of the
# project's own (scripts/neo4j/Launcher.java, run by the JDK) starts it with Bolt on a
# free loopback port and authentication on.
#
#   scripts/neo4j-server.sh start DIR   start (or report the one already running in DIR)
#                                       and print NEO4J_URI=…, NEO4J_USER=…, NEO4J_PASSWORD=…
#   scripts/neo4j-server.sh stop DIR    stop it
#
# Needs Java 17+ and Maven (scripts/install-system-deps.sh installs them where missing).
# LIANFANG_NEO4J_HEAP (default 1g) sets the JVM heap.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
action="${1:-}"
dir="${2:-}"
if [[ -z "$action" || -z "$dir" ]]; then
    echo "usage: $0 start|stop DIR" >&2
    exit 2
fi
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

running() {
    [[ -f "$dir/pid" ]] && kill -0 "$(cat "$dir/pid")" 2>/dev/null
}

case "$action" in
stop)
    if running; then
        pid="$(cat "$dir/pid")"
        kill "$pid"
        for _ in $(seq 1 120); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
    rm -f "$dir/pid"
    exit 0
    ;;
start) ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac

if running && [[ -f "$dir/env" ]]; then
    cat "$dir/env"
    exit 0
fi
for tool in java mvn; do
    if ! command -v "$tool" >/dev/null; then
        echo "neo4j-server: $tool not found (bash scripts/install-system-deps.sh installs it)" >&2
        exit 1
    fi
done

if [[ ! -s "$dir/classpath.txt" || "$here/neo4j/pom.xml" -nt "$dir/classpath.txt" ]]; then
    mvn -q -B -f "$here/neo4j/pom.xml" dependency:build-classpath \
        -Dmdep.outputFile="$dir/classpath.txt" >"$dir/maven.log" 2>&1 || {
        echo "neo4j-server: Maven could not fetch Neo4j; see $dir/maven.log" >&2
        tail -5 "$dir/maven.log" >&2
        exit 1
    }
fi

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
password="$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
mkdir -p "$dir/home"
rm -f "$dir/home/ready"
nohup java -Xmx"${LIANFANG_NEO4J_HEAP:-1g}" -XX:+UseG1GC \
    -cp "$(cat "$dir/classpath.txt")" "$here/neo4j/Launcher.java" \
    "$dir/home" "$port" "$password" >"$dir/neo4j.log" 2>&1 &
echo $! >"$dir/pid"

for _ in $(seq 1 360); do
    if [[ -f "$dir/home/ready" ]]; then
        {
            echo "NEO4J_URI=bolt://127.0.0.1:$port"
            echo "NEO4J_USER=neo4j"
            echo "NEO4J_PASSWORD=$password"
        } >"$dir/env"
        chmod 600 "$dir/env"
        cat "$dir/env"
        exit 0
    fi
    if ! running; then
        echo "neo4j-server: Neo4j stopped while starting; the end of $dir/neo4j.log:" >&2
        tail -20 "$dir/neo4j.log" >&2
        exit 1
    fi
    sleep 0.5
done
echo "neo4j-server: Neo4j did not answer within 3 minutes; see $dir/neo4j.log" >&2
"$0" stop "$dir"
exit 1
