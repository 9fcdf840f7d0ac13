// SPDX-License-Identifier: GPL-2.0
/*
 * The floor for the probe-cost benchmark: an empty program on the same hook
 * as the probe. Whatever the probe adds beyond this is its own filtering.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/sys_enter")
int BPF_PROG(empty_sys_enter, struct pt_regs *regs, long id)
{
	return 0;
}
