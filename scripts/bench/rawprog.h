/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rawprog.h - the benchmarks' own small XDP programs, loaded from raw
 * instructions: the empty program (XDP_PASS), drop-all (XDP_DROP), the
 * traffic generator run in live-frames mode, and programs that do one
 * thing the guard does per packet (a helper call or a hash lookup), so the
 * guard's cost can be taken apart.
 *
 * The generator rewrites the low 16 bits of the IPv4 source of the frame
 * it is given with a random value under a mask (so a template from
 * 198.18.0.0/16 and the mask 0xffff give 65,536 sources) and returns
 * XDP_TX. It writes 0xffff minus the same value into the IPv4
 * identification and the low half of the TCP sequence number; the ones'
 * complement sums stay the same, so both checksums stay valid when the
 * template holds 0 in the source's low half and 0xffff in the other two.
 */
#ifndef MXG_BENCH_RAWPROG_H
#define MXG_BENCH_RAWPROG_H

#include <errno.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>

/* Offsets in an untagged Ethernet + IPv4 (no options) + TCP frame. */
#define RAW_OFF_IP_ID 18
#define RAW_OFF_SRC_LO 28
#define RAW_OFF_TCP_SEQ_LO 40
#define RAW_MIN_LEN 54

#define RAW_INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), \
			    .off = (o), .imm = (i) })
#define RAW_MOV_IMM(d, i) RAW_INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define RAW_MOV_REG(d, s) RAW_INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define RAW_ALU_IMM(op, d, i) RAW_INSN(BPF_ALU64 | (op) | BPF_K, d, 0, 0, i)
#define RAW_ALU_REG(op, d, s) RAW_INSN(BPF_ALU64 | (op) | BPF_X, d, s, 0, 0)
#define RAW_TO_BE16(d) RAW_INSN(BPF_ALU | BPF_END | BPF_TO_BE, d, 0, 0, 16)
#define RAW_LDX_W(d, s, o) RAW_INSN(BPF_LDX | BPF_W | BPF_MEM, d, s, o, 0)
#define RAW_STX_H(d, s, o) RAW_INSN(BPF_STX | BPF_H | BPF_MEM, d, s, o, 0)
#define RAW_JGT_REG(d, s, o) RAW_INSN(BPF_JMP | BPF_JGT | BPF_X, d, s, o, 0)
#define RAW_ST_W(d, o, i) RAW_INSN(BPF_ST | BPF_W | BPF_MEM, d, 0, o, i)
#define RAW_CALL(f) RAW_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define RAW_LD_MAP_FD(d, fd) \
	RAW_INSN(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_FD, 0, fd), \
	RAW_INSN(0, 0, 0, 0, 0)
#define RAW_EXIT() RAW_INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static inline int rawprog_load(const char *name, const struct bpf_insn *insns,
			       size_t n)
{
	int fd = bpf_prog_load(BPF_PROG_TYPE_XDP, name, "GPL", insns, n, NULL);

	return fd < 0 ? -errno : fd;
}

/* rawprog_verdict - a program that returns verdict and does nothing else. */
static inline int rawprog_verdict(int verdict)
{
	const struct bpf_insn insns[] = {
		RAW_MOV_IMM(BPF_REG_0, verdict),
		RAW_EXIT(),
	};

	return rawprog_load(verdict == XDP_DROP ? "bench_drop" : "bench_verdict",
			    insns, sizeof(insns) / sizeof(insns[0]));
}

/* rawprog_helper - XDP_PASS after one call of a helper without arguments. */
static inline int rawprog_helper(int func)
{
	const struct bpf_insn insns[] = {
		RAW_CALL(func),
		RAW_MOV_IMM(BPF_REG_0, XDP_PASS),
		RAW_EXIT(),
	};

	return rawprog_load("bench_helper", insns,
			    sizeof(insns) / sizeof(insns[0]));
}

/*
 * rawprog_lookup - XDP_PASS after looking a 4-byte key up in map_fd, the
 * same key every time.
 */
static inline int rawprog_lookup(int map_fd, __u32 key)
{
	const struct bpf_insn insns[] = {
		RAW_ST_W(BPF_REG_10, -4, (__s32)key),
		RAW_MOV_REG(BPF_REG_2, BPF_REG_10),
		RAW_ALU_IMM(BPF_ADD, BPF_REG_2, -4),
		RAW_LD_MAP_FD(BPF_REG_1, map_fd),
		RAW_CALL(BPF_FUNC_map_lookup_elem),
		RAW_MOV_IMM(BPF_REG_0, XDP_PASS),
		RAW_EXIT(),
	};

	return rawprog_load("bench_lookup", insns,
			    sizeof(insns) / sizeof(insns[0]));
}

/*
 * rawprog_generator - the live-frames generator described at the top,
 * drawing sources under mask and returning verdict (XDP_TX; XDP_DROP
 * measures the generator alone); frames shorter than RAW_MIN_LEN are
 * dropped.
 */
static inline int rawprog_generator(int verdict, __u16 mask)
{
	const struct bpf_insn insns[] = {
		RAW_MOV_REG(BPF_REG_6, BPF_REG_1),
		RAW_CALL(BPF_FUNC_get_prandom_u32),
		RAW_LDX_W(BPF_REG_2, BPF_REG_6, 0),	/* data */
		RAW_LDX_W(BPF_REG_3, BPF_REG_6, 4),	/* data_end */
		RAW_MOV_REG(BPF_REG_4, BPF_REG_2),
		RAW_ALU_IMM(BPF_ADD, BPF_REG_4, RAW_MIN_LEN),
		RAW_JGT_REG(BPF_REG_4, BPF_REG_3, 11),	/* to the drop below */
		RAW_ALU_IMM(BPF_AND, BPF_REG_0, mask),
		RAW_MOV_REG(BPF_REG_5, BPF_REG_0),
		RAW_TO_BE16(BPF_REG_5),
		RAW_STX_H(BPF_REG_2, BPF_REG_5, RAW_OFF_SRC_LO),
		RAW_MOV_IMM(BPF_REG_5, 0xffff),
		RAW_ALU_REG(BPF_SUB, BPF_REG_5, BPF_REG_0),
		RAW_TO_BE16(BPF_REG_5),
		RAW_STX_H(BPF_REG_2, BPF_REG_5, RAW_OFF_IP_ID),
		RAW_STX_H(BPF_REG_2, BPF_REG_5, RAW_OFF_TCP_SEQ_LO),
		RAW_MOV_IMM(BPF_REG_0, verdict),
		RAW_EXIT(),
		RAW_MOV_IMM(BPF_REG_0, XDP_DROP),
		RAW_EXIT(),
	};

	return rawprog_load("bench_gen", insns, sizeof(insns) / sizeof(insns[0]));
}

#endif /* MXG_BENCH_RAWPROG_H */
