# Shared by tools/test and tools/demo: install what is missing, configure and build.
# Source it; it defines functions and changes nothing by itself.

LIAISON_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Installs the packages of tools/deps.txt that are not installed yet.
ensure_deps() {
  local missing=()
  local pkg
  while read -r pkg; do
    pkg="${pkg%%#*}"
    pkg="$(echo "$pkg" | tr -d '[:space:]')"
    [ -n "$pkg" ] || continue
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done < "$LIAISON_ROOT/tools/deps.txt"
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# Node.js and npm for the browser tests (tests/browser): the machines come with them; Debian's
# packages where they do not.
ensure_node() {
  command -v node >/dev/null && command -v npm >/dev/null && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends nodejs npm
}

# Configures and builds into $1 (default build/) with the remaining arguments passed to cmake.
# -O2 without debug info: the Beast translation units compile about 40 % faster than with -g
# (-O3 is avoided: GCC 12 gives false -Wrestrict warnings there, which -Werror turns fatal).
# BUILD_TARGETS, when set, limits the build to those targets.
build_tree() {
  local dir="${1:-$LIAISON_ROOT/build}"
  shift || true
  cmake -S "$LIAISON_ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -DNDEBUG" "$@" >/dev/null
  if [ -n "${BUILD_TARGETS:-}" ]; then
    # shellcheck disable=SC2086
    cmake --build "$dir" -j 2 --target $BUILD_TARGETS
  else
    cmake --build "$dir" -j 2
  fi
}

# The sanitized build (build-fuzz/): clang, AddressSanitizer and UndefinedBehaviorSanitizer on
# every target, coverage for libFuzzer on the libraries the fuzz targets exercise; -O1 and line
# tables only, the sanitizers' usual trade between build time, speed and reports; assertions on
# (no NDEBUG). tools/fuzz builds the fuzz targets in it, tools/test the unit suites as well.
SANITIZED_BUILD="$LIAISON_ROOT/build-fuzz"
SANITIZED_ARGS=(-DCMAKE_CXX_COMPILER=clang++-14 -DLIAISON_WERROR=ON
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" -DLIAISON_SANITIZE=address,undefined
  -DLIAISON_FUZZ=ON -DLIAISON_BUILD_TESTS=ON -DLIAISON_BUILD_TOOLS=OFF)
# The unit suites of the libraries the sanitized build covers (shared/util, storage, wire, sync).
SANITIZED_TESTS="unit_util unit_storage unit_checkpointer unit_wire unit_sync"

# Readable reports: symbolized stacks, and every sanitizer finding fails its program.
sanitizer_env() {
  local symbolizer=/usr/lib/llvm-14/bin/llvm-symbolizer
  [ -x "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH="$symbolizer"
  export ASAN_OPTIONS="detect_leaks=1"
  export UBSAN_OPTIONS="print_stacktrace=1"
  export TSAN_OPTIONS="second_deadlock_stack=1"
}
