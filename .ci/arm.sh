#!/usr/bin/env bash
# The neural crate's unit tests on 64-bit ARM, under qemu-user: the int8
# kernel for ARM (`sdot`) against the plain-Rust reference, bit for bit, and
# the rest of the crate's tests as an ARM CPU runs them.
#
#   bash .ci/arm.sh          (called by .ci/run after the tests)
#
# Needs Rust's aarch64-unknown-linux-gnu standard library (rustup), Debian's
# gcc-aarch64-linux-gnu (the linker) and qemu-user (qemu-aarch64, whose
# default CPU has the dot-product extension). When they cannot be installed it
# prints SKIP and exits 0, like the browser test; when they are there, a
# failing test fails the run. QEMU_CPU=cortex-a72 runs the same tests on a
# CPU without the dot product (int8 then stays f32, and its tests skip).
set -euo pipefail
cd "$(dirname "$0")/.."

skip() {
    echo "SKIP: ARM tests: $1"
    exit 0
}

target=aarch64-unknown-linux-gnu
if ! rustup target list --installed 2>/dev/null | grep -qx "$target"; then
    rustup target add "$target" >/tmp/unspin-arm-setup.log 2>&1 ||
        skip "rustup could not add $target (see /tmp/unspin-arm-setup.log)"
fi
if ! command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || ! command -v qemu-aarch64 >/dev/null 2>&1; then
    sudo=""
    if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo -n"; fi
    { $sudo apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
            gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user; } >>/tmp/unspin-arm-setup.log 2>&1 ||
        skip "could not install gcc-aarch64-linux-gnu and qemu-user (see /tmp/unspin-arm-setup.log)"
fi

export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu"
export CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc
echo "ARM tests: unspin-neural's unit tests on $target under $(qemu-aarch64 --version | head -n 1)"
UNSPIN_EXPECT_INT8_KERNEL=neon-dotprod cargo test --locked -p unspin-neural --lib --target "$target"
