/**
 * libbpf symbols used by the agent (libbpf ≥ 1.0, where every call returns
 * NULL or a negative errno on failure and sets errno).
 *
 * @module
 */
import { openFirst } from "./library_path.ts";

/** The libbpf functions ghost-hunter calls, with their C signatures. */
export const LIBBPF_SYMBOLS = {
  /** struct bpf_object *bpf_object__open_mem(const void *obj_buf, size_t obj_buf_sz, const struct bpf_object_open_opts *opts) */
  bpf_object__open_mem: {
    parameters: [
      "buffer", // const void *obj_buf
      "usize", // size_t obj_buf_sz
      "pointer", // const struct bpf_object_open_opts *opts
    ],
    result: "pointer",
  },
  /** int bpf_object__load(struct bpf_object *obj) */
  bpf_object__load: {
    parameters: ["pointer"], // struct bpf_object *obj
    result: "i32",
  },
  /** void bpf_object__close(struct bpf_object *obj) */
  bpf_object__close: {
    parameters: ["pointer"], // struct bpf_object *obj
    result: "void",
  },
  /** struct bpf_program *bpf_object__find_program_by_name(const struct bpf_object *obj, const char *name) */
  bpf_object__find_program_by_name: {
    parameters: [
      "pointer", // const struct bpf_object *obj
      "buffer", // const char *name
    ],
    result: "pointer",
  },
  /** struct bpf_map *bpf_object__find_map_by_name(const struct bpf_object *obj, const char *name) */
  bpf_object__find_map_by_name: {
    parameters: [
      "pointer", // const struct bpf_object *obj
      "buffer", // const char *name
    ],
    result: "pointer",
  },
  /** struct bpf_link *bpf_program__attach(const struct bpf_program *prog) */
  bpf_program__attach: {
    parameters: ["pointer"], // const struct bpf_program *prog
    result: "pointer",
  },
  /** int bpf_link__destroy(struct bpf_link *link) */
  bpf_link__destroy: {
    parameters: ["pointer"], // struct bpf_link *link
    result: "i32",
  },
  /** int bpf_map__fd(const struct bpf_map *map) */
  bpf_map__fd: {
    parameters: ["pointer"], // const struct bpf_map *map
    result: "i32",
  },
  /** int bpf_map__set_max_entries(struct bpf_map *map, __u32 max_entries) */
  bpf_map__set_max_entries: {
    parameters: [
      "pointer", // struct bpf_map *map
      "u32", // __u32 max_entries
    ],
    result: "i32",
  },
  /** void *bpf_map__initial_value(struct bpf_map *map, size_t *psize) */
  bpf_map__initial_value: {
    parameters: [
      "pointer", // struct bpf_map *map
      "buffer", // size_t *psize
    ],
    result: "pointer",
  },
  /** int bpf_map_lookup_elem(int fd, const void *key, void *value) */
  bpf_map_lookup_elem: {
    parameters: [
      "i32", // int fd
      "buffer", // const void *key
      "buffer", // void *value
    ],
    result: "i32",
  },
  /** int bpf_map_update_elem(int fd, const void *key, const void *value, __u64 flags) */
  bpf_map_update_elem: {
    parameters: [
      "i32", // int fd
      "buffer", // const void *key
      "buffer", // const void *value
      "u64", // __u64 flags
    ],
    result: "i32",
  },
  /** int bpf_map_delete_elem(int fd, const void *key) */
  bpf_map_delete_elem: {
    parameters: [
      "i32", // int fd
      "buffer", // const void *key
    ],
    result: "i32",
  },
  /** int bpf_map_get_next_key(int fd, const void *key, void *next_key) */
  bpf_map_get_next_key: {
    parameters: [
      "i32", // int fd
      "buffer", // const void *key (NULL: the first key)
      "buffer", // void *next_key
    ],
    result: "i32",
  },
  /** int bpf_obj_pin(int fd, const char *pathname) */
  bpf_obj_pin: {
    parameters: [
      "i32", // int fd
      "buffer", // const char *pathname
    ],
    result: "i32",
  },
  /** int bpf_obj_get(const char *pathname) */
  bpf_obj_get: {
    parameters: ["buffer"], // const char *pathname
    result: "i32",
  },
  /** int libbpf_num_possible_cpus(void) */
  libbpf_num_possible_cpus: {
    parameters: [],
    result: "i32",
  },
  /** libbpf_print_fn_t libbpf_set_print(libbpf_print_fn_t fn) */
  libbpf_set_print: {
    parameters: ["pointer"], // libbpf_print_fn_t fn
    result: "pointer",
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** An open libbpf. */
export type Libbpf = Deno.DynamicLibrary<typeof LIBBPF_SYMBOLS>;

/**
 * Opens libbpf: `$GHOST_HUNTER_LIBBPF` if set, else `libbpf.so.1`. Throws an
 * error listing what was tried.
 */
export function openLibbpf(): Libbpf {
  return openFirst(
    { envVar: "GHOST_HUNTER_LIBBPF", sonames: ["libbpf.so.1"] },
    LIBBPF_SYMBOLS,
  );
}
