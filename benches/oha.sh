#!/usr/bin/env bash
# The sandbox against the trivial axum server, measured by a load tool nobody here wrote
# (oha, `cargo install oha --locked`), and the sandbox's memory per Item and per stored
# transaction. Figures and how to read them: BENCHMARKS.md, "Issue 20".
#
#   benches/oha.sh rate [SECONDS] [ROUNDS]     # requests/s side by side (default 10 s, 3 rounds)
#   benches/oha.sh memory [ITEMS] [REQUESTS]   # RSS per Item and per transaction
#   BIN=/tmp/before benches/oha.sh rate         # plaid-sandbox and trivial_server from there
#
# Both servers run on 127.0.0.1 on free ports and are killed on exit. Needs curl, jq and oha.
set -euo pipefail

cd "$(dirname "$0")/.."
MODE=${1:-rate}
CONNECTIONS=32
CLIENT_ID=oha-client
export PLAID_SANDBOX_SECRET=oha-secret

for tool in curl jq oha; do
    command -v "$tool" >/dev/null || { echo "oha.sh: $tool is required" >&2; exit 1; }
done

# BIN=DIR takes the two binaries from DIR instead (say, a build of an earlier commit).
if [[ -z ${BIN:-} ]]; then
    cargo build --quiet --release -p plaid-sandbox -p plaid-benches --bins
    BIN=${CARGO_TARGET_DIR:-target}/release
    BUILT="commit $(git rev-parse --short HEAD)"
else
    BUILT="binaries from $BIN"
fi

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

# start NAME COMMAND...: runs a server that prints its address (last word of its first line)
# and sets URL and PID.
start() {
    local name=$1
    shift
    "$@" >"$WORK/$name.out" 2>/dev/null &
    PID=$!
    PIDS+=("$PID")
    for _ in $(seq 200); do
        if [[ -s $WORK/$name.out ]]; then
            URL=$(head -n1 "$WORK/$name.out" | awk '{print $NF}')
            return
        fi
        sleep 0.05
    done
    echo "oha.sh: $name did not start" >&2
    exit 1
}

# call PATH BODY: one request to the sandbox, its JSON answer on stdout (fails on a non-2xx).
call() {
    curl -sS --fail-with-body -X POST "$SANDBOX$1" \
        -H 'Content-Type: application/json' \
        -H "PLAID-CLIENT-ID: $CLIENT_ID" -H "PLAID-SECRET: $PLAID_SANDBOX_SECRET" \
        -d "$2"
}

# link USERNAME PRODUCTS: an Item at First Platypus Bank; its access token on stdout.
link() {
    local public
    public=$(call /sandbox/public_token/create \
        "{\"institution_id\":\"ins_109508\",\"initial_products\":$2,\"options\":{\"override_username\":\"$1\",\"override_password\":\"pass_good\"}}" |
        jq -er .public_token)
    call /item/public_token/exchange "{\"public_token\":\"$public\"}" | jq -er .access_token
}

rss_kib() {
    awk '/^VmRSS:/ {print $2}' "/proc/$1/status"
}

# load URL PATH BODY SECONDS: oha at $CONNECTIONS connections; prints "requests/s non-200s".
load() {
    oha --no-tui --output-format json -z "$4s" -c "$CONNECTIONS" -m POST \
        -H 'Content-Type: application/json' \
        -H "PLAID-CLIENT-ID: $CLIENT_ID" -H "PLAID-SECRET: $PLAID_SANDBOX_SECRET" \
        -d "$3" "$1$2" >"$WORK/oha.json"
    jq -r '[(.summary.requestsPerSec | floor),
            ([.statusCodeDistribution | to_entries[] | select(.key != "200") | .value] | add // 0)]
           | @tsv' "$WORK/oha.json"
}

start sandbox "$BIN/plaid-sandbox" --listen 127.0.0.1:0 --client-id "$CLIENT_ID" --seed 20
SANDBOX=$URL
SANDBOX_PID=$PID

case $MODE in
rate)
    SECONDS_PER_RUN=${2:-10}
    ROUNDS=${3:-3}
    start trivial "$BIN/trivial_server" 127.0.0.1:0
    TRIVIAL=$URL
    # Real state: a user for /user/items/get, a linked Item's access token for /accounts/get.
    USER_TOKEN=$(call /user/create '{"client_user_id":"oha-user"}' | jq -er .user_token)
    ACCESS_TOKEN=$(link user_good '["auth","transactions"]')
    # Each answer is checked once: the Item's own accounts, the user's Item.
    call /accounts/get "{\"access_token\":\"$ACCESS_TOKEN\"}" | jq -e '.accounts | length > 0' >/dev/null
    call /user/items/get "{\"user_token\":\"$USER_TOKEN\"}" | jq -e '.items | length == 1' >/dev/null
    echo "$BUILT, $(nproc) cores, oha $(oha --version | awk '{print $2}'), $CONNECTIONS connections, ${SECONDS_PER_RUN} s per run"
    echo
    echo "| round | endpoint | trivial axum server | plaid-sandbox | ratio | sandbox non-200 |"
    echo "|---|---|---|---|---|---|"
    for round in $(seq "$ROUNDS"); do
        for endpoint in accounts items; do
            case $endpoint in
            accounts) path=/accounts/get body="{\"access_token\":\"$ACCESS_TOKEN\"}" ;;
            items) path=/user/items/get body="{\"user_token\":\"$USER_TOKEN\"}" ;;
            esac
            # Alternating which server goes first spreads the machine's drift over both.
            if ((round % 2)); then
                read -r trivial _ < <(load "$TRIVIAL" "$path" "$body" "$SECONDS_PER_RUN")
                read -r sandbox errors < <(load "$SANDBOX" "$path" "$body" "$SECONDS_PER_RUN")
            else
                read -r sandbox errors < <(load "$SANDBOX" "$path" "$body" "$SECONDS_PER_RUN")
                read -r trivial _ < <(load "$TRIVIAL" "$path" "$body" "$SECONDS_PER_RUN")
            fi
            echo "| $round | \`$path\` | $trivial | $sandbox | $((100 * sandbox / trivial)) % | $errors |"
        done
    done
    echo
    echo "sandbox RSS after the runs: $(rss_kib "$SANDBOX_PID") KiB"
    ;;
memory)
    ITEMS=${2:-100000}
    REQUESTS=${3:-20000}
    # The first requests warm up the allocator and the answer caches, so that the differences
    # below are the stored state's.
    call /sandbox/public_token/create '{"institution_id":"ins_109508","initial_products":["transactions"]}' >/dev/null
    before=$(rss_kib "$SANDBOX_PID")
    # oha sends one fixed body; each /sandbox/public_token/create links a new Item.
    oha --no-tui --output-format json -n "$ITEMS" -c 8 -m POST \
        -H 'Content-Type: application/json' \
        -H "PLAID-CLIENT-ID: $CLIENT_ID" -H "PLAID-SECRET: $PLAID_SANDBOX_SECRET" \
        -d '{"institution_id":"ins_109508","initial_products":["auth","transactions"]}' \
        "$SANDBOX/sandbox/public_token/create" >"$WORK/items.json"
    jq -e '.statusCodeDistribution | keys == ["200"]' "$WORK/items.json" >/dev/null ||
        { echo "oha.sh: some Items were refused" >&2; exit 1; }
    after_items=$(rss_kib "$SANDBOX_PID")
    TOKEN=$(link user_transactions_dynamic '["transactions"]')
    linked=$(rss_kib "$SANDBOX_PID")
    # Ten transactions a request (the most one may add), each description 12 bytes.
    transactions=$(jq -nc '[range(10) | {date_transacted:"2024-03-01",date_posted:"2024-03-02",amount:4.5,description:"Coffee #\(1000 + .)",iso_currency_code:"USD"}]')
    oha --no-tui --output-format json -n "$REQUESTS" -c 8 -m POST \
        -H 'Content-Type: application/json' \
        -H "PLAID-CLIENT-ID: $CLIENT_ID" -H "PLAID-SECRET: $PLAID_SANDBOX_SECRET" \
        -d "{\"access_token\":\"$TOKEN\",\"transactions\":$transactions}" \
        "$SANDBOX/sandbox/transactions/create" >"$WORK/transactions.json"
    jq -e '.statusCodeDistribution | keys == ["200"]' "$WORK/transactions.json" >/dev/null ||
        { echo "oha.sh: some transactions were refused" >&2; exit 1; }
    after_transactions=$(rss_kib "$SANDBOX_PID")
    stored=$((REQUESTS * 10))
    echo "RSS: $before KiB at start, $after_items KiB after $ITEMS Items, $after_transactions KiB after $stored transactions"
    echo "per Item: $(((after_items - before) * 1024 / ITEMS)) bytes of RSS (counted: 192 bytes, no webhook)"
    echo "per transaction: $(((after_transactions - linked) * 1024 / stored)) bytes of RSS (counted: 48 + 12 + 3 = 63 bytes)"
    ;;
*)
    echo "usage: benches/oha.sh rate [SECONDS] [ROUNDS] | memory [ITEMS] [REQUESTS]" >&2
    exit 2
    ;;
esac
