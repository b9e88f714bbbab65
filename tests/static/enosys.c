/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * enosys - run a program as if on an old x86_64 kernel.
 *
 *	enosys [-v] [-k VERSION] PROGRAM [ARGS...]
 *
 * guestprep's static release binary must run on CentOS 5/6-era guests
 * (kernels 2.6.18 - 2.6.32).  Rather than booting such a kernel in tests,
 * enosys installs a seccomp filter that makes every system call that
 * appeared after Linux VERSION (default 2.6.32, December 2009) fail with
 * ENOSYS - exactly what an old kernel answers for a number it does not
 * know - and then execs PROGRAM.  The filter is inherited across
 * execve() and fork(), so the whole process tree sees the old kernel.
 *
 *	-v		print the syscalls forced to ENOSYS (to stderr);
 *			without PROGRAM, print and exit
 *	-k VERSION	emulate Linux VERSION instead of 2.6.32 (2.6.18 is
 *			the oldest this table covers: CentOS 5)
 *
 * Limits: this only emulates *missing syscalls*.  Newer flags to old
 * syscalls (O_CLOEXEC before 2.6.23, O_PATH, MSG_CMSG_CLOEXEC, ...) are
 * not rejected, and vendor kernels (RHEL) backported a few syscalls, so
 * a pass here is necessary, not sufficient.  It also needs a kernel with
 * seccomp filters (3.5+) to run on.
 *
 * Only x86_64 is handled, on purpose: the release binary is x86_64.
 * Syscalls made through other ABIs of the same process (i386 via int
 * 0x80) are passed through unchanged; x32 syscalls all fail with ENOSYS
 * when emulating a kernel before 3.4, which introduced the x32 ABI.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#if !defined(__x86_64__) || defined(__ILP32__)
#error "enosys knows the x86_64 (LP64) syscall table only"
#endif

/*
 * <sys/syscall.h> has had every syscall up to rseq (Linux 4.18) for years.
 * Syscalls from the unified 424+ range (Linux 5.1, 2019, and later) are
 * missing from older C library headers (glibc 2.36 stops at 450, musl
 * 1.2.3 at 448), so give their numbers here.  They are the same on all
 * architectures that use the common table, and fixed forever once
 * released.
 */
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#endif
#ifndef SYS_io_uring_enter
#define SYS_io_uring_enter 426
#endif
#ifndef SYS_io_uring_register
#define SYS_io_uring_register 427
#endif
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#ifndef SYS_fsopen
#define SYS_fsopen 430
#endif
#ifndef SYS_fsconfig
#define SYS_fsconfig 431
#endif
#ifndef SYS_fsmount
#define SYS_fsmount 432
#endif
#ifndef SYS_fspick
#define SYS_fspick 433
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
#ifndef SYS_faccessat2
#define SYS_faccessat2 439
#endif
#ifndef SYS_process_madvise
#define SYS_process_madvise 440
#endif
#ifndef SYS_epoll_pwait2
#define SYS_epoll_pwait2 441
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef SYS_quotactl_fd
#define SYS_quotactl_fd 443
#endif
#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#endif
#ifndef SYS_landlock_add_rule
#define SYS_landlock_add_rule 445
#endif
#ifndef SYS_landlock_restrict_self
#define SYS_landlock_restrict_self 446
#endif
#ifndef SYS_memfd_secret
#define SYS_memfd_secret 447
#endif
#ifndef SYS_process_mrelease
#define SYS_process_mrelease 448
#endif
#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449
#endif
#ifndef SYS_set_mempolicy_home_node
#define SYS_set_mempolicy_home_node 450
#endif
#ifndef SYS_cachestat
#define SYS_cachestat 451
#endif
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif
#ifndef SYS_map_shadow_stack
#define SYS_map_shadow_stack 453
#endif
#ifndef SYS_futex_wake
#define SYS_futex_wake 454
#endif
#ifndef SYS_futex_wait
#define SYS_futex_wait 455
#endif
#ifndef SYS_futex_requeue
#define SYS_futex_requeue 456
#endif
#ifndef SYS_statmount
#define SYS_statmount 457
#endif
#ifndef SYS_listmount
#define SYS_listmount 458
#endif
#ifndef SYS_lsm_get_self_attr
#define SYS_lsm_get_self_attr 459
#endif
#ifndef SYS_lsm_set_self_attr
#define SYS_lsm_set_self_attr 460
#endif
#ifndef SYS_lsm_list_modules
#define SYS_lsm_list_modules 461
#endif
#ifndef SYS_mseal
#define SYS_mseal 462
#endif
#ifndef SYS_setxattrat
#define SYS_setxattrat 463
#endif
#ifndef SYS_getxattrat
#define SYS_getxattrat 464
#endif
#ifndef SYS_listxattrat
#define SYS_listxattrat 465
#endif
#ifndef SYS_removexattrat
#define SYS_removexattrat 466
#endif
#ifndef SYS_open_tree_attr
#define SYS_open_tree_attr 467
#endif
#ifndef SYS_file_getattr
#define SYS_file_getattr 468
#endif
#ifndef SYS_file_setattr
#define SYS_file_setattr 469
#endif
#ifndef SYS_listns
#define SYS_listns 470
#endif

/* Highest syscall number in the table below. */
#define LAST_KNOWN_NR 470

/* x32 syscalls are the x86_64 number (or an x32-only one) plus this bit. */
#define X32_SYSCALL_BIT 0x40000000u

#define KV(a, b, c) (((a) << 16) | ((b) << 8) | (c))
#define X32_ABI_KV KV(3, 4, 0)
#define DEFAULT_KV KV(2, 6, 32)
#define OLDEST_KV KV(2, 6, 18)

struct newer_syscall {
	const char *name;
	unsigned int nr;	/* x86_64 number */
	unsigned int x32_nr;	/* x32 number, without X32_SYSCALL_BIT */
	unsigned int kv;	/* first mainline release that has it */
};

/* Most syscalls have the same number on x86_64 and x32. */
#define SC(name, a, b, c) { #name, SYS_##name, SYS_##name, KV(a, b, c) }
/* A few have an x32-only entry point (512-547) for compat structures. */
#define SC_X32(name, x32, a, b, c) { #name, SYS_##name, x32, KV(a, b, c) }

/*
 * Every x86_64 syscall added after 2.6.18 (CentOS 5), in number order,
 * with the mainline release that introduced it.  By default everything
 * newer than 2.6.32 (CentOS 6) is refused: 299 and up.
 */
static const struct newer_syscall newer_syscalls[] = {
	/* 2.6.19 - 2.6.31: present on CentOS 6, missing on CentOS 5 */
	SC(utimensat, 2, 6, 22),
	SC(epoll_pwait, 2, 6, 19),
	SC(signalfd, 2, 6, 22),
	SC(timerfd_create, 2, 6, 25),
	SC(eventfd, 2, 6, 22),
	SC(fallocate, 2, 6, 23),
	SC(timerfd_settime, 2, 6, 25),
	SC(timerfd_gettime, 2, 6, 25),
	SC(accept4, 2, 6, 28),
	SC(signalfd4, 2, 6, 27),
	SC(eventfd2, 2, 6, 27),
	SC(epoll_create1, 2, 6, 27),
	SC(dup3, 2, 6, 27),
	SC(pipe2, 2, 6, 27),
	SC(inotify_init1, 2, 6, 27),
	SC_X32(preadv, 534, 2, 6, 30),
	SC_X32(pwritev, 535, 2, 6, 30),
	SC_X32(rt_tgsigqueueinfo, 536, 2, 6, 31),
	SC(perf_event_open, 2, 6, 31),
	/* after 2.6.32 */
	SC_X32(recvmmsg, 537, 2, 6, 33),
	SC(fanotify_init, 2, 6, 36),
	SC(fanotify_mark, 2, 6, 36),
	/* getrlimit/setrlimit are the 2.6.32 way; musl falls back to them */
	SC(prlimit64, 2, 6, 36),
	SC(name_to_handle_at, 2, 6, 39),
	SC(open_by_handle_at, 2, 6, 39),
	SC(clock_adjtime, 2, 6, 39),
	SC(syncfs, 2, 6, 39),
	SC_X32(sendmmsg, 538, 3, 0, 0),
	SC(setns, 3, 0, 0),
	/* the syscall only; the vDSO/vsyscall getcpu is older */
	SC(getcpu, 3, 1, 0),
	SC_X32(process_vm_readv, 539, 3, 2, 0),
	SC_X32(process_vm_writev, 540, 3, 2, 0),
	SC(kcmp, 3, 5, 0),
	SC(finit_module, 3, 8, 0),
	SC(sched_setattr, 3, 14, 0),
	SC(sched_getattr, 3, 14, 0),
	SC(renameat2, 3, 15, 0),
	SC(seccomp, 3, 17, 0),
	SC(getrandom, 3, 17, 0),
	SC(memfd_create, 3, 17, 0),
	SC(kexec_file_load, 3, 17, 0),
	SC(bpf, 3, 18, 0),
	SC_X32(execveat, 545, 3, 19, 0),
	SC(userfaultfd, 4, 3, 0),
	SC(membarrier, 4, 3, 0),
	SC(mlock2, 4, 4, 0),
	SC(copy_file_range, 4, 5, 0),
	SC_X32(preadv2, 546, 4, 6, 0),
	SC_X32(pwritev2, 547, 4, 6, 0),
	SC(pkey_mprotect, 4, 9, 0),
	SC(pkey_alloc, 4, 9, 0),
	SC(pkey_free, 4, 9, 0),
	SC(statx, 4, 11, 0),
	SC(io_pgetevents, 4, 18, 0),
	SC(rseq, 4, 18, 0),
	/* 335 - 423 are unused on x86_64 (kept free to align tables) */
	SC(pidfd_send_signal, 5, 1, 0),
	SC(io_uring_setup, 5, 1, 0),
	SC(io_uring_enter, 5, 1, 0),
	SC(io_uring_register, 5, 1, 0),
	SC(open_tree, 5, 2, 0),
	SC(move_mount, 5, 2, 0),
	SC(fsopen, 5, 2, 0),
	SC(fsconfig, 5, 2, 0),
	SC(fsmount, 5, 2, 0),
	SC(fspick, 5, 2, 0),
	SC(pidfd_open, 5, 3, 0),
	SC(clone3, 5, 3, 0),
	/* number reserved in 5.6, syscall merged in 5.9 */
	SC(close_range, 5, 9, 0),
	SC(openat2, 5, 6, 0),
	SC(pidfd_getfd, 5, 6, 0),
	SC(faccessat2, 5, 8, 0),
	SC(process_madvise, 5, 10, 0),
	SC(epoll_pwait2, 5, 11, 0),
	SC(mount_setattr, 5, 12, 0),
	SC(quotactl_fd, 5, 14, 0),
	SC(landlock_create_ruleset, 5, 13, 0),
	SC(landlock_add_rule, 5, 13, 0),
	SC(landlock_restrict_self, 5, 13, 0),
	SC(memfd_secret, 5, 14, 0),
	SC(process_mrelease, 5, 15, 0),
	SC(futex_waitv, 5, 16, 0),
	SC(set_mempolicy_home_node, 5, 17, 0),
	SC(cachestat, 6, 5, 0),
	SC(fchmodat2, 6, 6, 0),
	SC(map_shadow_stack, 6, 6, 0),
	SC(futex_wake, 6, 7, 0),
	SC(futex_wait, 6, 7, 0),
	SC(futex_requeue, 6, 7, 0),
	SC(statmount, 6, 8, 0),
	SC(listmount, 6, 8, 0),
	SC(lsm_get_self_attr, 6, 8, 0),
	SC(lsm_set_self_attr, 6, 8, 0),
	SC(lsm_list_modules, 6, 8, 0),
	SC(mseal, 6, 10, 0),
	SC(setxattrat, 6, 13, 0),
	SC(getxattrat, 6, 13, 0),
	SC(listxattrat, 6, 13, 0),
	SC(removexattrat, 6, 13, 0),
	SC(open_tree_attr, 6, 15, 0),
	SC(file_getattr, 6, 17, 0),
	SC(file_setattr, 6, 17, 0),
	SC(listns, 6, 18, 0),
	/* Anything above LAST_KNOWN_NR is refused as well, see below. */
};

#define N_NEWER (sizeof(newer_syscalls) / sizeof(newer_syscalls[0]))

/*
 * Worst case: 3 + 1 + 2 (x32) + 4 per table entry (x86_64 + x32 checks)
 * + 4 (tail).
 */
#define MAX_INSNS (10 + 4 * N_NEWER)

static struct sock_filter insns[MAX_INSNS];
static unsigned int n_insns;

static void emit(unsigned short code, unsigned int k, unsigned char jt,
		 unsigned char jf)
{
	struct sock_filter insn = BPF_JUMP(code, k, jt, jf);

	if (n_insns >= MAX_INSNS) {
		fputs("enosys: internal error: filter too long\n", stderr);
		exit(1);
	}
	insns[n_insns++] = insn;
}

#define RET_ALLOW() emit(BPF_RET | BPF_K, SECCOMP_RET_ALLOW, 0, 0)
#define RET_ENOSYS() \
	emit(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA), \
	     0, 0)

/* "if (nr == k) return ENOSYS;" without long jumps (offsets are 8 bit). */
static void refuse_nr(unsigned int k)
{
	emit(BPF_JMP | BPF_JEQ | BPF_K, k, 0, 1);
	RET_ENOSYS();
}

static void build_filter(unsigned int kv)
{
	size_t i;

	/*
	 * The syscall number only means something together with the ABI:
	 * leave other architectures' (i386's int 0x80) syscalls alone.
	 */
	emit(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch), 0,
	     0);
	emit(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	RET_ALLOW();

	emit(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr), 0,
	     0);

	/* x32 shares AUDIT_ARCH_X86_64 and is told apart by the number. */
	if (kv < X32_ABI_KV) {
		emit(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, 0, 1);
		RET_ENOSYS();
	}

	for (i = 0; i < N_NEWER; i++) {
		const struct newer_syscall *sc = &newer_syscalls[i];

		if (sc->kv <= kv)
			continue;
		refuse_nr(sc->nr);
		if (kv >= X32_ABI_KV)
			refuse_nr(sc->x32_nr | X32_SYSCALL_BIT);
	}

	/*
	 * Syscalls newer than this table are certainly newer than VERSION.
	 * (x32 numbers are above the bit: skip them, they were handled.)
	 */
	emit(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, 2, 0);
	emit(BPF_JMP | BPF_JGT | BPF_K, LAST_KNOWN_NR, 0, 1);
	RET_ENOSYS();
	RET_ALLOW();
}

static void print_list(unsigned int kv)
{
	size_t i;
	unsigned int n = 0;

	fprintf(stderr, "enosys: x86_64 syscalls failing with ENOSYS "
		"(newer than Linux %u.%u.%u):\n",
		kv >> 16, (kv >> 8) & 0xff, kv & 0xff);
	for (i = 0; i < N_NEWER; i++) {
		const struct newer_syscall *sc = &newer_syscalls[i];
		char ver[16];

		if (sc->kv <= kv)
			continue;
		if (sc->kv & 0xff)
			snprintf(ver, sizeof(ver), "%u.%u.%u", sc->kv >> 16,
				 (sc->kv >> 8) & 0xff, sc->kv & 0xff);
		else
			snprintf(ver, sizeof(ver), "%u.%u", sc->kv >> 16,
				 (sc->kv >> 8) & 0xff);
		fprintf(stderr, "  %3u  %-24s %s\n", sc->nr, sc->name, ver);
		n++;
	}
	fprintf(stderr, "  >%u  (anything newer than this table)\n",
		LAST_KNOWN_NR);
	if (kv < X32_ABI_KV)
		fputs("  all x32 syscalls (the x32 ABI is 3.4)\n", stderr);
	fprintf(stderr, "enosys: %u named syscalls\n", n);
}

/* Parse "2.6.32", "3.10" or "2.6.32-754.el6.x86_64" into KV(). */
static int parse_version(const char *s, unsigned int *kv)
{
	unsigned int v[3] = { 0, 0, 0 };
	unsigned int i;
	char *end;

	for (i = 0; i < 3; i++) {
		unsigned long n;

		errno = 0;
		n = strtoul(s, &end, 10);
		if (end == s || errno || n > 255)
			return -1;
		v[i] = (unsigned int)n;
		if (*end != '.')
			break;
		s = end + 1;
	}
	if (*end != '\0' && *end != '-')
		return -1;
	*kv = KV(v[0], v[1], v[2]);
	return 0;
}

static void usage(FILE *f)
{
	fputs("usage: enosys [-v] [-k VERSION] PROGRAM [ARGS...]\n"
	      "Run PROGRAM with syscalls newer than Linux VERSION "
	      "(default 2.6.32)\nfailing with ENOSYS.  -v lists them.\n",
	      f);
}

int main(int argc, char **argv)
{
	struct sock_fprog prog;
	unsigned int kv = DEFAULT_KV;
	int verbose = 0;
	int opt;

	/* "+": stop at PROGRAM, its options are its own. */
	while ((opt = getopt(argc, argv, "+hk:v")) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout);
			return 0;
		case 'k':
			if (parse_version(optarg, &kv) || kv < OLDEST_KV) {
				fprintf(stderr, "enosys: bad kernel version "
					"'%s' (need 2.6.18 or later)\n",
					optarg);
				return 2;
			}
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}

	if (verbose)
		print_list(kv);
	if (optind >= argc) {
		if (verbose)
			return 0;
		usage(stderr);
		return 2;
	}

	build_filter(kv);
	prog.len = (unsigned short)n_insns;
	prog.filter = insns;

	/* Lets an unprivileged process install a filter (and is harmless). */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		perror("enosys: prctl(PR_SET_NO_NEW_PRIVS)");
		return 1;
	}
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0)) {
		perror("enosys: prctl(PR_SET_SECCOMP)");
		return 1;
	}

	execvp(argv[optind], &argv[optind]);
	fprintf(stderr, "enosys: %s: %s\n", argv[optind], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
