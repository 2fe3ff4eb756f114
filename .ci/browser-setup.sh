# shellcheck shell=bash
# Sourced by .ci/run before `cargo test`: installs what the browser
# end-to-end test (tests/browser.rs → tests/browser/e2e.mjs) needs.
#
#   - Debian's `chromium` package (/usr/bin/chromium), quietly;
#   - playwright-core from tests/browser/package-lock.json (`npm ci`).
#
# It never fails the CI run and never exits the shell that sources it: when
# Chromium or the npm package cannot be installed it prints a note, and the
# test then prints `SKIP: …` and passes. Screenshots to keep as CI artefacts:
# target/browser-artifacts/*.png

unspin_browser_setup() {
    local log=/tmp/unspin-browser-setup.log
    : > "$log"
    if [ ! -x /usr/bin/chromium ]; then
        local sudo=""
        if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
            sudo="sudo -n"
        fi
        if command -v apt-get >/dev/null 2>&1 &&
            { $sudo apt-get update -qq &&
                DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium; } >>"$log" 2>&1; then
            echo "browser test: installed $(/usr/bin/chromium --version 2>/dev/null | head -n 1)"
        else
            echo "browser test: could not install Debian's chromium (see $log); the browser test will be skipped"
        fi
    fi
    if command -v npm >/dev/null 2>&1; then
        if ! npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error >>"$log" 2>&1; then
            echo "browser test: \`npm ci --prefix tests/browser\` failed (see $log); the browser test will be skipped"
        fi
    else
        echo "browser test: no npm; the browser test will be skipped"
    fi
    mkdir -p target/browser-artifacts
    return 0
}

unspin_browser_setup || true
