/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The ABI shared by the probe and the agent: every struct that crosses the
 * kernel/user boundary is defined here and nowhere else, with the kernel
 * numbers the probe relies on (syscall numbers, terminal device majors, the
 * dev_t split). Fixed-width fields, named padding, explicit enum values;
 * src/kernel/abi.ts mirrors it and tests/unit/abi_layout_test.ts fails when
 * the two drift, or when a syscall number differs from <asm/unistd.h>.
 */
#ifndef GHOST_HUNTER_H
#define GHOST_HUNTER_H

/* Syscall numbers of the hooked syscalls (tp_btf/sys_enter gives only the number). */
#if defined(__TARGET_ARCH_x86)
#define GH_NR_WRITE 1
#elif defined(__TARGET_ARCH_arm64)
#define GH_NR_WRITE 64
#else
#error "ghost-hunter: unsupported architecture, set __TARGET_ARCH_x86 or __TARGET_ARCH_arm64"
#endif

/*
 * Device numbers as the kernel holds them (MINORBITS = 20), not the stat(2)
 * encoding: TtyEvent.session_key is one of these.
 */
#define GH_DEV_MINOR_BITS 20
#define GH_DEV_MINOR_MASK ((1U << GH_DEV_MINOR_BITS) - 1)
#define GH_MKDEV(ma, mi) (((__u32)(ma) << GH_DEV_MINOR_BITS) | (__u32)(mi))
#define GH_DEV_MAJOR(dev) ((__u32)(dev) >> GH_DEV_MINOR_BITS)
#define GH_DEV_MINOR(dev) ((__u32)(dev) & GH_DEV_MINOR_MASK)

/* Terminal device majors (Documentation/admin-guide/devices.txt). */
#define GH_TTY_MAJOR 4            /* vt consoles and serial ttys */
#define GH_TTYAUX_MAJOR 5         /* /dev/tty, /dev/console, /dev/ptmx */
#define GH_TTYAUX_MINOR_PTMX 2    /* the highest minor of those three */
#define GH_PTS_MAJOR_FIRST 136    /* Unix98 pty slaves: 136..143 */
#define GH_PTS_MAJOR_LAST 143

/* termios c_lflag bits, and the signal that holds a pty writer (vmlinux.h has no macros). */
#define GH_ICANON 0000002
#define GH_ECHO 0000010
#define GH_SIGSTOP 19

/* What a TtyEvent reports. Zero is never a valid kind. */
enum gh_event_kind {
	GH_EVENT_INPUT = 1,  /* bytes arriving into the session (pty master write) */
	GH_EVENT_OUTPUT = 2, /* bytes the session writes to its terminal */
	GH_EVENT_SESSION_END = 4, /* the login's session leader exited: login_id on session_key is over */
};

/* Bits of TtyEvent.flags. */
enum gh_event_flag {
	GH_FLAG_JITTERED = 1,    /* the session had a live JitterCommand */
	GH_FLAG_MASTER_SIDE = 2, /* seen on the pty master (sshd, tmux, script) */
	GH_FLAG_WRITER_STOPPED = 4, /* the probe stopped the writer before this input landed: release it */
};

/*
 * What an INPUT chunk looks like, from its length, first byte and last byte
 * only (the bytes never leave the kernel). Checked in this order.
 */
enum gh_input_shape {
	GH_SHAPE_UNKNOWN = 0, /* not derived: output, a failed read, an empty write */
	GH_SHAPE_SINGLE = 1,  /* one byte that is not Enter: a key */
	GH_SHAPE_ESCAPE = 2,  /* ESC first, at most GH_SHAPE_MAX_ESCAPE bytes: an arrow or function key */
	GH_SHAPE_UTF8 = 3,    /* a UTF-8 lead byte (0xc2-0xf4) first, at most 4 bytes: one character */
	GH_SHAPE_ENTER = 4,   /* last byte CR or LF: Enter, or a whole line written at once */
	GH_SHAPE_OTHER = 5,   /* anything else: coalesced keys, a paste */
};
#define GH_SHAPE_MAX_ESCAPE 8
#define GH_SHAPE_MAX_UTF8 4

/* What a JitterCommand asks the kernel side to do. */
enum gh_jitter_mode {
	GH_JITTER_OFF = 0,
	GH_JITTER_SIGSTOP = 2, /* the probe stops the pty master's writer at each input */
};

/* Indexes into the counters map. */
enum gh_counter {
	GH_COUNTER_RINGBUF_DROPS = 0,   /* bpf_ringbuf_reserve failed */
	GH_COUNTER_PASSWORD_SKIPS = 1,  /* input at a password prompt, not timed */
	GH_COUNTER_HOLD_SHARED_WRITER = 2, /* input of a jittered session not held: its writer serves several ptys */
	GH_COUNTER_HOLD_TABLE_FULL = 3,    /* input of a jittered session not held: stopped_writers was full */
	GH_COUNTER_HOLD_JOB_CONTROL = 4,   /* input of a jittered session not held: its shell would see the stop */
	GH_COUNTER_MAX = 5,
};

/* One terminal read or write, sizes and times only: never content. */
struct gh_tty_event {
	__u64 timestamp_ns; /* bpf_ktime_get_ns(), CLOCK_MONOTONIC */
	__u32 kind;         /* enum gh_event_kind */
	__u32 flags;        /* enum gh_event_flag bits */
	__u32 tgid;
	__u32 tid;
	__u32 uid;
	__u32 session_key;  /* kernel dev_t of the pty slave / tty: GH_MKDEV(major, minor) */
	__u64 bytes;        /* byte count passed to the syscall */
	char comm[16];
	__u32 login_id;     /* pid (initial namespace) of the session leader owning session_key as its
	                     * controlling terminal: a reused pty gets a new one (0: no session) */
	__u8 shape;         /* enum gh_input_shape of an INPUT chunk, from its first and last byte */
	__u8 _pad[3];
};

/*
 * The agent's verdict for one session, keyed by session_key. The probe reads
 * mode and expiry_ns; lambda_scaled is the published λ, for inspection with
 * `bpftool map dump name jitter_commands`.
 */
struct gh_jitter_command {
	__u32 lambda_scaled; /* λ × 1000, λ in 1/s: no float crosses the boundary */
	__u32 mode;          /* enum gh_jitter_mode */
	__u64 expiry_ns;     /* CLOCK_MONOTONIC; past it the command is ignored */
};

/*
 * A writer the probe stopped (SIGSTOP) as it was writing an input into a
 * jittered session's pty master, keyed by its thread id. The probe writes it
 * before the stop, so whoever releases (the agent, its guardian, the next
 * agent) finds every stopped writer even if no event was ever read.
 */
struct gh_stopped_writer {
	__u64 stopped_ns;        /* bpf_ktime_get_ns() of the stop: the input's timestamp */
	__u64 start_boottime_ns; /* the process's start (/proc/PID/stat field 22): a reused pid differs */
	__u32 tgid;              /* the process to SIGCONT */
	__u32 session_key;
};

/* Set by the loader in .rodata before the object is loaded. */
struct gh_probe_config {
	__u32 agent_tgid; /* the agent's own process is never traced */
	__u32 _pad;
};

_Static_assert(sizeof(struct gh_tty_event) == 64, "TtyEvent must be 64 bytes");
_Static_assert(__builtin_offsetof(struct gh_tty_event, bytes) == 32, "TtyEvent.bytes offset");
_Static_assert(__builtin_offsetof(struct gh_tty_event, comm) == 40, "TtyEvent.comm offset");
_Static_assert(__builtin_offsetof(struct gh_tty_event, login_id) == 56, "TtyEvent.login_id offset");
_Static_assert(__builtin_offsetof(struct gh_tty_event, shape) == 60, "TtyEvent.shape offset");
_Static_assert(sizeof(struct gh_jitter_command) == 16, "JitterCommand must be 16 bytes");
_Static_assert(__builtin_offsetof(struct gh_jitter_command, expiry_ns) == 8, "JitterCommand.expiry_ns offset");
_Static_assert(sizeof(struct gh_stopped_writer) == 24, "StoppedWriter must be 24 bytes");
_Static_assert(__builtin_offsetof(struct gh_stopped_writer, tgid) == 16, "StoppedWriter.tgid offset");
_Static_assert(sizeof(struct gh_probe_config) == 8, "ProbeConfig must be 8 bytes");

#endif /* GHOST_HUNTER_H */
