/* vm.h: the HIL guest — Debian's kernel under QEMU (TCG) with gpio-sim and
 * the real counterd in its initramfs — and the line-based control channel
 * to the agent in it (tests/hil/guest-agent) over its second serial port. */
#ifndef PANIC_HIL_VM_H
#define PANIC_HIL_VM_H

#include <stddef.h>

#include "harness.h"

struct vm;

/* Boot kernel with initrd under QEMU, a child tracked by the harness (its
 * console goes to console.log in the harness's directory), with a copy of
 * the file system image disk as a virtio disk whose writes are throttled
 * (a slow SD card), and wait up to timeout_ms for the agent's "ready".
 * Returns NULL, having printed why. */
struct vm *vm_start(struct harness *h, const char *kernel, const char *initrd,
    const char *disk, int timeout_ms);
/* Close the channel and stop QEMU. */
void vm_free(struct vm *vm);

/* Send one command line (printf-style) and wait up to timeout_ms for its
 * answer. The data lines, without their "= ", go to out (NUL-terminated,
 * joined by newlines; out may be NULL). Returns 0 on "ok"; -1 on "err",
 * a timeout or a dead VM, with the reason in out. */
int vm_cmd(struct vm *vm, char *out, size_t outlen, int timeout_ms,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Write text (lines, none of them ".") to path in the guest. Returns 0/-1. */
int vm_put(struct vm *vm, const char *path, const char *text);

#endif
