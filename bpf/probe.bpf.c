// SPDX-License-Identifier: GPL-2.0
/*
 * ghost-hunter probe: reports the timing and size of terminal writes, never
 * their content. Input is seen where it enters the session (a write to the
 * pty master by sshd, tmux, script...), output where the session writes its
 * terminal, so both sides map to one session key: the pty slave's dev_t.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "ghost_hunter.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by the loader before load; constant to the verifier. */
const volatile struct gh_probe_config gh_config = {};

/* Terminal events for the agent: reserve, fill, submit, no staging copy. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

/* Per-CPU event counters (enum gh_counter), summed by the agent. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, GH_COUNTER_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/* The agent's live jitter verdicts, by session key; written only by its writer. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct gh_jitter_command);
} jitter_commands SEC(".maps");

/*
 * Slot 0: how many sessions have a live JitterCommand, kept by the writer.
 * While it is 0, read() costs one inlined array lookup and nothing more.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} jitter_state SEC(".maps");

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

static __always_inline void count(__u32 counter)
{
	__u64 *value = bpf_map_lookup_elem(&counters, &counter);

	if (value)
		*value += 1;
}

/*
 * The file behind fd in the current task, or NULL. This runs on every write
 * on the machine, so it uses only BTF-typed loads, which the JIT turns into
 * plain exception-handled moves: no helper call. The fd array is an array of
 * pointers, which BTF cannot type, so its slot is read through struct kiocb,
 * whose first member is a struct file pointer.
 */
static __always_inline struct file *current_file(__u64 fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct files_struct *files = task->files;
	struct fdtable *fdt;
	struct kiocb *slot;

	if (!files)
		return NULL;
	fdt = files->fdt;
	if (fd >= fdt->max_fds)
		return NULL;
	slot = bpf_rdonly_cast(&fdt->fd[fd], bpf_core_type_id_kernel(struct kiocb));
	return slot->ki_filp;
}

/* Terminal device numbers: pty slaves, vt/serial ttys, /dev/tty, /dev/console, /dev/ptmx. */
static __always_inline bool is_terminal_rdev(__u32 rdev)
{
	__u32 major = GH_DEV_MAJOR(rdev);

	if (major >= GH_PTS_MAJOR_FIRST && major <= GH_PTS_MAJOR_LAST)
		return true;
	if (major == GH_TTY_MAJOR)
		return true;
	return major == GH_TTYAUX_MAJOR && GH_DEV_MINOR(rdev) <= GH_TTYAUX_MINOR_PTMX;
}

static __always_inline __u32 tty_session_key(struct tty_struct *tty)
{
	__u32 major = BPF_CORE_READ(tty, driver, major);
	__u32 minor = BPF_CORE_READ(tty, driver, minor_start) + BPF_CORE_READ(tty, index);

	return GH_MKDEV(major, minor);
}

static __always_inline bool is_pty_master(struct tty_struct *tty)
{
	/* Enums since 6.x (TTY_DRIVER_TYPE_PTY was 0x0004 as a #define before). */
	return BPF_CORE_READ(tty, driver, type) ==
		       bpf_core_enum_value(enum tty_driver_type, TTY_DRIVER_TYPE_PTY) &&
	       BPF_CORE_READ(tty, driver, subtype) ==
		       bpf_core_enum_value(enum tty_driver_subtype, PTY_TYPE_MASTER);
}

/* getpass() and friends: canonical mode with ECHO off. */
static __always_inline bool at_password_prompt(struct tty_struct *slave)
{
	__u32 lflag = BPF_CORE_READ(slave, termios.c_lflag);

	return (lflag & GH_ICANON) && !(lflag & GH_ECHO);
}

static __always_inline bool any_jitter(void)
{
	__u32 zero = 0;
	__u32 *live = bpf_map_lookup_elem(&jitter_state, &zero);

	return live && *live;
}

/*
 * Whether the line discipline already holds input a read() would return
 * (n_tty's input_available_p): if so, the reader will not block.
 */
static __always_inline bool input_pending(struct tty_struct *tty)
{
	struct n_tty_data *ldata = BPF_CORE_READ(tty, disc_data);
	__u32 lflag = BPF_CORE_READ(tty, termios.c_lflag);
	size_t tail = BPF_CORE_READ(ldata, read_tail);

	if (lflag & GH_ICANON)
		return BPF_CORE_READ(ldata, canon_head) != tail;
	return BPF_CORE_READ(ldata, commit_head) != tail;
}

static __always_inline bool jitter_live(__u32 session_key, __u64 now)
{
	struct gh_jitter_command *cmd = bpf_map_lookup_elem(&jitter_commands, &session_key);

	return cmd && cmd->mode != GH_JITTER_OFF && cmd->expiry_ns > now;
}

/*
 * Not inlined: the call is off the hot path (terminal writes only), and as a
 * real subprogram its signature carries struct gh_tty_event and the enums
 * into the object's BTF, where the ABI test reads their layout.
 */
static __noinline void fill_event(struct gh_tty_event *event, enum gh_event_kind kind, __u32 flags,
				  __u32 session_key, __u64 bytes)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	event->kind = kind;
	event->flags = flags;
	event->tgid = pid_tgid >> 32;
	event->tid = (__u32)pid_tgid;
	event->uid = (__u32)bpf_get_current_uid_gid();
	event->session_key = session_key;
	event->bytes = bytes;
	bpf_get_current_comm(event->comm, sizeof(event->comm));
	__builtin_memset(event->_pad, 0, sizeof(event->_pad));
}

static __always_inline void emit(enum gh_event_kind kind, __u32 flags, __u32 session_key, __u64 bytes,
				 __u64 now, enum gh_input_shape shape)
{
	struct gh_tty_event *event;

	if (jitter_live(session_key, now))
		flags |= GH_FLAG_JITTERED;
	event = bpf_ringbuf_reserve(&events, sizeof(*event), 0);
	if (!event) {
		count(GH_COUNTER_RINGBUF_DROPS);
		return;
	}
	event->timestamp_ns = now;
	fill_event(event, kind, flags, session_key, bytes);
	event->shape = shape;
	bpf_ringbuf_submit(event, 0);
}

/*
 * The shape of an input chunk (enum gh_input_shape), so user space can tell
 * a held key from a paste or a whole line: two single-byte reads, reduced to
 * one of six values here; the bytes themselves go nowhere.
 */
static __always_inline enum gh_input_shape input_shape(const char *buf, __u64 bytes)
{
	__u8 first = 0, last = 0;

	if (bytes == 0 || bpf_probe_read_user(&first, 1, buf) ||
	    bpf_probe_read_user(&last, 1, buf + bytes - 1))
		return GH_SHAPE_UNKNOWN;
	if (last == '\r' || last == '\n')
		return GH_SHAPE_ENTER;
	if (bytes == 1)
		return GH_SHAPE_SINGLE;
	if (first == 0x1b && bytes <= GH_SHAPE_MAX_ESCAPE)
		return GH_SHAPE_ESCAPE;
	if (first >= 0xc2 && first <= 0xf4 && bytes <= GH_SHAPE_MAX_UTF8)
		return GH_SHAPE_UTF8;
	return GH_SHAPE_OTHER;
}

static __always_inline void handle_terminal_write(struct file *file, const char *buf, __u64 bytes)
{
	__u64 now = bpf_ktime_get_ns();
	struct tty_file_private *priv = file->private_data;
	struct tty_struct *tty = BPF_CORE_READ(priv, tty);
	struct tty_struct *slave;

	if (!tty)
		return;
	if (!is_pty_master(tty)) {
		emit(GH_EVENT_OUTPUT, 0, tty_session_key(tty), bytes, now, GH_SHAPE_UNKNOWN);
		return;
	}
	slave = BPF_CORE_READ(tty, link);
	if (!slave)
		return;
	if (at_password_prompt(slave)) {
		count(GH_COUNTER_PASSWORD_SKIPS);
		return;
	}
	emit(GH_EVENT_INPUT, GH_FLAG_MASTER_SIDE, tty_session_key(slave), bytes, now,
	     input_shape(buf, bytes));
}

/*
 * Whether a select/poll-family call waits for stdin to become readable.
 * readline (bash, python, ...) waits in pselect6 on fd 0 before it reads,
 * so that is where a jittered shell blocks for its next input. Only fd 0 is
 * checked: a wait on other descriptors (a socket) must not hold the session.
 */
static __always_inline bool waits_on_stdin(long id, struct pt_regs *regs)
{
	__u64 nfds, first;
	struct pollfd entry;

	if (id == GH_NR_PSELECT6 || id == GH_NR_SELECT) {
		nfds = PT_REGS_PARM1(regs);
		first = 0;
		if (nfds < 1 || bpf_probe_read_user(&first, 1, (void *)PT_REGS_PARM2(regs)))
			return false;
		return first & 1;
	}
	if (id == GH_NR_PPOLL || id == GH_NR_POLL) {
		nfds = PT_REGS_PARM2(regs);
		if (nfds < 1 || bpf_probe_read_user(&entry, sizeof(entry), (void *)PT_REGS_PARM1(regs)))
			return false;
		return entry.fd == 0 && (entry.events & GH_POLLIN);
	}
	return false;
}

/*
 * A jittered session's reader is about to wait for input: the writer holds
 * the session from here until the next input's drawn delay has passed.
 */
static __always_inline void handle_terminal_read(struct file *file, __u64 bytes)
{
	__u64 now = bpf_ktime_get_ns();
	struct tty_file_private *priv = file->private_data;
	struct tty_struct *tty = BPF_CORE_READ(priv, tty);
	__u32 key;

	if (!tty || is_pty_master(tty))
		return;
	key = tty_session_key(tty);
	if (!jitter_live(key, now) || input_pending(tty))
		return;
	emit(GH_EVENT_READ_WAIT, 0, key, bytes, now, GH_SHAPE_UNKNOWN);
}

/*
 * Every syscall passes here (tp_btf/sys_enter is the cheapest hook these
 * kernels allow), so anything that is not a write to a terminal (or, while a
 * session is jittered, a wait on one) must leave after as few loads as
 * possible. The write's start is the moment its bytes reach the terminal,
 * which is the timing we score.
 */
SEC("tp_btf/sys_enter")
int BPF_PROG(handle_sys_enter, struct pt_regs *regs, long id)
{
	struct file *file;
	__u64 fd;

	if (id == GH_NR_WRITE) {
		fd = PT_REGS_PARM1(regs);
	} else {
		/* Waits matter only while a session is jittered. */
		if (!any_jitter())
			return 0;
		if (id == GH_NR_READ)
			fd = PT_REGS_PARM1(regs);
		else if (waits_on_stdin(id, regs))
			fd = 0;
		else
			return 0;
	}
	file = current_file(fd);
	if (!file || !is_terminal_rdev(file->f_inode->i_rdev))
		return 0;
	if ((bpf_get_current_pid_tgid() >> 32) == gh_config.agent_tgid)
		return 0;
	if (id == GH_NR_WRITE)
		handle_terminal_write(file, (const char *)PT_REGS_PARM2(regs), PT_REGS_PARM3(regs));
	else
		handle_terminal_read(file, 0);
	return 0;
}
