/* vm.c: QEMU and the control channel to the guest agent; see vm.h. */
#include "vm.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "clock.h"

#define VM_QEMU		"/usr/bin/qemu-system-x86_64"
#define VM_LINE_MAX	4096

struct vm {
	struct harness *h;
	pid_t qemu;
	int fd;				/* the control serial port */
	char buf[VM_LINE_MAX];
	size_t len;
};

/* Read one line into line (without its newline) by deadline end_ms.
 * Returns 0, or -1 on timeout, EOF or error. */
static int
vm_line(struct vm *vm, char *line, size_t size, int64_t end_ms)
{
	for (;;) {
		char *nl = memchr(vm->buf, '\n', vm->len);
		struct pollfd pfd = { .fd = vm->fd, .events = POLLIN };
		int64_t now = clock_mono_ms();
		ssize_t n;

		if (nl) {
			size_t l = (size_t)(nl - vm->buf);

			snprintf(line, size, "%.*s", (int)l, vm->buf);
			memmove(vm->buf, nl + 1, vm->len - l - 1);
			vm->len -= l + 1;
			return 0;
		}
		if (vm->len == sizeof vm->buf)
			vm->len = 0;	/* a line too long: drop it */
		if (now >= end_ms || poll(&pfd, 1, (int)(end_ms - now)) <= 0)
			return -1;
		n = read(vm->fd, vm->buf + vm->len, sizeof vm->buf - vm->len);
		if (n <= 0)
			return -1;
		vm->len += (size_t)n;
	}
}

/* Listen on a socket in the harness's directory for QEMU to connect its
 * serial port to: QEMU then never waits for us, and we never for it
 * beyond a deadline. Returns the listening fd or -1. */
static int
vm_listen(struct harness *h, char *path, size_t size)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(path, size, "%s", h_path(h, "ctl.sock"));
	if (fd < 0 || strlen(path) >= sizeof sa.sun_path) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    listen(fd, 1) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
vm_accept(struct vm *vm, int lfd, int64_t end_ms)
{
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };

	while (clock_mono_ms() < end_ms) {
		if (poll(&pfd, 1, 100) > 0)
			return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (!h_alive(vm->h, vm->qemu))
			break;
	}
	return -1;
}

/* Copy the pristine image into the harness's directory: each run starts
 * from an empty file system. Returns 0/-1. */
static int
vm_copy(const char *from, const char *to)
{
	char buf[65536];
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	size_t n;
	int rc = in && out ? 0 : -1;

	while (rc == 0 && (n = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = -1;
	if (in && ferror(in))
		rc = -1;
	if (in)
		fclose(in);
	if (out && fclose(out) != 0)
		rc = -1;
	return rc;
}

struct vm *
vm_start(struct harness *h, const char *kernel, const char *initrd,
    const char *disk, int timeout_ms)
{
	struct vm *vm = calloc(1, sizeof *vm);
	int64_t end = clock_mono_ms() + timeout_ms;
	char sock[256], chardev[320], console[320], drive[400];
	char line[VM_LINE_MAX];
	int lfd;

	if (vm && vm_copy(disk, h_path(h, "slow.img")) < 0) {
		printf("# vm: cannot copy %s: %s\n", disk, strerror(errno));
		free(vm);
		return NULL;
	}
	if (!vm || (lfd = vm_listen(h, sock, sizeof sock)) < 0) {
		printf("# vm: cannot listen for the control port: %s\n",
		    strerror(errno));
		free(vm);
		return NULL;
	}
	vm->h = h;
	vm->fd = -1;
	snprintf(chardev, sizeof chardev, "socket,id=ctl,path=%s", sock);
	snprintf(console, sizeof console, "file:%s", h_path(h, "console.log"));
	/* 4 writes a second: an fdatasync there takes about half a second */
	snprintf(drive, sizeof drive, "if=none,id=slow,format=raw,file=%s,"
	    "throttling.iops-write=4", h_path(h, "slow.img"));
	/* TCG, not KVM: KVM hung at boot on these machines. ttyS0 is the
	 * console, ttyS1 the agent; e1000 is one module to load. One CPU and
	 * 128 MB, QEMU's defaults. */
	vm->qemu = h_spawn(h, "qemu", VM_QEMU, "-accel", "tcg", "-cpu", "max",
	    "-nodefaults", "-nographic", "-no-reboot", "-kernel", kernel,
	    "-initrd", initrd, "-append", "console=ttyS0 panic=-1 quiet",
	    "-serial", console, "-chardev", chardev, "-serial", "chardev:ctl",
	    "-netdev", "user,id=n0", "-device", "e1000,netdev=n0",
	    "-drive", drive, "-device", "virtio-blk-pci,drive=slow",
	    (char *)NULL);
	if (vm->qemu > 0)
		vm->fd = vm_accept(vm, lfd, end);
	close(lfd);
	if (vm->fd < 0) {
		printf("# vm: QEMU did not connect its control port\n");
		vm_free(vm);
		return NULL;
	}
	while (vm_line(vm, line, sizeof line, end) == 0)
		if (strcmp(line, "ready") == 0)
			return vm;
	if (!h_alive(h, vm->qemu))
		printf("# vm: QEMU exited before the guest was ready\n");
	else
		printf("# vm: no \"ready\" from the guest within %d ms\n",
		    timeout_ms);
	vm_free(vm);
	return NULL;
}

void
vm_free(struct vm *vm)
{
	if (!vm)
		return;
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->qemu > 0)
		h_kill(vm->h, vm->qemu, SIGTERM);
	free(vm);
}

static int
vm_send(struct vm *vm, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = write(vm->fd, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Collect the answer to the command just sent. */
static int
vm_answer(struct vm *vm, const char *cmd, char *out, size_t outlen,
    int64_t end)
{
	char line[VM_LINE_MAX];
	size_t used = 0;

	if (out && outlen)
		out[0] = '\0';
	while (vm_line(vm, line, sizeof line, end) == 0) {
		if (strcmp(line, "ok") == 0)
			return 0;
		if (strncmp(line, "err", 3) == 0) {
			if (out)
				snprintf(out, outlen, "%s", line);
			return -1;
		}
		if (out && strncmp(line, "= ", 2) == 0 && used < outlen) {
			int n = snprintf(out + used, outlen - used, "%s%s",
			    used ? "\n" : "", line + 2);

			used += n > 0 ? (size_t)n : 0;
		}
	}
	if (out)
		snprintf(out, outlen, "no answer to \"%s\"", cmd);
	return -1;
}

int
vm_cmd(struct vm *vm, char *out, size_t outlen, int timeout_ms,
    const char *fmt, ...)
{
	char cmd[VM_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof cmd - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof cmd - 1)
		return -1;
	cmd[n] = '\n';
	if (vm_send(vm, cmd, (size_t)n + 1) < 0) {
		if (out)
			snprintf(out, outlen, "the guest is gone");
		return -1;
	}
	cmd[n] = '\0';
	return vm_answer(vm, cmd, out, outlen, clock_mono_ms() + timeout_ms);
}

int
vm_put(struct vm *vm, const char *path, const char *text)
{
	char cmd[VM_LINE_MAX];
	size_t len = strlen(text);
	int n;

	n = snprintf(cmd, sizeof cmd, "put %s\n", path);
	if (n < 0 || (size_t)n >= sizeof cmd || vm_send(vm, cmd, (size_t)n) < 0 ||
	    vm_send(vm, text, len) < 0 ||
	    (len && text[len - 1] != '\n' && vm_send(vm, "\n", 1) < 0) ||
	    vm_send(vm, ".\n", 2) < 0)
		return -1;
	return vm_answer(vm, "put", NULL, 0, clock_mono_ms() + 10000);
}
