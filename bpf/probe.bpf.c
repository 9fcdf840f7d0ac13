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

/* writer_ptys value of a process that has written the masters of two ptys. */
#define GH_WRITER_SHARED 0xffffffff

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
 * Writers this probe stopped and nobody has seen run since, by thread id.
 * Pinned by the agent, so its guardian or the next agent can SIGCONT each
 * one after the agent dies. A plain hash, not LRU: an entry is never lost
 * while its writer is stopped; when it is full, inputs are not held.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct gh_stopped_writer);
} stopped_writers SEC(".maps");

/*
 * The pty a process last wrote as a master, by tgid, or GH_WRITER_SHARED once
 * it has written two: stopping such a writer (a tmux server with several
 * panes) would delay sessions that are not jittered.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u32);
} writer_ptys SEC(".maps");

/*
 * Session leaders seen on a terminal: leader pid → session key. Filled as
 * their terminal is written, emptied as they exit, so the exit of a leader
 * this probe never saw on a terminal costs one failed lookup. When full, a
 * new login's end goes unreported and the agent's session bound forgets it.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u32);
} session_leaders SEC(".maps");

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

static __always_inline struct gh_jitter_command *live_command(__u32 session_key, __u64 now)
{
	struct gh_jitter_command *cmd = bpf_map_lookup_elem(&jitter_commands, &session_key);

	return cmd && cmd->mode != GH_JITTER_OFF && cmd->expiry_ns > now ? cmd : NULL;
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

/*
 * Records that the current process wrote the master of session_key, on every
 * input, jittered or not: a process that has written a second pty is marked
 * shared, sticky until the LRU forgets it.
 */
static __always_inline void note_writer_pty(__u32 session_key)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u32 *last = bpf_map_lookup_elem(&writer_ptys, &tgid);
	__u32 shared = GH_WRITER_SHARED;

	if (!last)
		bpf_map_update_elem(&writer_ptys, &tgid, &session_key, BPF_ANY);
	else if (*last != session_key && *last != GH_WRITER_SHARED)
		bpf_map_update_elem(&writer_ptys, &tgid, &shared, BPF_ANY);
}

/* Whether the current process has written the masters of several ptys. */
static __always_inline bool writer_shared(__u32 tgid)
{
	__u32 *last = bpf_map_lookup_elem(&writer_ptys, &tgid);

	return last && *last == GH_WRITER_SHARED;
}

/*
 * Whether stopping the current process would show as a stopped job: its
 * parent is the session leader of the terminal it runs on (a job-control
 * shell, which waits with WUNTRACED, prints "Stopped" and takes the terminal
 * back). sshd's session process, a tmux server and the pty helper of a
 * reverse shell have no terminal of their own.
 */
static __always_inline bool stop_visible_to_job_control(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct tty_struct *tty = task->signal->tty;
	struct signal_struct *parent = task->real_parent->signal;

	return tty && parent->leader && parent->tty == tty;
}

/*
 * The current thread is a writer this probe stopped, continued since: its
 * write was interrupted before a byte landed and restarts through sys_enter.
 * Let it through once, unreported (its input was reported when it was held).
 */
static __always_inline bool restarted_after_hold(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (!bpf_map_lookup_elem(&stopped_writers, &tid))
		return false;
	bpf_map_delete_elem(&stopped_writers, &tid);
	return true;
}

/*
 * Stops the current thread (the pty master's writer) before its input
 * reaches the line discipline: the SIGSTOP is pending before the syscall
 * body runs, so n_tty_write returns -ERESTARTSYS with nothing written, and
 * the agent's SIGCONT at input time + d lets it restart. The record goes in
 * first, so a writer is never stopped without one. Nothing inside the
 * session changes: the writer is outside it.
 */
static __always_inline bool hold_writer(__u32 session_key, __u64 now)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 tid = (__u32)pid_tgid;
	struct gh_stopped_writer record = {
		.stopped_ns = now,
		.start_boottime_ns = task->group_leader->start_boottime,
		.tgid = pid_tgid >> 32,
		.session_key = session_key,
	};

	if (writer_shared(record.tgid)) {
		count(GH_COUNTER_HOLD_SHARED_WRITER);
		return false;
	}
	if (stop_visible_to_job_control()) {
		count(GH_COUNTER_HOLD_JOB_CONTROL);
		return false;
	}
	if (bpf_map_update_elem(&stopped_writers, &tid, &record, BPF_NOEXIST)) {
		count(GH_COUNTER_HOLD_TABLE_FULL);
		return false;
	}
	if (bpf_send_signal_thread(GH_SIGSTOP)) {
		bpf_map_delete_elem(&stopped_writers, &tid);
		return false;
	}
	return true;
}

static __always_inline void emit(enum gh_event_kind kind, __u32 flags, __u32 session_key,
				 __u32 login_id, __u64 bytes, __u64 now, enum gh_input_shape shape)
{
	struct gh_jitter_command *cmd = live_command(session_key, now);
	struct gh_tty_event *event;

	/* Reserve first: a writer is stopped only for an input the agent will see. */
	event = bpf_ringbuf_reserve(&events, sizeof(*event), 0);
	if (!event) {
		count(GH_COUNTER_RINGBUF_DROPS);
		return;
	}
	if (cmd) {
		flags |= GH_FLAG_JITTERED;
		if (kind == GH_EVENT_INPUT && cmd->mode == GH_JITTER_SIGSTOP && hold_writer(session_key, now))
			flags |= GH_FLAG_WRITER_STOPPED;
	}
	event->timestamp_ns = now;
	fill_event(event, kind, flags, session_key, bytes);
	event->login_id = login_id;
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

/*
 * A login is its session: the leader that holds the terminal as its
 * controlling tty (sshd's child shell, the shell setsid gave a pty). Its
 * pid tells a new login on a reused pts/N from the last one. 0 when the
 * terminal is nobody's controlling tty (its leader is gone).
 */
static __always_inline __u32 tty_login_id(struct tty_struct *tty)
{
	struct pid *session = BPF_CORE_READ(tty, ctrl.session);

	if (!session)
		return 0;
	return BPF_CORE_READ(session, numbers[0].nr);
}

/* Remembers the leader of a login seen on a terminal, so its exit can end the session. */
static __always_inline void remember_login(__u32 login_id, __u32 session_key)
{
	__u32 *known;

	if (!login_id)
		return;
	known = bpf_map_lookup_elem(&session_leaders, &login_id);
	if (known && *known == session_key)
		return;
	bpf_map_update_elem(&session_leaders, &login_id, &session_key, BPF_ANY);
}

/* A terminal event with the login it belongs to. */
static __always_inline void emit_for_tty(enum gh_event_kind kind, __u32 flags, struct tty_struct *tty,
					 __u64 bytes, __u64 now, enum gh_input_shape shape)
{
	__u32 session_key = tty_session_key(tty);
	__u32 login_id = tty_login_id(tty);

	remember_login(login_id, session_key);
	emit(kind, flags, session_key, login_id, bytes, now, shape);
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
		emit_for_tty(GH_EVENT_OUTPUT, 0, tty, bytes, now, GH_SHAPE_UNKNOWN);
		return;
	}
	if (restarted_after_hold())
		return;
	slave = BPF_CORE_READ(tty, link);
	if (!slave)
		return;
	if (at_password_prompt(slave)) {
		count(GH_COUNTER_PASSWORD_SKIPS);
		return;
	}
	note_writer_pty(tty_session_key(slave));
	emit_for_tty(GH_EVENT_INPUT, GH_FLAG_MASTER_SIDE, slave, bytes, now, input_shape(buf, bytes));
}

/*
 * Every syscall passes here (tp_btf/sys_enter is the cheapest hook these
 * kernels allow), so anything that is not a write to a terminal must leave
 * after as few loads as possible. The write's start is the moment its bytes
 * reach the terminal, which is the timing we score, and the last moment a
 * hold can stop them.
 */
SEC("tp_btf/sys_enter")
int BPF_PROG(handle_sys_enter, struct pt_regs *regs, long id)
{
	struct file *file;

	if (id != GH_NR_WRITE)
		return 0;
	file = current_file(PT_REGS_PARM1(regs));
	if (!file || !is_terminal_rdev(file->f_inode->i_rdev))
		return 0;
	if ((bpf_get_current_pid_tgid() >> 32) == gh_config.agent_tgid)
		return 0;
	handle_terminal_write(file, (const char *)PT_REGS_PARM2(regs), PT_REGS_PARM3(regs));
	return 0;
}

/*
 * A login ends when its session leader exits (the shell sshd started, the
 * process setsid gave a pty): the agent drops that session's state, so the
 * next login on the same pts/N starts afresh. Hooked at process exit rather
 * than at the terminal's close because a hangup clears the leader's
 * controlling tty first, and sshd may keep the master open a while.
 * sched_process_exit runs once per thread; the last one out ends the group.
 */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_process_exit, struct task_struct *task)
{
	__u32 leader = task->tgid;
	__u32 *session_key;
	__u32 key;

	if (task->signal->live.counter != 0)
		return 0;
	session_key = bpf_map_lookup_elem(&session_leaders, &leader);
	if (!session_key)
		return 0;
	key = *session_key;
	bpf_map_delete_elem(&session_leaders, &leader);
	emit(GH_EVENT_SESSION_END, 0, key, leader, 0, bpf_ktime_get_ns(), GH_SHAPE_UNKNOWN);
	return 0;
}
