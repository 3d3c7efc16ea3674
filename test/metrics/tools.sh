# Sourced by the metrics tests: tool NAME prints the command NAME, from PATH or from the private
# cache that `tools/deps test` unpacks prometheus' and node_exporter's .debs into.
tool() {
  command -v "$1" && return
  local cached=${DAX_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dax-tools}/root/usr/bin/$1
  [ -x "$cached" ] && echo "$cached"
}
