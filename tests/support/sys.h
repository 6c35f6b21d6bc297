/* sys.h: process, port and directory chores shared by the integration
 * harness and the benchmarks (tests/ only; the daemons never wait like
 * this). */
#ifndef PANIC_TEST_SYS_H
#define PANIC_TEST_SYS_H

#include <stdarg.h>
#include <sys/types.h>

/* A loopback TCP port nobody listens on right now, or -1. A server started
 * on it a moment later can lose a race for it: callers retry. */
int sys_free_port(void);
/* 1 if something accepts TCP connections on 127.0.0.1:port. */
int sys_port_open(int port);
/* Reap pid within timeout_ms: its wait status, or -1 (still running, or
 * not our child). */
int sys_reap(pid_t pid, int timeout_ms);
/* Remove a directory tree; returns 0 or -1. */
int sys_rm_tree(const char *dir);
void sys_sleep_ms(int ms);
/* "dir/name" in a static buffer rotating over 8 slots. */
const char *sys_path(const char *dir, const char *name);
/* Write a file from a format and its arguments; returns path, or NULL. */
const char *sys_vwrite(const char *path, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#endif
