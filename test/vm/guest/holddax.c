/* holddax: what the "faults" VM scenarios need from a guest process, as a static binary.
 *
 *   holddax map DEV MIB      open DEV (/dev/daxX.Y), map MIB MiB of it shared, write a pattern,
 *                            close the descriptor (the mapping alone holds the device), print
 *                            "ready", then wait: SIGUSR1 checks the pattern (exit 0 intact, 1 not),
 *                            SIGBUS on access (the device was taken away) exits 2.
 *   holddax pipes MIB        fill MIB MiB of pipe buffers (unmovable kernel memory), print
 *                            "ready", then wait for SIGTERM.
 *   holddax pin MIB          fault in MIB MiB of anonymous (movable) memory and vmsplice it into
 *                            pipes that nobody reads: the pages are referenced by the pipes and
 *                            cannot migrate, so offlining their block waits in the kernel (until
 *                            a signal); print "ready", wait for SIGTERM (which frees them).
 *   holddax lock FILE        what any local user can do to a lock file: become uid and gid 65534
 *                            (nobody), open FILE read-only (created 0644 if missing), take
 *                            flock(LOCK_EX) on it, print "ready", wait for SIGTERM; exit 3 when
 *                            it cannot open or lock it.
 *
 * Built at test time with `gcc -static` (run-suite); libc6-dev has libc.a. */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <unistd.h>

static volatile sig_atomic_t check_now;
static unsigned char *mapped;
static size_t mapped_len;

static void on_usr1(int sig) { (void)sig; check_now = 1; }

static void on_bus(int sig)
{
	(void)sig;
	static const char msg[] = "holddax: SIGBUS: the mapped device is gone, its data lost\n";
	if (write(2, msg, sizeof msg - 1) < 0) _exit(2);
	_exit(2);
}

static unsigned char pattern(size_t i) { return (unsigned char)(i * 7 + (i >> 12)); }

static int hold_mapping(const char *dev, size_t mib)
{
	int fd = open(dev, O_RDWR);
	if (fd < 0) { perror(dev); return 3; }
	mapped_len = mib << 20;
	mapped = mmap(NULL, mapped_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (mapped == MAP_FAILED) { perror("mmap"); return 3; }
	close(fd);
	signal(SIGBUS, on_bus);
	signal(SIGUSR1, on_usr1);
	for (size_t i = 0; i < mapped_len; i++) mapped[i] = pattern(i);
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		pause();
		if (!check_now) continue;
		for (size_t i = 0; i < mapped_len; i++) {
			if (mapped[i] != pattern(i)) {
				printf("pattern broken at byte %zu\n", i);
				return 1;
			}
		}
		printf("pattern intact (%zu MiB)\n", mib);
		return 0;
	}
}

static int fill_pipes(size_t mib)
{
	struct rlimit nofile = {1 << 20, 1 << 20};
	setrlimit(RLIMIT_NOFILE, &nofile);
	static char chunk[1 << 16];
	memset(chunk, 0x5a, sizeof chunk);
	size_t filled = 0;
	while (filled < (mib << 20)) {
		int p[2];
		if (pipe(p) != 0) { perror("pipe"); break; }
		int size = fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
		if (size <= 0) size = 1 << 16;
		fcntl(p[1], F_SETFL, O_NONBLOCK);
		for (int done = 0; done < size; done += (int)sizeof chunk) {
			ssize_t n = write(p[1], chunk, sizeof chunk);
			if (n <= 0) break;
			filled += (size_t)n;
		}
	}
	printf("ready %zu MiB\n", filled >> 20);
	fflush(stdout);
	for (;;) pause(); /* until SIGTERM */
	return 0;
}

static int pin_pages(size_t mib)
{
	struct rlimit nofile = {1 << 20, 1 << 20};
	setrlimit(RLIMIT_NOFILE, &nofile);
	size_t len = mib << 20;
	unsigned char *mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) { perror("mmap"); return 3; }
	for (size_t i = 0; i < len; i += 4096) mem[i] = 1;
	size_t pinned = 0;
	while (pinned < len) {
		int p[2];
		if (pipe(p) != 0) { perror("pipe"); break; }
		int size = fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
		if (size <= 0) size = 1 << 16;
		for (int done = 0; done < size && pinned < len;) {
			struct iovec iov = {mem + pinned, 1 << 16};
			ssize_t n = vmsplice(p[1], &iov, 1, SPLICE_F_NONBLOCK);
			if (n <= 0) break;
			pinned += (size_t)n;
			done += (int)n;
		}
	}
	printf("ready %zu MiB pinned\n", pinned >> 20);
	fflush(stdout);
	for (;;) pause(); /* until SIGTERM */
	return 0;
}

static int hold_lock(const char *path)
{
	if (setgroups(0, NULL) != 0 || setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0) {
		perror("become nobody");
		return 4;
	}
	int fd = open(path, O_RDONLY | O_CREAT | O_NOCTTY, 0644);
	if (fd < 0) { perror(path); return 3; }
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) { perror("flock"); return 3; }
	printf("ready: holding %s\n", path);
	fflush(stdout);
	for (;;) pause(); /* until SIGTERM */
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "map") == 0) return hold_mapping(argv[2], strtoul(argv[3], NULL, 0));
	if (argc == 3 && strcmp(argv[1], "pipes") == 0) return fill_pipes(strtoul(argv[2], NULL, 0));
	if (argc == 3 && strcmp(argv[1], "pin") == 0) return pin_pages(strtoul(argv[2], NULL, 0));
	if (argc == 3 && strcmp(argv[1], "lock") == 0) return hold_lock(argv[2]);
	fprintf(stderr, "usage: holddax map DEV MIB | holddax pipes MIB | holddax pin MIB | holddax lock FILE\n");
	return 2;
}
