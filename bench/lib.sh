# Helpers shared by the benchmark scripts (sourced; each script defines die and log first).

# True when the process is gone (or a zombie).
gone() {
  local st
  st="$(awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null || true)"
  [[ -z "$st" || "$st" == Z ]]
}

# A free TCP port on loopback.
free_port() {
  local p tries=200
  while [[ $tries -gt 0 ]]; do
    p=$((20000 + RANDOM % 40000))
    if command -v ss >/dev/null; then
      [[ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ]] && { echo "$p"; return; }
    elif ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"; return
    fi
    tries=$((tries - 1))
  done
  die "found no free port"
}
