# Sourced by the engine scripts (ceph-rgw.sh, postgres.sh), after they define fail().
# free_port: a TCP port nobody listens on, in 20000-31999: below the kernel's ephemeral range, so
# that no outgoing connection takes it meanwhile, and above the block Swift's ports come from.
free_port() {
  local port tries
  for ((tries = 0; tries < 200; tries++)); do
    port=$((20000 + RANDOM % 12000))
    [ -z "$(ss -Hltn "sport = :$port" 2>/dev/null)" ] && { echo "$port"; return 0; }
  done
  fail "found no free TCP port in 20000-31999"
}
